"""Linkage: how the legal department's proceedings list was matched to the children's records,
and how good the match is (Harron et al. 2017): match rates overall and by group, linked rows
against unlinked ones, and, in internal reports only, the borderline pairs for a person to
decide, with the decisions read back on the next build. The statistics are in
`generator.analyses.linkage` and `generator.analyses.linkage_quality`.
"""

from __future__ import annotations

import pandas as pd

from generator.analyses import linkage_quality as quality
from generator.charts.rates import rate_bars
from generator.page_options import LinkageOptions
from generator.pages.base import PageContext, PageKind, Plan, RenderedPage
from generator.pages.legal_links import NEEDS_LIST, ask_for_link, linked, number, rates_in_words
from generator.published import Derived, Table
from generator.words import ethnic_group

METHODS = {
    "names": ("Rows were matched to the person list on surname (Jaro-Winkler similarity and Metaphone keys), forename "
              "or initial, date of birth (exact, day and month swapped, or one part different) and sex, comparing only "
              "pairs that share a date of birth or a Soundex surname key; each agreement is weighted by Fellegi-Sunter "
              "m and u probabilities estimated from the data (EM)."),
    "dates": ("The data hold no person list, or the proceedings list no names, so rows were matched without names: on "
              "the month of birth and sex the records hold, and the legal statuses proceedings leave in the "
              "looked-after return (an interim care order near the application date; a care or placement order, or care "
              "ending in a special guardianship or child arrangements order, near the final order date). Children never "
              "looked after leave no such trace and cannot be found this way."),
}
REVIEW_HELP = (
    "Pairs between the review and match thresholds, each row with its best candidates. Fill in the decision column "
    "with 'match' or 'non-match', keep the proceedings_id, child_id and decision columns, and put the CSV in the data "
    "folder: the next build reads it back and the decisions override the score. Rows left blank stay in review."
)
PUBLIC_REVIEW = ("The clerical review list names children, so it is in internal reports only; this public report "
                 "shows the match rates alone.")


