"""The model behind the events page: a generalised linear model of one monthly series with a
change in level and in trend at a date, and intervals that stay honest when months are
correlated with their neighbours.

A count (referrals a month) is fitted by a Poisson GLM with a log link, a rate (referrals
closed with no further action, of all referrals) by a binomial GLM with a logit link on its
numerators and denominators (Bernal, Cummins and Gasparrini 2017, "Interrupted time series
regression for the evaluation of public health interventions: a tutorial", section on
outcome types and seasonality). Both carry month-of-year terms, or Fourier terms when the
series is too short for eleven month dummies, because referrals fall in August and December
and peak in September: without them a seasonal month next to the date reads as a change.

The standard error of every reported quantity is the **largest** of three (each through the
delta method, Wald intervals on the t distribution with n - p degrees of freedom):

1. the independent one, scaled by the Pearson dispersion X2 / (n - p), never below 1 (a
   quasi-Poisson / quasi-binomial fit: McCullagh and Nelder 1989, section 9.2);
2. Newey-West (HAC, Bartlett weights) with the small-sample factor n / (n - p) (Newey and West
   1987; lag by their rule floor(4 (n/100)^(2/9)) unless given);
3. the sandwich under AR(1) errors, with the lag-1 autocorrelation of the Pearson residuals
   (consecutive calendar months only) clipped to [0, 0.9] (Liang and Zeger 1986's working
   correlation, used here for the covariance only).

Taking the largest means that neither negative residual autocorrelation nor the small-sample
downward bias of HAC can make an interval narrower than the independent one.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from scipy import stats


@dataclass
class GlmFit:
    """One fitted GLM of a monthly series, with its three covariance matrices."""

    beta: np.ndarray
    X: np.ndarray
    names: list[str]
    rate: bool
    trials: np.ndarray | None  # denominators of a rate
    dispersion: float
    rho: float
    lags: int
    df: int
    covariances: tuple[np.ndarray, ...]  # independent, HAC, AR(1)
    seasonal: str = "none"  # which seasonal terms the design holds (set by the caller)

    def mean(self, X: np.ndarray, beta: np.ndarray | None = None) -> np.ndarray:
        """Expected count a month, or the expected proportion 0-1 for a rate."""
        eta = X @ (self.beta if beta is None else beta)
        return 1.0 / (1.0 + np.exp(-eta)) if self.rate else np.exp(eta)

    def estimate(self, g: Callable[[np.ndarray], float], alpha: float = 0.05) -> tuple[float, float, float, float]:
        """``g(beta)`` with its 95% interval and standard error: the delta method with a
        numerical gradient, under the widest of the three covariance matrices.

        Returns
        -------
        (value, low, high, se) : tuple of float
        """
        value = float(g(self.beta))
        gradient = np.empty(len(self.beta))
        for j in range(len(self.beta)):
            step = 1e-6 * max(1.0, abs(self.beta[j]))
            up, down = self.beta.copy(), self.beta.copy()
            up[j] += step
            down[j] -= step
            gradient[j] = (g(up) - g(down)) / (2 * step)
        se = max(float(np.sqrt(max(gradient @ cov @ gradient, 0.0))) for cov in self.covariances)
        q = stats.t.ppf(1 - alpha / 2, self.df)
        return value, value - q * se, value + q * se, se


def newey_west_lags(n: int) -> int:
    """Newey and West's (1994) automatic lag, floor(4 (n / 100)^(2/9))."""
    return int(np.floor(4 * (n / 100.0) ** (2.0 / 9.0)))


def seasonal_terms(month_of_year: np.ndarray, free: int, core: np.ndarray | None = None) -> tuple[np.ndarray, list[str], str]:
    """Month-of-year dummies (January the baseline) when ``free`` residual degrees of freedom
    allow them with 8 to spare, else as many Fourier pairs (sin, cos of 2 pi k m / 12, k = 1,
    2) as leave 8, else none. With ``core`` (the other columns of the design), a choice that
    leaves the design short of full rank is passed over: with one year on each side of the
    date, month dummies cannot tell a change in level from a trend.

    Returns
    -------
    (columns, names, kind) : tuple
        ``kind`` is "month of year", "Fourier, K harmonics" or "none".
    """
    choices = []
    if free - 11 >= 8 and len(np.unique(month_of_year)) == 12:
        columns = np.column_stack([(month_of_year == m).astype(float) for m in range(2, 13)])
        choices.append((columns, [f"month_{m}" for m in range(2, 13)], "month of year"))
    for harmonics in (2, 1):
        if free - 2 * harmonics >= 8:
            angle = 2 * np.pi * month_of_year / 12.0
            columns = np.column_stack([f(k * angle) for k in range(1, harmonics + 1) for f in (np.sin, np.cos)])
            names = [f"{f}_{k}" for k in range(1, harmonics + 1) for f in ("sin", "cos")]
            choices.append((columns, names, f"Fourier, {harmonics} harmonic{'s' if harmonics > 1 else ''}"))
    for columns, names, kind in choices:
        if core is None or np.linalg.matrix_rank(np.column_stack([core, columns])) == core.shape[1] + columns.shape[1]:
            return columns, names, kind
    return np.empty((len(month_of_year), 0)), [], "none"


