"""A monthly series before and after an event with its segmented regression: the months as
points, the fitted trend on each side with its 95% band, and the trend before continued
(dashed) to show what the fit would have expected without a change."""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from generator.charts.annotations import annotation_layers, iso_dates, records, spec_of
from generator.charts.chart import Chart
from generator.charts.theme import PALETTE, base_properties

SERIES = ("Each month", "Fitted trend", "Trend before, continued")


def segmented_chart(
    chart_id: str,
    fitted: pd.DataFrame,
    *,
    title: str,
    description: str,
    y_title: str,
    count_title: str,
    n_title: str,
    annotation,
    rate: bool,
) -> Chart:
    """``fitted`` from `analyses.interrupted.SegmentedFit.fitted`, joined with ``count`` and
    ``n`` per month; ``annotation`` is drawn as a dashed rule with its label."""
    shown = iso_dates(fitted, "month")
    # Two panels share the width: labels that would run into each other are left out.
    x = alt.X("utcyearmonth(month):T", title="Month",
              axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=8, labelOverlap="greedy", labelFlush=True))
    # A long measure's name wraps rather than running past the chart's top and foot.
    axis_title = textwrap.wrap(y_title, 32) if len(y_title) > 32 else y_title
    colour = alt.Color("series:N", title=None, sort=list(SERIES),
                       scale=alt.Scale(domain=list(SERIES), range=["#505a5f", PALETTE[0], PALETTE[1]]),
                       legend=alt.Legend(orient="top", labelLimit=320))
    fmt = ".1f" if rate else ",.0f"
    tooltip = [alt.Tooltip("utcyearmonth(month):T", title="Month", format="%B %Y"), alt.Tooltip("value:Q", title=y_title, format=fmt),
               alt.Tooltip("fitted:Q", title="Fitted", format=".1f")]
    if rate:
        tooltip += [alt.Tooltip("count:Q", title=count_title, format=","), alt.Tooltip("n:Q", title=n_title, format=",")]
    base = alt.Chart(alt.Data(values=records(shown)))
    free = alt.Scale(zero=not rate, nice=True)
    band = base.mark_area(opacity=0.18, color=PALETTE[0]).encode(
        x=x, y=alt.Y("fitted_low:Q", title=axis_title, scale=free), y2=alt.Y2("fitted_high:Q"), detail=alt.Detail("side:N"))
    lines = base.transform_fold(["fitted", "counterfactual"], as_=["which", "level"]).transform_calculate(
        series=f"datum.which == 'fitted' ? '{SERIES[1]}' : '{SERIES[2]}'").mark_line(strokeWidth=2.5).encode(
        x=x, y=alt.Y("level:Q", title=axis_title, scale=free), color=colour, detail=alt.Detail("side:N"),
        strokeDash=alt.StrokeDash("series:N", sort=list(SERIES),
                                  scale=alt.Scale(domain=list(SERIES), range=[[1, 0], [1, 0], [6, 4]])))
    points = base.transform_calculate(series=f"'{SERIES[0]}'").mark_point(filled=True, size=36).encode(
        x=x, y=alt.Y("value:Q", title=axis_title, scale=free), color=colour, tooltip=tooltip)
    layers = [band, lines, points] + annotation_layers([annotation])
    chart = alt.layer(*layers).properties(description=description, **base_properties())
    data = fitted.assign(month=fitted["month"].dt.strftime("%Y-%m"))
    if rate:
        data = data.rename(columns={"count": f"{count_title.lower().replace(' ', '_')}_count", "n": f"{n_title.lower().replace(' ', '_')}_count"})
    else:
        data = data.drop(columns=["count", "n"], errors="ignore")
    return Chart(chart_id, title, description, spec_of(chart), data)


PLACEBO_FOUND = ("Change found", "No change found")


def placebo_chart(chart_id: str, placebo: pd.DataFrame, *, title: str, describe) -> Chart:
    """The placebo check, one row of panels per measure: at each month before the event, the
    change in level the model finds as if the event had happened then, with its 95% interval
    (dark where the interval excludes no change), and a rule at no change.

    ``placebo``: ``measure`` (the measure's name), ``unit``, ``month`` (a timestamp),
    ``level_change``, ``level_low``, ``level_high``, ``change_found`` (boolean).
    """
    data = placebo.assign(month=placebo["month"].dt.strftime("%Y-%m"),
                          change_found=placebo["change_found"].map({True: "yes", False: "no"}))
    shown = data.assign(month=data["month"] + "-01", panel=data["measure"] + " (" + data["unit"] + ")",
                        found=data["change_found"].map({"yes": PLACEBO_FOUND[0], "no": PLACEBO_FOUND[1]}))
    x = alt.X("utcyearmonth(month):T", title="Placebo date", axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=6))
    y = alt.Y("level_change:Q", title="Change in level")
    colour = alt.Color("found:N", title=None, scale=alt.Scale(domain=list(PLACEBO_FOUND), range=[PALETTE[1], "#b1b4b6"]),
                       legend=alt.Legend(orient="top"))
    tooltip = [alt.Tooltip("utcyearmonth(month):T", title="Placebo date", format="%B %Y"),
               alt.Tooltip("level_change:Q", title="Change in level", format="+.1f"),
               alt.Tooltip("level_low:Q", title="95% interval from", format="+.1f"),
               alt.Tooltip("level_high:Q", title="95% interval to", format="+.1f"), alt.Tooltip("unit:N", title="Unit")]
    base = alt.Chart()
    # The zero line and the intervals are drawn for the eye; the points carry each figure to a
    # screen reader (an unnamed mark group is an image without a name to it).
    zero = base.mark_rule(strokeDash=[4, 3], color="#505a5f", aria=False).encode(y=alt.datum(0))
    rules = base.mark_rule(strokeWidth=2, aria=False).encode(x=x, y=alt.Y("level_low:Q", title="Change in level"), y2="level_high:Q",
                                                 color=colour)
    points = base.mark_point(filled=True, size=40).encode(x=x, y=y, color=colour, tooltip=tooltip)
    # Six panels of 60 px print within an A4 page's height; axis text at 11 px stays above 7 pt
    # when the small multiples print narrower than the page.
    chart = alt.layer(zero, rules, points, data=alt.Data(values=records(shown))).properties(width=560, height=60).facet(
        row=alt.Row("panel:N", title=None, sort=list(dict.fromkeys(shown["panel"])),
                    header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start", labelOrient="top"))
    ).resolve_scale(y="independent").configure_axis(labelFontSize=11, titleFontSize=11).configure_header(labelFontSize=11).configure_legend(labelFontSize=11)
    data = data[["measure", "unit", "month", "level_change", "level_low", "level_high", "change_found"]]
    # The words as rendered; the privacy stage writes them again from the published table.
    description = describe(data)
    # On a phone the panels keep their 560 px and scroll in their box (the site reads usermeta):
    # shrunk to the screen's width their 11 px text was drawn at 6 px.
    spec = {**spec_of(chart.properties(description=description)), "usermeta": {"min_width": 660}}
    return Chart(chart_id, title, description, spec, data, counts=[], groups=[], describe=describe)
