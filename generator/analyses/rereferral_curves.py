"""How many children come back, after how long, and what happens to those who do.

Three views of re-referral (definitions in `generator.analyses.referrals` and on the methods
page):

* `rereferral_rates_by_year`: the DfE 12-month rate against the 36-month rate, per reporting
  year (April to March). Unit: referral events, exactly as `rereferral_rate` counts them.
* `cumulative_rereferral`: the share of referrals followed by another referral of the same
  child within t days, as 1 - Kaplan-Meier, with referrals too recent to have been followed
  for t days censored at the last date in the data (Kaplan and Meier 1958; Greenwood variance,
  log(-log) interval as lifelines computes it).
* `nfa_by_previous_referrals`: assessments ending in no further action by the number of the
  child's previous referrals (0, 1, 2, 3+), each with its Wilson interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from lifelines import KaplanMeierFitter

from generator.analyses.intervals import with_rate
from generator.analyses.period import Period
from generator.analyses.referrals import DAYS_12_MONTHS, DAYS_36_MONTHS, referral_history
from generator.eventlog import EventLog

#: Labels of the previous-referral groups, in order.
PREVIOUS_GROUPS = ("0", "1", "2", "3+")


def reporting_years(period: Period, first_month: int = 4) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
    """The reporting years (April to March by default) that meet the period, clipped to it.

    Returns
    -------
    list of (label, start, end)
        ``label`` like ``"2016-17"``; ``start`` and ``end`` inclusive midnight timestamps.
    """
    year = period.start.year if period.start.month >= first_month else period.start.year - 1
    years = []
    while True:
        start = pd.Timestamp(year=year, month=first_month, day=1)
        if start > period.end:
            return years
        end = pd.Timestamp(year=year + 1, month=first_month, day=1) - pd.Timedelta(days=1)
        label = f"{year}-{(year + 1) % 100:02d}" if first_month != 1 else str(year)
        years.append((label, max(start, period.start), min(end, period.end)))
        year += 1


def rereferral_rates_by_year(log: EventLog, period: Period) -> pd.DataFrame:
    """The 12-month and 36-month re-referral rates per reporting year.

    Each rate follows `generator.analyses.referrals.rereferral_rate`: re-referrals within the
    window over referrals; the 36-month one only over referrals with 1,095 days of data before
    them, so a year without such referrals has ``n`` = 0 and no rate.

    Returns
    -------
    DataFrame
        ``year``, ``measure`` ("Within 12 months" | "Within 36 months"), ``window_days``,
        ``count`` (re-referrals), ``n`` (referrals counted), ``pct``, ``pct_low``, ``pct_high``,
        ``complete`` (every referral counted has ``window_days`` of data before it; where not,
        the rate is understated because earlier referrals are missing from the data).
    """
    history = referral_history(log)
    rows = []
    for label, start, end in reporting_years(period):
        in_year = history[(history["date"] >= start) & (history["date"] <= end)]
        for measure, window in (("Within 12 months", DAYS_12_MONTHS), ("Within 36 months", DAYS_36_MONTHS)):
            counted = in_year
            if window > DAYS_12_MONTHS and log.front_door_first_date is not None:
                counted = in_year[in_year["date"] - pd.Timedelta(days=window) >= log.front_door_first_date]
            repeats = int((counted["days_since_previous"] <= window).sum())
            complete = log.front_door_first_date is None or bool((counted["date"] - pd.Timedelta(days=window) >= log.front_door_first_date).all())
            rows.append({"year": label, "measure": measure, "window_days": window, "count": repeats, "n": int(len(counted)),
                         "complete": complete})
    table = pd.DataFrame(rows, columns=["year", "measure", "window_days", "count", "n", "complete"])
    return with_rate(table)[["year", "measure", "window_days", "count", "n", "pct", "pct_low", "pct_high", "complete"]]


def time_to_rereferral(log: EventLog, period: Period) -> pd.DataFrame:
    """Each referral day in the period with the time to the child's next referral.

    Returns
    -------
    DataFrame
        ``child_id``, ``date``, ``days`` (to the next referral, or to the last date in the
        data when there is none: censored) and ``rereferred`` (bool).
    """
    history = referral_history(log).drop_duplicates(["child_id", "date"]).copy()
    history["next_date"] = history.groupby("child_id", sort=False)["date"].shift(-1)
    history = history[period.contains(history["date"])]
    end = log.last_date
    rereferred = history["next_date"].notna()
    days = (history["next_date"].fillna(end) - history["date"]).dt.days
    return pd.DataFrame({"child_id": history["child_id"], "date": history["date"],
                         "days": days.astype("int64"), "rereferred": rereferred.astype(bool)}).reset_index(drop=True)


def cumulative_rereferral(durations: pd.DataFrame, days: list[int] | np.ndarray) -> pd.DataFrame:
    """1 - Kaplan-Meier: the share of referrals re-referred within each number of ``days``.

    Parameters
    ----------
    durations : DataFrame
        ``days`` and ``rereferred`` (from `time_to_rereferral`).
    days : sequence of int
        Days at which to read the curve (a step function: the value at t includes events on
        day t).

    Returns
    -------
    DataFrame
        ``days``, ``months`` (days / 30.4375), ``pct`` (cumulative % re-referred),
        ``pct_low``, ``pct_high`` (95% interval: lifelines' log(-log) interval for S(t),
        turned over), ``at_risk`` (referrals followed for at least ``days`` and not yet
        re-referred before it) and ``rereferred`` (re-referrals by then). Where nobody is
        still at risk the curve stops: rows beyond the longest follow-up are left out.

    Notes
    -----
    R: ``survfit(Surv(days, rereferred) ~ 1, conf.type = "log-log")``; 1 - surv.
    """
    days = np.asarray(days, dtype=int)
    columns = ["days", "months", "pct", "pct_low", "pct_high", "at_risk", "rereferred"]
    if durations.empty:
        return pd.DataFrame(columns=columns)
    t = durations["days"].to_numpy()
    e = durations["rereferred"].to_numpy(dtype=bool)
    fitter = KaplanMeierFitter().fit(t, event_observed=e)
    survival = fitter.survival_function_.iloc[:, 0]
    interval = fitter.confidence_interval_survival_function_
    # Step functions: the value at a day is the last value at or before it.
    position = np.searchsorted(survival.index.to_numpy(), days, side="right") - 1
    position = np.clip(position, 0, None)
    s = survival.to_numpy()[position]
    low = interval.iloc[:, 0].to_numpy()[position]
    high = interval.iloc[:, 1].to_numpy()[position]
    ordered = np.sort(t)
    at_risk = len(t) - np.searchsorted(ordered, days, side="left")
    event_days = np.sort(t[e])
    table = pd.DataFrame({
        "days": days,
        "months": np.round(days / 30.4375, 2),
        "pct": 100 * (1 - s),  # rounded where published (`generator.published`)
        "pct_low": 100 * (1 - high),
        "pct_high": 100 * (1 - low),
        "at_risk": at_risk.astype("int64"),
        "rereferred": np.searchsorted(event_days, days, side="right").astype("int64"),
    })
    return table[days <= t.max()].reset_index(drop=True)


def nfa_by_previous_referrals(episodes: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Assessments authorised in the period ending in no further action, by the number of the
    child's previous referrals before the referral the assessment belongs to.

    Parameters
    ----------
    episodes : DataFrame
        From `generator.analyses.front_door.referral_episodes`.

    Returns
    -------
    DataFrame
        ``previous_referrals`` ("0", "1", "2", "3+"), ``count`` (assessments ending in NFA),
        ``n`` (assessments authorised with an outcome), ``pct``, ``pct_low``, ``pct_high``.
    """
    done = episodes[episodes["authorised"].notna() & period.contains(episodes["authorised"]) & episodes["outcome"].isin(["nfa", "in_need"])]
    group = np.minimum(done["previous_referrals"].to_numpy(), 3)
    labels = np.array(PREVIOUS_GROUPS, dtype=object)[group] if len(done) else np.array([], dtype=object)
    nfa = (done["outcome"] == "nfa").to_numpy()
    table = pd.DataFrame({"previous_referrals": labels, "nfa": nfa})
    counted = table.groupby("previous_referrals")["nfa"].agg(["sum", "size"]).reindex(list(PREVIOUS_GROUPS), fill_value=0)
    out = pd.DataFrame({"previous_referrals": list(PREVIOUS_GROUPS), "count": counted["sum"].astype("int64").to_numpy(),
                        "n": counted["size"].astype("int64").to_numpy()})
    return with_rate(out)
