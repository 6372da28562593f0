"""Statistical process control charts as NHS England's "Making Data Count" draws them.

This module owns the centre lines and process limits of six charts, each returned as one tidy
table per chart with the special-cause signals of `generator.analyses.spc_rules` on every point:

- ``xmr``: individuals (XmR) for counts: mean +/- 2.66 x the mean moving range. By default,
  as NHSRplotthedots (``R/ptd_spc_standard.R``), moving ranges of 3.267 x their mean or more
  are screened out before the limits are drawn (Nelson 1982; Provost & Murray 2011, pp. 155,
  192); ``screen_outliers=False`` gives the Making Data Count Excel tool's wider limits.
  The two-sigma lines are at 2/3 of the distance to the limits.
- ``p``: proportions (breaches over the population at risk): p-bar +/- 3 sqrt(p-bar(1 -
  p-bar)/n_i) per point, p-bar = all numerators over all denominators (Montgomery,
  *Introduction to Statistical Quality Control*, 6th ed., section 7.2), limits kept in [0, 1].
  With ``limits="probability"`` the lines are instead the binomial(n_i, p-bar) quantiles at the
  normal tail probabilities of 3 and 2 sigma (`TAIL`; Montgomery's probability limits): with a
  few children a month the binomial is too skewed for 3 sigma to mean a 0.135% chance, and
  ``benchmarks/spc_false_alarms.py`` measured 8-10% of stable 24-month series with about 8 a
  month beyond the sigma limits against 5.9% for the normal data the limits assume. The centre
  line stays at p-bar, and the run rule weighs each month's binomial chance of falling above or
  below it (`side_chances`; `generator.analyses.spc_rules`): with a handful of occasions a month
  the counts are too discrete and skewed for a month to be above or below with even chances,
  and the plain 7-point rule fired in 12.6% of stable series of ~16 a month at 5% against 8.8%
  on normal data (the benchmark); weighed, 6.6%.
- ``p_prime``: Laney's p' chart (Laney 2002, *Quality Engineering* 14(4):531-7): the p-chart
  sigma times sigma_z, the mean moving range of the z-scores z_i = (p_i - p-bar)/sigma_i over
  1.128, so large denominators do not give limits too narrow to be useful. ``p_chart`` chooses
  p' by itself when the proportions are over-dispersed: when the Pearson dispersion statistic
  sum(z_i^2) exceeds the 95th centile of chi-squared on k - 1 degrees of freedom (the test
  DOMAIN.md uses for funnel plots).
- ``g``: rare events, counted as the opportunities (days, cases) between them (Benneyan 2001,
  *Health Care Management Science* 4:305-18; Montgomery section 7.3). By default probability
  limits: the quantiles, at the normal tail probabilities of 3 and 2 sigma (`TAIL`), of the
  geometric distribution whose mean is g-bar (Benneyan's recommendation for a skewed
  distribution). ``limits="sigma"`` gives the k-sigma limits g-bar +/- 3 sqrt(g-bar(g-bar + 1))
  of qicharts2, whose upper limit a stable process passes 14 times as often as the 0.135% it
  stands for (1.8% of points; a third of 24-point series). ``minimum`` is the smallest possible
  value (Benneyan's shift a: 1 when the count includes the event itself). The centre line,
  against which runs are judged, is the median of the values, since the geometric distribution
  is skewed (as qicharts2 and Provost & Murray 2011, p. 228).
- ``c``: counts of events a month (Montgomery section 7.3.1) with Poisson probability limits by
  default: the Poisson(c-bar) quantiles at the normal tail probabilities of 3 and 2 sigma
  (`TAIL`), the run rule weighing each month's Poisson chance of its side as the p-chart's
  does; ``limits="sigma"`` gives c-bar +/- 3 sqrt(c-bar), the lower kept at 0 or above. An
  XmR chart of a few breaches a month draws symmetric limits around a skewed count:
  ``benchmarks/spc_false_alarms.py`` measured points beyond them in 20% of stable 24-month series
  at 1.4 a month, 10% at 3.7 and at 10, against 6% for the normal data XmR limits assume.
- ``t``: time between rare events (Nelson 1994; Montgomery Example 7.6): an XmR chart of
  t^(1/3.6), its centre and limits transformed back by ^3.6; a lower limit below 0 becomes 0.

Each chart can start afresh at dates the user names (``rebase``: a new process; the limits are
recalculated from that point, as NHSRplotthedots' ``rebase``) and can fix its limits on the
first ``fix_after`` points of each process (NHSRplotthedots' ``fix_after_n_points``).

Every chart returns the columns ``month``, ``value``, ``numerator``, ``denominator``, ``mean``
(the centre line), ``lower``, ``upper``, ``signal`` (rule name or ""), ``point_type`` and
``process`` (0 before the first rebase date, 1 after it, ...). Rows whose value is missing (a
month with no population at risk) keep their place with no limits and no signal.
"""

