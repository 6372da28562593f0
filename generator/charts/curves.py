"""Cumulative curves over time since a starting event (1 - Kaplan-Meier), with their band and
the curve's value read off at marked times."""

from __future__ import annotations

import altair as alt
import pandas as pd

from generator.charts.annotations import records, spec_of
from generator.charts.chart import Chart
from generator.charts.theme import PALETTE, base_properties


def cumulative_curve(
    chart_id: str,
    table: pd.DataFrame,
    *,
    title: str,
    description: str,
    y_title: str,
    marks: list[tuple[float, str]],
    at_risk_title: str,
    events_title: str,
) -> Chart:
    """A step curve of ``pct`` against ``months`` with its ``pct_low``-``pct_high`` band; at
    each of ``marks`` (months, label) a dotted rule and the curve's value written beside it.

    ``table`` comes from `generator.analyses.rereferral_curves.cumulative_rereferral`.
    """
    base = alt.Chart(alt.Data(values=records(table)))
    top = max(100.0, float(table["pct_high"].max()) if len(table) else 100.0)
    x = alt.X("months:Q", title="Months since the referral", axis=alt.Axis(values=list(range(0, 61, 6))),
              scale=alt.Scale(domain=[0, max(12.0, float(table["months"].max()) if len(table) else 12.0)], nice=False))
    y = alt.Y("pct:Q", title=y_title, scale=alt.Scale(domain=[0, top]))
    tooltip = [
        alt.Tooltip("months:Q", title="Months", format=".1f"),
        alt.Tooltip("days:Q", title="Days"),
        alt.Tooltip("pct:Q", title="Per cent", format=".1f"),
        alt.Tooltip("pct_low:Q", title="95% interval from", format=".1f"),
        alt.Tooltip("pct_high:Q", title="95% interval to", format=".1f"),
        alt.Tooltip("at_risk:Q", title=at_risk_title, format=","),
        alt.Tooltip("rereferred:Q", title=events_title, format=","),
    ]
    band = base.mark_area(interpolate="step-after", opacity=0.2, color=PALETTE[0]).encode(x=x, y=alt.Y("pct_low:Q", title=y_title), y2=alt.Y2("pct_high:Q"))
    line = base.mark_line(interpolate="step-after", color=PALETTE[0], strokeWidth=2).encode(x=x, y=y)
    hover = base.mark_point(opacity=0, size=60).encode(x=x, y=y, tooltip=tooltip)
    layers = [band, line, hover]
    read = []
    for months, label in marks:
        reached = table[table["months"] <= months]
        if reached.empty or table["months"].max() < months:
            continue
        row = reached.iloc[-1]
        read.append({"months": months, "pct": float(row["pct"]), "zero": 0, "label": f"{label}: {row['pct']:.1f}%"})
    if read:
        points = alt.Chart(alt.Data(values=read))
        layers.append(points.mark_rule(strokeDash=[2, 2], color="#505a5f").encode(x=alt.X("months:Q"), y=alt.Y("pct:Q"), y2=alt.Y2("zero:Q")))
        layers.append(points.mark_point(filled=True, size=50, color=PALETTE[1]).encode(x=alt.X("months:Q"), y=alt.Y("pct:Q")))
        layers.append(points.mark_text(align="left", dx=6, dy=12, fontSize=12, fontWeight="bold", color="#0b0c0c").encode(
            x=alt.X("months:Q"), y=alt.Y("pct:Q"), text=alt.Text("label:N")))
    chart = alt.layer(*layers).properties(description=description, **base_properties())
    data = table.rename(columns={"at_risk": "at_risk_count", "rereferred": "rereferred_count"})
    # A cumulative curve: its rows do not add up to anything shown.
    return Chart(chart_id, title, description, spec_of(chart), data, groups=[])
