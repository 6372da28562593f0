"""Cohorts: are groups of children treated differently? The key rates and durations split by
sex, age, ethnic group, disability and any attribute the report names, as small multiples
with 95% intervals against the rate for all children (definitions in
`generator.analyses.cohorts`)."""

from __future__ import annotations



from generator.analyses.cohorts import DIMENSIONS, child_groups, measure_cases, medians_by_group, rates_by_group
from generator.charts.rows import median_rows, rate_rows
from generator.page_options import CohortOptions
from generator.pages.base import PageContext, PageKind, Plan, RenderedPage, link_windows

#: (measure key, chart title, what the rate is of, numerator words, denominator words, unit of cases)
RATE_MEASURES = (
    ("rereferral_12m", "Re-referrals within 12 months, by group of children", "referrals that were re-referrals within 12 months",
     "Re-referrals", "Referrals", "referrals"),
    ("assessment_nfa", "Assessments ending in no further action, by group of children",
     "authorised assessments that ended in no further action", "Ending in NFA", "Assessments authorised", "assessments"),
    ("assessment_late", "Assessments over 45 working days, by group of children",
     "authorised assessments that took over 45 working days", "Over 45 working days", "Assessments authorised", "assessments"),
    ("s47_without_plan", "Section 47 enquiries ending without a plan, by group of children",
     "section 47 enquiries that ended without a child protection plan", "Without a plan", "Section 47 enquiries", "enquiries"),
)


def _words(table, what: str, unit: str, min_n: int, value: str = "pct", fmt: str = "{:.1f}%") -> str:
    """The chart's finding: overall figure, groups clearly above and below it, groups too small."""
    shown = table[table["n"] >= min_n]
    overall_column = "overall_pct" if value == "pct" else "overall_median"
    overall = table[overall_column].iloc[0] if len(table) else float("nan")
    low, high = ("pct_low", "pct_high") if value == "pct" else ("median_low", "median_high")
    above = shown[shown[low] > overall]
    below = shown[shown[high] < overall]

    def names(rows):
        return ", ".join(f"{r.dimension.lower()} {r.group} {fmt.format(getattr(r, value))} (of {r.n:,})" for r in rows.itertuples())

    sentence = f"Dot chart of {what}, by group, with 95% intervals; all children: {fmt.format(overall)}."
    sentence += f" Clearly above: {names(above)}." if len(above) else " No group is clearly above."
    sentence += f" Clearly below: {names(below)}." if len(below) else " No group is clearly below."
    small = int((table["n"] < min_n).sum())
    if small:
        sentence += f" {small} group{'s' if small != 1 else ''} with fewer than {min_n} {unit} {'are' if small != 1 else 'is'} not drawn."
    return sentence


class CohortPage(PageKind):
    kind = "cohorts"
    group = "protection"
    measures = frozenset({"referral"})
    Options = CohortOptions

    def prepare(self, options: CohortOptions, plan: Plan) -> None:
        plan.links(link_windows(options))

    def render(self, options: CohortOptions, ctx: PageContext) -> RenderedPage:
        # A report may be built on data other than its own (--data): an attribute the data
        # lacks is said on the page rather than stopping the build.
        attributes = [a for a in options.attributes if a in ctx.log.children.columns]
        missing = [a for a in options.attributes if a not in attributes]
        intro = options.intro
        if missing:
            intro += (f" This data has no {', '.join(missing)} column, so the page does not split by "
                      f"{'it' if len(missing) == 1 else 'them'}.")
        windows = link_windows(options)
        cases = measure_cases(ctx.log, ctx.period, ctx.links(windows).episodes, ctx.links(windows).enquiries)
        dimensions = list(DIMENSIONS) + [(a, a.replace("_", " ").capitalize()) for a in attributes]
        min_n, slug, charts = options.min_group_size, options.slug, []
        for key, title, what, count_title, n_title, unit in RATE_MEASURES:
            table = rates_by_group(child_groups(ctx.log, cases[key], attributes), dimensions)
            table = table.assign(row=table["dimension"] + ": " + table["group"])
            charts.append(rate_rows(
                f"{slug}-{key.replace('_', '-')}", table, title=title, description=_words(table, what, unit, min_n),
                label="row", label_title="Group", group="dimension", group_title="Split by", mark="point",
                reference="overall_pct", count_title=count_title, n_title=n_title, x_title=f"{what.capitalize()} (%)",
                min_n=min_n, names=(key, unit),
            ))
            # A group's size: in a public report one under 10 is not named with a figure.
            charts[-1].group_size = f"{unit}_count"
        table = medians_by_group(child_groups(ctx.log, cases["assessment_days"], attributes), dimensions)
        table = table.assign(row=table["dimension"] + ": " + table["group"])
        charts.append(median_rows(
            f"{slug}-assessment-days", table, title="Working days to authorise an assessment, by group of children",
            description=_words(table, "the median working days from an assessment's start to its authorisation", "assessments",
                               min_n, value="median", fmt="{:.0f} working days"),
            label="row", label_title="Group", group="dimension", group_title="Split by", reference="overall_median",
            n_title="Assessments authorised", x_title="Median working days (with 95% interval)", unit="working days",
            min_n=min_n, names="assessments",
        ))
        charts[-1].group_size = "assessments_count"
        return RenderedPage(template="charts.html", charts=charts, context={"intro": intro})
