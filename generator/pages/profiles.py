"""Problem profiles over time (seed section 6, figures 5-7): the CIN assessment factors of the
same children at the start of care proceedings, at their end and at a follow-up point, marked
where the change is significant, and the likelihood of abuse or neglect by the number of carer
problems.

Statistics are in `generator.analyses.paired`, the children's three points in
`generator.analyses.court.profile_points`; this page chooses the factors, the words and the
charts. It reads the proceedings list and the assessment factors (`Tables.legal`,
`Tables.factors`): without them it says what it needs.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from generator.analyses import court, paired
from generator.charts.court import POINT_LABELS, abuse_bars, profile_bars
from generator.ingest.assessment_factors import ABUSE_FACTORS, CARER_FACTORS, CHILD_FACTORS, FACTORS
from generator.page_options import LegalOptions, ProfilesOptions
from generator.pages.base import PageContext, PageKind, Plan, RenderedPage
from generator.pages.court_orders import NEEDS_PROCEEDINGS, p_text, proceedings_of
from generator.pages.legal_links import ask_for_link, linked
from generator.published import Table

NEEDS_FACTORS = (
    "This page needs the CIN assessment factors of the children in proceedings (one row per assessment: child_id, "
    "date, factors), which the data do not hold: put them in the data folder (README: \"Data: assessment factors\")."
)


#: The linkage page's default thresholds: a list without child ids is linked as that page links it.
LINK_THRESHOLDS = SimpleNamespace(match_probability=LegalOptions.model_fields["match_probability"].default,
                                  review_probability=LegalOptions.model_fields["review_probability"].default)


def with_child_ids(proceedings: pd.DataFrame, ctx: PageContext) -> pd.DataFrame:
    """The proceedings with every row's child id: as the list gives it, or, for a list that
    names children without ids (a legal department's spreadsheet), the child it is linked to
    (`generator.pages.legal_links.linked`, the linkage page's default thresholds); rows linked
    to no child stay without one and are left out of the profiles."""
    if proceedings["child_id"].notna().all():
        return proceedings
    found = linked(LINK_THRESHOLDS, ctx)
    ids = found.links.dropna(subset=["child_id"]).set_index("proceedings_id")["child_id"]
    return proceedings.assign(child_id=proceedings["child_id"].fillna(proceedings["proceedings_id"].map(ids)))


def _years(years: float) -> str:
    return f"{years:g} year{'' if years == 1 else 's'}"


def _label(code: str, marks: str) -> str:
    return f"{FACTORS.get(code, code)} ({code}){' ' + marks if marks else ''}"


class ProfilesPage(PageKind):
    kind = "profiles"
    group = "proceedings"
    Options = ProfilesOptions
    # Reads the proceedings list and assessment factors, which are not events.
    measures = frozenset()

    def prepare(self, options: ProfilesOptions, plan: Plan) -> None:
        ask_for_link(LINK_THRESHOLDS, plan)  # used only for a list without child ids

    def render(self, options: ProfilesOptions, ctx: PageContext) -> RenderedPage:
        proceedings = proceedings_of(ctx, options.orders)
        problem = NEEDS_PROCEEDINGS if proceedings is None else NEEDS_FACTORS if ctx.tables.factors is None else None
        if problem:
            return RenderedPage(template="longitudinal.html", context={"intro": options.intro, "notes": [problem], "tables": []})
        proceedings = with_child_ids(proceedings, ctx)
        codes = options.factors or [c for c in (*CARER_FACTORS, *CHILD_FACTORS)]
        points = court.profile_points(proceedings, ctx.tables.factors, options.follow_up_years, options.window_days,
                                      options.orders, codes=sorted(set(codes) | set(ABUSE_FACTORS) | set(CARER_FACTORS)))
        held = set(points["factor"].unique())
        shown_codes = [c for c in codes if c in held]
        if points.empty:
            return RenderedPage(template="longitudinal.html", context={"intro": options.intro, "tables": [], "notes": [
                "No child in proceedings was assessed near the start, the end and the follow-up point "
                f"({_years(options.follow_up_years)} after the final order, within {options.window_days} days)."]})
        profile = points[points["factor"].isin(shown_codes)]
        # Factors no child had at any point say nothing: they are left out of the chart.
        recorded = profile.groupby("factor")[["start", "end", "follow_up"]].sum().sum(axis=1)
        profile = profile[profile["factor"].isin(recorded.index[recorded > 0])]
        charts, tables, notes = [], [], []
        children = points["child_id"].nunique()
        notes.append(f"Children followed: those whose first proceedings ended in one of the orders counted and who were "
                     f"assessed near the application, near the final order and {_years(options.follow_up_years)} after it "
                     f"(the nearest assessment within {options.window_days} days of each).")
        if len(profile):
            chart, table = self._profiles(options.slug, profile, shown_codes)
            charts.append(chart)
            tables.append(table)
        carers = court.carer_problems_and_abuse(points, CARER_FACTORS, ABUSE_FACTORS)
        counts, trend = paired.abuse_by_carer_problems(carers)
        charts.append(self._abuse(options.slug, counts, trend))
        return RenderedPage(template="longitudinal.html", charts=charts,
                            context={"intro": options.intro, "notes": notes, "tables": tables,
                                     "children": children})

    def _profiles(self, slug, profile, codes):
        prevalence = paired.prevalence_by_point(profile)
        tests = paired.change_tests(profile)
        marks = tests.groupby("factor")["mark"].agg(lambda m: "".join(sorted(x for x in m if x)))
        order = {code: i for i, code in enumerate(codes)}
        prevalence = prevalence.assign(_order=prevalence["factor"].map(order)).sort_values(["_order"], kind="mergesort")
        prevalence["factor"] = [_label(c, marks.get(c, "")) for c in prevalence["factor"]]
        prevalence = prevalence.drop(columns="_order").reset_index(drop=True)

        def describe(published: pd.DataFrame) -> str:
            changed = [f for f in dict.fromkeys(published["factor"]) if "\u2020" in f or "\u2021" in f]
            return ("Grouped bar chart of the share of the same children with each assessment factor at the start of "
                    "proceedings, at their end and at follow-up, with 95% intervals. Marked as changed significantly "
                    "(dagger: start to end; double dagger: end to follow-up; exact McNemar, Holm-corrected): "
                    + (", ".join(changed) if changed else "none") + ".")

        chart = profile_bars(f"{slug}-profiles", prevalence, describe=describe,
                             title="Children's and carers' problems at the start and end of proceedings and at follow-up")
        tests = tests.assign(_order=tests["factor"].map(order)).sort_values("_order", kind="mergesort")
        frame = tests.assign(factor=[_label(c, "") for c in tests["factor"]],
                             pair_from=tests["pair_from"].map(POINT_LABELS), pair_to=tests["pair_to"].map(POINT_LABELS),
                             q_statistic=tests["q_statistic"].round(2),
                             **{c: tests[c].map(p_text) for c in ("q_p_value", "mcnemar_p_value", "holm_p_value")})[
            ["factor", "children", "q_statistic", "q_p_value", "pair_from", "pair_to", "mcnemar_p_value", "holm_p_value",
             "mark"]].reset_index(drop=True)
        headers = {"factor": "Factor", "children": "Children", "q_statistic": "Cochran's Q", "q_p_value": "p (Q)",
                   "pair_from": "From", "pair_to": "To", "mcnemar_p_value": "p (exact McNemar)",
                   "holm_p_value": "p (Holm)", "mark": "Mark"}
        table = {"id": f"{slug}-change-tests", "after": chart.id, "headers": headers,
                 "caption": "Tests of change: Cochran's Q across the three points, then exact McNemar between each pair, "
                            "Holm-corrected within the factor",
                 "frame": Table(frame, counts=["children"], groups=[])}
        return chart, table

    def _abuse(self, slug, counts, trend):
        def describe(published: pd.DataFrame) -> str:
            # "2 problems", not "2:": a group's label is not read as a quote of a count.
            read = [f"{r.carer_problems} problems: {100 * float(r.proportion):.0f}%" for r in published.itertuples()
                    if pd.notna(pd.to_numeric(pd.Series([r.proportion]), errors="coerce").iloc[0])]
            if pd.isna(trend["p_value"]):
                test = "No trend test: one group only, or no variation."
            else:
                p = "p < 0.001" if trend["p_value"] < 0.001 else f"p = {trend['p_value']:.3f}"
                test = (f"Cochran-Armitage trend test: z = {trend['z']:.2f}, {p} "
                        f"({'rising' if trend['z'] > 0 else 'falling'} with the number of problems).")
            return ("Bar chart of the share of children with abuse or neglect recorded at the start of proceedings, by the "
                    "number of carer problems recorded (alcohol, drugs, domestic abuse, mental health, learning disability, "
                    "physical illness), with 95% intervals. " + ("; ".join(read) + ". " if read else "") + test)

        return abuse_bars(f"{slug}-abuse-by-carer-problems", counts, describe=describe,
                          title="Abuse or neglect by the number of carer problems, at the start of proceedings")
