"""A key practice's breaches on the SPC chart that suits them.

This module owns the choice of chart for an evaluated rule (`generator.analyses.practices`)
and the table it draws, following NHS England's "Making Data Count" and Benneyan (2001):

- a rate (breaches over the occasions due each month) on a p-chart with binomial probability
  limits, or Laney's p'-chart when the months vary more than a binomial allows
  (`generator.analyses.spc.p_chart` decides). A month's occasions are often a handful, and then
  3-sigma limits are passed by chance far more often than the rules allow (see
  ``benchmarks/spc_false_alarms.py``);
- a count of breaches a month, when asked for: on a c-chart with Poisson probability limits
  (``c``), or on an XmR chart (``xmr``) with limits as the Making Data Count Excel tool draws
  them (moving ranges not screened). The benchmark measured that with up to 10 breaches a month
  the XmR marks points beyond its limits more often than the rules allow, the c-chart not:
  "auto" never chooses a count, since a rate allows for the population at risk;
- rare breaches (fewer than one a month on average) as the occasions up to and including each
  breach on a g-chart with geometric probability limits, one point per breach, where a long
  run without a breach is good; or the days between them on a t-chart (``t``; breaches on the
  same day are one point).

Fewer breaches is better, so the improvement direction is "decrease" for rates and counts,
"increase" for the g- and t-charts' spacing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.analyses.practices import PracticeResult
from generator.analyses.spc import c_chart, g_chart, p_chart, t_chart, xmr_chart

CHART_KINDS = ("auto", "p", "p_prime", "c", "xmr", "g", "t")


def choose_chart(result: PracticeResult, kind: str = "auto", rare_allowed: bool = True) -> str:
    """The chart kind for a rule: ``kind`` itself unless "auto"; then "g" when breaches are
    rare (fewer than one a month on average, and ``rare_allowed``), else "p" (a p- or
    p'-chart, decided by over-dispersion)."""
    if kind != "auto":
        return kind
    monthly = result.monthly
    if rare_allowed and len(monthly) and 0 < monthly["breaches"].sum() < len(monthly):
        return "g"
    return "p"


def practice_chart(result: PracticeResult, kind: str, rebase=()) -> pd.DataFrame:
    """The SPC table (`generator.analyses.spc.CHART_COLUMNS`) of a measurable rule.

    For "p" and "p_prime" the value is breaches over occasions (numerator, denominator); for
    "c" and "xmr" the breaches (numerator) with the occasions alongside; for "g" the occasions since
    the previous breach up to and including this one, and for "t" the days since it, one row
    per breach (numerator 1, denominator the occasions counted), dated by the breach's month.
    """
    monthly = result.monthly
    months = pd.to_datetime(monthly["month"])
    breaches, population = monthly["breaches"].astype(float), monthly["population"].astype(float)
    if kind in ("p", "p_prime"):
        return p_chart(months, breaches, population, laney=True if kind == "p_prime" else None,
                       limits="probability", rebase=rebase, improvement="decrease")
    if kind == "c":
        return c_chart(months, numerator=breaches, denominator=population, rebase=rebase, improvement="decrease")
    if kind == "xmr":
        return xmr_chart(months, numerator=breaches, denominator=population, screen_outliers=False, rebase=rebase,
                         improvement="decrease")
    occasions = result.occasions.sort_values(["due", "child_id"], kind="mergesort").reset_index(drop=True)
    at = np.flatnonzero(occasions["breach"].to_numpy())
    if len(at) == 0:
        return p_chart(months, breaches, population, limits="probability", rebase=rebase, improvement="decrease")
    between = np.diff(np.concatenate([[-1], at]))
    dues = occasions.loc[at, "due"].reset_index(drop=True)
    month = dues.dt.to_period("M").dt.start_time
    if kind == "g":
        chart = g_chart(month, between.astype(float), minimum=1, rebase=rebase, improvement="increase")
    else:
        days = dues.diff().dt.days.to_numpy(float)[1:]
        keep = days > 0
        chart = t_chart(month[1:][keep], days[keep], rebase=rebase, improvement="increase")
        between = between[1:][keep]
    return chart.assign(numerator=1.0, denominator=between.astype(float))


def drawn_kind(result: PracticeResult, kind: str, table: pd.DataFrame, rebase=()) -> str:
    """"p_prime" when a "p" chart came out as Laney's p' (its limits differ from a plain
    p-chart's in some process), else ``kind``: what a reader is told the chart is."""
    if kind != "p" or table["value"].isna().all():
        return kind
    monthly = result.monthly
    plain = p_chart(pd.to_datetime(monthly["month"]), monthly["breaches"].astype(float),
                    monthly["population"].astype(float), laney=False, limits="probability", rebase=rebase,
                    improvement="decrease")
    same = np.allclose(plain["upper"].to_numpy(float), table["upper"].to_numpy(float), equal_nan=True)
    return kind if same else "p_prime"
