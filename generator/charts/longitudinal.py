"""Charts of the longitudinal view: cumulative incidence lines, rate ratios, returns to care,
chronograms of grouped care histories, and a child's swimlanes.

Each function takes a tidy table and returns a `Chart` whose words are written from the
published table (``describe``) by the page; the chronogram draws its stacked bars from the
published table alone (``draw``), so a hidden cell leaves its whole month out rather than a
gap whose size gives it away.
"""

from __future__ import annotations

from typing import Callable

import altair as alt
import pandas as pd

from generator.charts.annotations import records, spec_of
from generator.charts.chart import Chart
from generator.charts.theme import PALETTE, base_properties
from generator.words import counted

#: Shown where a cell is hidden by the privacy stage.
HIDDEN = "c"
#: Colours for up to 10 states (a chronogram shows 9 legal statuses or 10 placement types):
#: the palette's first five, then hues of their own. Each reaches 3:1 against the light page and,
#: as drawn in dark (`theme.DARK_COLOURS`), the dark one; every two differ by a CIEDE2000 of 12
#: or more in both (Section 20 and At home, both blue, had differed by 2.7).
STATE_COLOURS = PALETTE[:5] + ["#cc79a7", "#709c16", "#1999b3", "#6f777b", "#9c5a2e"]


def _numeric(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """``frame`` with hidden cells ("c") as missing, so published tables can be drawn."""
    return frame.assign(**{c: pd.to_numeric(frame[c], errors="coerce") for c in columns if c in frame.columns})


def incidence_lines(chart_id: str, table: pd.DataFrame, *, series: str, series_title: str, title: str,
                    describe: Callable[[pd.DataFrame], str], y_title: str, ordinal: bool = True,
                    counts: list[str] | None = None, at_risk: str | None = None) -> Chart:
    """One line per ``series`` of ``pct`` against ``by_age`` with its ``low_pct``-``high_pct``
    band as a tooltip (bands of a dozen cohorts would hide each other)."""
    data = table.copy()
    data[series] = data[series].astype(str)
    base = alt.Chart(alt.Data(values=records(data)))
    scale = alt.Scale(scheme="viridis") if ordinal else alt.Scale(range=PALETTE)
    colour = alt.Color(f"{series}:{'O' if ordinal else 'N'}", title=series_title, scale=scale)
    x = alt.X("by_age:Q", title="Age (years)", scale=alt.Scale(domain=[0, 18], nice=False),
              axis=alt.Axis(values=list(range(0, 19, 2))))
    y = alt.Y("pct:Q", title=y_title, scale=alt.Scale(zero=True))
    tooltip = [alt.Tooltip(f"{series}:N", title=series_title), alt.Tooltip("by_age:Q", title="By age"),
               alt.Tooltip("pct:Q", title="Per cent", format=".2f"),
               alt.Tooltip("low_pct:Q", title="95% interval from", format=".2f"),
               alt.Tooltip("high_pct:Q", title="95% interval to", format=".2f")]
    lines = base.mark_line(point=True, strokeWidth=2).encode(x=x, y=y, color=colour, tooltip=tooltip)
    chart = lines.properties(**{**base_properties(), "height": 300})
    return Chart(chart_id, title, "", spec_of(chart), table, counts=counts, at_risk=at_risk,
                 curves_by=[series] if at_risk else None, describe=describe, groups=[],
                 decimals=dict.fromkeys(["pct", "low_pct", "high_pct"], 2))  # as the tooltip reads them


def rate_ratio_dots(chart_id: str, table: pd.DataFrame, *, category: str, category_title: str, title: str,
                    describe: Callable[[pd.DataFrame], str]) -> Chart:
    """Rate ratios on a log scale with their intervals; a rule at 1 (the reference group)."""
    base = alt.Chart(alt.Data(values=records(table)))
    x = alt.X("rate_ratio:Q", title="Rate ratio (log scale; 1 = the reference group)", scale=alt.Scale(type="log"))
    # No axis title: the chart's title names the groups, and beside long names ("Information
    # not yet obtained") the rotated title printed over them.
    y = alt.Y(f"{category}:N", title=None, sort=None)
    tooltip = [alt.Tooltip(f"{category}:N", title=category_title),
               alt.Tooltip("rate:Q", title="First entries per 1,000 child-years", format=".2f"),
               alt.Tooltip("rate_ratio:Q", title="Rate ratio", format=".2f"),
               alt.Tooltip("low:Q", title="95% interval from", format=".2f"),
               alt.Tooltip("high:Q", title="95% interval to", format=".2f")]
    rules = base.mark_rule(color=PALETTE[0], strokeWidth=2).encode(x=alt.X("low:Q"), x2=alt.X2("high:Q"), y=y)
    dots = base.mark_point(filled=True, size=70, color=PALETTE[0]).encode(x=x, y=y, tooltip=tooltip)
    one = alt.Chart(alt.Data(values=[{"ratio": 1}])).mark_rule(strokeDash=[4, 3], color="#505a5f").encode(x=alt.X("ratio:Q"))
    chart = alt.layer(rules, dots, one).properties(width="container", height=max(120, 22 * len(table)))
    return Chart(chart_id, title, "", spec_of(chart), table, counts=["first_entries"], groups=[()],
                 describe=describe, decimals=dict.fromkeys(["rate", "rate_ratio", "low", "high"], 2))  # as the tooltip


#: Width of one panel (1, 2 or 5 years) of the return-to-care dot charts.
PANEL_WIDTH = 190


def return_dots(chart_id: str, table: pd.DataFrame, *, title: str, describe: Callable[[pd.DataFrame], str]) -> Chart:
    """Share returned within 1, 2 and 5 years by group, both estimators, with intervals."""
    data = table.assign(pct=100 * table["estimate"], low_pct=100 * table["lower"], high_pct=100 * table["upper"],
                        within=[counted(int(round(d / 365.25)), "year") for d in table["days"]],
                        estimator=table["method"].map({"kaplan_meier": "1 - Kaplan-Meier (18 censored)",
                                                       "aalen_johansen": "Aalen-Johansen (18 competing)"}))
    base = alt.Chart()
    y = alt.Y("group:N", title=None, sort=None)
    # The legend above the panels, not beside them: beside, it made the chart 680 px wide.
    colour = alt.Color("estimator:N", title="Estimate", scale=alt.Scale(range=PALETTE[:2]),
                       legend=alt.Legend(orient="top", direction="vertical"))
    offset = alt.YOffset("estimator:N")
    tooltip = [alt.Tooltip("group:N", title="Group"), alt.Tooltip("within:N", title="Within"),
               alt.Tooltip("estimator:N"), alt.Tooltip("pct:Q", title="Per cent", format=".1f"),
               alt.Tooltip("low_pct:Q", title="95% interval from", format=".1f"),
               alt.Tooltip("high_pct:Q", title="95% interval to", format=".1f"),
               alt.Tooltip("at_risk:Q", title="Still followed", format=",")]
    rules = base.mark_rule().encode(x=alt.X("low_pct:Q", title="Returned to care (%)"), x2=alt.X2("high_pct:Q"), y=y,
                                    yOffset=offset, color=colour)
    dots = base.mark_point(filled=True, size=50).encode(x=alt.X("pct:Q"), y=y, yOffset=offset, color=colour, tooltip=tooltip)
    chart = alt.layer(rules, dots, data=alt.Data(values=records(data))).properties(
        width=PANEL_WIDTH, height=max(90, 34 * data["group"].nunique())).facet(
        column=alt.Column("within:N", title="Returned within", sort=["1 year", "2 years", "5 years"]))
    # On a phone the panels keep their width and scroll in their box (the site reads usermeta)
    # rather than shrink to 4 px text; the group labels take up to about 110 px (legal status:
    # 99 px, and at 90 the panels were drawn 1 % small).
    panels = data["within"].nunique()
    spec = {**spec_of(chart), "usermeta": {"min_width": 110 + panels * (PANEL_WIDTH + 20)}}
    return Chart(chart_id, title, "", spec, data.drop(columns=["estimate", "lower", "upper"]),
                 counts=[], at_risk="at_risk", curves_by=["grouping", "group", "method"], describe=describe)


def chronogram(chart_id: str, table: pd.DataFrame, *, states: dict[str, str], title: str,
               describe: Callable[[pd.DataFrame], str]) -> Chart:
    """Stacked shares of each state by month since entry, one panel per group.

    ``table``: ``group``, ``month``, ``state`` (label), ``count``, ``share``. Drawn from the
    published table: a month of a group with any hidden cell is left out whole.
    """
    order = list(states.values())

    def draw(published: pd.DataFrame) -> dict:
        shown = _numeric(published, "count", "share")
        hidden = shown.groupby(["group", "month"])["count"].transform(lambda c: c.isna().any())
        shown = shown[~hidden]
        base = alt.Chart(alt.Data(values=records(shown)))
        present = [label for label in order if label in set(shown["state"])]
        colour = alt.Color("state:N", title="State", sort=present,
                           scale=alt.Scale(domain=present, range=[STATE_COLOURS[i % len(STATE_COLOURS)]
                                                                  for i in range(len(present))]))
        bars = base.mark_bar(width={"band": 1}).encode(
            x=alt.X("month:O", title="Months since first entry", axis=alt.Axis(values=list(range(0, 121, 6)), labelAngle=0)),
            # Each panel is shorter than "Share of the group": the row header says it once.
            y=alt.Y("share:Q", title=None, stack="normalize", axis=alt.Axis(format="%")),
            color=colour, order=alt.Order("rank:Q"),
            tooltip=[alt.Tooltip("group:N", title="Group"), alt.Tooltip("month:Q", title="Month"),
                     alt.Tooltip("state:N"), alt.Tooltip("share:Q", format=".0%"), alt.Tooltip("count:Q", title="Children")])
        # Small multiples 620 px wide, legend and headers beside: on a phone they keep that
        # width and scroll in their box (the site reads usermeta) rather than shrink to 5 px text.
        chart = bars.properties(width=620, height=110).facet(
            row=alt.Row("group:N", title="Group (share of its children in each state)",
                        header=alt.Header(labelAngle=0, labelAlign="left", labelPadding=4)))
        return {**spec_of(chart), "usermeta": {"min_width": 870}}  # drawn 856 px wide with its legend

    rank = {label: i for i, label in enumerate(order)}
    data = table.assign(rank=table["state"].map(rank))
    return Chart(chart_id, title, "", draw(data), data, counts=["count"], groups=[("group", "month")],
                 describe=describe, draw=draw)


def silhouette_line(chart_id: str, quality: pd.DataFrame, chosen: int, *, title: str, description: str) -> Chart:
    """Average silhouette width by number of groups, the chosen number marked."""
    data = quality.assign(chosen=quality["groups"] == chosen)
    base = alt.Chart(alt.Data(values=records(data)))
    x = alt.X("groups:O", title="Number of groups", axis=alt.Axis(labelAngle=0))  # numbers read upright
    y = alt.Y("asw:Q", title="Average silhouette width")
    line = base.mark_line(color=PALETTE[0]).encode(x=x, y=y)
    dots = base.mark_point(filled=True, size=80).encode(
        x=x, y=y, color=alt.condition("datum.chosen", alt.value(PALETTE[1]), alt.value(PALETTE[0])),
        tooltip=[alt.Tooltip("groups:O", title="Groups"), alt.Tooltip("asw:Q", title="ASW", format=".3f")])
    chart = alt.layer(line, dots).properties(width="container", height=180, description=description)
    return Chart(chart_id, title, description, spec_of(chart), data, counts=[])


def swimlanes(chart_id: str, table: pd.DataFrame, lanes: list[str], *, title: str, description: str) -> Chart:
    """A child's records as spans on lanes, moments as ticks (internal reports only)."""
    data = table.assign(start=table["start"].dt.strftime("%Y-%m-%d"), end=table["end"].dt.strftime("%Y-%m-%d"))
    base = alt.Chart(alt.Data(values=records(data)))
    y = alt.Y("lane:N", title=None, sort=lanes)
    colour = alt.Color("lane:N", legend=None, sort=lanes, scale=alt.Scale(range=PALETTE))
    tooltip = [alt.Tooltip("lane:N", title="Record"), alt.Tooltip("start:T", title="From", format="%d %b %Y"),
               alt.Tooltip("end:T", title="To", format="%d %b %Y"), alt.Tooltip("code:N", title="Code"),
               alt.Tooltip("open:N", title="Still open")]
    spans = base.transform_filter("!datum.moment").mark_bar(height=14, cornerRadius=2, stroke="white").encode(
        x=alt.X("start:T", title=None), x2=alt.X2("end:T"), y=y, color=colour, tooltip=tooltip)
    moments = base.transform_filter("datum.moment").mark_tick(thickness=2, size=16).encode(
        x=alt.X("start:T"), y=y, color=colour, tooltip=tooltip)
    labels = base.transform_filter("!datum.moment && datum.code != ''").mark_text(
        align="left", dx=3, fontSize=10, color="white").encode(x=alt.X("start:T"), y=y, text=alt.Text("code:N"))
    chart = alt.layer(spans, moments, labels).properties(width="container", height=34 * len(lanes),
                                                         description=description)
    return Chart(chart_id, title, description, spec_of(chart), data, counts=[])
