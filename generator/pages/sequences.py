"""Care histories grouped by sequence analysis: how many kinds of care history there are, and
what each looks like month by month (seed section 4). The grouping is
`generator.analyses.sequences`; this page shows only aggregates: each group's size, its
chronogram, its modal state month by month, and who is in it. No child's own sequence (not
even a group's medoid, which is one child's history) is published.
"""

from __future__ import annotations

import pandas as pd

from generator.analyses.sequences import (
    PLACEMENT_LABELS, STATES, care_sequences, chronograms, group_care_histories, group_characteristics,
)
from generator.charts.longitudinal import chronogram, silhouette_line
from generator.page_options import SequencesOptions
from generator.pages.base import PageContext, PageKind, RenderedPage
from generator.published import Derived, Table
from generator.words import ethnic_group

LABELS = {**STATES, **PLACEMENT_LABELS}
AGE_BANDS = ((0, "Under 1"), (1, "1 to 4"), (5, "5 to 9"), (10, "10 to 15"), (16, "16 or 17"))


def modal_runs(published: pd.DataFrame) -> list[dict]:
    """Each group's commonest state month by month, as runs ("Section 20, months 0-5"), from
    the published chronogram (a month with a hidden cell is not read)."""
    shown = published.assign(count=pd.to_numeric(published["count"], errors="coerce"))
    hidden = shown.groupby(["group", "month"])["count"].transform(lambda c: c.isna().any())
    rows = []
    for group, part in shown[~hidden].groupby("group", sort=True):
        modal = part.sort_values(["month", "count", "rank"], ascending=[True, False, True]).drop_duplicates("month")
        runs, start, state, previous = [], None, None, None
        for month, label in zip(modal["month"], modal["state"]):
            if label != state:
                if state is not None:
                    runs.append(f"{state} (months {start}-{previous})")
                start, state = month, label
            previous = month
        if state is not None:
            runs.append(f"{state} (months {start}-{previous})")
        rows.append({"group": group, "modal": ", then ".join(runs)})
    return rows


class SequencesPage(PageKind):
    kind = "sequences"
    group = "care"
    Options = SequencesOptions

    def render(self, options: SequencesOptions, ctx: PageContext) -> RenderedPage:
        slug, months = options.slug, options.months
        sequences = care_sequences(ctx.log, months=months, placement_types=options.placement_types)
        followed = sequences[sequences["length"] >= months].reset_index(drop=True)
        context = {"intro": options.intro, "notes": [], "tables": []}
        page = RenderedPage(template="longitudinal.html", context=context)
        if followed["sequence"].nunique() < 2:
            context["notes"].append(
                f"Fewer than two different care histories are followed for {months} months after first entry in these "
                "records, so there is nothing to group.")
            return page
        grouped = group_care_histories(followed, method=options.method, k_range=range(2, options.max_groups + 1),
                                       groups=options.groups)
        context["notes"].append(
            f"{len(followed):,} children first entered care at least {months} months before the data end; their "
            f"histories were compared month by month ({'optimal matching, indel 1 and substitution 2 (LCS)' if options.method == 'lcs' else 'optimal matching, indel 1 and substitution 1'}), "
            f"grouped by Ward's method, and the number of groups ({grouped.groups}) chosen by the average silhouette "
            "width.")
        chrono = chronograms(followed, grouped.membership)
        rank = {code: i for i, code in enumerate(LABELS)}
        chrono = chrono.assign(rank=chrono["state"].map(rank), state=chrono["state"].map(LABELS))
        data = chrono[["group", "month", "state", "rank", "count", "share"]]
        sizes = grouped.membership.groupby("group").size()

        def describe(published: pd.DataFrame) -> str:
            runs = {r["group"]: r["modal"] for r in modal_runs(published)}
            return (f"Stacked bar charts, one per group, of the share of the group's children in each state in each "
                    f"month since they first entered care ({grouped.groups} groups). Commonest state: "
                    + "; ".join(f"group {g}: {runs.get(g, 'not shown')}" for g in sorted(sizes.index)) + ".")

        page.charts.append(chronogram(f"{slug}-chronograms", data, states={c: LABELS[c] for c in LABELS},
                                      title="What happened month by month after first entry, by group", describe=describe))
        page.charts.append(silhouette_line(
            f"{slug}-silhouette", grouped.quality, grouped.groups, title="How well each number of groups separates the histories",
            description=(f"Line chart of the average silhouette width for 2 to {int(grouped.quality['groups'].max())} "
                         f"groups; {grouped.groups} groups score best ({grouped.quality.set_index('groups')['asw'].get(grouped.groups, float('nan')):.3f})."
                         if options.groups is None else f"Line chart of the average silhouette width; the report asks for {grouped.groups} groups.")))
        summary = pd.DataFrame({"group": sizes.index, "children": sizes.to_numpy()})
        context["tables"].append({"id": f"{slug}-groups", "after": f"{slug}-chronograms",
                                  "caption": "Size of each group", "headers": {"group": "Group", "children": "Children"},
                                  "frame": Table(summary, counts=["children"], groups=[()])})
        children = ctx.log.children[["child_id", "sex", "ethnicity", "birth_month"]].merge(
            followed[["child_id", "entry_date"]], on="child_id")
        age = ((children["entry_date"] - children["birth_month"] - pd.Timedelta(days=14)).dt.days // 365.25)
        edges = [low for low, _ in AGE_BANDS]
        children["age_at_entry"] = [None if pd.isna(a) else AGE_BANDS[max(i for i, e in enumerate(edges) if a >= e)][1]
                                    for a in age]
        children["sex"] = children["sex"].map(lambda s: {"1": "Male", "2": "Female"}.get(s, "Other or not known"))
        children["ethnicity"] = children["ethnicity"].map(ethnic_group)  # names, not DfE codes
        shown = ("sex", "age_at_entry", "ethnicity")
        traits = group_characteristics(grouped.membership, children, columns=shown)
        # Ages in their bands' order, youngest first (as text "10 to 15" came before "5 to 9").
        band = {label: i for i, (_, label) in enumerate(AGE_BANDS)}
        age_order = traits["value"].map(band).where(traits["characteristic"] == "age_at_entry").fillna(len(band))
        traits = (traits.assign(_shown=traits["characteristic"].map({c: i for i, c in enumerate(shown)}), _age=age_order)
                  .sort_values(["_shown", "group", "_age"], kind="stable").drop(columns=["_shown", "_age"])
                  .reset_index(drop=True))
        traits = traits.assign(characteristic=traits["characteristic"].map(
            {"sex": "Sex", "age_at_entry": "Age at entry", "ethnicity": "Ethnicity"}), pct=(100 * traits.pop("share")).round(1))
        context["tables"].append({"id": f"{slug}-characteristics", "after": f"{slug}-chronograms",
                                  "caption": "Who is in each group", "headers": {"group": "Group", "characteristic": "Characteristic",
                                                                                  "value": "Value", "count": "Children",
                                                                                  "pct": "% of the group"},
                                  "frame": Table(traits, counts=["count"], groups=[("group", "characteristic")])})
        context["tables"].insert(1, {"id": f"{slug}-modal", "after": f"{slug}-chronograms",
                                     "caption": "Each group's commonest state, month by month",
                                     "headers": {"group": "Group", "modal": "Commonest state (months since entry)"},
                                     "frame": Derived(Table(data, counts=["count"], groups=[("group", "month")]),
                                                      lambda p: pd.DataFrame(modal_runs(p), columns=["group", "modal"]))})
        return page
