"""One row per group: a bar or a point with its interval, labelled in words, for comparing
rates or medians across junction branches or groups of children.

Each row's label is written above its bar rather than on an axis, so that on a phone the bars
keep the whole width. A row whose denominator is below ``min_n`` says "too few to show (n)"
instead of drawing noise, and a row with none says so ("none in the period"), never "too few
to show (0)".
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from generator.charts.annotations import download_table, rate_tooltip, records, spec_of
from generator.charts.chart import Chart
from generator.charts.rates import MIN_DENOMINATOR
from generator.charts.theme import PALETTE, base_properties


def _too_few(n: int) -> str:
    return "none in the period" if not n else f"too few to show ({n:,})"


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
) -> Chart:
    """Rows of ``pct`` with its Wilson interval, "23.4% of 5,273" beside each; ``reference``
    names a column with a value per row (e.g. the rate of all children), drawn as a tick."""
    text = [_too_few(n) if n < min_n else f"{p:.1f}% of {n:,}" for p, n in zip(table["pct"].fillna(0), table["n"])]
    extra = _row_tooltips(label, label_title, group, group_title)
    chart = _rows(table, text=text, value="pct", low="pct_low", high="pct_high", domain=_rate_domain(table, mark, min_n),
                  description=description,
                  label=label, group=group, x_title=x_title, mark=mark, reference=reference, min_n=min_n,
                  tooltip=rate_tooltip(count_title, n_title, extra), reference_title="All cases (%)")
    return Chart(chart_id, title, description, chart, download_table(table, *names))


def median_rows(
    chart_id: str,
    table: pd.DataFrame,
    *,
    title: str,
    description: str,
    label: str,
    label_title: str,
    n_title: str,
    x_title: str,
    unit: str,
    group: str | None = None,
    group_title: str | None = None,
    reference: str | None = None,
    min_n: int = MIN_DENOMINATOR,
    names: str = "cases",
) -> Chart:
    """Rows of ``median`` with its interval (``median_low``, ``median_high``), "21 working
    days (n 5,273)" beside each."""
    text = [_too_few(n) if n < min_n else f"{m:.0f} {unit} (of {n:,})" for m, n in zip(table["median"].fillna(0), table["n"])]
    top = pd.concat([table["median_high"], table["median"], table[reference] if reference else table["median"]]).max()
    extra = _row_tooltips(label, label_title, group, group_title)
    tooltip = extra + [alt.Tooltip("median:Q", title=f"Median {unit}", format=".1f"),
                       alt.Tooltip("median_low:Q", title="95% interval from", format=".1f"),
                       alt.Tooltip("median_high:Q", title="95% interval to", format=".1f"),
                       alt.Tooltip("n:Q", title=n_title, format=",")]
    chart = _rows(table, text=text, value="median", low="median_low", high="median_high",
                  domain=(0.0, float(top) * 1.15 if pd.notna(top) and top > 0 else 1.0), description=description, label=label,
                  group=group, x_title=x_title, mark="point", reference=reference, min_n=min_n, tooltip=tooltip,
                  reference_title=f"All cases ({unit})")
    return Chart(chart_id, title, description, chart, table.rename(columns={"n": f"{names}_count"}))


def _row_tooltips(label: str, label_title: str, group: str | None, group_title: str | None) -> list:
    """The row's label (and group) first in every tooltip."""
    return [alt.Tooltip(f"{label}:N", title=label_title)] + ([alt.Tooltip(f"{group}:N", title=group_title)] if group else [])


