"""Counts over time by series (open cases each week; starts and ends each month), and a heat
map of open cases by team or locality and month."""

from __future__ import annotations

import altair as alt
import pandas as pd

from generator.charts.annotations import annotation_layers, iso_dates, records, spec_of
from generator.charts.chart import Chart
from generator.charts.theme import PALETTE, base_properties


def count_lines(
    chart_id: str,
    table: pd.DataFrame,
    *,
    title: str,
    description: str,
    date: str,
    series: str,
    value: str,
    y_title: str,
    annotations: list,
    weekly: bool = False,
    dashed: str | None = None,
) -> Chart:
    """One line per ``series`` of ``value`` against ``date`` (weeks read as days, months as
    months, in UTC), with the annotations; ``dashed`` names a series drawn dashed so that two
    lines differ by more than colour."""
    unit = "utcyearmonthdate" if weekly else "utcyearmonth"
    step = "Week beginning" if weekly else "Month"
    shown = iso_dates(table, date)
    names = list(dict.fromkeys(table[series]))
    x = alt.X(f"{unit}({date}):T", title=step, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=8))
    encodings = {
        "color": alt.Color(f"{series}:N", title=None, sort=names, scale=alt.Scale(domain=names, range=PALETTE[: len(names)]),
                           legend=alt.Legend(orient="top", labelLimit=320, symbolType="stroke", symbolStrokeWidth=3)),
    }
    if dashed:
        encodings["strokeDash"] = alt.StrokeDash(f"{series}:N", sort=names, scale=alt.Scale(
            domain=names, range=[[4, 3] if n == dashed else [1, 0] for n in names]))
    line = alt.Chart(alt.Data(values=records(shown))).mark_line(strokeWidth=2).encode(
        x=x, y=alt.Y(f"{value}:Q", title=y_title),
        tooltip=[alt.Tooltip(f"{unit}({date}):T", title=step, format="%d %B %Y" if weekly else "%B %Y"),
                 alt.Tooltip(f"{series}:N", title="Series"), alt.Tooltip(f"{value}:Q", title=y_title, format=",")],
        **encodings,
    )
    chart = alt.layer(line, *annotation_layers(annotations)).properties(description=description, **base_properties())
    data = table.assign(**{date: table[date].dt.strftime("%Y-%m-%d" if weekly else "%Y-%m")})
    return Chart(chart_id, title, description, spec_of(chart), data)


def group_heatmap(
    chart_id: str,
    table: pd.DataFrame,
    *,
    title: str,
    description: str,
    group_title: str,
    value_title: str,
) -> Chart:
    """Rows of ``group``, columns of ``month``, cells shaded by ``open`` (a sequential blue
    scale with a legend), each cell's value in its tooltip."""
    shown = iso_dates(table, "month")
    groups = sorted(table["group"].unique())
    chart = alt.Chart(alt.Data(values=records(shown))).mark_rect().encode(
        x=alt.X("utcyearmonth(month):T", title="Month", axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=8)),
        y=alt.Y("group:N", title=None, sort=groups, axis=alt.Axis(labelLimit=200)),
        color=alt.Color("open:Q", title=value_title, scale=alt.Scale(scheme="blues"), legend=alt.Legend(orient="top", gradientLength=240, titleLimit=400)),
        tooltip=[alt.Tooltip("group:N", title=group_title), alt.Tooltip("utcyearmonth(month):T", title="Month", format="%B %Y"),
                 alt.Tooltip("open:Q", title=value_title, format=".1f")],
    ).properties(description=description, width="container", height=max(120, 22 * len(groups)))
    return Chart(chart_id, title, description, spec_of(chart), table.assign(month=table["month"].dt.strftime("%Y-%m")))
