"""Charts of the court pages: order shares by year, return to court, funnel plots, problem
profiles and abuse by carer problems.

Each function takes a tidy table from the analyses and returns a `Chart` whose words the page
writes from the published table (``describe``). Rows the privacy stage hides are dropped from
the spec by matching the table's rows (`generator.privacy.charts`), so the layers here draw
from the table's own rows; the funnel's limit lines and centre line are datasets of their own,
named apart from the table's columns so that they are never matched against its rows.
"""

from __future__ import annotations

from typing import Callable

import altair as alt
import pandas as pd

from generator.charts.annotations import records, spec_of
from generator.charts.chart import Chart
from generator.charts.theme import MUTED, PALETTE, base_properties

#: Labels of the six final orders (and the seed's abbreviations in the tooltips).
ORDER_LABELS = {"supervision_order": "Supervision order", "care_order": "Care order",
                "placement_order": "Placement order", "sgo": "Special guardianship order",
                "sgo_with_supervision": "SGO with supervision order",
                "child_arrangements_order": "Child arrangements order", "no_order": "No order"}
#: Placeholder data while Altair builds a spec; the rows go in after (`_with_rows`).
_EMPTY = alt.Data(values=[])
#: Six distinct colours for the six orders (the palette's two blues are not told apart easily).
ORDER_COLOURS = [PALETTE[i] for i in (0, 1, 2, 3, 4, 6)]
POINT_LABELS = {"start": "Start of proceedings", "end": "End of proceedings", "follow_up": "Follow-up"}


def _with_rows(chart, frame: pd.DataFrame) -> dict:
    """The spec of ``chart`` (built on `_EMPTY` top-level data) with ``frame``'s rows as its
    data: Altair wraps every inline record in schema objects, seconds for a few thousand rows
    of a step curve, so the rows are put into the finished dict instead."""
    spec = spec_of(chart)
    spec["data"] = {"values": records(frame).to_dict()}  # plain rows: the spec is written as JSON
    return spec


def order_share_lines(chart_id: str, table: pd.DataFrame, *, title: str,
                      describe: Callable[[pd.DataFrame], str]) -> Chart:
    """Share of children by final order per year (points with Wilson intervals) and each
    order's fitted logistic trend (dashed). ``table``: year, final_order, children, total,
    share, lower, upper, fitted (`generator.analyses.orders.order_shares`, one area)."""
    data = table.assign(order=table["final_order"].map(ORDER_LABELS).fillna(table["final_order"]),
                        pct=100 * table["share"], low_pct=100 * table["lower"], high_pct=100 * table["upper"],
                        fitted_pct=100 * table["fitted"])
    base = alt.Chart()
    colour = alt.Color("order:N", title="Final order", scale=alt.Scale(range=ORDER_COLOURS))
    x = alt.X("year:O", title="Year of the final order", axis=alt.Axis(labelAngle=0))
    tooltip = [alt.Tooltip("order:N", title="Order"), alt.Tooltip("year:O", title="Year"),
               alt.Tooltip("children:Q", title="Children", format=","), alt.Tooltip("total:Q", title="Of", format=","),
               alt.Tooltip("pct:Q", title="Per cent", format=".1f"),
               alt.Tooltip("low_pct:Q", title="95% interval from", format=".1f"),
               alt.Tooltip("high_pct:Q", title="95% interval to", format=".1f")]
    whiskers = base.mark_rule(opacity=0.6).encode(x=x, y=alt.Y("low_pct:Q", title="Share of children (%)"),
                                                  y2="high_pct:Q", color=colour)
    dots = base.mark_point(filled=True, size=45).encode(x=x, y="pct:Q", color=colour, tooltip=tooltip)
    trend = base.mark_line(strokeDash=[5, 3], strokeWidth=1.5).encode(x=x, y="fitted_pct:Q", color=colour)
    chart = alt.layer(whiskers, trend, dots, data=_EMPTY).properties(**{**base_properties(), "height": 320})
    return Chart(chart_id, title, "", _with_rows(chart, data), table, counts=["children", "total"], groups=[],
                 rates={"share": ("children", "total")}, describe=describe)


