"""Intervals for the report's rates and medians: the one way every estimate carries its doubt.

Rates use the Wilson score interval (Wilson 1927; recommended over the Wald interval by Brown,
Cai and DasGupta 2001, "Interval estimation for a binomial proportion"), computed by
statsmodels. Medians use the distribution-free interval from the binomial distribution of
order statistics (Conover, "Practical nonparametric statistics", 3rd ed., section 3.2).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binom
from statsmodels.stats.proportion import proportion_confint


def wilson_interval(count, n, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for ``count`` successes in ``n`` trials, as proportions 0-1.

    Parameters
    ----------
    count, n : array-like of int
        Numerators and denominators; where ``n`` is 0 both limits are NaN.
    alpha : float
        1 - confidence level (0.05 gives 95% intervals).

    Returns
    -------
    (low, high) : tuple of ndarray

    Examples
    --------
    >>> low, high = wilson_interval([2], [10])
    >>> round(float(low[0]), 4), round(float(high[0]), 4)
    (0.0567, 0.5098)

    R: ``binom::binom.confint(2, 10, methods = "wilson")``.
    """
    count = np.asarray(count, dtype=float).reshape(-1)
    n = np.asarray(n, dtype=float).reshape(-1)
    low = np.full(n.shape, np.nan)
    high = np.full(n.shape, np.nan)
    ok = n > 0
    if ok.any():
        low[ok], high[ok] = proportion_confint(count[ok], n[ok], alpha=alpha, method="wilson")
    return low, high


def with_rate(frame: pd.DataFrame, count: str = "count", n: str = "n", alpha: float = 0.05) -> pd.DataFrame:
    """``frame`` with ``pct``, ``pct_low`` and ``pct_high``: the rate count/n and its Wilson
    interval, as percentages 0-100 (NaN where ``n`` is 0), unrounded: they are rounded once,
    to the decimals the page shows, where they are published (`generator.published`), so a
    CSV's 90.7 agrees with metrics.json's (rounding 90.7488 to 90.75 first would give 90.8)."""
    numerator = frame[count].to_numpy(dtype=float)
    denominator = frame[n].to_numpy(dtype=float)
    low, high = wilson_interval(numerator, denominator, alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(denominator > 0, 100.0 * numerator / np.where(denominator > 0, denominator, 1), np.nan)
    return frame.assign(pct=pct, pct_low=100.0 * low, pct_high=100.0 * high)


def median_interval(values, alpha: float = 0.05) -> tuple[float, float, float]:
    """The median and a distribution-free confidence interval for it.

    The interval runs from the j-th to the k-th smallest value, where j is the largest rank
    with P(B < j) <= alpha/2 for B ~ Binomial(n, 1/2), and k = n + 1 - j (Conover 1999, 3.2).
    Its coverage is at least 1 - alpha. With fewer than 6 values no such ranks exist at 95%
    and the limits are NaN.

    Returns
    -------
    (median, low, high) : tuple of float
        NaN for all three when there are no values.

    Examples
    --------
    >>> median_interval(range(1, 11))
    (5.5, 2.0, 9.0)
    """
    x = np.sort(np.asarray(values, dtype=float))
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return (np.nan, np.nan, np.nan)
    median = float(np.median(x))
    # binom.ppf gives the smallest r with P(B <= r) >= alpha/2, so P(B <= r - 1) < alpha/2:
    # the order statistic of rank r (1-based) is the lower limit.
    j = int(binom.ppf(alpha / 2, n, 0.5))
    if j < 1 or binom.cdf(j - 1, n, 0.5) > alpha / 2:
        return (median, np.nan, np.nan)
    k = n + 1 - j
    return (median, float(x[j - 1]), float(x[k - 1]))
