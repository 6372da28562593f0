"""Events: for each annotation of the report (an inspection, a new front door), the key monthly
measures in the months before and after it, with a segmented regression and its interval
(`generator.analyses.interrupted`), worded as description, not as cause."""

from __future__ import annotations

from generator.analyses.interrupted import MEASURES, monthly_measures, segmented_regression
from generator.charts.interrupted import segmented_chart
from generator.page_options import EventOptions
from generator.pages.base import PageContext, PageKind, Plan, RenderedPage, link_windows

def _signed(value: float) -> str:
    return f"{round(value, 1) + 0:+.1f}"  # + 0 turns -0.0 into 0.0


def _interval(value: float, low: float, high: float, unit: str) -> str:
    return f"{_signed(value)} {unit} (95% interval {_signed(low)} to {_signed(high)})"


def fit_sentence(name: str, fit, annotation, unit: str, lags: int | None = None) -> str:
    """The fit in words: what was seen, as an absolute change and a ratio with their
    intervals, the placebo check, and what it does not show."""
    level = _interval(fit.level_change, fit.level_low, fit.level_high, unit)
    ratio = f"{fit.level_ratio:.2f} times the trend before (95% interval {fit.level_ratio_low:.2f} to {fit.level_ratio_high:.2f})"
    slope = _interval(fit.slope_change, fit.slope_low, fit.slope_high, f"{unit} a month")
    model = "Poisson" if fit.family == "Poisson" else "binomial"
    placebo = ""
    if fit.placebo_share is not None:
        found = int(fit.placebo["excludes_no_change"].sum())
        placebo = (f" Placebo check: the same model at each of {len(fit.placebo)} months before the date found a change at "
                   f"{found} ({100 * fit.placebo_share:.0f}%; about 5% is expected by chance).")
    return (f"Line chart of {name[0].lower() + name[1:]}, month by month, {fit.months_before} months before and "
            f"{fit.months_after} after {annotation.label} ({annotation.date:%d %B %Y}), with a segmented {model} regression "
            f"with {fit.seasonal} terms (intervals allow for correlated months: the widest of independent, Newey-West "
            f"lag {fit.lags} and autoregressive errors). Just after the date the level "
            + ("moved by " if fit.clear else "showed no clear change: ") + f"{level}, {ratio}; the trend changed by "
            f"{slope}.{placebo} This describes a change around the date; it does not show that the event caused it.")


class EventPage(PageKind):
    kind = "events"
    group = "quality"
    measures = frozenset({"referral"})
    Options = EventOptions

    def prepare(self, options: EventOptions, plan: Plan) -> None:
        plan.links(link_windows(options))

    def render(self, options: EventOptions, ctx: PageContext) -> RenderedPage:
        intro = options.intro
        if not ctx.annotations:
            return RenderedPage(template="charts.html", context={
                "intro": intro + " This report names no dated events: add them under `annotations:` in report.yaml."})
        windows = link_windows(options)
        table = monthly_measures(ctx.log, ctx.period, ctx.links(windows).episodes, ctx.links(windows).enquiries)
        charts, skipped = [], []
        for number, annotation in enumerate(ctx.annotations, start=1):
            for key, name, unit, cases, _ in MEASURES:
                if key not in options.measures:
                    continue
                series = table[table["measure"] == key]
                fit = segmented_regression(series, annotation.date, options.months_before, options.months_after,
                                           options.newey_west_lags, rate=unit == "%")
                if fit is None:
                    skipped.append(f"{name.lower()} around {annotation.label}")
                    continue
                rate = unit == "%"
                fitted = fit.fitted.merge(series[["month", "count", "n"]], on="month", how="left")
                charts.append(segmented_chart(
                    f"{options.slug}-{number}-{key.replace('_', '-')}", fitted,
                    title=f"{name}, before and after {annotation.label}",
                    description=fit_sentence(name, fit, annotation, "percentage points" if rate else unit, options.newey_west_lags),
                    y_title=f"{name} (%)" if rate else name, count_title=name if rate else cases.capitalize(),
                    n_title=cases.capitalize(), annotation=annotation, rate=rate,
                ))
        if skipped:
            intro += " Too few months on one side of the date for a fit: " + "; ".join(skipped) + "."
        return RenderedPage(template="charts.html", charts=charts, context={"intro": intro})
