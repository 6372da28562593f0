"""Funnel plots: control limits for a rate across areas, and which areas fall outside them.

This module owns the limits of funnel plots (Spiegelhalter 2005, "Funnel plots for comparing
institutional performance", Statistics in Medicine 24:1185-1202) for two kinds of indicator:
proportions (numerator of denominator, e.g. supervision orders of all orders per DFJ area) and
indirectly standardised ratios (observed / expected, e.g. a length of stay against a model's
prediction). Proportions get exact binomial limits with Spiegelhalter's interpolation, Wilson
score limits as in PHEindicatormethods, or limits widened for over-dispersion on the
arcsine-square-root scale as in FunnelPlotR (multiplicative phi or additive tau-squared).
Ratios get exact Poisson limits, or the SHMI-style log-scale adjustment, both as FunnelPlotR.
Every function takes plain tables and returns tidy DataFrames: drawing is someone else's job.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import binom, chi2, norm

from generator.errors import InputError, Problem

#: The two funnel levels: two-sided 95% and 99.8% limits, as upper-tail probabilities.
LEVELS = {"95": 0.975, "998": 0.999}
#: Limit methods for proportions and for standardised ratios.
PROPORTION_METHODS = ("exact", "wilson", "multiplicative", "additive")
RATIO_METHODS = ("poisson", "shmi")
#: The columns of every funnel table (the page's CSV).
COLUMNS = ["area", "numerator", "denominator", "rate", "target",
           "lower_95", "upper_95", "lower_998", "upper_998", "outlier"]


@dataclass(frozen=True)
class Overdispersion:
    """How much more the areas vary than chance alone would make them.

    ``phi`` is the dispersion ratio (mean squared z-score of the areas kept after
    winsorising or truncating), ``tau2`` the additive between-area variance on the
    transformed scale (DerSimonian and Laird 1986), ``n`` the number of areas used and
    ``significant`` whether ``n * phi`` exceeds the 95th centile of a chi-squared on ``n``
    degrees of freedom (Spiegelhalter 2005, section 5: z-scores against a fixed target).
    """

    phi: float
    tau2: float
    n: int
    significant: bool


# -- limits for one denominator ---------------------------------------------------------------

def exact_binomial_limit(denominator, target: float, p: float) -> np.ndarray:
    """The p-quantile of the observed proportion under Binomial(n, target), interpolated.

    Spiegelhalter (2005), appendix A.1.1: with r the p-quantile of Binomial(n, target),
    a = (F(r) - p) / (F(r) - F(r - 1)) and the limit is (r - a) / n, clipped to [0, 1]. The
    interpolation makes the discrete limits a smooth curve in n.

    Parameters
    ----------
    denominator : array-like of int
        The areas' denominators n (positive).
    target : float
        The proportion the areas are compared with, 0-1.
    p : float
        The probability of the limit: 0.001, 0.025, 0.975 or 0.999 for the usual funnels.

    Returns
    -------
    ndarray of float

    Examples
    --------
    >>> [round(float(exact_binomial_limit(100, 0.2, p)), 5) for p in (0.001, 0.025, 0.975, 0.999)]
    [0.08098, 0.11974, 0.27648, 0.32677]
    """
    n = np.asarray(denominator, dtype=float)
    r = binom.ppf(p, n, target)
    f_r = binom.cdf(r, n, target)
    f_below = binom.cdf(r - 1, n, target)
    step = f_r - f_below
    # A zero step happens only when the whole mass sits on r (target 0 or 1): no interpolation.
    with np.errstate(invalid="ignore", divide="ignore"):
        a = np.where(step > 0, (f_r - p) / np.where(step > 0, step, 1.0), 0.0)
        return np.clip((r - a) / n, 0.0, 1.0)


def wilson_limit(denominator, target: float, p: float) -> np.ndarray:
    """The proportion whose Wilson score interval has ``target`` on its edge.

    PHEindicatormethods (``calculate_funnel_limits`` / ``assign_funnel_significance`` for
    proportions) draws as its funnel the observed proportion y at which the Wilson (1927)
    interval of y out of n just reaches the target. Squaring the Wilson bound gives the
    quadratic (1 + z^2/n) y^2 - (2d + z^2/n) y + d^2 - z^4 / (4 n^2) = 0 with
    d = target (1 + z^2/n) - z^2/(2n); the smaller root is the lower limit (p < 0.5), the
    larger the upper (p > 0.5). Clipped to [0, 1].

    Parameters
    ----------
    denominator : array-like of number
        The areas' denominators n (positive).
    target : float
        The proportion the areas are compared with, 0-1.
    p : float
        The probability of the limit; z is the standard normal quantile of max(p, 1 - p).

    Returns
    -------
    ndarray of float
    """
    n = np.asarray(denominator, dtype=float)
    z2 = norm.ppf(max(p, 1.0 - p)) ** 2
    d = target * (1.0 + z2 / n) - z2 / (2.0 * n)
    qa = 1.0 + z2 / n
    qb = -(2.0 * d + z2 / n)
    qc = d * d - z2 * z2 / (4.0 * n * n)
    root = np.sqrt(np.maximum(qb * qb - 4.0 * qa * qc, 0.0))
    sign = -1.0 if p < 0.5 else 1.0
    return np.clip((-qb + sign * root) / (2.0 * qa), 0.0, 1.0)


def arcsine_limit(denominator, target: float, p: float, phi: float = 1.0, tau2: float = 0.0) -> np.ndarray:
    """Limit on the arcsine-square-root scale, widened for over-dispersion, back-transformed.

    FunnelPlotR (``calculate_limits``, data_type "PR"): y = asin(sqrt(proportion)) has
    standard error s = 1 / (2 sqrt(n)); the limit is sin(asin(sqrt(target)) + z sd)^2 with
    sd = sqrt(phi s^2 + tau2). ``phi`` > 1 is Spiegelhalter's multiplicative model, ``tau2`` > 0
    the additive random-effects model; with neither it is the plain arcsine approximation.
    The angle is kept within [0, pi/2] so that the limits stay monotone in n where the normal
    approximation spills over 0 or 1 (FunnelPlotR truncates these to 0 and 1 too).
    """
    n = np.asarray(denominator, dtype=float)
    s2 = 1.0 / (4.0 * n)
    angle = np.arcsin(np.sqrt(target)) + norm.ppf(p) * np.sqrt(phi * s2 + tau2)
    return np.sin(np.clip(angle, 0.0, np.pi / 2)) ** 2


def poisson_ratio_limit(expected, p: float, target: float = 1.0) -> np.ndarray:
    """Exact Poisson limit for an observed/expected ratio with ``expected`` events expected.

    FunnelPlotR (``calculate_limits``, data_type "SR", unadjusted), from the chi-squared
    form of the Poisson distribution: lower limits chi2.ppf(1 - p, 2E) / (2E), upper limits
    chi2.ppf(p, 2(E + 1)) / (2E), times the target.

    Examples
    --------
    >>> round(float(poisson_ratio_limit(15, 0.025)), 7)
    0.5596924
    """
    e = np.asarray(expected, dtype=float)
    if p < 0.5:
        return target * chi2.ppf(p, 2.0 * e) / (2.0 * e)
    return target * chi2.ppf(p, 2.0 * (e + 1.0)) / (2.0 * e)


def shmi_ratio_limit(expected, p: float, tau2: float = 0.0) -> np.ndarray:
    """Log-scale limit for an observed/expected ratio, SHMI style: exp(z sqrt(1/E + tau2)).

    FunnelPlotR (``calculate_limits``, data_type "SR", sr_method "SHMI"), after NHS Digital's
    Summary Hospital-level Mortality Indicator methodology.
    """
    e = np.asarray(expected, dtype=float)
    return np.exp(norm.ppf(p) * np.sqrt(1.0 / e + tau2))


# -- over-dispersion ---------------------------------------------------------------------------

def _winsorise(z: np.ndarray, trim: float) -> np.ndarray:
    # R's quantile type 7 is numpy's default "linear" method; FunnelPlotR uses it.
    low, high = np.quantile(z, [trim, 1.0 - trim])
    return np.clip(z, low, high)


def _dersimonian_laird(n: int, phi: float, s: np.ndarray) -> float:
    # FunnelPlotR's tau_func: DerSimonian and Laird's moment estimator with the
    # winsorised chi-squared n * phi in place of Cochran's Q.
    if len(s) == 0 or n * phi < n - 1:
        return 0.0
    w = 1.0 / s ** 2
    return max(0.0, (n * phi - (n - 1)) / (w.sum() - (w ** 2).sum() / w.sum()))


def _overdispersion(z: np.ndarray, s: np.ndarray) -> Overdispersion:
    n = len(z)
    phi = float(np.mean(z ** 2)) if n else 0.0
    significant = bool(n and n * phi > chi2.ppf(0.95, n))
    return Overdispersion(phi=phi, tau2=_dersimonian_laird(n, phi, s), n=n, significant=significant)


def proportion_overdispersion(numerator, denominator, target: float | None = None,
                              trim: float = 0.1) -> Overdispersion:
    """Over-dispersion of proportions across areas, as FunnelPlotR for data_type "PR".

    z-scores on the arcsine-square-root scale, z = (asin(sqrt(y)) - asin(sqrt(target))) * 2 sqrt(n),
    are winsorised at the ``trim`` and 1 - ``trim`` quantiles (Spiegelhalter 2005, section 5);
    phi = mean(z^2); tau2 by DerSimonian-Laird (Spiegelhalter 2005, "Handling over-dispersion
    of performance indicators", Qual Saf Health Care 14:347-351).

    Parameters
    ----------
    numerator, denominator : array-like
        Counts per area.
    target : float, optional
        Defaults to the pooled proportion sum(numerator) / sum(denominator), as FunnelPlotR.
    trim : float
        Share winsorised at each end (10% by default).
    """
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    if target is None:
        target = num.sum() / den.sum()
    s = 1.0 / (2.0 * np.sqrt(den))
    z = (np.arcsin(np.sqrt(num / den)) - np.arcsin(np.sqrt(target))) / s
    return _overdispersion(_winsorise(z, trim), s)


def ratio_overdispersion(observed, expected, trim: float = 0.1) -> Overdispersion:
    """Over-dispersion of standardised ratios, SHMI style, as FunnelPlotR for data_type "SR".

    z = sqrt(E) log(O / E); the areas in the lowest and highest ``trim`` of z (by
    floor(rank * k / (N + 1)) with k = 1 / trim, average ranks for ties) are dropped rather
    than winsorised (NHS Digital's SHMI truncation); phi and tau2 from the rest, with the
    within-area standard error s = 1 / sqrt(E).
    """
    o = np.asarray(observed, dtype=float)
    e = np.asarray(expected, dtype=float)
    z = np.sqrt(e) * np.log(o / e)
    k = 1.0 / trim
    rank = pd.Series(z).rank(method="average").to_numpy()
    band = np.floor(rank * k / (len(z) + 1))
    kept = (band > 0) & (band < k - 1)
    return _overdispersion(z[kept], 1.0 / np.sqrt(e[kept]))


# -- limits over denominators ------------------------------------------------------------------

def funnel_limits(denominator, target: float, method: str = "exact",
                  dispersion: Overdispersion | None = None) -> pd.DataFrame:
    """The four funnel limits at each denominator.

    Parameters
    ----------
    denominator : array-like
        Denominators (proportions) or expected counts (ratios).
    target : float
        The centre line: a proportion, or 1 for standardised ratios.
    method : str
        Proportions: "exact" (binomial, Spiegelhalter's interpolation), "wilson"
        (PHEindicatormethods), "multiplicative" (arcsine scale widened by sqrt(phi) when the
        over-dispersion is significant), "additive" (arcsine scale plus tau2, FunnelPlotR's
        default for proportions; tau2 is used only when phi > 1, as FunnelPlotR).
        Ratios: "poisson" (exact), "shmi" (log scale plus tau2 when phi > 1).
    dispersion : Overdispersion, optional
        Needed by "multiplicative", "additive" and "shmi".

    Returns
    -------
    DataFrame
        Columns denominator, target, lower_95, upper_95, lower_998, upper_998.
    """
    den = np.asarray(denominator, dtype=float)
    out = {"denominator": den, "target": np.full(den.shape, float(target))}
    for level, p in LEVELS.items():
        for side, q in (("lower", 1.0 - p), ("upper", p)):
            out[f"{side}_{level}"] = _limit(den, target, q, method, dispersion)
    return pd.DataFrame(out)


def _limit(den, target, q, method, dispersion):
    if method == "exact":
        return exact_binomial_limit(den, target, q)
    if method == "wilson":
        return wilson_limit(den, target, q)
    if method == "poisson":
        return poisson_ratio_limit(den, q, target)
    if method in ("multiplicative", "additive", "shmi") and dispersion is None:
        raise ValueError(f"method {method!r} needs the areas' over-dispersion")
    if method == "multiplicative":
        phi = dispersion.phi if dispersion.significant and dispersion.phi > 1 else 1.0
        return arcsine_limit(den, target, q, phi=phi)
    if method == "additive":
        return arcsine_limit(den, target, q, tau2=dispersion.tau2 if dispersion.phi > 1 else 0.0)
    if method == "shmi":
        return target * shmi_ratio_limit(den, q, tau2=dispersion.tau2 if dispersion.phi > 1 else 0.0)
    raise ValueError(f"invalid method: {method!r}; expected one of {PROPORTION_METHODS + RATIO_METHODS}")


def funnel_lines(low: float, high: float, target: float, method: str = "exact",
                 dispersion: Overdispersion | None = None, points: int = 200) -> pd.DataFrame:
    """Limit lines for drawing: :func:`funnel_limits` at ``points`` denominators from ``low``
    to ``high``, spaced evenly on a log scale so that the curved narrow end is smooth.
    Exact binomial limits are drawn at whole denominators."""
    grid = np.geomspace(max(low, 1e-9), high, points)
    if method == "exact":
        grid = np.unique(np.round(grid).clip(1))
    return funnel_limits(grid, target, method, dispersion)


# -- areas -------------------------------------------------------------------------------------

def _checked(areas: pd.DataFrame, source: str, proportion: bool, log_scale: bool = False) -> pd.DataFrame:
    problems = []
    missing = [c for c in ("area", "numerator", "denominator") if c not in areas.columns]
    if missing:
        raise InputError(Problem(source, "columns", f"missing column(s) {', '.join(missing)}",
                                 "give one row per area with area, numerator and denominator"))
    frame = areas[["area", "numerator", "denominator"]].copy()
    for col in ("numerator", "denominator"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    for i, row in frame.iterrows():
        where = f"row {i} (area {row['area']})"
        if not (np.isfinite(row["numerator"]) and np.isfinite(row["denominator"])):
            problems.append(Problem(source, where, "numerator and denominator must be numbers",
                                    "fill in both counts, 0 where there were none"))
        elif row["denominator"] <= 0 or row["numerator"] < 0:
            problems.append(Problem(source, where, f"expected numerator >= 0 and denominator > 0, "
                                    f"found {row['numerator']:g} of {row['denominator']:g}",
                                    "leave out areas with nothing to count"))
        elif proportion and row["numerator"] > row["denominator"]:
            problems.append(Problem(source, where, f"numerator {row['numerator']:g} exceeds denominator "
                                    f"{row['denominator']:g}", "check that the columns are not swapped"))
        elif log_scale and row["numerator"] == 0:
            problems.append(Problem(source, where, "no observed events: the log-scale ratio is undefined",
                                    "leave the area out or use the exact Poisson limits"))
    if frame["area"].duplicated().any():
        dup = ", ".join(map(str, frame.loc[frame["area"].duplicated(), "area"].unique()))
        problems.append(Problem(source, "area", f"areas listed more than once: {dup}",
                                "sum their rows first, one row per area"))
    if problems:
        raise InputError(problems)
    return frame


def _with_limits(frame: pd.DataFrame, target: float, method: str, dispersion) -> pd.DataFrame:
    limits = funnel_limits(frame["denominator"].to_numpy(), target, method, dispersion)
    rate = frame["numerator"].to_numpy(dtype=float) / frame["denominator"].to_numpy(dtype=float)
    out = frame.reset_index(drop=True).assign(rate=rate, target=target)
    for col in ("lower_95", "upper_95", "lower_998", "upper_998"):
        out[col] = limits[col].to_numpy()
    # Outside the 99.8% limits is an outlier (FunnelPlotR's limit = 99 and PHEindicatormethods'
    # 0.001 level); the 95% limits are drawn as the warning band.
    out["outlier"] = (rate < out["lower_998"]) | (rate > out["upper_998"])
    out = out[COLUMNS].sort_values("area", kind="stable").reset_index(drop=True)
    out.attrs = {"method": method, "dispersion": dispersion}
    return out


def proportion_funnel(areas: pd.DataFrame, method: str = "exact", target: float | None = None,
                      trim: float = 0.1, source: str = "area aggregates") -> pd.DataFrame:
    """Funnel limits and outliers for a proportion across areas.

    Parameters
    ----------
    areas : DataFrame
        One row per area: ``area``, ``numerator``, ``denominator`` (counts).
    method : {"exact", "wilson", "multiplicative", "additive"}
        See :func:`funnel_limits`. "exact" follows Spiegelhalter (2005); "wilson"
        PHEindicatormethods; "multiplicative" and "additive" FunnelPlotR's over-dispersion
        (arcsine-square-root z-scores winsorised at 10%).
    target : float, optional
        The centre line; the pooled proportion by default.
    trim : float
        Winsorisation at each end for the over-dispersion estimate.
    source : str
        The name of the input, for error messages.

    Returns
    -------
    DataFrame
        Columns area, numerator, denominator, rate, target, lower_95, upper_95, lower_998,
        upper_998, outlier (rate outside the 99.8% limits), sorted by area. ``attrs`` holds the
        method and the :class:`Overdispersion` (None for exact and Wilson), for
        :func:`funnel_lines`.

    Raises
    ------
    InputError
        Missing columns, non-numeric or negative counts, numerators above denominators,
        repeated areas.
    """
    if method not in PROPORTION_METHODS:
        raise ValueError(f"invalid method: {method!r}; expected one of {PROPORTION_METHODS}")
    frame = _checked(areas, source, proportion=True)
    if target is None:
        target = float(frame["numerator"].sum() / frame["denominator"].sum())
    dispersion = None
    if method in ("multiplicative", "additive"):
        dispersion = proportion_overdispersion(frame["numerator"], frame["denominator"], target, trim)
    return _with_limits(frame, target, method, dispersion)


def ratio_funnel(areas: pd.DataFrame, method: str = "poisson", trim: float = 0.1,
                 round_expected: bool = True, source: str = "area aggregates") -> pd.DataFrame:
    """Funnel limits and outliers for indirectly standardised ratios (observed / expected).

    The expected counts usually come from a model fitted on all areas' records (e.g. a Poisson
    GLM); the target is 1. "poisson" gives exact Poisson limits, "shmi" the SHMI-style
    adjustment for over-dispersion (log-scale z-scores, 10% truncation at each end, additive
    tau2), both as FunnelPlotR's ``funnel_plot(data_type = "SR")``.

    Parameters
    ----------
    areas : DataFrame
        One row per area: ``area``, ``numerator`` (observed), ``denominator`` (expected).
    method : {"poisson", "shmi"}
    trim : float
        Share truncated at each end for the over-dispersion estimate.
    round_expected : bool
        Round expected counts to 2 decimals first, as FunnelPlotR does by default
        (``SHMI_rounding = TRUE``).
    source : str
        The name of the input, for error messages.

    Returns
    -------
    DataFrame
        As :func:`proportion_funnel`, with rate the ratio O/E and target 1.
    """
    if method not in RATIO_METHODS:
        raise ValueError(f"invalid method: {method!r}; expected one of {RATIO_METHODS}")
    frame = _checked(areas, source, proportion=False, log_scale=method == "shmi")
    if round_expected:
        frame["denominator"] = frame["denominator"].round(2)
    dispersion = None
    if method == "shmi":
        dispersion = ratio_overdispersion(frame["numerator"], frame["denominator"], trim)
    return _with_limits(frame, 1.0, method, dispersion)
