"""Fan charts of a forecast (history, expected line, 80% and 95% bands) and its backtest."""

from __future__ import annotations

import altair as alt
import pandas as pd

from generator.charts.chart import Chart
from generator.charts.theme import PALETTE

BAND_COLOUR = PALETTE[0]
ACTUAL_COLOUR = "#0b0c0c"
#: Faceted charts cannot follow the container's width in Vega-Lite; this fits the page column.
WIDTH = 620


def _numbers(table: pd.DataFrame, columns) -> pd.DataFrame:
    """The published table with hidden cells ("c") dropped from the drawing (never drawn as 0)."""
    out = table.copy()
    for column in columns:
        out[column] = pd.to_numeric(out[column], errors="coerce")
    return out


def _records(data: pd.DataFrame) -> list[dict]:
    """Rows for an inline Vega data set: missing values as null (NaN is not JSON)."""
    return data.astype(object).where(data.notna(), None).to_dict("records")


def _month_x(title: str = "Month") -> alt.X:
    return alt.X("utcyearmonth(date):T", title=title, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=6))


def fan_spec(table: pd.DataFrame, y_title: str) -> dict:
    """Spec of a fan chart from a published forecast table: one panel per ``station`` with
    ``date``, ``kind`` (actual / forecast), ``children`` (actual), ``expected`` and the bands."""
    data = _numbers(table, ["children", "expected", "low80", "high80", "low95", "high95"])
    data = data.assign(date=pd.to_datetime(data["date"]).dt.strftime("%Y-%m-%d"))
    base = alt.Chart().encode(x=_month_x())
    ahead = base.transform_filter("datum.kind == 'forecast'")
    layers = [
        ahead.mark_area(opacity=0.18, color=BAND_COLOUR).encode(y=alt.Y("low95:Q", title=y_title), y2="high95:Q"),
        ahead.mark_area(opacity=0.3, color=BAND_COLOUR).encode(y="low80:Q", y2="high80:Q"),
        ahead.mark_line(strokeDash=[5, 3], color=BAND_COLOUR, strokeWidth=2).encode(
            y="expected:Q",
            tooltip=[alt.Tooltip("utcyearmonth(date):T", title="Month", format="%B %Y"),
                     alt.Tooltip("expected:Q", title="Expected"), alt.Tooltip("low95:Q", title="95% from"),
                     alt.Tooltip("high95:Q", title="95% to")]),
        base.transform_filter("datum.kind == 'actual'").mark_line(color=ACTUAL_COLOUR, strokeWidth=2).encode(
            y="children:Q", tooltip=[alt.Tooltip("utcyearmonth(date):T", title="Month", format="%B %Y"),
                                     alt.Tooltip("children:Q", title="Children")]),
    ]
    chart = alt.layer(*layers, data=alt.Data(values=_records(data))).properties(width=WIDTH, height=160)
    return _scrolling(chart.facet(row=alt.Row("station:N", title=None, sort=None)).resolve_scale(y="independent"), to_end=True)


def forecast_chart(chart_id: str, title: str, table: pd.DataFrame, describe) -> Chart:
    """The forecast's fan chart: the table is what is published, and the spec is drawn from it."""
    return Chart(chart_id, title, "", fan_spec(table, "Children"), table,
                 counts=["children", "expected"], groups=[],
                 describe=describe, draw=lambda shown: fan_spec(shown, "Children"))


def backtest_spec(table: pd.DataFrame) -> dict:
    """Spec of the backtest: per station, the forecast made a year before (band and line)
    against what happened (black line)."""
    data = _numbers(table, ["children", "expected", "low95", "high95"])
    data = data.assign(date=pd.to_datetime(data["date"]).dt.strftime("%Y-%m-%d"))
    base = alt.Chart().encode(x=_month_x())
    layers = [
        base.mark_area(opacity=0.2, color=BAND_COLOUR).encode(y=alt.Y("low95:Q", title="Children"), y2="high95:Q"),
        base.mark_line(strokeDash=[5, 3], color=BAND_COLOUR, strokeWidth=2).encode(y="expected:Q"),
        base.mark_line(color=ACTUAL_COLOUR, strokeWidth=2, point=alt.OverlayMarkDef(size=14, color=ACTUAL_COLOUR)).encode(
            y="children:Q", tooltip=[alt.Tooltip("utcyearmonth(date):T", title="Month", format="%B %Y"),
                                     alt.Tooltip("children:Q", title="Children"),
                                     alt.Tooltip("expected:Q", title="Forecast")]),
    ]
    chart = alt.layer(*layers, data=alt.Data(values=_records(data))).properties(width=WIDTH, height=140)
    return _scrolling(chart.facet(row=alt.Row("station:N", title=None, sort=None)).resolve_scale(y="independent"))


def _scrolling(chart, to_end: bool = False) -> dict:
    """The spec of panels of a fixed width: on a phone it keeps its width and scrolls in its box
    (usermeta ``min_width``: the panels, the station labels and the axis), rather than being
    shrunk until its text is a few pixels high; ``to_end``: the box opens scrolled to its right
    end (a fan chart's months ahead)."""
    usermeta = {"min_width": WIDTH + 100, **({"scroll_to": "end"} if to_end else {})}
    return {**chart.to_dict(validate=False), "usermeta": usermeta}


def backtest_chart(chart_id: str, title: str, table: pd.DataFrame, describe) -> Chart:
    """The backtest chart (forecast from a year before against the children actually there)."""
    return Chart(chart_id, title, "", backtest_spec(table), table, counts=["children", "expected"], groups=[],
                 describe=describe, draw=backtest_spec)