def order_share_panels(chart_id: str, table: pd.DataFrame, *, title: str,
                       describe: Callable[[pd.DataFrame], str]) -> Chart:
    """One small panel per area of the share of children by final order per year (lines with
    points; intervals in the tooltip and the CSV). ``table``: area, year, final_order,
    children, total, share, lower, upper, fitted (`order_shares`, several areas)."""
    data = table.assign(order=table["final_order"].map(ORDER_LABELS).fillna(table["final_order"]),
                        pct=100 * table["share"], low_pct=100 * table["lower"], high_pct=100 * table["upper"])
    tooltip = [alt.Tooltip("area:N", title="Area"), alt.Tooltip("order:N", title="Order"),
               alt.Tooltip("year:O", title="Year"), alt.Tooltip("children:Q", title="Children", format=","),
               alt.Tooltip("total:Q", title="Of", format=","), alt.Tooltip("pct:Q", title="Per cent", format=".1f"),
               alt.Tooltip("low_pct:Q", title="95% interval from", format=".1f"),
               alt.Tooltip("high_pct:Q", title="95% interval to", format=".1f")]
    lines = alt.Chart(_EMPTY).mark_line(point=True, strokeWidth=1.5).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=-90)), y=alt.Y("pct:Q", title="Share (%)"),
        color=alt.Color("order:N", title="Final order", scale=alt.Scale(range=ORDER_COLOURS)), tooltip=tooltip)
    chart = lines.properties(width=170, height=120).facet(facet=alt.Facet("area:N", title=None), columns=4)
    return Chart(chart_id, title, "", _with_rows(chart, data), table, counts=["children", "total"], groups=[],
                 rates={"share": ("children", "total")}, describe=describe)


def incidence_steps(chart_id: str, table: pd.DataFrame, *, title: str, y_title: str,
                    describe: Callable[[pd.DataFrame], str]) -> Chart:
    """Cumulative incidence step curves, one per group, with the number still followed in the
    tooltip. ``table``: group, days, estimate, lower, upper, at_risk
    (`generator.analyses.competing_risks.cumulative_incidence`); cut where fewer than 10 are
    followed by the privacy stage."""
    data = table.assign(years=table["days"] / 365.25, pct=100 * table["estimate"],
                        order=table["group"].map(ORDER_LABELS).fillna(table["group"]))
    base = alt.Chart(_EMPTY)
    colour = alt.Color("order:N", title="Final order", scale=alt.Scale(range=ORDER_COLOURS))
    x = alt.X("years:Q", title="Years since the final order", scale=alt.Scale(domain=[0, 5], nice=False))
    tooltip = [alt.Tooltip("order:N", title="Order"), alt.Tooltip("days:Q", title="Days"),
               alt.Tooltip("pct:Q", title="Per cent", format=".1f"),
               alt.Tooltip("at_risk:Q", title="Still followed", format=",")]
    lines = base.mark_line(interpolate="step-after", strokeWidth=2).encode(
        x=x, y=alt.Y("pct:Q", title=y_title, scale=alt.Scale(zero=True)), color=colour, tooltip=tooltip)
    chart = lines.properties(**{**base_properties(), "height": 300})
    return Chart(chart_id, title, "", _with_rows(chart, data), table, counts=[], at_risk="at_risk", curves_by=["group"],
                 describe=describe)


def funnel_chart(chart_id: str, table: pd.DataFrame, lines: pd.DataFrame, *, title: str, rate_title: str,
                 highlight: str | None, describe: Callable[[pd.DataFrame], str], x_title: str = "Denominator") -> Chart:
    """A funnel plot: each area's rate against its denominator, the centre line, and the 95%
    and 99.8% limits; the highlighted area in its own colour and named, outliers named.

    ``table``: `generator.analyses.funnel.COLUMNS` without ``outlier`` (the page publishes
    that in its download, hidden with the rate); ``lines``: `funnel_lines`."""
    you = table["area"].astype(str).eq(str(highlight)) if highlight is not None else pd.Series(False, index=table.index)
    data = table.assign(pct=100 * table["rate"], you=you.map({True: "yes", False: "no"}).astype(str),
                        beyond=(table["rate"] < table["lower_998"]) | (table["rate"] > table["upper_998"]))
    data["label"] = data["area"].where((data["you"] == "yes") | data["beyond"], "")
    data = data.drop(columns="beyond")
    grid = pd.DataFrame({"size": lines["denominator"], "lo95": 100 * lines["lower_95"], "hi95": 100 * lines["upper_95"],
                         "lo998": 100 * lines["lower_998"], "hi998": 100 * lines["upper_998"]})
    limits = grid.melt(id_vars="size", var_name="limit", value_name="limit_pct")
    limits["band"] = limits["limit"].map({"lo95": "95% limits", "hi95": "95% limits",
                                          "lo998": "99.8% limits", "hi998": "99.8% limits"})
    x = alt.X("denominator:Q", title=x_title, scale=alt.Scale(zero=False))
    y_scale = alt.Scale(zero=False)
    line_layer = alt.Chart(alt.Data(values=records(limits))).mark_line(strokeWidth=1.2, color=MUTED).encode(
        x=alt.X("size:Q", title=x_title), y=alt.Y("limit_pct:Q", title=rate_title, scale=y_scale),
        detail="limit:N", strokeDash=alt.StrokeDash("band:N", title="Limits", sort=["95% limits", "99.8% limits"]))
    centre = alt.Chart(alt.Data(values=[{"centre_pct": 100 * float(table["target"].iloc[0])}])).mark_rule(
        color=MUTED, strokeWidth=1).encode(y="centre_pct:Q") if len(table) else None
    base = alt.Chart(alt.Data(values=records(data)))
    tooltip = [alt.Tooltip("area:N", title="Area"), alt.Tooltip("numerator:Q", title="Numerator", format=","),
               alt.Tooltip("denominator:Q", title="Denominator", format=","),
               alt.Tooltip("pct:Q", title="Per cent", format=".1f")]
    dots = base.mark_point(filled=True, size=60).encode(
        x=x, y=alt.Y("pct:Q", title=rate_title, scale=y_scale), tooltip=tooltip,
        color=alt.Color("you:N", title="Highlighted", scale=alt.Scale(domain=["no", "yes"], range=[PALETTE[0], PALETTE[1]]),
                        legend=None),
        size=alt.condition("datum.you == 'yes'", alt.value(140), alt.value(50)))
    names = base.mark_text(align="left", dx=7, dy=-6, fontSize=11).encode(x=x, y="pct:Q", text="label:N")
    layers = [line_layer] + ([centre] if centre is not None else []) + [dots, names]
    chart = alt.layer(*layers).properties(**{**base_properties(), "height": 340})
    return Chart(chart_id, title, "", spec_of(chart), table, counts=["numerator", "denominator"], groups=[],
                 rates={"rate": ("numerator", "denominator")}, describe=describe)


