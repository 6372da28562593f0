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
        # A reading in the right part of the plot is written to the left of its point, above the
        # rising curve: to its right "36 months: 59.6%" ran off the chart on a phone.
        right = float(table["months"].max()) * 0.6
        for keep, align, dx, dy in ((f"datum.months <= {right}", "left", 6, 12), (f"datum.months > {right}", "right", -6, -12)):
            layers.append(points.transform_filter(keep).mark_text(
                align=align, dx=dx, dy=dy, fontSize=12, fontWeight="bold", color="#0b0c0c").encode(
                x=alt.X("months:Q"), y=alt.Y("pct:Q"), text=alt.Text("label:N")))
    chart = alt.layer(*layers).properties(description=description, **base_properties())
    data = table.rename(columns={"at_risk": "at_risk_count", "rereferred": "rereferred_count"})
    # A cumulative curve: its rows do not add up to anything shown.
    return Chart(chart_id, title, description, spec_of(chart), data, groups=[])


def survival_curves(chart_id: str, table: pd.DataFrame, *, title: str, describe, y_title: str,
                    x_title: str = "Weeks since entering care", mark: float | None = None) -> Chart:
    """Step curves of ``still_in_care`` (0-1) against ``weeks``, one per ``group``, each with its
    ``lower``-``upper`` band, and a dotted rule at ``mark`` weeks.

    ``table`` has ``group``, ``weeks``, ``still_in_care``, ``lower``, ``upper``, ``at_risk``
    (`generator.analyses.proceedings.still_in_care`); it is the chart's CSV as it stands. The
    spec is drawn from the published table (a public curve stops where few remain at risk) and
    the words by ``describe(published_table)``.
    """

    def draw(shown: pd.DataFrame) -> dict:
        numbers = shown.assign(**{c: pd.to_numeric(shown[c], errors="coerce")
                                  for c in ("weeks", "still_in_care", "lower", "upper", "at_risk")})
        numbers = numbers[numbers["still_in_care"].notna()]
        groups = list(dict.fromkeys(numbers["group"]))
        colour = alt.Color("group:N", title=None, scale=alt.Scale(domain=groups, range=PALETTE[: max(len(groups), 1)]),
                           legend=alt.Legend(orient="top", labelLimit=320))
        base = alt.Chart(alt.Data(values=records(numbers)))
        right = max(float(numbers["weeks"].max()) if len(numbers) else 52.0, 1.0)
        x = alt.X("weeks:Q", title=x_title, scale=alt.Scale(domain=[0, right], nice=False))
        y = alt.Y("still_in_care:Q", title=y_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]))
        tooltip = [alt.Tooltip("group:N", title="Children"), alt.Tooltip("weeks:Q", title="Weeks"),
                   alt.Tooltip("still_in_care:Q", title="Still looked after", format=".1%"),
                   alt.Tooltip("lower:Q", title="95% interval from", format=".1%"),
                   alt.Tooltip("upper:Q", title="95% interval to", format=".1%"),
                   alt.Tooltip("at_risk:Q", title="Still followed (at risk)", format=",")]
        layers = [base.mark_area(interpolate="step-after", opacity=0.15).encode(
                      x=x, y=alt.Y("lower:Q", title=y_title), y2="upper:Q", color=colour),
                  base.mark_line(interpolate="step-after", strokeWidth=2).encode(x=x, y=y, color=colour),
                  base.mark_point(opacity=0, size=50).encode(x=x, y=y, color=colour, tooltip=tooltip)]
        if mark is not None and right >= mark:
            rule = alt.Chart(alt.Data(values=[{"weeks": mark, "label": f"{mark:g} weeks"}]))
            layers.append(rule.mark_rule(strokeDash=[2, 2], color="#505a5f").encode(x="weeks:Q"))
            layers.append(rule.mark_text(align="left", dx=4, y=8, color="#0b0c0c").encode(x="weeks:Q", text="label:N"))
        chart = alt.layer(*layers).properties(description=describe(shown), **base_properties())
        return spec_of(chart)

    description = describe(table)
    return Chart(chart_id, title, description, draw(table), table, counts=[], groups=[], at_risk="at_risk",
                 curves_by=["group"], describe=describe, draw=draw)
