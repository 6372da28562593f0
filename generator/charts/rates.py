"""Rates with their intervals: grouped bars, and monthly lines with bands.

Every rate is drawn with its 95% interval, labelled with its value, and carries its numerator
and denominator in the tooltip and the CSV. A rate whose denominator is below ``min_n`` is
not drawn as a bar or a point: the chart says "too few" there instead, so that noise from a
handful of cases is not read as a finding.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from generator.charts.annotations import annotation_layers, download_table, iso_dates, rate_tooltip, records, spec_of
from generator.charts.chart import Chart
from generator.charts.theme import PALETTE, base_properties

#: The smallest denominator whose rate is drawn (below it the 95% interval is wider than
#: about +/- 18 points, too wide to say anything).
MIN_DENOMINATOR = 30


def rate_bars(
    chart_id: str,
    table: pd.DataFrame,
    *,
    title: str,
    description: str,
    category: str,
    category_title: str,
    count_title: str,
    n_title: str,
    y_title: str = "Per cent",
    group: str | None = None,
    group_title: str | None = None,
    min_n: int = MIN_DENOMINATOR,
    height: int = 260,
    empty_label: str = "no cases",
    names: tuple[str, str] = ("events", "cases"),
) -> Chart:
    """Bars of ``pct`` by ``category`` (side by side by ``group``), with interval whiskers and
    value labels; rows with ``n`` < ``min_n`` show "too few (n)" instead of a bar, and rows
    with ``n`` = 0 show ``empty_label``.

    ``table`` has ``category``, optionally ``group``, and ``count``, ``n``, ``pct``,
    ``pct_low``, ``pct_high`` (from `generator.analyses.intervals.with_rate`). An optional
    boolean ``complete`` column marks rates known to be understated (too little history in
    the data): their bars are pale and their labels end in an asterisk. ``names`` say what
    ``count`` and ``n`` count, for the downloaded table (`download_table`).
    """
    complete = table["complete"] if "complete" in table else pd.Series(True, index=table.index)
    labels = []
    for p, n, whole in zip(table["pct"].fillna(0), table["n"], complete):
        labels.append(empty_label if n == 0 else f"too few ({n})" if n < min_n else f"{p:.1f}%" + ("" if whole else "*"))
    shown = table.assign(drawn=table["n"] >= min_n, label=labels, opacity=[1.0 if c else 0.45 for c in complete])
    shown["bar"] = shown["pct"].where(shown["drawn"])
    order = list(dict.fromkeys(table[category]))
    base = alt.Chart(alt.Data(values=records(shown)))
    x = alt.X(f"{category}:N", title=category_title, sort=order, axis=alt.Axis(labelAngle=0, labelLimit=160))
    encodings: dict = {"x": x}
    extra = [alt.Tooltip(f"{category}:N", title=category_title)]
    if group:
        groups = list(dict.fromkeys(table[group]))
        colour = alt.Color(f"{group}:N", title=group_title, sort=groups,
                           scale=alt.Scale(domain=groups, range=PALETTE[: len(groups)]), legend=alt.Legend(orient="top"))
        encodings["xOffset"] = alt.XOffset(f"{group}:N", sort=groups)
        extra.append(alt.Tooltip(f"{group}:N", title=group_title))
    tooltip = rate_tooltip(count_title, n_title, extra)
    y = alt.Y("bar:Q", title=y_title, scale=alt.Scale(domain=[0, 100]))
    bars = base.mark_bar(color=PALETTE[0]).encode(y=y, tooltip=tooltip, opacity=alt.Opacity("opacity:Q", scale=None), **encodings)
    if group:
        bars = bars.encode(color=colour)
    drawn = base.transform_filter("datum.drawn")
    whiskers = drawn.mark_rule(color="#0b0c0c", strokeWidth=1.5).encode(
        y=alt.Y("pct_low:Q"), y2="pct_high:Q", tooltip=tooltip, **encodings)
    labels = base.mark_text(baseline="bottom", dy=-3, fontSize=11, color="#0b0c0c").encode(
        y=alt.Y("top:Q"), text="label:N", **encodings
    ).transform_calculate(top="datum.drawn ? datum.pct_high : 0")
    chart = alt.layer(bars, whiskers, labels).properties(description=description, **{**base_properties(), "height": height})
    return Chart(chart_id, title, description, spec_of(chart), download_table(table, *names))


def monthly_rates(
    chart_id: str,
    table: pd.DataFrame,
    *,
    title: str,
    description: str,
    count_title: str,
    n_title: str,
    annotations: list,
    series: str | None = None,
    series_title: str | None = None,
    y_title: str = "Per cent",
    min_n: int = MIN_DENOMINATOR,
    reference: tuple[float, str] | None = None,
    names: tuple[str, str] = ("events", "cases"),
    period_title: str = "Month",
) -> Chart:
    """Monthly rates as lines with 95% bands (one line per ``series``), annotations drawn.

    ``table`` has ``month`` (timestamp), optionally ``series``, and the rate columns. Months
    with ``n`` < ``min_n`` are left as gaps. ``reference`` draws a horizontal rule (value,
    label), e.g. a national figure. ``names`` as for `rate_bars`.
    """
    shown = iso_dates(table, "month")
    shown = shown.assign(line=shown["pct"].where(shown["n"] >= min_n),
                         band_low=shown["pct_low"].where(shown["n"] >= min_n),
                         band_high=shown["pct_high"].where(shown["n"] >= min_n))
    base = alt.Chart(alt.Data(values=records(shown)))
    x = alt.X("utcyearmonth(month):T", title=period_title, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=8))
    extra = [alt.Tooltip("utcyearmonth(month):T", title=period_title, format="%B %Y")]
    colour = {}
    if series:
        lines = list(dict.fromkeys(table[series]))
        scale = alt.Scale(domain=lines, range=PALETTE[: len(lines)])
        # The band and the line share one legend: drawn as solid strokes, not as pale bands.
        legend = alt.Legend(orient="top", symbolType="stroke", symbolOpacity=1, symbolStrokeWidth=3, labelLimit=320)
        colour = {"color": alt.Color(f"{series}:N", title=series_title, sort=lines, scale=scale, legend=legend)}
        extra.append(alt.Tooltip(f"{series}:N", title=series_title))
    tooltip = rate_tooltip(count_title, n_title, extra)
    # Shares of one kind move within a few points: let the axis fit them (it is labelled).
    free = alt.Scale(zero=False, nice=True)
    band = base.mark_area(opacity=0.18, color=PALETTE[0]).encode(
        x=x, y=alt.Y("band_low:Q", title=y_title, scale=free), y2="band_high:Q", **colour,
        **({"detail": f"{series}:N"} if series else {}))
    line = base.mark_line(strokeWidth=2, color=PALETTE[0], point=alt.OverlayMarkDef(size=16)).encode(
        x=x, y=alt.Y("line:Q", title=y_title, scale=free), tooltip=tooltip, **colour)
    layers = [band, line]
    if reference is not None:
        value, label = reference
        ref = alt.Chart(alt.Data(values=[{"value": value, "label": label}]))
        layers.append(ref.mark_rule(color="#0b0c0c", strokeDash=[2, 2]).encode(y="value:Q"))
        layers.append(ref.mark_text(align="right", baseline="bottom", dy=-2, fontSize=11, color="#0b0c0c").encode(
            y="value:Q", x=alt.value("width"), text="label:N"))
    layers += annotation_layers(annotations)
    chart = alt.layer(*layers).properties(description=description, **base_properties())
    data = download_table(table.assign(month=table["month"].dt.strftime("%Y-%m")), *names)
    return Chart(chart_id, title, description, spec_of(chart), data)


def rate_rows(
    chart_id: str,
    table: pd.DataFrame,
    *,
    title: str,
    description: str,
    label: str,
    label_title: str,
    count_title: str,
    n_title: str,
    x_title: str,
    group: str | None = None,
    group_title: str | None = None,
    mark: str = "bar",
    reference: str | None = None,
    min_n: int = MIN_DENOMINATOR,
    names: tuple[str, str] = ("events", "cases"),
    row_height: int = 38,
) -> Chart:
    """One row per ``label`` (top to bottom in table order): the label written above a bar
    (or a point) at ``pct`` with its interval and "23.4% of 5,273" beside it; rows with ``n``
    < ``min_n`` say "too few to show (n)". Labels above the bars, not on an axis, leave the
    whole width to the bars on a phone. Rows are coloured by ``group``; ``reference`` names a
    column holding a value per row (e.g. the rate of all children) drawn as a dark tick.
    """
    text = []
    for p, n in zip(table["pct"].fillna(0), table["n"]):
        text.append(f"too few to show ({n:,})" if n < min_n else f"{p:.1f}% of {n:,}")
    shown = table.assign(drawn=table["n"] >= min_n, text=text)
    shown["value"] = shown["pct"].where(shown["drawn"])
    shown["right"] = shown["pct_high"].where(shown["drawn"], 0)
    base = alt.Chart(alt.Data(values=records(shown)))
    order = list(dict.fromkeys(table[label]))
    y = alt.Y(f"{label}:N", title=None, sort=order, axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0))
    x = alt.X("value:Q", title=x_title, scale=alt.Scale(domain=[0, 100]))
    extra = [alt.Tooltip(f"{label}:N", title=label_title)]
    colour: dict = {}
    if group:
        groups = list(dict.fromkeys(table[group]))
        palette = [PALETTE[i % len(PALETTE)] for i in range(len(groups))]
        scale = alt.Scale(domain=groups, range=palette)
        colour = {"fill": alt.Fill(f"{group}:N", title=group_title, sort=groups, scale=scale, legend=None),
                  "stroke": alt.Stroke(f"{group}:N", sort=groups, scale=scale, legend=None)}
        extra.insert(0, alt.Tooltip(f"{group}:N", title=group_title))
    tooltip = rate_tooltip(count_title, n_title, extra)
    # Within each row: the label in the upper half, the bar and its numbers in the lower.
    below, above = alt.value(row_height * 0.18), alt.value(-row_height * 0.12)
    if mark == "bar":
        # Pale fill with a full-colour outline: the outline meets 3:1 against white, and dark
        # labels stay readable where they sit over the bar.
        main = base.mark_bar(fill=PALETTE[0], stroke=PALETTE[0], fillOpacity=0.25, strokeWidth=1.5,
                             height=row_height * 0.36).encode(y=y, yOffset=below, x=x, tooltip=tooltip, **colour)
    else:
        main = base.mark_point(filled=True, size=70, fill=PALETTE[0], stroke=PALETTE[0]).encode(
            y=y, yOffset=below, x=x, tooltip=tooltip, **colour)
    drawn = base.transform_filter("datum.drawn")
    whiskers = drawn.mark_rule(color="#0b0c0c", strokeWidth=1.5).encode(
        y=y, yOffset=below, x="pct_low:Q", x2="pct_high:Q", tooltip=tooltip)
    layers = [main, whiskers]
    if reference:
        layers.insert(0, base.mark_tick(color="#0b0c0c", thickness=2, size=row_height * 0.5, opacity=0.7).encode(
            y=y, yOffset=below, x=alt.X(f"{reference}:Q"),
            tooltip=[alt.Tooltip(f"{reference}:Q", title="All cases (%)", format=".1f")]))
    layers.append(base.mark_text(align="left", baseline="bottom", fontSize=12, fontWeight="bold", color="#0b0c0c").encode(
        y=y, yOffset=above, x=alt.datum(0), text=f"{label}:N"))
    # Numbers sit right of the interval, or left of it (over the pale bar) near the right edge.
    near_edge = "datum.right > 55"
    layers.append(base.transform_filter(f"!({near_edge})").mark_text(align="left", dx=5, fontSize=11, color="#0b0c0c").encode(
        y=y, yOffset=below, x=alt.X("right:Q"), text="text:N"))
    layers.append(base.transform_filter(near_edge).mark_text(align="right", dx=-5, fontSize=11, color="#0b0c0c").encode(
        y=y, yOffset=below, x=alt.X("pct_low:Q"), text="text:N"))
    height = max(80, row_height * len(order))
    chart = alt.layer(*layers).properties(description=description, **{**base_properties(), "height": height})
    return Chart(chart_id, title, description, spec_of(chart), download_table(table, *names))
