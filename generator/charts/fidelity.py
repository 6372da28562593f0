"""Real against synthetic: the fidelity page's figure of junction shares side by side."""

from __future__ import annotations

import altair as alt
import pandas as pd

from generator.charts.annotations import records, spec_of
from generator.charts.chart import Chart
from generator.charts.theme import PALETTE, base_properties

SOURCES = ["Real", "Synthetic twins"]


def paired_shares(chart_id: str, table: pd.DataFrame, *, title: str, description: str) -> Chart:
    """One row per ``step`` (in table order): the real share as a filled dot, the synthetic
    twins' as a ring, joined by a rule so the gap between them reads as the distance.

    ``table`` has ``junction``, ``step``, ``source`` (Real / Synthetic twins), ``pct``, and the real rows
    ``count`` and ``n`` (the synthetic rows' are empty: they count nobody).
    """
    order = list(dict.fromkeys(table["step"]))
    base = alt.Chart(alt.Data(values=records(table)))
    y = alt.Y("step:N", title=None, sort=order, axis=alt.Axis(labelLimit=360))
    x = alt.X("pct:Q", title="Per cent of the cases at the junction", scale=alt.Scale(domain=[0, 100]))
    colour = alt.Color("source:N", title=None, sort=SOURCES, scale=alt.Scale(domain=SOURCES, range=PALETTE[:2]),
                       legend=alt.Legend(orient="top"))
    shape = alt.Shape("source:N", sort=SOURCES, scale=alt.Scale(domain=SOURCES, range=["circle", "diamond"]))
    tooltip = [alt.Tooltip("step:N", title="Step"), alt.Tooltip("source:N", title="Data"),
               alt.Tooltip("pct:Q", title="Per cent", format=".1f"), alt.Tooltip("count:Q", title="Cases", format=","),
               alt.Tooltip("n:Q", title="At the junction", format=",")]
    rule = base.mark_rule(color="#b1b4b6", strokeWidth=2).encode(y=y, x="min(pct):Q", x2="max(pct):Q")
    points = base.mark_point(filled=True, size=80, opacity=0.9).encode(y=y, x=x, color=colour, shape=shape, tooltip=tooltip)
    chart = alt.layer(rule, points).properties(description=description,
                                               **{**base_properties(), "height": max(120, 26 * len(order))})
    return Chart(chart_id, title, description, spec_of(chart), table, counts=["count", "n"], groups=[("junction", "source")],
                 rates={"pct": ("count", "n")})


__all__ = ["paired_shares"]
