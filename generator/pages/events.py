"""Events: for each annotation of the report (an inspection, a new front door), the key monthly
measures in the months before and after it, with a segmented regression and its interval
(`generator.analyses.interrupted`), worded as description, not as cause."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from generator.analyses.front_door import protection_enquiries, referral_episodes
from generator.analyses.interrupted import MEASURES, monthly_measures, segmented_regression
from generator.charts.interrupted import segmented_chart
from generator.pages.base import PageContext, PageKind, RenderedPage
from generator.pages.windows import WindowOptions

INTRO = (
    "How the front door's key measures moved around each dated event in this report. For "
    "each measure, a trend with the usual month-of-year pattern is fitted to the months before "
    "and another to the months after (a segmented regression: Poisson for counts, binomial for "
    "rates); the dashed line carries the trend before on, for comparison. Intervals allow for "
    "neighbouring months being alike, and a placebo check fits the same model at every month "
    "before the date, to show how often it finds a change where none was made. "
    "A change at the date is a description of the data: anything else that changed then "
    "would look the same, so it does not show that the event caused it."
)
MeasureKey = Literal["referrals", "referral_nfa", "assessment_to_strategy", "assessment_nfa", "rereferral_12m", "assessment_within_45wd"]


class EventOptions(WindowOptions):
    kind: Literal["events"]
    intro: str = INTRO
    measures: list[MeasureKey] = Field(default_factory=lambda: [m[0] for m in MEASURES],
                                       description="Monthly measures to show: " + ", ".join(m[0] for m in MEASURES) + ".")
    months_before: int = Field(24, ge=3, le=120, description="Months before the event used for the fit.")
    months_after: int = Field(12, ge=3, le=120, description="Months after the event used for the fit.")
    newey_west_lags: int | None = Field(None, ge=0, le=12, description=(
        "Lag of the Newey-West errors (default floor(4 (n/100)^(2/9)), 3 for 36 months); intervals are never narrower "
        "than the independent ones whatever the lag."))


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
    Options = EventOptions

    def build(self, options: EventOptions, ctx: PageContext) -> RenderedPage:
        intro = options.intro
        if not ctx.annotations:
            return RenderedPage(template="charts.html", context={
                "intro": intro + " This report names no dated events: add them under `annotations:` in report.yaml."})
        windows = options.link_windows()
        table = monthly_measures(ctx.log, ctx.period, referral_episodes(ctx.log, windows), protection_enquiries(ctx.log, windows))
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