def _rate_domain(table: pd.DataFrame, mark: str, min_n: int) -> tuple[float, float]:
    """0-100 for bars (their length is the rate); for points, the drawn intervals' span with
    a margin, in steps of 10, so differences between groups can be seen."""
    drawn = table[table["n"] >= min_n]
    if mark == "bar" or drawn.empty:
        return (0.0, 100.0)
    low = max(0.0, 10 * ((drawn["pct_low"].min() - 2) // 10))
    high = min(100.0, 10 * -((-(drawn["pct_high"].max() + 8)) // 10))
    return (float(low), float(high))


def _rows(table, *, text, value, low, high, domain, description, label, group, x_title, mark, reference, min_n,
          tooltip, reference_title, row_height: int = 32) -> dict:
    shown = table.assign(drawn=table["n"] >= min_n, text=text)
    shown["value"] = shown[value].where(shown["drawn"])
    # Interval limits may be missing (too few for an interval): fall back on the value.
    shown["low_end"] = shown[low].fillna(shown["value"]).where(shown["drawn"])
    shown["high_end"] = shown[high].fillna(shown["value"]).where(shown["drawn"])
    shown["right"] = shown["high_end"].fillna(domain[0])
    base = alt.Chart(alt.Data(values=records(shown)))
    order = list(dict.fromkeys(table[label]))
    y = alt.Y(f"{label}:N", title=None, sort=order, axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0))
    # All text at 12 px: a chart of many rows prints scaled to fit a page with its title (to
    # 205 mm, for 29 rows of 32 px), and 12 px still prints at 7.3 pt there.
    # Every layer names the same scale: a layer left to its own (the reference rule, the
    # whiskers) gets a zero-based domain, Vega-Lite unions the two, and the row labels drawn
    # at domain[0] end up mid-plot over the intervals.
    x_scale = alt.Scale(domain=list(domain), nice=False)
    x = alt.X("value:Q", title=x_title, scale=x_scale, axis=alt.Axis(labelFontSize=12, titleFontSize=12))
    colour: dict = {}
    if group:
        groups = list(dict.fromkeys(table[group]))
        scale = alt.Scale(domain=groups, range=[PALETTE[i % len(PALETTE)] for i in range(len(groups))])
        colour = {"fill": alt.Fill(f"{group}:N", sort=groups, scale=scale, legend=None),
                  "stroke": alt.Stroke(f"{group}:N", sort=groups, scale=scale, legend=None)}
    # Within each row: the label in the upper half, the bar and its numbers in the lower.
    below, above = alt.YOffsetValue(row_height * 0.18), alt.YOffsetValue(-row_height * 0.12)
    if mark == "bar":
        # Pale fill with a full-colour outline: the outline meets 3:1 against white, and dark
        # labels stay readable where they sit over the bar.
        main = base.mark_bar(fill=PALETTE[0], stroke=PALETTE[0], fillOpacity=0.25, strokeWidth=1.5,
                             height=row_height * 0.36).encode(y=y, yOffset=below, x=x, tooltip=tooltip, **colour)
    else:
        main = base.mark_point(filled=True, size=70, fill=PALETTE[0], stroke=PALETTE[0], opacity=1).encode(
            y=y, yOffset=below, x=x, tooltip=tooltip, **colour)
    drawn = base.transform_filter("datum.drawn")
    whiskers = drawn.mark_rule(color="#0b0c0c", strokeWidth=1.5).encode(y=y, yOffset=below, x=alt.X("low_end:Q", scale=x_scale), x2=alt.X2("high_end:Q"),
                                                                         tooltip=tooltip)
    layers = [main, whiskers] if mark == "bar" else [whiskers, main]
    if reference:
        # One value for every row (all cases): a single dashed rule the height of the chart.
        layers.insert(0, base.mark_rule(color="#505a5f", strokeDash=[5, 3], strokeWidth=1.5).encode(
            x=alt.X(f"mean({reference}):Q", scale=x_scale), tooltip=[alt.Tooltip(f"mean({reference}):Q", title=reference_title, format=".1f")]))
    # A label longer than the plot is wide is drawn smaller, down to 10 px, and never past the
    # plot's right edge ("Assessment → Child in need, no strategy discussion" ran 14 px off a
    # 375 px phone). Bold 12 px text is at most about 0.62 em a character.
    fitted = f"clamp(width / (0.62 * length(datum['{label}'])), 10, 12)"
    layers.append(base.transform_calculate(label_size=fitted).mark_text(
        align="left", baseline="bottom", fontWeight="bold", color="#0b0c0c", limit={"expr": "width"}).encode(
        y=y, yOffset=above, x=alt.XDatum(domain[0], scale=x_scale), text=alt.Text(f"{label}:N"),
        size=alt.Size("label_size:Q", scale=None, legend=None)))
    # Numbers sit on the side of the interval with more room: right of it, unless there is more
    # space between the plot's left edge and the interval's start (a fixed share of the width
    # ran them off the left edge once a dot chart's domain hugged its intervals).
    near_edge = f"isValid(datum.low_end) && datum.low_end - {domain[0]} > {domain[1]} - datum.right"
    layers.append(base.transform_filter(f"!({near_edge})").mark_text(align="left", dx=5, fontSize=12, color="#0b0c0c").encode(
        y=y, yOffset=below, x=alt.X("right:Q", scale=x_scale), text=alt.Text("text:N")))
    layers.append(base.transform_filter(near_edge).mark_text(align="right", dx=-5, fontSize=12, color="#0b0c0c").encode(
        y=y, yOffset=below, x=alt.X("low_end:Q", scale=x_scale), text=alt.Text("text:N")))
    height = max(80, row_height * len(order))
    return spec_of(alt.layer(*layers).properties(description=description, **{**base_properties(), "height": height}))
