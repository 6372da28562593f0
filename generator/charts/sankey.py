"""A Sankey diagram drawn with plain Vega-Lite marks (Vega-Lite has no Sankey mark).

`sankey_layout` computes the geometry in Python: node rectangles stacked in columns, and each
link as a band whose top and bottom edges follow a smoothstep curve from the source node's
right edge to the target node's left edge, sampled at a fixed number of points. `sankey`
draws the bands as `area` marks (one per link, by `detail`), the nodes as `rect` marks and
the labels as `text`. Units on both axes are the layout's own (columns across, cases down);
the axes are hidden.

Labels sit in the gap right of their node, so they must fit it: a step's name wraps at
spaces into lines of at most `LABEL_CHARS` characters (11 px text fits a column 640 px / 7
wide), and within a column labels that would cover each other are moved apart
(`label_middles`), keeping each as near its node's middle as the others allow. Below
`MIN_WIDTH` the diagram keeps that width and its box scrolls sideways (site: ``usermeta``).
"""

from __future__ import annotations

import textwrap

import altair as alt
import numpy as np
import pandas as pd

from generator.charts.annotations import records, spec_of
from generator.charts.chart import Chart

#: Fraction of the tallest column left between two nodes of a column.
NODE_GAP = 0.07
NODE_WIDTH = 0.12
SAMPLES = 17
#: Label text size (px), line height (px) and the longest line of a step's name (characters).
LABEL_SIZE = 11
LINE_HEIGHT = 13
LABEL_CHARS = 12
#: The narrowest the diagram is drawn (px): about 90 px a column, room for a label's lines.
MIN_WIDTH = 640