from __future__ import annotations

from functools import partial
from typing import Callable, Iterable, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from generator.analyses.spc_rules import point_types, special_causes

#: 3 / d2 for moving ranges of 2 (d2 = 1.128), rounded as Making Data Count writes it.
XMR_LIMIT = 2.66
#: The upper limit of a moving range, as a multiple of the mean moving range (D4 for n = 2).
MOVING_RANGE_LIMIT = 3.267
D2 = 1.128
#: One-sided normal tail probabilities of the process limits (3 sigma) and the two-sigma lines,
#: at which probability limits are drawn.
TAIL = {"limit": stats.norm.sf(3), "two_sigma": stats.norm.sf(2)}
#: Nelson's (1994) transform of exponential times to near-normal ones, and back.
T_CHART_POWER = 3.6

CHART_COLUMNS = ["month", "value", "numerator", "denominator", "mean", "lower", "upper", "signal", "point_type",
                 "process"]


class Limits(NamedTuple):
    """One process's lines, per point: centre, process limits and two-sigma lines; and, for a
    chart whose points are counts of a known distribution, each point's chance of falling above
    and below the centre line (`side_chances`), which the run rule then weighs."""

    centre: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    lower_2sigma: np.ndarray
    upper_2sigma: np.ndarray
    side_probability: tuple[np.ndarray, np.ndarray] | None = None


