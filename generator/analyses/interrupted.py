"""The effect of events: key monthly measures before and after a dated event (an inspection,
a new front door), described by a segmented regression (interrupted time series).

Model (Wagner et al. 2002, "Segmented regression analysis of interrupted time series studies
in medication use research"; Bernal, Cummins and Gasparrini 2017, "Interrupted time series
regression for the evaluation of public health interventions: a tutorial"):

    y_t = b0 + b1 t + b2 D_t + b3 (t - t0) D_t + e_t

with t the month number (0 for the first month used), D_t = 1 from the first month after
the event (t0), so b2 is the **change in level** just after the event and b3 the **change in
the monthly trend**. Fitted by ordinary least squares (statsmodels) with Newey-West (HAC)
standard errors, which allow for months being correlated with their neighbours. The month
the event falls in is left out (part before, part after) unless the event is on its first
day. Months with no cases are left out of a rate's series.

The result describes how the series changed around the date. It cannot say the event caused
the change: anything else that changed at the same time would look the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm

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
    referral = decisions[decisions["junction"] == "referral"]
    assessment = decisions[decisions["junction"] == "assessment"]
    history = referral_history(log)
    timed = assessment_durations(episodes, period)
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
        if log.first_date is not None and history_days:
            early = table["month"] < log.first_date + pd.Timedelta(days=history_days)
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
    """A segmented regression of one monthly series around one date."""

    level_change: float
    level_low: float
    level_high: float
    slope_change: float
    slope_low: float
    slope_high: float
    slope_before: float
    level_p: float
    months_before: int
    months_after: int
    lags: int
    fitted: pd.DataFrame  # month, value, fitted, fitted_low, fitted_high, counterfactual, side


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


def segmented_regression(series: pd.DataFrame, event: pd.Timestamp, before: int = 24, after: int = 12,
                         lags: int = 3, alpha: float = 0.05, min_months: int = 3) -> SegmentedFit | None:
    """Fit the segmented regression of ``series`` (``month``, ``value``) around ``event``.

    Returns
    -------
    SegmentedFit or None
        None when fewer than ``min_months`` months with a value fall on either side.

    Notes
    -----
    R: ``lm(y ~ t + post + t_after)`` with ``sandwich::NeweyWest(fit, lag = 3, prewhite =
    FALSE, adjust = TRUE)`` gives the same estimates; the standard errors match statsmodels'
    HAC with the small-sample correction.
    """
    series = series[series["value"].notna()].sort_values("month")
    pre, post = event_months(event, pd.DatetimeIndex(series["month"]), before, after)
    used = series[series["month"].isin(pre.append(post))].reset_index(drop=True)
    if len(pre) < min_months or len(post) < min_months:
        return None
    # Month numbers by calendar month, so a month left out (no cases, the event's month) keeps its place.
    first = used["month"].iloc[0]
    t = ((used["month"].dt.year - first.year) * 12 + used["month"].dt.month - first.month).to_numpy(dtype=float)
    t0 = float((post[0].year - first.year) * 12 + post[0].month - first.month)
    after_event = (used["month"] >= post[0]).to_numpy(dtype=float)
    X = np.column_stack([np.ones_like(t), t, after_event, (t - t0) * after_event])
    y = used["value"].to_numpy(dtype=float)
    lags = int(min(lags, len(y) - 5)) if len(y) > 5 else 0
    model = sm.OLS(y, X)
    result = model.fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}) if lags > 0 else model.fit()
    ci = result.conf_int(alpha)
    prediction = result.get_prediction(X).summary_frame(alpha)
    counterfactual = X.copy()
    counterfactual[:, 2:] = 0
    fitted = used[["month", "value"]].assign(
        fitted=prediction["mean"].to_numpy(), fitted_low=prediction["mean_ci_lower"].to_numpy(),
        fitted_high=prediction["mean_ci_upper"].to_numpy(),
        counterfactual=np.where(after_event == 1, counterfactual @ result.params, np.nan),
        side=np.where(after_event == 1, "after", "before"))
    return SegmentedFit(
        level_change=float(result.params[2]), level_low=float(ci[2, 0]), level_high=float(ci[2, 1]),
        slope_change=float(result.params[3]), slope_low=float(ci[3, 0]), slope_high=float(ci[3, 1]),
        slope_before=float(result.params[1]), level_p=float(result.pvalues[2]),
        months_before=int(len(pre)), months_after=int(len(post)), lags=lags, fitted=fitted,
    )