class LinkagePage(PageKind):
    kind = "linkage"
    group = "proceedings"
    #: Without names the list is linked on the legal statuses of periods of care.
    measures = frozenset({"lac_start"})
    Options = LinkageOptions

    def prepare(self, options: LinkageOptions, plan: Plan) -> None:
        ask_for_link(options, plan)

    def render(self, options: LinkageOptions, ctx: PageContext) -> RenderedPage:
        found = linked(options, ctx)
        if found is None:
            return RenderedPage(template="legal.html", context={"intro": options.intro, "notes": [NEEDS_LIST], "tables": []})
        legal = found.legal
        table = quality.link_table(legal.proceedings, found.links, ctx.log)
        slug = options.slug
        overall = quality.match_rates(table)
        notes = [METHODS[found.method], self._overall(overall)]
        decisions = legal.decisions
        if decisions is not None and len(decisions):
            count = Table(pd.DataFrame({"decisions_count": [len(decisions)]}), counts=["decisions_count"], groups=[])
            notes.append(Derived(count, lambda shown: f"Clerical decisions read back from the data folder: "
                                 f"{number(shown['decisions_count'].iloc[0])} (they override the score for the pairs they name)."))
        charts = [self._rates(slug, quality.match_rates(table, "age"), "age", "Age at application (from the list)"),
                  self._rates(slug, quality.match_rates(table, "sex"), "sex", "Sex (from the list)")]
        ethnic = quality.interim_orders_found(ctx.log, found.links, "ethnicity")
        if len(ethnic):
            ethnic = ethnic.assign(group=ethnic["group"].map(ethnic_group))  # names, not DfE codes
            charts.append(self._rates(slug, ethnic, "ethnicity", "Ethnic group (from the records)", records=True))
        tables = [self._linked_unlinked(slug, table)]
        downloads = {}
        if ctx.public:
            notes.append(PUBLIC_REVIEW)
        else:
            review = quality.review_list(legal.proceedings, found.links, found.pairs, legal.persons)
            review = review.assign(**{c: review[c].dt.strftime("%Y-%m-%d") for c in review.columns
                                      if pd.api.types.is_datetime64_any_dtype(review[c])})
            review = review.round({"probability": 3, "weight": 2})
            downloads[f"{slug}-review"] = Table(review, counts=[], groups=[])
            tables.append({"id": f"{slug}-review", "after": None, "heading": "Pairs for clerical review (internal only)",
                           "notes": [REVIEW_HELP], "headers": {}, "download": f"{slug}-review",
                           "caption": "Borderline pairs: the list's details beside the record's",
                           "frame": Table(review, counts=[], groups=[])})
        return RenderedPage(template="legal.html", charts=charts, downloads=downloads,
                            context={"intro": options.intro, "notes": notes, "tables": tables})

    def _overall(self, overall):
        frame = overall.rename(columns={"rows": "rows_count", "linked": "linked_count", "review": "review_count"})

        def make(shown):
            row = shown.iloc[0]
            pct = pd.to_numeric(pd.Series([row["pct"]]), errors="coerce").iloc[0]
            rate = f"{pct:.1f}% (95% interval {float(row['pct_low']):.1f}% to {float(row['pct_high']):.1f}%)" \
                if pd.notna(pct) else "a share that cannot be shown"
            return (f"{number(row['linked_count'])} of the list's {number(row['rows_count'])} rows were matched to a child, {rate}; "
                    f"{number(row['review_count'])} went to clerical review. North Yorkshire matched 90% of 268 children by hand.")
        return Derived(Table(frame, counts=["rows_count", "linked_count", "review_count"], groups=[],
                             rates={"pct": ("linked_count", "rows_count")}, hidden_with={"pct": ["pct_low", "pct_high"]}),
                       make)

    def _rates(self, slug, rates, by, title, records=False):
        bars = rates.rename(columns={"group": by, "linked": "count", "rows": "n"}).drop(columns="review")
        what = ("children whose looked-after return shows an interim care order who were found in the proceedings list"
                if records else "proceedings rows matched to a child's records")
        denominator = ("children" if records else "rows") + "_count"

        def describe(shown):
            return (f"Bar chart of the share of {what}, by {title.split(' (')[0].lower()}: "
                    + rates_in_words(shown, by, denominator) + ".")

        chart = rate_bars(f"{slug}-by-{by}", bars, title=("Interim care orders found in the list" if records else
                                                         "Proceedings rows matched") + f", by {by}",
                         description="", category=by, category_title=title,
                         count_title="Found in the list" if records else "Matched",
                         n_title="Children with an interim care order" if records else "Rows",
                         y_title="Matched (%)", names=("matched", "children" if records else "rows"))
        chart.describe = describe
        chart.description = describe(chart.data)
        return chart

    def _linked_unlinked(self, slug, table):
        frame = quality.linked_against_unlinked(table).round({"linked_pct": 1, "unlinked_pct": 1})
        headers = {"characteristic": "Rows with", "linked_count": "Linked rows with it", "linked_rows": "Linked rows",
                   "linked_pct": "Linked (%)", "unlinked_count": "Unlinked rows with it", "unlinked_rows": "Unlinked rows",
                   "unlinked_pct": "Unlinked (%)"}
        return {"id": f"{slug}-linked-unlinked", "after": None, "heading": "Linked rows against unlinked rows",
                "notes": ["If unlinked rows differ from linked ones (younger children, no date of birth given), figures "
                          "built on the linked rows under-represent them (Harron et al. 2017)."],
                "headers": headers, "caption": "What the list says of the rows that were and were not linked",
                "frame": Table(frame, counts=["linked_count", "linked_rows", "unlinked_count", "unlinked_rows"], groups=[],
                               rates={"linked_pct": ("linked_count", "linked_rows"),
                                      "unlinked_pct": ("unlinked_count", "unlinked_rows")})}
