"""Referral history: re-referrals and the number of previous referrals.

Definitions (written on the methods page, tested in tests/test_referrals.py):

* A referral's *previous referral* is the same child's latest referral on an earlier day.
  Referrals of one child on the same day are one contact with the front door recorded twice;
  neither is the other's previous referral.
* A referral is a *re-referral within N days* when its previous referral is at most N days
  before it. The DfE's 12-month measure uses N = 365; the 36-month measure N = 1095.
* The 36-month rate is taken only over referrals with 1095 days of data before them, so that
  a referral early in the extract is not counted as "new" just because its history is missing.
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
    Only referrals with ``window_days`` of data before them are counted when the look-back is
    longer than a year (the 36-month measure), so missing history does not pass for none.

    Returns
    -------
    (re_referrals, referrals) : tuple of int
        The numerator and the denominator.
    """
    history = referral_history(log)
    in_period = history[(history["date"] >= start) & (history["date"] <= end)]
    if window_days > DAYS_12_MONTHS and log.first_date is not None:
        in_period = in_period[in_period["date"] - pd.Timedelta(days=window_days) >= log.first_date]
    repeat = in_period["days_since_previous"] <= window_days
    return int(repeat.sum()), int(len(in_period))
