"""The effect of events: key monthly measures before and after a dated event (an inspection,
a new front door), described by a segmented regression (interrupted time series).

Model (Wagner et al. 2002, "Segmented regression analysis of interrupted time series studies
in medication use research"; Bernal, Cummins and Gasparrini 2017, "Interrupted time series
regression for the evaluation of public health interventions: a tutorial"), on the scale of
a generalised linear model (`generator.analyses.its_model`):

    g(E y_t) = b0 + b1 t + b2 D_t + b3 (t - t0) D_t + seasonal terms

with t the month number (0 for the first month used), D_t = 1 from the first month after
the event (t0); g is log for a count (Poisson) and logit for a rate (binomial on its
numerators and denominators). The **change in level** is reported as a ratio (expected
value just after the event over the trend before carried on, in the same month) and as an
absolute change (referrals a month, or percentage points); the **change in trend** as a
ratio per month and as the average monthly growth of the gap over the months after. The
month the event falls in is left out (part before, part after) unless the event is on its
first day. Months with no cases are left out of a rate's series.

A **placebo check** fits the same model at every month of the period before as if the event
had happened then; the share of those fits whose interval excludes no change is how often
the method "finds" a change where none was made.

The result describes how the series changed around the date. It cannot say the event caused
the change: anything else that changed at the same time would look the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
from scipy import stats

from generator.analyses.front_door import completed_assessments
from generator.analyses.its_model import GlmFit, fit_glm, seasonal_terms
from generator.analyses.junctions import junction_decisions
from generator.analyses.period import Period
from generator.analyses.referrals import DAYS_12_MONTHS, referral_history
from generator.analyses.timeliness import assessment_durations

#: (key, name, unit of the value, cases counted, days of data a month needs before it): the
#: monthly measures, in chart order. Early in the data some measures are biased: a referral's
#: previous referral may be missing (365 days), and only quick assessments of those started
#: before the data can end in its first months (180 days for timeliness, 90 for outcomes).
#: Months with less data before them are left out of the series.
MEASURES: tuple[tuple[str, str, str, str, int], ...] = (
    ("referrals", "Referrals per month", "referrals", "referrals", 0),
    ("referral_nfa", "Referrals closed with no further action at referral", "%", "referrals", 0),
    ("assessment_to_strategy", "Assessments leading to a strategy discussion", "%", "assessments", 90),
    ("assessment_nfa", "Assessments ending in no further action", "%", "assessments", 90),
    ("rereferral_12m", "Re-referrals within 12 months", "%", "referrals", DAYS_12_MONTHS),
    ("assessment_within_45wd", "Assessments authorised within 45 working days", "%", "assessments", 180),
)
MEASURE_NAMES = {key: name for key, name, _, _, _ in MEASURES}


def monthly_measures(log, period: Period, episodes: pd.DataFrame, enquiries: pd.DataFrame) -> pd.DataFrame:
    """Every measure of `MEASURES` for every month of the period.

    Returns
    -------
    DataFrame
        ``measure``, ``month``, ``value`` (a count, or a percentage 0-100; NaN for a rate
        in a month without cases or too early in the data), ``count`` (numerator), ``n``
        (cases; for a count measure the count itself; 0 for a month too early in the data).
    """
    months = period.months()

    def monthly(dates: pd.Series, outcome: pd.Series | None) -> pd.DataFrame:
        keep = dates.notna() & period.contains(dates)
        month = dates[keep].dt.to_period("M").dt.start_time
        if outcome is None:
            n = month.value_counts().reindex(months, fill_value=0)
            return pd.DataFrame({"month": months, "count": n.to_numpy(), "n": n.to_numpy()})
        grouped = outcome[keep].astype(bool).groupby(month.to_numpy()).agg(["sum", "size"]).reindex(months, fill_value=0)
        return pd.DataFrame({"month": months, "count": grouped["sum"].to_numpy(), "n": grouped["size"].to_numpy()})

    decisions = junction_decisions(episodes, enquiries)
    decisions = decisions[~decisions["pending"]]  # a case whose window is still open is in no rate
    referral = decisions[decisions["junction"] == "referral"]
    assessment = decisions[decisions["junction"] == "assessment"]
    history = referral_history(log)
    timed = assessment_durations(completed_assessments(log), period)  # DfE basis: every completed assessment
    parts = {
        "referrals": monthly(history["date"], None),
        "referral_nfa": monthly(referral["date"], referral["branch"] == "No further action at referral"),
        "assessment_to_strategy": monthly(assessment["date"], assessment["branch"] == "Strategy discussion"),
        "assessment_nfa": monthly(assessment["date"], assessment["branch"] == "No further action"),
        "rereferral_12m": monthly(history["date"], history["days_since_previous"] <= DAYS_12_MONTHS),
        "assessment_within_45wd": monthly(timed["end"], timed["within"]),
    }
    rows = []
    for key, _, unit, _, history_days in MEASURES:
        table = parts[key].assign(measure=key)
        if log.front_door_first_date is not None and history_days:
            early = table["month"] < log.front_door_first_date + pd.Timedelta(days=history_days)
            table.loc[early, ["count", "n"]] = 0
        if unit == "%":
            with np.errstate(invalid="ignore", divide="ignore"):
                table["value"] = np.where(table["n"] > 0, 100.0 * table["count"] / table["n"].where(table["n"] > 0, 1), np.nan)
        else:
            table["value"] = table["count"].astype(float)
        rows.append(table)
    out = pd.concat(rows, ignore_index=True)
    return out[["measure", "month", "value", "count", "n"]].astype({"count": "int64", "n": "int64"})


@dataclass
class SegmentedFit:
    """A segmented GLM of one monthly series around one date (see the module docstring).

    Absolute changes are in the series' unit (a count a month, or percentage points); ratios
    are of expected values (rate ratios for counts, ratios of proportions for rates).
    """

    level_change: float
    level_low: float
    level_high: float
    level_ratio: float
    level_ratio_low: float
    level_ratio_high: float
    slope_change: float
    slope_low: float
    slope_high: float
    slope_ratio: float
    slope_ratio_low: float
    slope_ratio_high: float
    slope_before: float
    level_p: float
    months_before: int
    months_after: int
    lags: int
    family: str  # "Poisson" or "binomial"
    seasonal: str  # "month of year", "Fourier, 2 harmonics", ...
    dispersion: float
    rho: float
    fitted: pd.DataFrame  # month, value, fitted, fitted_low, fitted_high, counterfactual, side
    placebo: pd.DataFrame | None = None  # month, level_change, level_low, level_high, excludes_no_change

    @property
    def clear(self) -> bool:
        """The level interval excludes no change."""
        return bool(self.level_low > 0 or self.level_high < 0)

    @property
    def placebo_share(self) -> float | None:
        """Share (0-1) of placebo dates whose level interval excludes no change."""
        if self.placebo is None or self.placebo.empty:
            return None
        return float(self.placebo["excludes_no_change"].mean())


def event_months(event: pd.Timestamp, months: pd.DatetimeIndex, before: int, after: int) -> tuple[pd.DatetimeIndex, pd.DatetimeIndex]:
    """The months used before and after ``event``: up to ``before`` months ending with the
    last whole month before it, and up to ``after`` months starting with the first month
    after it (the event's own month counts as after only when the event is on its 1st)."""
    first_after = event.to_period("M").start_time
    if event.day != 1:
        first_after = first_after + pd.DateOffset(months=1)
    last_before = event.to_period("M").start_time - pd.DateOffset(months=1)
    pre = months[(months <= last_before)][-before:] if before else months[:0]
    post = months[months >= first_after][:after]
    return pre, post


def _is_rate(series: pd.DataFrame) -> bool:
    return "n" in series and "count" in series and bool((series["n"] != series["count"]).any())


def segmented_regression(series: pd.DataFrame, event: pd.Timestamp, before: int = 24, after: int = 12,
                         lags: int | None = None, alpha: float = 0.05, min_months: int = 3,
                         rate: bool | None = None, placebo: bool = True) -> SegmentedFit | None:
    """Fit the segmented GLM of ``series`` around ``event``.

    Parameters
    ----------
    series : DataFrame
        ``month``, ``value`` and, for a rate, ``count`` and ``n`` (numerator and denominator;
        ``value`` is then ignored). A count series may carry ``count`` == ``n``.
    lags : int, optional
        Newey-West lag; by default floor(4 (n/100)^(2/9)), 3 for 36 months. The interval is
        never narrower than the independent one, whatever the lag.
    rate : bool, optional
        A binomial rate rather than a Poisson count; by default a rate when ``n`` differs
        from ``count`` in some month.
    placebo : bool
        Also fit the model at every month of the period before (`SegmentedFit.placebo`).

    Returns
    -------
    SegmentedFit or None
        None when fewer than ``min_months`` months with a value fall on either side, or the
        model cannot be fitted.

    Notes
    -----
    R: ``glm(y ~ t + post + t_after + factor(month), family = quasipoisson)`` gives the same
    estimates; the intervals are the widest of that fit's, ``sandwich::NeweyWest(fit, lag,
    prewhite = FALSE, adjust = TRUE)``'s and an AR(1) sandwich (`its_model`).
    """
    series = series[series["value"].notna()].sort_values("month")
    rate = _is_rate(series) if rate is None else rate
    if rate:
        series = series[series["n"] > 0]
    pre, post = event_months(event, pd.DatetimeIndex(series["month"]), before, after)
    used = series[series["month"].isin(pre.append(post))].reset_index(drop=True)
    if len(pre) < min_months or len(post) < min_months:
        return None
    fit, X, t0 = _fit(used, post[0], rate, lags)
    if fit is None:
        return None
    with np.errstate(over="ignore"):  # a rate near 0% or 100% sends its far interval limit to infinity
        result = _describe(fit, X, t0, used, post[0], alpha, rate, len(pre), len(post))
    if placebo:
        result.placebo = placebo_fits(used[used["month"] < post[0]], rate, lags, alpha, min_months)
    return result



def measure_fits(log, period: Period, links, windows, event: pd.Timestamp, before: int = 24, after: int = 12,
                 lags: int | None = None) -> tuple[pd.DataFrame, dict[str, SegmentedFit | None]]:
    """The monthly measures and each one's `segmented_regression` around ``event``.

    Made once per log (`EventLog.derived`), period, linking windows, date and window of months:
    the headline figures and the events page ask for the same fits, and each fit runs its model
    again at every placebo month.

    Parameters
    ----------
    links : FrontDoorLinks
        The front door linked with ``windows`` (its episodes and enquiries).
    windows : LinkWindows
        The windows ``links`` were made with: part of what the result is kept under.

    Returns
    -------
    tuple
        The `monthly_measures` table, and the fit of each measure of `MEASURES` (None where
        there are too few months), by key. Both are shared: read them, do not change them.
    """
    event = pd.Timestamp(event)

    def fit_all():
        table = monthly_measures(log, period, links.episodes, links.enquiries)
        fits = {key: segmented_regression(table[table["measure"] == key], event, before, after, lags, rate=unit == "%")
                for key, _, unit, _, _ in MEASURES}
        return table, fits

    return log.derived(("measure fits", period, windows, event, before, after, lags), fit_all)

def _fit(used: pd.DataFrame, first_after: pd.Timestamp, rate: bool, lags: int | None) -> tuple[GlmFit | None, np.ndarray, float]:
    first = used["month"].iloc[0]
    t = ((used["month"].dt.year - first.year) * 12 + used["month"].dt.month - first.month).to_numpy(dtype=float)
    t0 = float((first_after.year - first.year) * 12 + first_after.month - first.month)
    after_event = (used["month"] >= first_after).to_numpy(dtype=float)
    core = np.column_stack([np.ones_like(t), t, after_event, (t - t0) * after_event])
    seasonal, names, kind = seasonal_terms(used["month"].dt.month.to_numpy(), len(t) - core.shape[1], core)
    X = np.column_stack([core, seasonal])
    if rate:
        fit = fit_glm(used["count"].to_numpy(float), X, ["intercept", "t", "level", "trend"] + names, t.astype(int),
                      trials=used["n"].to_numpy(float), lags=lags)
    else:
        fit = fit_glm(used["value"].to_numpy(float), X, ["intercept", "t", "level", "trend"] + names, t.astype(int), lags=lags)
    if fit is not None:
        fit.seasonal = kind
    return fit, X, t0


def _describe(fit: GlmFit, X: np.ndarray, t0: float, used: pd.DataFrame, first_after: pd.Timestamp, alpha: float,
              rate: bool, months_before: int, months_after: int) -> SegmentedFit:
    scale = 100.0 if rate else 1.0
    after_rows = np.flatnonzero(used["month"] >= first_after)
    first_row, last_row = after_rows[0], after_rows[-1]
    t = X[:, 1]
    span = max(t[last_row] - t0, 1.0)

    def without_event(beta: np.ndarray) -> np.ndarray:
        b = beta.copy()
        b[2:4] = 0
        return b

    def gap(row: int) -> Callable[[np.ndarray], float]:
        return lambda b: scale * (fit.mean(X[row], b) - fit.mean(X[row], without_event(b)))

    def log_ratio(row: int) -> Callable[[np.ndarray], float]:
        return lambda b: float(np.log(fit.mean(X[row], b)) - np.log(fit.mean(X[row], without_event(b))))

    level = fit.estimate(gap(first_row), alpha)
    ratio = fit.estimate(log_ratio(first_row), alpha)
    slope = fit.estimate(lambda b: (gap(last_row)(b) - gap(first_row)(b)) / span, alpha)
    slope_ratio = fit.estimate(lambda b: float(b[3]), alpha) if not rate else fit.estimate(
        lambda b: (log_ratio(last_row)(b) - log_ratio(first_row)(b)) / span, alpha)
    before_row = X[first_row].copy()
    before_row[[1]] -= 1
    slope_before = scale * float(fit.mean(X[first_row], without_event(fit.beta)) - fit.mean(before_row, without_event(fit.beta)))
    z = abs(ratio[0]) / ratio[3] if ratio[3] > 0 else np.inf
    level_p = float(2 * stats.t.sf(z, fit.df))

    fitted_mean, low, high = [], [], []
    for row in range(len(X)):
        value, lo, hi, _ = fit.estimate(lambda b, r=row: float(X[r] @ b), alpha)
        link = (lambda e: 1 / (1 + np.exp(-e))) if rate else np.exp
        fitted_mean.append(scale * link(value))
        low.append(scale * link(lo))
        high.append(scale * link(hi))
    # A rate at 0% or 100% sends a band's far limit to infinity: no limit rather than inf.
    low, high = [np.where(np.isfinite(v), v, np.nan) for v in (np.asarray(low), np.asarray(high))]
    counterfactual = scale * fit.mean(X, without_event(fit.beta))
    after_event = X[:, 2] == 1
    fitted = used[["month", "value"]].assign(
        fitted=fitted_mean, fitted_low=low, fitted_high=high,
        counterfactual=np.where(after_event, counterfactual, np.nan),
        side=np.where(after_event, "after", "before"))
    return SegmentedFit(
        level_change=level[0], level_low=level[1], level_high=level[2],
        level_ratio=float(np.exp(ratio[0])), level_ratio_low=float(np.exp(ratio[1])), level_ratio_high=float(np.exp(ratio[2])),
        slope_change=slope[0], slope_low=slope[1], slope_high=slope[2],
        slope_ratio=float(np.exp(slope_ratio[0])), slope_ratio_low=float(np.exp(slope_ratio[1])),
        slope_ratio_high=float(np.exp(slope_ratio[2])), slope_before=slope_before, level_p=level_p,
        months_before=int(months_before), months_after=int(months_after), lags=fit.lags,
        family="binomial" if rate else "Poisson", seasonal=fit.seasonal, dispersion=fit.dispersion, rho=fit.rho,
        fitted=fitted)


def placebo_fits(before: pd.DataFrame, rate: bool, lags: int | None = None, alpha: float = 0.05,
                 min_months: int = 3) -> pd.DataFrame:
    """The same model fitted to the months before the event, as if the event had happened
    on the first day of each of them in turn (with at least ``min_months`` months on each
    side).

    Returns
    -------
    DataFrame
        ``month`` (the placebo date), ``level_change``, ``level_low``, ``level_high`` and
        ``excludes_no_change`` (the interval lies wholly above or below 0).
    """
    rows = []
    months = list(before["month"])
    for month in months[min_months: len(months) - min_months + 1]:
        fit, X, t0 = _fit(before.reset_index(drop=True), month, rate, lags)
        if fit is None:
            continue
        after_row = int(np.flatnonzero(before["month"].to_numpy() >= np.datetime64(month))[0])
        scale = 100.0 if rate else 1.0

        def gap(b: np.ndarray) -> float:
            b0 = b.copy()
            b0[2:4] = 0
            return scale * float(fit.mean(X[after_row], b) - fit.mean(X[after_row], b0))

        value, low, high, _ = fit.estimate(gap, alpha)
        rows.append({"month": month, "level_change": value, "level_low": low, "level_high": high,
                     "excludes_no_change": bool(low > 0 or high < 0)})
    return pd.DataFrame(rows, columns=["month", "level_change", "level_low", "level_high", "excludes_no_change"])


def placebo_summary(fits: dict[str, SegmentedFit]) -> pd.DataFrame:
    """How often the placebo check found a change, measure by measure, beside the change the
    same model finds at the event.

    Parameters
    ----------
    fits : dict
        Measure key -> `SegmentedFit` (fitted with ``placebo=True``), in the order to show.

    Returns
    -------
    DataFrame
        ``measure`` (key), ``placebo_dates`` (months of the period before at which the model
        was fitted as if the event had happened then), ``changes_found`` (of those, fits
        whose 95% interval of the change in level excludes no change), ``found_pct``
        (0-100; about 5 is expected by chance when the intervals hold their coverage),
        ``event_change``, ``event_low``, ``event_high`` (the change in level at the event
        itself, in the measure's unit) and ``event_clear`` (its interval excludes no change).
        Measures without a placebo date have blank placebo columns.

    Notes
    -----
    A placebo (or "falsification") test of an interrupted time series: Bernal, Cummins and
    Gasparrini 2017, "Interrupted time series regression for the evaluation of public health
    interventions: a tutorial", section on checking the model's assumptions.
    """
    rows = []
    for key, fit in fits.items():
        placebo = fit.placebo if fit.placebo is not None else pd.DataFrame(columns=["excludes_no_change"])
        dates = len(placebo)
        found = int(placebo["excludes_no_change"].sum()) if dates else None
        rows.append({"measure": key, "placebo_dates": dates, "changes_found": found,
                     "found_pct": 100.0 * found / dates if dates else np.nan,
                     "event_change": fit.level_change, "event_low": fit.level_low, "event_high": fit.level_high,
                     "event_clear": fit.clear})
    columns = ["measure", "placebo_dates", "changes_found", "found_pct", "event_change", "event_low", "event_high", "event_clear"]
    return pd.DataFrame(rows, columns=columns).astype({"placebo_dates": "int64", "changes_found": "Int64"})