def profile_bars(chart_id: str, table: pd.DataFrame, *, title: str, describe: Callable[[pd.DataFrame], str]) -> Chart:
    """Prevalence of each factor at each point, grouped bars with Wilson whiskers; a factor's
    label carries the seed's marks (dagger: start to end, double dagger: end to follow-up).

    ``table``: factor (label with marks), point, children, present, prevalence, lower, upper
    (`generator.analyses.paired.prevalence_by_point`)."""
    data = table.assign(when=table["point"].map(POINT_LABELS).fillna(table["point"]), pct=100 * table["prevalence"],
                        low_pct=100 * table["lower"], high_pct=100 * table["upper"])
    order = list(POINT_LABELS.values())
    base = alt.Chart()
    y = alt.Y("factor:N", title=None, sort=None, axis=alt.Axis(labelLimit=260))
    colour = alt.Color("when:N", title="When", sort=order, scale=alt.Scale(domain=order, range=PALETTE[:3]))
    offset = alt.YOffset("when:N", sort=order)
    tooltip = [alt.Tooltip("factor:N", title="Factor"), alt.Tooltip("when:N", title="When"),
               alt.Tooltip("present:Q", title="Children with it", format=","),
               alt.Tooltip("children:Q", title="Children", format=","),
               alt.Tooltip("pct:Q", title="Per cent", format=".1f")]
    bars = base.mark_bar().encode(x=alt.X("pct:Q", title="Children with the factor (%)"), y=y, yOffset=offset,
                                  color=colour, tooltip=tooltip)
    whiskers = base.mark_rule(color=MUTED).encode(x="low_pct:Q", x2="high_pct:Q", y=y, yOffset=offset)
    chart = alt.layer(bars, whiskers, data=_EMPTY).properties(
        width="container", height=max(160, 42 * data["factor"].nunique()))
    return Chart(chart_id, title, "", _with_rows(chart, data), table, counts=["present", "children"], groups=[],
                 rates={"prevalence": ("present", "children")}, describe=describe)


def abuse_bars(chart_id: str, table: pd.DataFrame, *, title: str, describe: Callable[[pd.DataFrame], str]) -> Chart:
    """Share of children with abuse or neglect recorded, by the number of carer problems, with
    Wilson whiskers. ``table``: carer_problems, children, abused, proportion, lower, upper."""
    data = table.assign(pct=100 * table["proportion"], low_pct=100 * table["lower"], high_pct=100 * table["upper"])
    base = alt.Chart(alt.Data(values=records(data)))
    x = alt.X("carer_problems:O", title="Carer problems recorded at the start of proceedings", axis=alt.Axis(labelAngle=0))
    tooltip = [alt.Tooltip("carer_problems:O", title="Carer problems"),
               alt.Tooltip("abused:Q", title="Abuse or neglect", format=","),
               alt.Tooltip("children:Q", title="Children", format=","), alt.Tooltip("pct:Q", title="Per cent", format=".1f")]
    bars = base.mark_bar(color=PALETTE[0]).encode(x=x, y=alt.Y("pct:Q", title="Abuse or neglect recorded (%)"),
                                                  tooltip=tooltip)
    whiskers = base.mark_rule(color=MUTED).encode(x=x, y="low_pct:Q", y2="high_pct:Q")
    chart = alt.layer(bars, whiskers).properties(**base_properties())
    return Chart(chart_id, title, "", spec_of(chart), table, counts=["abused", "children"], groups=[],
                 rates={"proportion": ("abused", "children")}, describe=describe)