def sankey_layout(links: pd.DataFrame, nodes: list[tuple[int, str, str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Node rectangles and link bands for ``links`` (``source``, ``target``, ``count``).

    Parameters
    ----------
    nodes : list of (column, name, tone)
        Every possible node, in drawing order within each column (top down).

    Returns
    -------
    (nodes, bands) : tuple of DataFrame
        ``nodes``: ``name``, ``column``, ``tone``, ``value`` (the larger of its inflow and
        outflow), ``x0``, ``x1``, ``y0``, ``y1`` (y grows downwards). ``bands``: ``link``
        (its number), ``source``, ``target``, ``count``, ``x``, ``y_top``, ``y_bottom``, one
        row per sample point, ``SAMPLES`` per link.
    """
    inflow = links.groupby("target")["count"].sum()
    outflow = links.groupby("source")["count"].sum()
    table = pd.DataFrame(nodes, columns=["column", "name", "tone"])
    table["value"] = [max(inflow.get(n, 0), outflow.get(n, 0)) for n in table["name"]]
    table = table[table["value"] > 0].reset_index(drop=True)
    totals = table.groupby("column")["value"].sum()
    gap = NODE_GAP * (totals.max() if len(totals) else 1)
    y0 = np.zeros(len(table))
    for column, rows in table.groupby("column"):
        tops = rows["value"].cumsum().shift(fill_value=0).to_numpy() + gap * np.arange(len(rows))
        y0[rows.index] = tops
    table["y0"] = y0
    table["y1"] = table["y0"] + table["value"]
    table["x0"] = table["column"].astype(float)
    table["x1"] = table["x0"] + NODE_WIDTH
    at = table.set_index("name")

    order = {name: i for i, (_, name, _) in enumerate(nodes)}
    ordered = links.assign(_s=links["source"].map(order), _t=links["target"].map(order)).sort_values(["_s", "_t"])
    # Where each link leaves its source (links in target order) and enters its target
    # (links in source order), as offsets from the node's top.
    leave = ordered.groupby("source")["count"].cumsum() - ordered["count"]
    enter = ordered.sort_values(["_t", "_s"]).groupby("target")["count"].cumsum() - ordered["count"]
    t = np.linspace(0.0, 1.0, SAMPLES)
    smooth = t * t * (3 - 2 * t)
    bands = []
    for link, row in enumerate(ordered.itertuples()):
        source, target = at.loc[row.source], at.loc[row.target]
        top0 = source["y0"] + leave.loc[row.Index]
        top1 = target["y0"] + enter.loc[row.Index]
        top = top0 + smooth * (top1 - top0)
        bands.append(pd.DataFrame({"link": link, "source": row.source, "target": row.target, "count": row.count,
                                   "x": source["x1"] + t * (target["x0"] - source["x1"]), "y_top": top, "y_bottom": top + row.count}))
    band_table = pd.concat(bands, ignore_index=True) if bands else pd.DataFrame(
        columns=["link", "source", "target", "count", "x", "y_top", "y_bottom"])
    return table, band_table


def label_lines(name: str, value: int) -> list[str]:
    """A node's label: its name wrapped at spaces to `LABEL_CHARS`, then its count."""
    return textwrap.wrap(name, LABEL_CHARS, break_long_words=False) + [f"{value:,}"]


def label_middles(table: pd.DataFrame, lines: list[int], height: float, bottom: float) -> list[float]:
    """Where each label's first line goes (layout units), so that no two labels of a column
    overlap: labels keep their node's middle unless a neighbour is in the way; then they are
    pushed apart down the column, and back up from its foot if that runs off the chart.

    Parameters
    ----------
    table : DataFrame
        The nodes (``column``, ``y0``, ``y1``), as from `sankey_layout`.
    lines : list of int
        Each node's number of label lines.
    height, bottom : float
        The chart's height in pixels and the layout units it spans.
    """
    per_px = bottom / height if height else 1.0
    middles = ((table["y0"] + table["y1"]) / 2 / per_px).tolist()  # in px from the top
    tall = [n * LINE_HEIGHT for n in lines]
    for _, rows in table.groupby("column"):
        order = sorted(rows.index, key=lambda i: middles[i])
        if order:
            middles[order[0]] = max(middles[order[0]], tall[order[0]] / 2)
        for above, below in zip(order, order[1:]):
            lowest = middles[above] + (tall[above] + tall[below]) / 2 + 2
            middles[below] = max(middles[below], lowest)
        if order and middles[order[-1]] + tall[order[-1]] / 2 > height:
            middles[order[-1]] = height - tall[order[-1]] / 2
            for below, above in zip(order[::-1], order[-2::-1]):
                highest = middles[below] - (tall[above] + tall[below]) / 2 - 2
                middles[above] = min(middles[above], highest)
    # Vega sets a label's first line at its y and the others below: y is the block's middle
    # less the lines after the first.
    return [(m - (n - 1) * LINE_HEIGHT / 2) * per_px for m, n in zip(middles, lines)]


def sankey(
    chart_id: str,
    links: pd.DataFrame,
    nodes: list[tuple[int, str, str]],
    *,
    title: str,
    description: str,
    unit: str,
    tones: dict[str, tuple[str, str]],
    height: int = 420,
) -> Chart:
    """A Sankey of ``links`` (``source``, ``target``, ``count``, ``pct`` of the source).

    ``tones`` maps each node tone to (legend label, colour); links take their target's tone.
    """
    table, bands = sankey_layout(links, nodes)
    names = [label for label, _ in tones.values()]
    colour_of = {tone: label for tone, (label, _) in tones.items()}
    scale = alt.Scale(domain=names, range=[colour for _, colour in tones.values()])
    tone = dict(zip(table["name"], table["tone"]))
    pct = links.set_index(["source", "target"])["pct"]
    bands = bands.assign(kind=[colour_of[tone[t]] for t in bands["target"]],
                         step=bands["source"] + " → " + bands["target"],
                         pct=[pct.get((s, t)) for s, t in zip(bands["source"], bands["target"])])
    lines = [label_lines(n, v) for n, v in zip(table["name"], table["value"])]
    bottom = float(table["y1"].max()) if len(table) else 1.0
    table = table.assign(kind=[colour_of[t] for t in table["tone"]], label=["\n".join(ls) for ls in lines],
                         middle=label_middles(table, [len(ls) for ls in lines], height, bottom), text_x=table["x1"] + 0.04)
    right = float(table["column"].max()) + 1.0 if len(table) else 1.0
    x = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[0, right], nice=False, zero=False))
    y_scale = alt.Scale(domain=[0, bottom], reverse=True, nice=False, zero=False)
    colour = alt.Color("kind:N", title=None, scale=scale, legend=alt.Legend(orient="top", labelLimit=320, columns=2, symbolOpacity=1))
    band_layer = alt.Chart(alt.Data(values=records(bands))).mark_area(interpolate="linear", opacity=0.45).encode(
        x=x, y=alt.Y("y_top:Q", axis=None, scale=y_scale), y2=alt.Y2("y_bottom:Q"), detail=alt.Detail("link:N"), color=colour,
        tooltip=[alt.Tooltip("step:N", title="From → to"), alt.Tooltip("count:Q", title=unit.capitalize(), format=","),
                 alt.Tooltip("pct:Q", title="Per cent of those at the first step", format=".1f")],
    )
    node_data = alt.Chart(alt.Data(values=records(table)))
    node_layer = node_data.mark_rect(stroke="#0b0c0c", strokeWidth=0.5).encode(
        x=alt.X("x0:Q", axis=None, scale=alt.Scale(domain=[0, right], nice=False, zero=False)), x2=alt.X2("x1:Q"),
        y=alt.Y("y0:Q", axis=None, scale=y_scale), y2=alt.Y2("y1:Q"), color=colour,
        tooltip=[alt.Tooltip("name:N", title="Step"), alt.Tooltip("value:Q", title=unit.capitalize(), format=",")],
    )
    labels = node_data.mark_text(align="left", baseline="middle", fontSize=LABEL_SIZE, lineHeight=LINE_HEIGHT, lineBreak="\n",
                                 color="#0b0c0c").encode(
        x=alt.X("text_x:Q", axis=None, scale=alt.Scale(domain=[0, right], nice=False, zero=False)),
        y=alt.Y("middle:Q", axis=None, scale=y_scale), text=alt.Text("label:N"),
    )
    chart = alt.layer(band_layer, node_layer, labels).properties(description=description, width="container", height=height)
    chart = chart.configure_view(stroke=None).properties(usermeta={"min_width": MIN_WIDTH})
    data = links.rename(columns={"count": f"{unit}_count", "source_count": f"{unit}_at_source_count", "pct": "pct_of_source"})
    return Chart(chart_id, title, description, spec_of(chart), data)
