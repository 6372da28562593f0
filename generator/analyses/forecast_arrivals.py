"""New arrivals at the front door, month by month: a count model with trend and season.

This module owns the forecast's inflow: children arriving on the map from off it (a new
contact, a new referral), counted per calendar month and modelled as negative binomial counts
with a log-linear trend and a month-of-year effect (NB2: variance mu + alpha mu^2; Cameron and
Trivedi, "Regression analysis of count data", 2nd ed., 2013, section 3.3). Future months are
drawn from it with the coefficients' own uncertainty (a draw from their asymptotic normal
distribution) and the gamma mixing of the negative binomial, so the arrivals' doubt reaches the
forecast's intervals. An entry station with too few arrivals to fit gets its mean over the
last year, as Poisson.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.discrete.discrete_model import NegativeBinomial
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM

#: Fewest arrivals (over the fitting months) for a station's own trend-and-season model.
MIN_ARRIVALS_TO_FIT = 240
#: NB2 dispersion below which the arrivals are taken as Poisson.
MIN_DISPERSION = 1e-6
#: Fewest months of history for a month-of-year effect (two of each month).
MIN_MONTHS_FOR_SEASON = 24


@dataclass(frozen=True)
class ArrivalModel:
    """A fitted arrivals model for one entry station.

    ``params`` and ``cov`` are the log-mean coefficients (intercept, trend per month, then one
    per calendar month but the first) and their covariance; ``alpha`` the NB2 dispersion (0:
    Poisson); ``origin`` the first fitted month; ``seasonal`` whether month effects were fitted.
    """

    station: int
    params: np.ndarray
    cov: np.ndarray
    alpha: float
    origin: pd.Period
    seasonal: bool

    def design(self, months: pd.PeriodIndex) -> np.ndarray:
        """The model's design matrix for ``months``."""
        return _design(months, self.origin, self.seasonal)


def monthly_arrivals(spells: pd.DataFrame, entry_stations, first: pd.Period, last: pd.Period) -> pd.DataFrame:
    """Arrivals from off the map at each entry station in each month ``first..last``.

    Parameters
    ----------
    spells : DataFrame
        From `generator.analyses.forecast_rates.spells_from_visits` (``station``, ``start``,
        ``entry``).
    entry_stations : sequence of int
        Stations whose arrivals are modelled (a map's ``entry`` stations).
    first, last : Period
        Calendar months (freq M).

    Returns
    -------
    DataFrame
        One row per month and entry station: ``month`` (Period), ``station``, ``arrivals``.
    """
    entries = spells[spells["entry"] & spells["station"].isin(list(entry_stations))]
    months = pd.to_datetime(np.floor(entries["start"].to_numpy()), unit="D").to_period("M")
    counts = pd.DataFrame({"month": months, "station": entries["station"].to_numpy()}).value_counts()
    grid = pd.MultiIndex.from_product([pd.period_range(first, last, freq="M"), list(entry_stations)],
                                      names=["month", "station"])
    return counts.reindex(grid, fill_value=0).rename("arrivals").reset_index()


def fit_arrivals(counts: pd.DataFrame) -> list[ArrivalModel]:
    """Fit each entry station's arrivals (the output of `monthly_arrivals`).

    Returns
    -------
    list of ArrivalModel
        One per station, in station order.
    """
    models = []
    for station, rows in counts.groupby("station", sort=True):
        rows = rows.sort_values("month")
        months = pd.PeriodIndex(rows["month"], freq="M")
        y = rows["arrivals"].to_numpy(dtype=float)
        if y.sum() < MIN_ARRIVALS_TO_FIT or len(y) < 12:
            models.append(_mean_of_last_year(int(station), months, y))
            continue
        seasonal = len(y) >= MIN_MONTHS_FOR_SEASON
        x = _design(months, months[0], seasonal)
        models.append(_fit_negative_binomial(int(station), months[0], seasonal, x, y))
    return models


def draw_arrivals(models: list[ArrivalModel], months: pd.PeriodIndex, draws: int, rng: np.random.Generator,
                  growth: float = 0.0) -> np.ndarray:
    """Mean arrivals per month for ``draws`` futures: array (draws, stations, months).

    Each draw takes coefficients from their asymptotic normal distribution and a gamma
    multiplier per month (mean 1, variance ``alpha``), so a Poisson count with this mean is
    the model's negative binomial. ``growth`` adds a yearly growth (0.1 = 10% a year more
    arrivals, compounding month by month from the first forecast month): the what-if lever.
    """
    out = np.empty((draws, len(models), len(months)))
    lift = (1.0 + growth) ** (np.arange(1, len(months) + 1) / 12.0)
    for i, model in enumerate(models):
        x = model.design(months)
        beta = rng.multivariate_normal(model.params, model.cov, size=draws, method="cholesky") \
            if np.any(model.cov) else np.repeat(model.params[None, :], draws, axis=0)
        mean = np.exp(beta @ x.T)
        if model.alpha > MIN_DISPERSION:  # below it the gamma mixing is Poisson (and its shape overflows)
            mean = mean * rng.gamma(1.0 / model.alpha, model.alpha, size=mean.shape)
        out[:, i, :] = mean * lift
    return out


def _design(months: pd.PeriodIndex, origin: pd.Period, seasonal: bool) -> np.ndarray:
    t = np.asarray([(m - origin).n for m in months], dtype=float)
    columns = [np.ones_like(t), t / 12.0]
    if seasonal:
        month_of_year = np.asarray([m.month for m in months])
        columns += [(month_of_year == k).astype(float) for k in range(2, 13)]
    return np.column_stack(columns)


def _fit_negative_binomial(station: int, origin: pd.Period, seasonal: bool, x: np.ndarray,
                           y: np.ndarray) -> ArrivalModel:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        poisson = GLM(y, x, family=families.Poisson()).fit()
        try:
            fit = NegativeBinomial(y, x, loglike_method="nb2").fit(
                start_params=np.r_[poisson.params, 0.01], disp=0, maxiter=200)
            alpha = float(fit.params[-1])
            params, cov = np.asarray(fit.params[:-1]), np.asarray(fit.cov_params())[:-1, :-1]
            ok = np.isfinite(alpha) and alpha >= 0 and np.all(np.isfinite(cov))
        except (np.linalg.LinAlgError, ValueError):
            ok = False
    if not ok:
        params, cov, alpha = np.asarray(poisson.params), np.asarray(poisson.cov_params()), 0.0
    return ArrivalModel(station, params, cov, max(alpha, 0.0), origin, seasonal)


def _mean_of_last_year(station: int, months: pd.PeriodIndex, y: np.ndarray) -> ArrivalModel:
    recent = y[-12:]
    mean = max(float(recent.mean()), 1e-9)
    # The log of a Poisson mean from n months has variance ~ 1 / (n * mean).
    cov = np.array([[1.0 / (len(recent) * mean)]]) if recent.sum() > 0 else np.zeros((1, 1))
    params = np.array([np.log(mean)])
    return _ConstantArrivals(station, params, cov, 0.0, months[0], False)


class _ConstantArrivals(ArrivalModel):
    def design(self, months: pd.PeriodIndex) -> np.ndarray:
        return np.ones((len(months), 1))
