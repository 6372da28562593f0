"""Statistical process control charts as NHS England's "Making Data Count" draws them.

One chart per key practice (`generator.analyses.spc` computes the lines): the measure by
month as a line of dots, the centre line solid, the process limits dashed, and each point that
breaks a special-cause rule coloured by what it means (orange: concern, blue: improvement, as
Making Data Count's icons). A rebased chart draws each process's lines apart. The description
is written from the published table, so it never quotes a hidden number.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from generator.analyses.spc_rules import RULES
from generator.charts.annotations import annotation_layers, records, spec_of
from generator.charts.chart import Chart
from generator.charts.theme import base_properties
from generator.words import counted

#: The CSV of every SPC chart (issue 19): rule name or "" in ``signal``.
SPC_COLUMNS = ["month", "value", "numerator", "denominator", "mean", "lower", "upper", "signal"]
#: Point colours: Making Data Count's orange (concern), blue (improvement), purple (neither
#: direction better) and grey (common cause).
POINT_COLOURS = {"special_cause_concern": "#d55e00", "special_cause_improvement": "#1d70b8",
                 "special_cause_neutral_high": "#6f3f98", "special_cause_neutral_low": "#6f3f98",
                 "common_cause": "#505a5f"}
POINT_LABELS = {"special_cause_concern": "Special cause: concern", "special_cause_improvement": "Special cause: improvement",
                "special_cause_neutral_high": "Special cause: higher", "special_cause_neutral_low": "Special cause: lower",
                "common_cause": "Common cause"}
#: What each chart type plots, for titles and descriptions.
KIND_NAMES = {"p": "p-chart", "p_prime": "Laney p'-chart", "c": "c-chart", "xmr": "XmR chart", "g": "g-chart",
              "t": "t-chart"}


def _numbers(column: pd.Series) -> pd.Series:
    return pd.to_numeric(column, errors="coerce")


def describe_spc(table: pd.DataFrame, *, kind: str, measure: str, percent: bool) -> str:
    """Words about an SPC chart, from its published table (hidden cells read as unknown)."""
    value = _numbers(table["value"])
    shown = table[value.notna()]
    if shown.empty:
        return f"{KIND_NAMES[kind]} of {measure}: no month can be shown."

    def fmt(x: float) -> str:
        return f"{x * 100:.1f}%" if percent else f"{x:,.1f}"

    first, last = pd.Timestamp(str(shown['month'].iloc[0])[:7]), pd.Timestamp(str(shown['month'].iloc[-1])[:7])
    mean = _numbers(shown["mean"])
    words = [f"{KIND_NAMES[kind]} of {measure}, {first:%B %Y} to {last:%B %Y}, centre line {fmt(mean.iloc[-1])}"
             + (f" (last process; {mean.nunique()} processes)" if mean.nunique() > 1 else "") + "."]
    signals = shown[shown["signal"].astype(str) != ""]
    if len(signals):
        by_rule = signals.groupby("signal").size()
        words.append(f"{counted(len(signals), 'month')} {'shows' if len(signals) == 1 else 'show'} special-cause variation: "
                     + "; ".join(f"{RULES.get(rule, rule)} ({counted(n, 'month')})" for rule, n in by_rule.items()) + ".")
    else:
        words.append("No month shows special-cause variation: the variation is common cause.")
    latest = shown.iloc[-1]
    words.append(f"Latest month {last:%B %Y}: {fmt(float(value[value.notna()].iloc[-1]))}"
                 + (f", signal: {RULES.get(latest['signal'], latest['signal'])}." if str(latest["signal"]) else ", no signal."))
    return " ".join(words)


def spc_chart(chart_id: str, table: pd.DataFrame, *, title: str, kind: str, measure: str, y_title: str,
              percent: bool, annotations: list = (), target: float | None = None) -> Chart:
    """An SPC chart of ``table`` (`generator.analyses.spc.CHART_COLUMNS`).

    ``percent`` shows values as percentages (a rate chart); ``target`` (a value in the units
    of ``value``) is drawn as a dotted line. The chart's CSV holds `SPC_COLUMNS`; numerator and
    denominator are declared counts and ``value`` their rate, so the privacy stage hides a
    month's value and lines with its small counts.
    """
    shown = table.assign(month=pd.to_datetime(table["month"]).dt.strftime("%Y-%m-%d"),
                         point=table["point_type"].map(POINT_LABELS).fillna(""),
                         rule=table["signal"].map(lambda s: RULES.get(s, "")))
    shown = shown[shown["value"].notna()]
    base = alt.Chart(alt.Data(values=records(shown[SPC_COLUMNS + ["point", "rule", "process"]])))
    x = alt.X("utcyearmonth(month):T", title="Month", axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=8))
    fmt = ".1%" if percent else ",.1f"
    y = alt.Y("value:Q", title=y_title, axis=alt.Axis(format=".0%" if percent else ",d"))
    tooltip = [alt.Tooltip("utcyearmonth(month):T", title="Month", format="%B %Y"),
               alt.Tooltip("value:Q", title=y_title, format=fmt),
               alt.Tooltip("numerator:Q", title="Breaches", format=","),
               alt.Tooltip("denominator:Q", title="Population at risk", format=","),
               alt.Tooltip("mean:Q", title="Centre line", format=fmt),
               alt.Tooltip("lower:Q", title="Lower limit", format=fmt),
               alt.Tooltip("upper:Q", title="Upper limit", format=fmt),
               alt.Tooltip("point:N", title="Variation"), alt.Tooltip("rule:N", title="Rule")]
    detail = alt.Detail("process:N")
    line = base.mark_line(color="#b1b4b6", strokeWidth=1.5).encode(x=x, y=y, detail=detail)
    centre = base.mark_line(color="#0b0c0c", strokeWidth=1.2, interpolate="step-after").encode(
        x=x, y=alt.Y("mean:Q"), detail=detail)
    limits = [base.mark_line(color="#505a5f", strokeDash=[5, 3], strokeWidth=1, interpolate="step-after").encode(
        x=x, y=alt.Y(f"{side}:Q"), detail=detail) for side in ("lower", "upper")]
    domain = list(POINT_LABELS.values())
    colours = [POINT_COLOURS[k] for k in POINT_LABELS]
    points = base.mark_point(filled=True, size=46, opacity=1).encode(
        x=x, y=y, tooltip=tooltip,
        color=alt.Color("point:N", title="Variation", scale=alt.Scale(domain=domain, range=colours),
                        legend=alt.Legend(orient="top", labelLimit=240)),
        shape=alt.Shape("point:N", scale=alt.Scale(domain=domain, range=["triangle-up", "diamond", "square", "square",
                                                                           "circle"])))
    layers = [line, centre, *limits, points]
    if target is not None:
        rule = pd.DataFrame({"target": [target], "label": ["Target"]})
        layers.append(alt.Chart(alt.Data(values=rule.to_dict("records"))).mark_rule(
            color="#007a5e", strokeDash=[2, 2], strokeWidth=1.5).encode(y=alt.Y("target:Q")))
    layers += annotation_layers(list(annotations), "utcyearmonth")
    description = describe_spc(table, kind=kind, measure=measure, percent=percent)
    chart = alt.layer(*layers).properties(description=description, **base_properties())
    data = table[SPC_COLUMNS].assign(month=pd.to_datetime(table["month"]).dt.strftime("%Y-%m"))
    return Chart(chart_id, title, description, spec_of(chart), data, counts=["numerator", "denominator"], groups=[()],
                 rates={"value": ("numerator", "denominator")} if percent else None,
                 describe=lambda published: describe_spc(published, kind=kind, measure=measure, percent=percent))
