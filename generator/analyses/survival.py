"""Survival curves read at chosen times, with their pointwise intervals.

This module owns the step from a fitted curve to its values at the times a page shows: the
Kaplan-Meier estimate of staying (lifelines' ``KaplanMeierFitter``: Greenwood variance,
log(-log) interval) and the Aalen-Johansen cumulative incidence of one event among competing
ones (statsmodels' ``CumIncidenceRight``, deterministic with tied times), with the log(-log)
interval of Kalbfleisch and Prentice (1980) and Choudhury (2002). Every estimate is a
right-continuous step: its value at t is the one at the last event time at or before t.
"""

from __future__ import annotations

import numpy as np
from lifelines import KaplanMeierFitter
from scipy.stats import norm
from statsmodels.duration.survfunc import CumIncidenceRight


def step_at(times: np.ndarray, values: np.ndarray, at: np.ndarray, before: float = 0.0) -> np.ndarray:
    """The step function with ``values`` from each of ``times`` (ascending), read at ``at``.

    ``before`` is its value before the first time.

    Examples
    --------
    >>> step_at(np.array([1.0, 3.0]), np.array([0.9, 0.5]), np.array([0.0, 1.0, 2.0, 5.0]), 1.0).tolist()
    [1.0, 0.9, 0.9, 0.5]
    """
    index = np.searchsorted(times, at, side="right") - 1
    return np.where(index >= 0, values[np.clip(index, 0, None)], before)


def kaplan_meier_at(durations: np.ndarray, observed: np.ndarray, at: np.ndarray,
                    alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The Kaplan-Meier survival at ``at``, with its 1 - ``alpha`` interval (lifelines).

    Returns
    -------
    tuple of arrays
        Survival, lower and upper limit at each of ``at``; all 1 when no event was observed.

    Examples
    --------
    Freireich et al. (1963), the 6-MP arm (DOMAIN.md): S(6) = 0.8571, S(23) = 0.4482.

    >>> weeks = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
    >>> relapsed = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
    >>> survival, _, _ = kaplan_meier_at(np.array(weeks, float), np.array(relapsed, bool), np.array([6.0, 23.0]))
    >>> survival.round(4).tolist()
    [0.8571, 0.4482]
    """
    at = np.asarray(at, dtype=float)
    if not np.asarray(observed, dtype=bool).any():
        return np.ones(len(at)), np.ones(len(at)), np.ones(len(at))
    fit = KaplanMeierFitter(alpha=alpha).fit(durations, observed)
    times = fit.survival_function_.index.to_numpy(dtype=float)
    band = fit.confidence_interval_survival_function_
    return (step_at(times, fit.survival_function_.iloc[:, 0].to_numpy(), at, 1.0),
            step_at(times, band.iloc[:, 0].to_numpy(), at, 1.0),
            step_at(times, band.iloc[:, 1].to_numpy(), at, 1.0))


def aalen_johansen(durations: np.ndarray, event: np.ndarray, cause: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The cumulative incidence of ``cause`` (``event`` 0 censored, 1, 2, ... the causes).

    Returns
    -------
    tuple of arrays
        The distinct times, the incidence and its standard error at each (statsmodels'
        ``CumIncidenceRight``); one time 0 with incidence 0 when ``cause`` never happens.
    """
    if not (np.asarray(event) == cause).any():
        return np.array([0.0]), np.array([0.0]), np.array([0.0])
    with np.errstate(divide="ignore", invalid="ignore"):
        fit = CumIncidenceRight(durations, event)
    return (np.asarray(fit.times, dtype=float), np.asarray(fit.cinc[cause - 1], dtype=float),
            np.asarray(fit.cinc_se[cause - 1], dtype=float))


def log_log_interval(estimate: np.ndarray, se: np.ndarray, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """The pointwise 1 - ``alpha`` interval of a cumulative incidence on the log(-log) scale.

    F^exp(+-z se / (F |log F|)), always inside (0, 1) (Kalbfleisch and Prentice 1980;
    Choudhury 2002, Statistics in Medicine 21:1129-1144); 0 to 0 before any event, as R's
    cmprsk gives; NaN where the standard error is undefined or the estimate is 1.
    """
    z = norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = (estimate > 0) & (estimate < 1) & np.isfinite(se)
        spread = np.where(inside, z * se / (estimate * np.abs(np.log(estimate))), np.nan)
        lower = np.where(inside, estimate ** np.exp(spread), np.nan)
        upper = np.where(inside, estimate ** np.exp(-spread), np.nan)
    return np.where(estimate == 0, 0.0, lower), np.where(estimate == 0, 0.0, upper)
