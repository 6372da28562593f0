"""Events: for each annotation of the report (an inspection, a new front door), the key monthly
measures in the months before and after it, with a segmented regression and its interval
(`generator.analyses.interrupted`), worded as description, not as cause."""

from __future__ import annotations

import pandas as pd

from generator.analyses.interrupted import MEASURES, measure_fits, placebo_summary
from generator.charts.interrupted import placebo_chart, segmented_chart
from generator.page_options import EventOptions
from generator.pages.base import PageContext, PageKind, Plan, RenderedPage, link_windows
from generator.published import Derived, Table

#: What the placebo table calls its columns.
PLACEBO_HEADERS = {"measure": "Measure", "placebo_dates": "Placebo dates tried", "changes_found": "Change found at",
                   "found_pct": "Share found (%)", "event": "Change in level at the event (95% interval)"}

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
        charts, skipped, tables, downloads = [], [], [], {}
        for number, annotation in enumerate(ctx.annotations, start=1):
            # The same fits as the headline figures' when the options are the defaults: made once.
            table, all_fits = measure_fits(ctx.log, ctx.period, ctx.links(windows), windows, annotation.date,
                                           options.months_before, options.months_after, options.newey_west_lags)
            fits = {}
            for key, name, unit, cases, _ in MEASURES:
                if key not in options.measures:
                    continue
                series = table[table["measure"] == key]
                fit = all_fits[key]
                if fit is None:
                    skipped.append(f"{name.lower()} around {annotation.label}")
                    continue
                fits[key] = fit
                rate = unit == "%"
                fitted = fit.fitted.merge(series[["month", "count", "n"]], on="month", how="left")
                charts.append(segmented_chart(
                    f"{options.slug}-{number}-{key.replace('_', '-')}", fitted,
                    title=f"{name}, before and after {annotation.label}",
                    description=fit_sentence(name, fit, annotation, "percentage points" if rate else unit, options.newey_west_lags),
                    y_title=f"{name} (%)" if rate else name, count_title=name if rate else cases.capitalize(),
                    n_title=cases.capitalize(), annotation=annotation, rate=rate,
                ))
            if any(fit.placebo is not None and len(fit.placebo) for fit in fits.values()):
                chart, summary = placebo_check(f"{options.slug}-{number}-placebo", fits, annotation)
                charts.append(chart)
                tables.append(summary)
                downloads[f"{options.slug}-{number}-placebo-summary"] = summary["frame"].table
        if skipped:
            intro += " Too few months on one side of the date for a fit: " + "; ".join(skipped) + "."
        return RenderedPage(template="charts.html", charts=charts, downloads=downloads,
                            context={"intro": intro, "tables": tables})


def _unit(key: str) -> str:
    unit = next(unit for k, _, unit, _, _ in MEASURES if k == key)
    return "percentage points" if unit == "%" else f"{unit} a month"


def placebo_check(chart_id: str, fits: dict, annotation) -> tuple:
    """The placebo check around one event: a chart of every placebo date's change with its
    interval, and the table of how often each measure's model found a change where none was
    made, beside the change it finds at the event (both published through the privacy stage)."""
    names = {key: name for key, name, _, _, _ in MEASURES}
    detail = pd.concat([fit.placebo.assign(measure=names[key], unit=_unit(key)) for key, fit in fits.items()
                        if fit.placebo is not None and len(fit.placebo)], ignore_index=True)
    detail = detail.rename(columns={"excludes_no_change": "change_found"})
    summary = placebo_summary(fits)
    summary = summary.assign(unit=summary["measure"].map(_unit), measure=summary["measure"].map(names))

    def describe(published: pd.DataFrame) -> str:
        parts = []
        for measure, rows in published.groupby("measure", sort=False):
            found = int((rows["change_found"] == "yes").sum())
            # Months tried, not children: "2 of the 19 months" (a count of children reads "x of y").
            parts.append(f"{measure[0].lower() + measure[1:]} {found} of the {len(rows)} months")
        return (f"Placebo check around {annotation.label}: the same model fitted at every month before "
                f"{annotation.date:%d %B %Y} as if the event had happened then; a change was found at "
                + "; ".join(parts) + " (about 1 in 20 is expected by chance).")

    def rows(published: pd.DataFrame) -> pd.DataFrame:
        def signed(value) -> str:
            return f"{float(value) + 0:+.1f}"

        event = [f"{signed(r.event_change)} {r.unit} ({signed(r.event_low)} to {signed(r.event_high)})"
                 + ("" if r.event_clear else ", no clear change") for r in published.itertuples()]
        shown = published[["measure", "placebo_dates", "changes_found", "found_pct"]].assign(event=event)
        return shown.rename(columns=PLACEBO_HEADERS)

    published = Table(summary, counts=[], groups=[])
    chart = placebo_chart(chart_id, detail, title=f"Placebo check: changes the model finds before {annotation.label}",
                          describe=describe)
    return chart, {"id": f"{chart_id}-summary", "after": chart_id, "headers": {},
                   "caption": f"How often the model finds a change where none was made, before {annotation.label}",
                   "frame": Derived(published, rows)}
