"""Care proceedings: children's journeys through them and how long they then stay in care
(seed section 5). Statistics are in `generator.analyses.proceedings` (journeys, flows,
durations, leaving-care curves) and `generator.analyses.orders` (order mix); the list is
linked to the records as on the linkage page (`generator.pages.legal_links`). This page
chooses the charts and the words; every number goes through the privacy stage.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.analyses import proceedings as legal
from generator.analyses.intervals import wilson_interval
from generator.analyses.orders import order_shares
from generator.charts.curves import survival_curves
from generator.charts.rates import rate_bars
from generator.charts.sankey import sankey
from generator.charts.theme import PALETTE
from generator.page_options import ProceedingsOptions
from generator.pages.base import PageContext, PageKind, Plan, RenderedPage
from generator.pages.legal_links import NEEDS_LIST, ask_for_link, linked, number, rates_in_words
from generator.published import Derived, Table

UNIT = "children"
TONES = {"before": ("Before proceedings", PALETTE[7]), "interim": ("During: interim order", PALETTE[0]),
         "care": ("Ended: the child in care", PALETTE[1]), "family": ("Ended: with family or carers", PALETTE[2]),
         "home": ("Ended: home, or no order", PALETTE[3]), "open": ("Still open or not known", PALETTE[5])}
END_TONES = {"Care order": "care", "Placement order": "care", "Special guardianship order": "family",
             "SGO with supervision order": "family", "Child arrangements order": "family"}
#: Weeks at which the number at risk is tabled under the leaving-care curves.
AT_RISK_WEEKS = (0, 13, 26, 52, 78, 104, 156, 208, 260)
#: The seed's reading point of the leaving-care curves (70% against 50% still in care).
READ_AT_WEEKS = 50
IMMORTAL_TIME = (
    "Each child is counted in the group they were in on the day they entered care: 'with proceedings' when a "
    "set of proceedings about them was open that day. Proceedings that started later do not move a child into "
    "that group, because children who stay longer have more time in which proceedings can start, and counting "
    "them would credit proceedings with stays that were long for other reasons (immortal-time bias). Each "
    "child's first entry to care in the records is followed; children still looked after at the end of the "
    "records are followed to that day (censored)."
)


def _nodes() -> list[tuple[int, str, str]]:
    before = [(0, name, "before") for name in (*legal.BEFORE, legal.OTHER["before"])]
    during = [(1, name, "interim") for name in (*legal.DURING.values(), legal.NOT_RECORDED, legal.OTHER["during"])]
    end = [(2, name, END_TONES.get(name, "open" if name in (legal.OPEN, legal.UNKNOWN_END) else "home"))
           for name in (*legal.END.values(), legal.OPEN, legal.UNKNOWN_END, legal.OTHER["end"])]
    return before + during + end


def _shown_links(shown: pd.DataFrame) -> pd.DataFrame:
    """The links of a published Sankey table that may be drawn (every number shown)."""
    links = shown.rename(columns={UNIT + "_count": "count", UNIT + "_at_source_count": "source_count",
                                  "pct_of_source": "pct"})
    numbers = links[["count", "source_count", "pct"]].apply(pd.to_numeric, errors="coerce")
    drawable = numbers.notna().all(axis=1)
    links = links[drawable].copy()
    links[["count", "source_count"]] = numbers[drawable][["count", "source_count"]].astype(int)
    links["pct"] = numbers[drawable]["pct"].astype(float)
    return links.reset_index(drop=True)


def flow_sentence(links: pd.DataFrame, hidden: bool = False) -> str:
    """The flows in words: the first and last columns' totals, largest first. ``hidden``: some
    flows were not published (a public report), so the sums are of the flows shown only and
    no total of all children is claimed (a public page said "24 children's sets" of 356)."""
    first_column = {name for column, name, _ in _nodes() if column == 0}
    last_column = {name for column, name, _ in _nodes() if column == 2}
    first = links[links["source"].isin(first_column)]
    last = links[links["target"].isin(last_column)]
    if first.empty or last.empty:
        return "Flow diagram of children through care proceedings: no flow can be shown."
    total = int(first["count"].sum())
    before = first.groupby("source")["count"].sum().sort_values(ascending=False)
    end = last.groupby("target")["count"].sum().sort_values(ascending=False)
    whose = ("children's sets of proceedings" if hidden else f"{total:,} children's sets of proceedings")
    caveat = (" Small flows are not shown in a published report, so the figures below add up only the flows shown."
              if hidden else "")
    return (f"Flow diagram of {whose}, from where the child was before them, "
            f"through the interim order, to the final order.{caveat} Before: "
            + "; ".join(f"{name} {count:,}" for name, count in before.items()) + ". At the end: "
            + "; ".join(f"{name} {count:,}" for name, count in end.items()) + ".")


class ProceedingsPage(PageKind):
    kind = "proceedings"
    group = "proceedings"
    #: Proceedings are read against periods of care: without them there is nothing to show.
    measures = frozenset({"lac_start"})
    Options = ProceedingsOptions

    def prepare(self, options: ProceedingsOptions, plan: Plan) -> None:
        ask_for_link(options, plan)

    def render(self, options: ProceedingsOptions, ctx: PageContext) -> RenderedPage:
        found = linked(options, ctx)
        if found is None:
            return RenderedPage(template="legal.html", context={"intro": options.intro, "notes": [NEEDS_LIST], "tables": []})
        table = legal.journeys(found.legal.proceedings, found.links, ctx.log)
        slug = options.slug
        notes = [self._linked_note(table, found.method), self._never_note(table, ctx)]
        charts, tables = [self._sankey(slug, table, options.smallest_flow)], []
        durations = self._durations(slug, table)
        if durations is not None:
            charts.append(durations[0])
            tables.append(durations[1])
        mix = self._order_mix(slug, table)
        if mix is not None:
            charts.append(mix)
        curves = self._curves(slug, table, ctx, options.weeks)
        if curves is not None:
            charts.append(curves[0])
            tables.append(curves[1])
            notes += curves[2]
        return RenderedPage(template="legal.html", charts=charts, context={"intro": options.intro, "notes": notes,
                                                                            "tables": tables})

    def _linked_note(self, table, method):
        counts = pd.DataFrame({"rows_count": [len(table)], "linked_count": [int(table["child_id"].notna().sum())]})
        how = ("by name, date of birth and sex against the person list" if method == "names" else
               "without names, on the date of birth, sex and the legal statuses in the looked-after return, so children "
               "never looked after cannot be found")

        def make(shown):
            rows, linked_rows = shown["rows_count"].iloc[0], shown["linked_count"].iloc[0]
            return (f"The proceedings list has {number(rows)} rows (one per child per set of proceedings), of which {number(linked_rows)} "
                    f"were matched to a child's records {how} (see the linkage page). Rows not matched are counted as "
                    "'Not linked to a record' before proceedings, and left out of every figure about children's records.")
        return Derived(Table(counts, counts=["rows_count", "linked_count"], groups=[]), make)

    def _never_note(self, table, ctx):
        share = legal.never_looked_after(table, ctx.log)
        frame = pd.DataFrame({"children_count": [share["children"]], "never_looked_after_count": [share["never"]],
                              "pct": [100 * share["share"] if share["children"] else np.nan],
                              "pct_low": [100 * share["lower"]], "pct_high": [100 * share["upper"]]})

        def make(shown):
            row = shown.iloc[0]
            pct = pd.to_numeric(pd.Series([row["pct"]]), errors="coerce").iloc[0]
            said = (f"{pct:.1f}% (95% interval {float(row['pct_low']):.1f}% to {float(row['pct_high']):.1f}%)"
                    if pd.notna(pct) else "a share that cannot be shown")
            return (f"Of the {number(row['children_count'])} children in proceedings matched to their records, "
                    f"{number(row['never_looked_after_count'])}, {said}, were never looked after: not before, during or after "
                    "proceedings (North Yorkshire found 17-24%, seed section 5). No national return shows these children.")
        return Derived(Table(frame, counts=["children_count", "never_looked_after_count"], groups=[],
                             rates={"pct": ("never_looked_after_count", "children_count")},
                             hidden_with={"pct": ["pct_low", "pct_high"]}), make)

    def _sankey(self, slug, table, smallest):
        links = legal.sankey_links(table, smallest)

        def draw_links(rows):
            return sankey(f"{slug}-journeys", rows, _nodes(), title="Children's journeys through care proceedings",
                          description=flow_sentence(rows), unit=UNIT, tones=TONES)

        chart = draw_links(links)
        # As on the flows page: the geometry adds links up, so a public Sankey is drawn and
        # described from the links the privacy stage lets through, never from the rest.
        chart.counts, chart.groups = [UNIT + "_count", UNIT + "_at_source_count"], [("source",), ("target",)]
        chart.rates = {"pct_of_source": (UNIT + "_count", UNIT + "_at_source_count")}
        chart.draw = lambda shown: draw_links(_shown_links(shown)).spec
        chart.describe = lambda shown: flow_sentence(_shown_links(shown), hidden=len(_shown_links(shown)) < len(shown))
        return chart

    def _durations(self, slug, table):
        years = legal.durations_by_year(table)
        if years.empty:
            return None
        low, high = wilson_interval(years["within_limit"].to_numpy(), years["concluded"].to_numpy())
        bars = pd.DataFrame({"year": years["year"], "count": years["within_limit"], "n": years["concluded"],
                             "pct": years["pct_within_limit"], "pct_low": 100 * low, "pct_high": 100 * high})
        def describe(shown):
            return ("Bar chart of the share of care proceedings that ended within 26 weeks of the application, by "
                    "the year (April to March) of the final order: " + rates_in_words(shown, "year", "concluded_count") + ".")

        chart = rate_bars(f"{slug}-within-26-weeks", bars, title="Proceedings ending within 26 weeks, by year",
                          description="", category="year", category_title="Year of the final order",
                          count_title="Ended within 26 weeks", n_title="Proceedings ended", y_title="Within 26 weeks (%)",
                          names=("within_26_weeks", "concluded"))
        chart.describe = describe
        chart.description = describe(chart.data)
        medians = years[["year", "concluded", "median_weeks", "lower_quartile_weeks", "upper_quartile_weeks"]].round(1)
        headers = {"year": "Year of the final order", "concluded": "Proceedings ended", "median_weeks": "Median weeks",
                   "lower_quartile_weeks": "Lower quartile (weeks)", "upper_quartile_weeks": "Upper quartile (weeks)"}
        return chart, {"id": f"{slug}-weeks", "after": chart.id, "headers": headers,
                       "caption": "Weeks from the application to the final order, by year of the final order",
                       "frame": Table(medians, counts=["concluded"], groups=[],
                                      hidden_with={"concluded": ["median_weeks", "lower_quartile_weeks",
                                                                 "upper_quartile_weeks"]})}

    def _order_mix(self, slug, table):
        done = table[table["final_order"].notna() & table["final_date"].notna()]
        if done.empty:
            return None
        year = done["final_date"].dt.year - (done["final_date"].dt.month < 4).astype(int)
        shares = order_shares(pd.DataFrame({"child_id": done["proceedings_id"], "year": year,
                                            "final_order": done["final_order"]}))
        bars = pd.DataFrame({"year": shares["year"].map(lambda y: f"{y}-{(y + 1) % 100:02d}"),
                             "order": shares["final_order"].map(legal.END), "count": shares["children"],
                             "n": shares["total"], "pct": 100 * shares["share"], "pct_low": 100 * shares["lower"],
                             "pct_high": 100 * shares["upper"]})
        def describe(shown):
            latest = shown[shown["year"] == shown["year"].max()]
            return ("Bar chart of the final orders made each year (April to March), as shares of the proceedings ended "
                    f"that year. In {latest['year'].iloc[0]}: " + rates_in_words(latest, "order", "proceedings_count") + ".")

        chart = rate_bars(f"{slug}-order-mix", bars, title="Final orders made, by year", description="",
                         category="year", category_title="Year of the final order", group="order",
                         group_title="Final order", count_title="Children with this order", n_title="Proceedings ended",
                         y_title="Proceedings ended (%)", names=("children", "proceedings"), height=320)
        # A year's orders add up to the proceedings ended that year; an order's years add up to
        # nothing published (the Sankey merges small orders into 'Other').
        chart.groups = [("year",)]
        chart.describe = describe
        chart.description = describe(chart.data)
        return chart

    def _curves(self, slug, table, ctx, weeks):
        cohort = legal.leaving_care_cohort(ctx.log, table, ctx.period.end)
        if cohort.empty or cohort["group"].nunique() < 1:
            return None
        curve = legal.still_in_care(cohort, np.arange(0, weeks + 1))
        test = legal.log_rank(cohort)

        def describe(shown: pd.DataFrame) -> str:
            read = []
            for group, rows in shown.groupby("group", sort=True):
                at = rows[pd.to_numeric(rows["weeks"], errors="coerce") == READ_AT_WEEKS]
                value = pd.to_numeric(at["still_in_care"], errors="coerce").dropna()
                if len(value):
                    read.append(f"{group.lower()} {100 * value.iloc[0]:.1f}%")
            return ("Step curves of the share of children still looked after by weeks since they entered care, children "
                    "with care proceedings open at entry against those without (Kaplan-Meier, 95% intervals). At "
                    f"{READ_AT_WEEKS} weeks: " + ("; ".join(read) if read else "no value can be shown") + ".")

        chart = survival_curves(f"{slug}-still-in-care", curve, title="Children still in care, by weeks since entering care",
                                describe=describe, y_title="Still looked after", mark=READ_AT_WEEKS)
        at = [w for w in AT_RISK_WEEKS if w <= weeks]
        at_risk = curve[curve["weeks"].isin(at)].pivot(index="group", columns="weeks", values="at_risk").reset_index()
        at_risk.columns = ["group", *[f"at_risk_{int(w)}_weeks" for w in at_risk.columns[1:]]]
        headers = {"group": "Children", **{c: f"{c.split('_')[2]} weeks" for c in at_risk.columns[1:]}}
        table_of_risk = {"id": f"{slug}-at-risk", "after": chart.id, "headers": headers,
                         "caption": "Number at risk: children still looked after and still followed, by weeks since entry",
                         "frame": Table(at_risk, counts=list(at_risk.columns[1:]), groups=[])}
        notes = [IMMORTAL_TIME]
        if np.isfinite(test["statistic"]):
            notes.append(f"Log-rank test of the two leaving-care curves: chi-squared {test['statistic']:.2f} on "
                         f"{test['df']} degree{'' if test['df'] == 1 else 's'} of freedom, p = {test['p_value']:.3g}"
                         + (" (the curves differ by more than chance would usually give)." if test["p_value"] < 0.05
                            else " (no difference beyond what chance would often give)."))
        return chart, table_of_risk, notes