def side_chances(distribution, centre: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P(X > centre) and P(X < centre) per point, for integer counts X of a frozen scipy
    ``distribution`` (binomial, Poisson) and the centre line on the count scale.

    A count equal to the centre line falls on it and ends a run, so neither chance includes it.
    """
    # n x p-bar is computed in floating point: 0.1 x 30 must be the count 3, not 3.0000000000000004
    centre = np.round(np.asarray(centre, float), 9)
    return distribution.sf(np.floor(centre)), distribution.cdf(np.ceil(centre) - 1)


def mean_moving_range(values: np.ndarray, screen_outliers: bool = True) -> float:
    """Mean absolute difference of consecutive values, after (by default) leaving out moving
    ranges of 3.267 x the first mean or more (NHSRplotthedots' screening, Nelson 1982)."""
    ranges = np.abs(np.diff(values))
    if len(ranges) == 0:
        return np.nan
    mean = ranges.mean()
    if screen_outliers:
        mean = ranges[ranges < MOVING_RANGE_LIMIT * mean].mean()
    return float(mean)


def _xmr_limits(baseline: np.ndarray, n: int, screen_outliers: bool, factor: float = XMR_LIMIT) -> Limits:
    centre = baseline.mean()
    width = factor * mean_moving_range(baseline, screen_outliers)
    full = np.full(n, 1.0)
    return Limits(centre * full, (centre - width) * full, (centre + width) * full,
                  (centre - 2 * width / 3) * full, (centre + 2 * width / 3) * full)


def _p_sigma(numerator: np.ndarray, denominator: np.ndarray, baseline: slice) -> tuple[float, np.ndarray]:
    p_bar = numerator[baseline].sum() / denominator[baseline].sum()
    return p_bar, np.sqrt(p_bar * (1 - p_bar) / denominator)


def laney_sigma_z(numerator, denominator, screen_outliers: bool = False) -> float:
    """Laney's sigma_z: the spread of the p-chart z-scores, from their mean moving range / 1.128.

    About 1 when the p-chart's binomial model fits; above 1 when the proportions vary more
    between months than sampling explains (Laney 2002). Unscreened by default, as Laney.
    """
    numerator, denominator = np.asarray(numerator, float), np.asarray(denominator, float)
    p_bar, sigma = _p_sigma(numerator, denominator, slice(None))
    z = (numerator / denominator - p_bar) / sigma
    return mean_moving_range(z, screen_outliers) / D2


def overdispersed(numerator, denominator, alpha: float = 0.05) -> bool:
    """Whether the proportions vary more than a binomial with one rate allows: the Pearson
    statistic sum(z_i^2) above the (1 - alpha) centile of chi-squared on k - 1 degrees of freedom."""
    numerator, denominator = np.asarray(numerator, float), np.asarray(denominator, float)
    if len(numerator) < 2:
        return False
    p_bar, sigma = _p_sigma(numerator, denominator, slice(None))
    if p_bar in (0.0, 1.0):
        return False
    z = (numerator / denominator - p_bar) / sigma
    return bool((z ** 2).sum() > stats.chi2.ppf(1 - alpha, len(z) - 1))


def _p_limits(numerator: np.ndarray, denominator: np.ndarray, baseline: slice, sigma_z: float = 1.0) -> Limits:
    p_bar, sigma = _p_sigma(numerator, denominator, baseline)
    sigma = sigma * sigma_z

    def clip(x):
        return np.clip(x, 0.0, 1.0)

    return Limits(np.full(len(numerator), p_bar), clip(p_bar - 3 * sigma), clip(p_bar + 3 * sigma),
                  clip(p_bar - 2 * sigma), clip(p_bar + 2 * sigma))


def _p_probability_limits(numerator: np.ndarray, denominator: np.ndarray, baseline: slice) -> Limits:
    """Binomial(n_i, p-bar) quantiles at `TAIL`, as proportions: a point is beyond the upper limit
    only if a count that high had at most a 0.135% chance (strictly above the quantile)."""
    p_bar, _ = _p_sigma(numerator, denominator, baseline)
    n = np.maximum(denominator, 1)

    def quantile(q):
        return stats.binom.ppf(q, n, p_bar) / n

    limit, two = TAIL["limit"], TAIL["two_sigma"]
    return Limits(np.full(len(numerator), p_bar), quantile(limit), quantile(1 - limit), quantile(two),
                  quantile(1 - two), side_chances(stats.binom(n, p_bar), n * p_bar))


def _chart(table: pd.DataFrame, fit: Callable[[pd.DataFrame, int], Limits], *, rebase: Iterable = (),
           improvement: str = "increase") -> pd.DataFrame:
    """Fit each process's limits with ``fit(rows)`` (its rows with a value) and mark the special causes."""
    table = table.reset_index(drop=True)
    months = pd.to_datetime(table["month"])
    starts = np.sort(pd.to_datetime(list(rebase)).to_numpy())
    process = np.searchsorted(starts, months.to_numpy(), side="right")
    out = table.assign(month=months, mean=np.nan, lower=np.nan, upper=np.nan, signal="", point_type="common_cause",
                       process=process.astype("int64"))
    for _, rows in out[out["value"].notna()].groupby("process", sort=True):
        limits = fit(rows)
        signal, direction = special_causes(rows["value"].to_numpy(float), *limits[:5],
                                           side_probability=limits.side_probability)
        out.loc[rows.index, ["mean", "lower", "upper"]] = np.column_stack(limits[:3])
        out.loc[rows.index, "signal"] = signal
        out.loc[rows.index, "point_type"] = point_types(direction, improvement)
    out.loc[out["value"].isna(), "point_type"] = ""
    return out[CHART_COLUMNS]


def _frame(month, value=None, numerator=None, denominator=None) -> pd.DataFrame:
    month = pd.to_datetime(pd.Series(month)).reset_index(drop=True)
    n = len(month)

    def column(x):
        return pd.Series(np.nan, index=range(n)) if x is None else pd.Series(np.asarray(x, float))

    table = pd.DataFrame({"month": month, "numerator": column(numerator), "denominator": column(denominator)})
    table["value"] = column(value) if value is not None else table["numerator"]
    return table


def _baseline(rows: pd.DataFrame, fix_after: int | None) -> np.ndarray:
    values = rows["value"].to_numpy(float)
    return values if fix_after is None else values[:fix_after]


def xmr_chart(month, value=None, *, numerator=None, denominator=None, screen_outliers: bool = True,
              rebase: Iterable = (), fix_after: int | None = None, improvement: str = "increase") -> pd.DataFrame:
    """XmR (individuals) chart: mean +/- 2.66 x mean moving range.

    Parameters
    ----------
    month : sequence of dates
        One per value, in time order.
    value : sequence of float, optional
        The measure; defaults to ``numerator`` (a count of breaches).
    numerator, denominator : sequence of float, optional
        Carried into the table (breaches and the population at risk).
    screen_outliers : bool
        Leave moving ranges >= 3.267 x their mean out of the limits (NHSRplotthedots' default);
        False reproduces the Making Data Count Excel tool.
    rebase : iterable of dates
        Each starts a new process with its own limits, from the first month on or after it.
    fix_after : int, optional
        Compute each process's limits from its first ``fix_after`` values only.
    improvement : {"increase", "decrease", "neutral"}
        The direction in which the measure gets better.

    Returns
    -------
    DataFrame
        `CHART_COLUMNS`, one row per value.

    Examples
    --------
    The Making Data Count deviations example (NHSRplotthedots ``vignettes/deviations.Rmd``):

    >>> days = pd.date_range("2021-03-22", periods=18)
    >>> data = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    >>> xmr_chart(days, data).loc[0, ["mean", "lower", "upper"]].astype(float).round(2).tolist()
    [1.94, -0.72, 4.6]
    >>> xmr_chart(days, data, screen_outliers=False).loc[0, ["lower", "upper"]].astype(float).round(2).tolist()
    [-3.06, 6.95]
    """
    table = _frame(month, value, numerator, denominator)

    def fit(rows):
        return _xmr_limits(_baseline(rows, fix_after), len(rows), screen_outliers)

    return _chart(table, fit, rebase=rebase, improvement=improvement)


def p_chart(month, numerator, denominator, *, laney: bool | None = None, screen_outliers: bool = False,
            limits: str = "sigma", rebase: Iterable = (), fix_after: int | None = None,
            improvement: str = "increase") -> pd.DataFrame:
    """p-chart of proportions, or Laney's p' chart when they are over-dispersed.

    Parameters
    ----------
    numerator, denominator : sequence of float
        Breaches and the population at risk per month; a month with no population at risk
        keeps its row with no value.
    laney : bool, optional
        True: p' chart; False: p-chart; None (default): p' when `overdispersed` says so,
        judged per process on its baseline months.
    screen_outliers : bool
        Screen the z-scores' moving ranges as the XmR chart does (p' only; Laney does not).
    limits : {"sigma", "probability"}
        3-sigma limits (Montgomery, NHSRplotthedots) or binomial probability limits (see the
        module docstring). A p' chart always has Laney's sigma limits.

    Other parameters and the returned table are as `xmr_chart`; ``value`` is the proportion.
    """
    table = _frame(month, None, numerator, denominator)
    with np.errstate(divide="ignore", invalid="ignore"):
        table["value"] = np.where(table["denominator"] > 0, table["numerator"] / table["denominator"], np.nan)

    def fit(rows):
        num, den = rows["numerator"].to_numpy(float), rows["denominator"].to_numpy(float)
        base = slice(None, fix_after)
        use_laney = overdispersed(num[base], den[base]) if laney is None else laney
        if use_laney:
            return _p_limits(num, den, base, laney_sigma_z(num[base], den[base], screen_outliers))
        if limits == "probability":
            return _p_probability_limits(num, den, base)
        return _p_limits(num, den, base)

    return _chart(table, fit, rebase=rebase, improvement=improvement)


def g_chart(month, value, *, limits: str = "probability", minimum: float = 0, rebase: Iterable = (),
            fix_after: int | None = None, improvement: str = "increase") -> pd.DataFrame:
    """g-chart of opportunities (days, children) between rare events, one row per event.

    Parameters
    ----------
    value : sequence of float
        The opportunities counted before (``minimum`` 0) or up to and including (``minimum`` 1)
        each event.
    limits : {"probability", "sigma"}
        Quantiles of the geometric distribution with mean g-bar at the normal tail probabilities
        (Benneyan 2001; the default), or g-bar +/- 3 sqrt(g-bar (g-bar + 1)) as qicharts2, the
        lower kept at 0 or above. See the module docstring for why probability limits.
    minimum : float
        The smallest value possible (Benneyan's shift a).

    Other parameters and the returned table are as `xmr_chart`. The centre line (``mean``
    column) is the median of the values, as qicharts2 draws it, so the run rules judge sides of
    the median of a skewed distribution. More opportunities between adverse events is better,
    hence usually ``improvement="increase"``.

    Examples
    --------
    g-bar 25 events apart, counted from 0: p = 1/26, and the upper limit is the smallest u with
    (25/26)^(u + 1) <= 0.00135, i.e. u + 1 >= log(0.00135) / log(25/26) = 168.5:

    >>> float(g_chart(pd.date_range("2020-01-01", periods=5, freq="MS"), [10, 20, 30, 40, 25]).loc[0, "upper"])
    168.0
    """
    table = _frame(month, value)

    def fit(rows):
        base = _baseline(rows, fix_after)
        g_bar, n = base.mean() - minimum, len(rows)
        full = np.full(n, 1.0)
        if limits == "sigma":
            sigma = np.sqrt(g_bar * (g_bar + 1))
            lines = (g_bar - 3 * sigma, g_bar + 3 * sigma, g_bar - 2 * sigma, g_bar + 2 * sigma)
            lines = [max(x, 0.0) + minimum for x in lines]
        else:
            # scipy's geometric counts trials (1, 2, ...): failures before the event are one fewer
            p = 1 / (g_bar + 1)
            tails = (TAIL["limit"], 1 - TAIL["limit"], TAIL["two_sigma"], 1 - TAIL["two_sigma"])
            lines = [float(stats.geom.ppf(q, p)) - 1 + minimum for q in tails]
        lower, upper, lower_2, upper_2 = lines
        return Limits(np.median(base) * full, lower * full, upper * full, lower_2 * full, upper_2 * full)

    return _chart(table, fit, rebase=rebase, improvement=improvement)


def c_chart(month, value=None, *, numerator=None, denominator=None, limits: str = "probability",
            rebase: Iterable = (), fix_after: int | None = None, improvement: str = "increase") -> pd.DataFrame:
    """c-chart of counts of events a month, with Poisson probability limits by default.

    Parameters
    ----------
    value : sequence of float, optional
        The counts; defaults to ``numerator`` (breaches), with ``denominator`` carried alongside.
    limits : {"probability", "sigma"}
        Poisson(c-bar) quantiles at the normal tail probabilities (`TAIL`), or c-bar +/- 3
        sqrt(c-bar) (Montgomery section 7.3.1), the lower kept at 0 or above.

    Other parameters and the returned table are as `xmr_chart`.

    Examples
    --------
    c-bar 2: P(X >= 7) = 0.0045 and P(X >= 8) = 0.0011, so the upper limit is 7 (a month needs 8):

    >>> chart = c_chart(pd.date_range("2020-01-01", periods=4, freq="MS"), [1, 2, 3, 2])
    >>> chart.loc[0, ["mean", "lower", "upper"]].astype(float).tolist()
    [2.0, 0.0, 7.0]
    """
    table = _frame(month, value, numerator, denominator)

    def fit(rows):
        c_bar, n = _baseline(rows, fix_after).mean(), len(rows)
        full = np.full(n, 1.0)
        if limits == "sigma":
            width = 3 * np.sqrt(c_bar)
            lines = (max(c_bar - width, 0.0), c_bar + width, max(c_bar - 2 * width / 3, 0.0), c_bar + 2 * width / 3)
        else:
            tails = (TAIL["limit"], 1 - TAIL["limit"], TAIL["two_sigma"], 1 - TAIL["two_sigma"])
            lines = [float(stats.poisson.ppf(q, c_bar)) if c_bar > 0 else 0.0 for q in tails]
            lower, upper, lower_2, upper_2 = lines
            return Limits(c_bar * full, lower * full, upper * full, lower_2 * full, upper_2 * full,
                          side_chances(stats.poisson(c_bar), c_bar * full))
        lower, upper, lower_2, upper_2 = lines
        return Limits(c_bar * full, lower * full, upper * full, lower_2 * full, upper_2 * full)

    return _chart(table, fit, rebase=rebase, improvement=improvement)


def t_chart(month, value, *, screen_outliers: bool = True, rebase: Iterable = (), fix_after: int | None = None,
            improvement: str = "increase", xmr_factor: float = XMR_LIMIT) -> pd.DataFrame:
    """t-chart of the time between rare events (all times above 0), one row per event.

    An XmR chart of t^(1/3.6) (Nelson 1994), screened as `xmr_chart` unless told not to, with
    its centre, limits and two-sigma lines raised back to the power 3.6; a lower limit below 0
    (or not a number) becomes 0. ``xmr_factor=3 / D2`` (2.6596 rather than Making Data Count's
    rounded 2.66) with ``screen_outliers=False`` reproduces qicharts2's t-chart.
    """
    table = _frame(month, value)
    if (table["value"].dropna() <= 0).any():
        raise ValueError("t_chart: every time between events must be greater than zero")

    def fit(rows):
        transformed = rows["value"].to_numpy(float) ** (1 / T_CHART_POWER)
        base = transformed if fix_after is None else transformed[:fix_after]
        lines = _xmr_limits(base, len(rows), screen_outliers, xmr_factor)
        back = [np.where(line > 0, np.abs(line) ** T_CHART_POWER, 0.0) for line in lines[:5]]
        return Limits(*back)

    return _chart(table, fit, rebase=rebase, improvement=improvement)


#: Chart type -> function, for a caller that reads the type from a rule or a page option.
CHARTS = {"xmr": xmr_chart, "c": c_chart, "p": p_chart, "p_prime": partial(p_chart, laney=True), "g": g_chart,
          "t": t_chart}
