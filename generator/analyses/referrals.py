"""Referral history: re-referrals and the number of previous referrals.

Definitions (written on the methods page, tested in tests/test_referrals.py):

* A referral's *previous referral* is the same child's latest referral on an earlier day.
  Referrals of one child on the same day are one contact with the front door recorded twice;
  neither is the other's previous referral.
* A referral is a *re-referral within N days* when its previous referral is at most N days
  before it. The DfE's 12-month measure uses N = 365; the 36-month measure N = 1095.
* Each rate is taken only over referrals with N days of data before them (the **look-back**),
  so that a referral early in the extract is not counted as "new" just because its history
  is missing: the 12-month rate over referrals with 365 days of data before them, the
  36-month rate over those with 1,095.
"""

from __future__ import annotations

import pandas as pd

from generator.eventlog import EventLog

DAYS_12_MONTHS = 365
DAYS_36_MONTHS = 3 * 365


def referral_history(log: EventLog) -> pd.DataFrame:
    """Every referral with its child's referral history.

    Parameters
    ----------
    log : EventLog

    Returns
    -------
    DataFrame
        One row per referral event: ``child_id``, ``date``, ``days_since_previous`` (float,
        NaN for a first referral) and ``previous_referrals`` (referrals of the child on earlier
        days, 0 for a first referral).
    """
    return log.derived("referral history", lambda: _history(log))


def _history(log: EventLog) -> pd.DataFrame:
    referrals = log.of_event("referral")[["child_id", "date"]].reset_index(drop=True)
    days = referrals.drop_duplicates(["child_id", "date"]).copy()
    grouped = days.groupby("child_id", sort=False)["date"]
    days["previous_date"] = grouped.shift(1)
    days["previous_referrals"] = grouped.cumcount()
    history = referrals.merge(days, on=["child_id", "date"], how="left", validate="many_to_one")
    history["days_since_previous"] = (history["date"] - history["previous_date"]).dt.days
    return history.drop(columns="previous_date")


def rereferral_rate(
    log: EventLog, start: pd.Timestamp, end: pd.Timestamp, window_days: int
) -> tuple[int, int]:
    """Re-referrals within ``window_days`` among referrals dated ``start``..``end``.

    Method: DfE "Characteristics of children in need" re-referral measure (unit: referrals).
    Only referrals with ``window_days`` of data before them are counted (`has_look_back`), so
    missing history does not pass for none: in a data's first year the 12-month rate would
    otherwise read low (13.8% against 24-26.5% later on the demo).

    Returns
    -------
    (re_referrals, referrals) : tuple of int
        The numerator and the denominator.
    """
    history = referral_history(log)
    in_period = history[(history["date"] >= start) & (history["date"] <= end)]
    in_period = in_period[has_look_back(in_period["date"], log.front_door_first_date, window_days)]
    repeat = in_period["days_since_previous"] <= window_days
    return int(repeat.sum()), int(len(in_period))


def has_look_back(dates: pd.Series, first_date: pd.Timestamp | None, window_days: int) -> pd.Series:
    """True where ``window_days`` days of data lie before the date (the look-back is complete):
    the date less ``window_days`` is on or after the data's first date."""
    if first_date is None:
        return pd.Series(True, index=dates.index)
    return dates - pd.Timedelta(days=window_days) >= first_date
