"""Durations against a standard: a histogram with the standard drawn, and monthly medians."""

from __future__ import annotations

import altair as alt
import pandas as pd

from generator.charts.annotations import annotation_layers, iso_dates, records, spec_of
from generator.charts.chart import Chart
from generator.charts.theme import PALETTE, base_properties

WITHIN, OVER = "Within the standard", "Over the standard"


def _standard_layers(standard: int, label: str, axis: str) -> list:
    """A dark dashed rule at the standard with its label (on the x or the y axis)."""
    rule = alt.Chart(alt.Data(values=[{"value": standard + (0.5 if axis == "x" else 0), "label": label}]))
    channel = {axis: alt.X("value:Q") if axis == "x" else alt.Y("value:Q")}
    # A horizontal rule's label sits under it, at the right: marked dates label the plot's top
    # edge, and a standard near the top of the scale would put its label over theirs.
    text = {"x": dict(align="left", dx=4, baseline="top", dy=4), "y": dict(align="right", baseline="top", dy=3)}[axis]
    position = {"y": alt.YValue(0)} if axis == "x" else {"x": alt.XValue("width")}
    return [
        rule.mark_rule(color="#0b0c0c", strokeDash=[6, 3], strokeWidth=2).encode(**channel),
        rule.mark_text(fontSize=12, fontWeight="bold", color="#0b0c0c", **text).encode(text=alt.Text("label:N"), **channel, **position),
    ]


def duration_histogram(
    chart_id: str,
    bins: pd.DataFrame,
    *,
    title: str,
    description: str,
    standard: int,
    unit: str,
) -> Chart:
    """Bars of ``count`` per bin of working days (from `analyses.timeliness.duration_bins`),
    coloured within / over the standard, with the standard drawn as a rule after its day."""
    width = float(bins["high"].iloc[1] - bins["low"].iloc[1] + 1) if len(bins) > 2 else 1.0
    shown = bins.assign(
        x0=bins["low"] - 0.5,
        x1=bins["high"].fillna(bins["low"] + width - 1) + 0.5,
        side=[WITHIN if w else OVER for w in bins["within"]],
    )
    base = alt.Chart(alt.Data(values=records(shown)))
    colour = alt.Color("side:N", title=None, scale=alt.Scale(domain=[WITHIN, OVER], range=[PALETTE[0], PALETTE[1]]),
                       legend=alt.Legend(orient="top"))
    bars = base.mark_bar(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("x0:Q", title="Working days", scale=alt.Scale(nice=False)), x2=alt.X2("x1:Q"),
        y=alt.Y("count:Q", title=f"{unit.capitalize()}"), y2=alt.Y2Datum(0), color=colour,
        tooltip=[alt.Tooltip("label:N", title="Working days"), alt.Tooltip("count:Q", title=unit.capitalize(), format=","),
                 alt.Tooltip("pct:Q", title=f"Per cent of all {unit}", format=".1f")],
    )
    last = shown.iloc[[-1]]
    open_bin = alt.Chart(alt.Data(values=records(last))).mark_text(baseline="bottom", dy=-3, fontSize=11, color="#0b0c0c").encode(
        x=alt.X("mid:Q"), y=alt.Y("count:Q"), text=alt.Text("label:N")).transform_calculate(mid="(datum.x0 + datum.x1) / 2")
    layers = [bars, open_bin] + _standard_layers(standard, f"Standard: {standard} working days", "x")
    chart = alt.layer(*layers).properties(description=description, **base_properties())
    data = bins.rename(columns={"low": "working_days_from", "high": "working_days_to", "count": f"{unit.replace(' ', '_')}_count",
                                "pct": "pct_of_all"})
    return Chart(chart_id, title, description, spec_of(chart), data)


def monthly_durations(
    chart_id: str,
    table: pd.DataFrame,
    *,
    title: str,
    description: str,
    standard: int,
    unit: str,
    annotations: list,
    min_n: int,
    period_title: str = "Month",
) -> Chart:
    """The median working days per month with its 95% band, the 90th percentile dotted, the
    standard as a rule and the annotations; months with ``n`` < ``min_n`` are gaps."""
    thin = table["n"] < min_n
    shown = iso_dates(table, "month")
    for column in ("median", "median_low", "median_high", "p90"):
        shown[column] = shown[column].where(~thin)
    long = pd.concat([
        shown.assign(measure="Median", value=shown["median"]),
        shown.assign(measure="90th percentile (one in ten took longer)", value=shown["p90"]),
    ], ignore_index=True)
    x = alt.X("utcyearmonth(month):T", title=period_title, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=8))
    band = alt.Chart(alt.Data(values=records(shown))).mark_area(opacity=0.2, color=PALETTE[0]).encode(
        x=x, y=alt.Y("median_low:Q", title="Working days"), y2=alt.Y2("median_high:Q"))
    measures = ["Median", "90th percentile (one in ten took longer)"]
    lines = alt.Chart(alt.Data(values=records(long))).mark_line(strokeWidth=2, point=alt.OverlayMarkDef(size=14)).encode(
        x=x, y=alt.Y("value:Q", title="Working days"),
        color=alt.Color("measure:N", title=None, sort=measures, scale=alt.Scale(domain=measures, range=[PALETTE[0], PALETTE[3]]),
                        legend=alt.Legend(orient="top", labelLimit=320)),
        strokeDash=alt.StrokeDash("measure:N", sort=measures, scale=alt.Scale(domain=measures, range=[[1, 0], [4, 3]])),
        tooltip=[alt.Tooltip("utcyearmonth(month):T", title=period_title, format="%B %Y"), alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("value:Q", title="Working days", format=".1f"),
                 alt.Tooltip("median_low:Q", title="Median: 95% interval from", format=".1f"),
                 alt.Tooltip("median_high:Q", title="Median: 95% interval to", format=".1f"),
                 alt.Tooltip("n:Q", title=f"{unit.capitalize()} ended", format=",")],
    )
    layers = [band, lines] + _standard_layers(standard, f"Standard: {standard} working days", "y") + annotation_layers(annotations)
    chart = alt.layer(*layers).properties(description=description, **base_properties())
    data = table[["month", "n", "median", "median_low", "median_high", "p90"]].rename(columns={"n": f"{unit.replace(' ', '_')}_count"})
    return Chart(chart_id, title, description, spec_of(chart), data.assign(month=data["month"].dt.strftime("%Y-%m")))