def _hac(scores: np.ndarray, lags: int) -> np.ndarray:
    """Newey-West estimate of the long-run covariance of the score contributions."""
    meat = scores.T @ scores
    for lag in range(1, lags + 1):
        weight = 1.0 - lag / (lags + 1.0)
        cross = scores[lag:].T @ scores[:-lag]
        meat += weight * (cross + cross.T)
    return meat


def fit_glm(counts: np.ndarray, X: np.ndarray, names: list[str], month_number: np.ndarray,
            trials: np.ndarray | None = None, lags: int | None = None) -> GlmFit | None:
    """Fit a Poisson GLM (``trials`` None) or a binomial GLM of ``counts`` of ``trials``.

    Parameters
    ----------
    counts : array of float
        The monthly counts, or the numerators of a rate.
    X : array
        The design matrix (intercept first).
    month_number : array of int
        Calendar month numbers, so that a month left out keeps its place in the AR(1) and HAC
        correlations.
    trials : array of float, optional
        The denominators of a rate.
    lags : int, optional
        Newey-West lag; by default `newey_west_lags`.

    Returns
    -------
    GlmFit or None
        None when the GLM does not converge or the design leaves no degrees of freedom.

    Notes
    -----
    R: ``glm(y ~ ..., family = quasipoisson)`` (or ``cbind(k, n - k) ~ ..., quasibinomial``)
    gives the same estimates and, with the dispersion floored at 1, the independent errors.
    """
    n, p = X.shape
    if n - p < 2 or np.linalg.matrix_rank(X) < p:
        return None
    rate = trials is not None
    if rate:
        endog = np.column_stack([counts, trials - counts])
        family = families.Binomial()
    else:
        endog, family = counts, families.Poisson()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = GLM(endog, X, family=family).fit()
        except Exception:  # perfect separation, overflow: no fit rather than a wrong one
            return None
    beta = np.asarray(result.params, dtype=float)
    if not np.all(np.isfinite(beta)):
        return None
    eta = X @ beta
    if rate:
        prob = 1.0 / (1.0 + np.exp(-eta))
        mu, variance = trials * prob, trials * prob * (1 - prob)
    else:
        mu = np.exp(eta)
        variance = mu
    variance = np.maximum(variance, 1e-12)
    residual = counts - mu  # the score of a canonical-link GLM is X' (y - mu)
    pearson = residual / np.sqrt(variance)
    df = n - p
    dispersion = max(1.0, float(pearson @ pearson) / df)
    bread = np.linalg.inv(X.T @ (variance[:, None] * X))
    independent = dispersion * bread

    lags = newey_west_lags(n) if lags is None else int(min(max(lags, 0), n - 1))
    hac = bread @ _hac(X * residual[:, None], lags) @ bread * n / df

    # Autocorrelation of Pearson residuals at lags 1 and 2 over pairs of calendar months that
    # far apart, less what fitting p terms to n independent months produces (residuals are
    # (I - H) times the errors, so their lag-k products have expectation sum (I - H)_{t,t+k}:
    # the reasoning of Durbin and Watson 1950); without it short series read as negatively
    # correlated. A month-to-month wobble under Poisson noise (Zeger 1988's parameter-driven
    # model) gives correlations c phi^k, so phi is r2 / r1 when that exceeds r1 (else AR(1)).
    root_w = np.sqrt(variance)
    residual_maker = np.eye(n) - (root_w[:, None] * X) @ bread @ (X.T * root_w)
    lagged = []
    for lag in (1, 2):
        gap = month_number[None, :] - month_number[:, None]
        i, j = np.nonzero(gap == lag)
        if len(i) < 3:
            lagged.append(0.0)
            continue
        expected = float(residual_maker[i, j].sum()) / df
        observed = float(np.sum(pearson[i] * pearson[j]) / max(pearson @ pearson, 1e-12))
        lagged.append((observed - expected) * n / len(i))
    # Kendall's (1954) small-sample bias of a lag-1 autocorrelation, -(1 + 3 rho) / n, added back.
    rho = float(np.clip(lagged[0] + (1 + 3 * max(lagged[0], 0.0)) / n if lagged[0] > 0 else lagged[0], 0.0, 0.9))
    decay = rho
    if rho > 0 and lagged[1] / rho > rho:
        decay = float(min(lagged[1] / rho, 0.9))
    distance = np.abs(month_number[:, None] - month_number[None, :])
    correlation = np.where(distance == 0, 1.0, rho * decay ** np.maximum(distance - 1, 0))
    root = np.sqrt(variance)
    ar1 = bread @ (X.T * root) @ (dispersion * correlation) @ (root[:, None] * X) @ bread
    return GlmFit(beta=beta, X=X, names=names, rate=rate, trials=trials, dispersion=dispersion, rho=rho, lags=lags,
                  df=df, covariances=(independent, hac, ar1))
