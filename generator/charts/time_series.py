"""Monthly time series with the report's annotations drawn on the time axis."""

from __future__ import annotations

import altair as alt
import pandas as pd

from generator.charts.chart import Chart
from generator.charts.theme import PALETTE, base_properties


def monthly_line(
    chart_id: str,
    table: pd.DataFrame,
    title: str,
    description: str,
    y_title: str,
    annotations: list,
) -> Chart:
    """A line of monthly counts with a dashed rule and a label at each annotation.

    ``table`` has ``month`` (timestamp) and ``count``. Dates go to Vega as ISO strings read in
    UTC (``utcyearmonth``) so no reader's time zone shifts a month.
    """
    data = table.assign(month=table["month"].dt.strftime("%Y-%m-%d"))
    x = alt.X("utcyearmonth(month):T", title="Month", axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=8))
    line = (
        alt.Chart(alt.Data(values=data[["month", "count"]].to_dict("records")))
        .mark_line(point=alt.OverlayMarkDef(size=18), color=PALETTE[0], strokeWidth=2)
        .encode(
            x=x,
            y=alt.Y("count:Q", title=y_title),
            tooltip=[alt.Tooltip("utcyearmonth(month):T", title="Month", format="%B %Y"), alt.Tooltip("count:Q", title=y_title)],
        )
    )
    layers = [line]
    if annotations:
        notes = pd.DataFrame({"date": [a.date.strftime("%Y-%m-%d") for a in annotations], "label": [a.label for a in annotations]})
        base = alt.Chart(alt.Data(values=notes.to_dict("records")))
        layers.append(base.mark_rule(strokeDash=[4, 3]).encode(x=alt.X("utcyearmonthdate(date):T")))
        layers.append(
            base.mark_text(align="left", dx=4, dy=-2, baseline="top", fontSize=11)
            .encode(x=alt.X("utcyearmonthdate(date):T"), y=alt.YValue(0), text=alt.Text("label:N"))
        )
    # The title is the figure's own <h2> on the page, so the spec carries only the description.
    chart = alt.layer(*layers).properties(description=description, **base_properties())
    return Chart(chart_id, title, description, chart.to_dict(validate=False), table.assign(month=table["month"].dt.strftime("%Y-%m")))
