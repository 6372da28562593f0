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
from generator.page_options import MIN_DENOMINATOR  # noqa: E402  (one number for pages and charts)


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
    # More than eight categories leave each label less width than a name ("White and Black
    # Caribbean") needs side by side: stand them up, each ending under its bar (slanted, their
    # boxes overlapped one another in print).
    # The title sits further below them: the static copy measures text in vl-convert's font,
    # and the wider print font ran the longest names into it.
    slant = (dict(labelAngle=-90, labelAlign="right", labelBaseline="middle", titlePadding=36) if len(order) > 8
             else dict(labelAngle=0))
    x = alt.X(f"{category}:N", title=category_title, sort=order, axis=alt.Axis(labelLimit=160, **slant))
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
        y=alt.Y("pct_low:Q"), y2=alt.Y2("pct_high:Q"), tooltip=tooltip, **encodings)
    # More than eight bars leave a label less width than "too few (12)" needs: stand them up.
    upright = dict(angle=270, align="left", baseline="middle", dx=3) if len(table) > 8 else dict(baseline="bottom", dy=-3)
    labels = base.mark_text(fontSize=11, color="#0b0c0c", **upright).encode(
        y=alt.Y("top:Q"), text=alt.Text("label:N"), **encodings
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
        x=x, y=alt.Y("band_low:Q", title=y_title, scale=free), y2=alt.Y2("band_high:Q"), **colour,
        **({"detail": alt.Detail(f"{series}:N")} if series else {}))
    line = base.mark_line(strokeWidth=2, color=PALETTE[0], point=alt.OverlayMarkDef(size=16)).encode(
        x=x, y=alt.Y("line:Q", title=y_title, scale=free), tooltip=tooltip, **colour)
    layers = [band, line]
    if reference is not None:
        value, label = reference
        ref = alt.Chart(alt.Data(values=[{"value": value, "label": label}]))
        layers.append(ref.mark_rule(color="#0b0c0c", strokeDash=[2, 2]).encode(y=alt.Y("value:Q")))
        layers.append(ref.mark_text(align="right", baseline="bottom", dy=-2, fontSize=11, color="#0b0c0c").encode(
            y=alt.Y("value:Q"), x=alt.XValue("width"), text=alt.Text("label:N")))
    layers += annotation_layers(annotations)
    chart = alt.layer(*layers).properties(description=description, **base_properties())
    data = download_table(table.assign(month=table["month"].dt.strftime("%Y-%m")), *names)
    return Chart(chart_id, title, description, spec_of(chart), data)

