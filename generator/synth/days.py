"""The demo county's calendar: days as integers, working days, school holidays, the inspection.

Every date inside the simulator is an ``int64`` count of days since 1970-01-01, so that all
arithmetic is plain numpy. Conversion to timestamps happens once, when the frames are built.
"""

from __future__ import annotations

from functools import cache

import holidays
import numpy as np
import pandas as pd

#: How much more work the front door takes on just after an inspection (a share of the usual
#: flow) and for how long: a plateau while the action plan is fresh, then a fade back.
INSPECTION_PEAK_UPLIFT = 0.20
INSPECTION_PLATEAU_DAYS = 183
INSPECTION_FADE_DAYS = 90

#: Shares of front-door activity that school holidays push to the start of the next term:
#: schools are the largest referrer after the police, and referrals dip when they are shut.
SUMMER_DEFERRED = 0.28
CHRISTMAS_DEFERRED = 0.55
#: Share of weekend contacts and referrals that are only logged on the Monday.
WEEKEND_DEFERRED = 0.85


def day_number(date) -> int:
    """The integer day of a date (days since 1970-01-01)."""
    return int(pd.Timestamp(date).normalize().value // 86_400_000_000_000)


def weekday(days: np.ndarray) -> np.ndarray:
    """Monday 0 .. Sunday 6 (1970-01-01 was a Thursday)."""
    return (days + 3) % 7


@cache
def bank_holidays() -> np.ndarray:
    """England's bank holidays over every year a simulation can reach (burn-in to late care)."""
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(1995, 2046))
    return np.array(sorted(days), dtype="datetime64[D]")


def next_working_day(days: np.ndarray) -> np.ndarray:
    """The day itself if a working day, else the next one: offices are shut at weekends and
    on bank holidays, so nothing is authorised or held then."""
    as_dates = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    return np.busday_offset(as_dates, 0, roll="forward", holidays=bank_holidays()).astype(np.int64)


def month_starts(days: np.ndarray) -> np.ndarray:
    """The first day of each day's month."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype("datetime64[D]").astype(
        np.int64
    )


def add_months(days: np.ndarray, months: int) -> np.ndarray:
    """First-of-month days moved on by whole months (e.g. a birth month to its 18th birthday)."""
    month = days.astype("datetime64[D]").astype("datetime64[M]") + months
    return month.astype("datetime64[D]").astype(np.int64)


def defer_to_working_time(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    """Move some holiday and weekend activity to when the offices and schools reopen.

    A referral that would have come in August is often made in September, when the school sees
    the child again; the Christmas fortnight is quiet; weekend police notifications are mostly
    processed on Monday. The result is the seasonal dip and the September and January peaks of
    real monthly charts. Days only ever move forward, so the order of a child's referrals holds.
    """
    days = np.asarray(days, dtype=np.int64)
    as_dates = days.astype("datetime64[D]")
    month_start = as_dates.astype("datetime64[M]")
    month = month_start.astype(np.int64) % 12 + 1
    day_of_month = (as_dates - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    draw = rng.random((3, len(days)))
    shifted = days.copy()

    summer = (month == 8) & (draw[0] < SUMMER_DEFERRED)
    september = (month_start + 1).astype("datetime64[D]").astype(np.int64)
    shifted[summer] = september[summer] + (draw[1][summer] * 14).astype(np.int64)

    christmas = ((month == 12) & (day_of_month >= 21)) | ((month == 1) & (day_of_month == 1))
    christmas &= draw[0] < CHRISTMAS_DEFERRED
    january = np.where(month == 12, month_start + 1, month_start).astype("datetime64[D]")
    january = january.astype(np.int64) + 1
    shifted[christmas] = january[christmas] + (draw[1][christmas] * 10).astype(np.int64)

    weekend = (weekday(shifted) >= 5) & (draw[2] < WEEKEND_DEFERRED)
    shifted[weekend] = next_working_day(shifted[weekend])
    return shifted


def inspection_uplift(days: np.ndarray, inspection_day: int) -> np.ndarray:
    """Extra front-door activity, as a share of the usual, on each day after the inspection."""
    since = np.asarray(days, dtype=np.int64) - inspection_day
    fade = INSPECTION_PEAK_UPLIFT * np.exp(
        -np.clip(since - INSPECTION_PLATEAU_DAYS, 0, None) / INSPECTION_FADE_DAYS
    )
    return np.where(since < 0, 0.0, fade)


def lognormal_days(
    rng: np.random.Generator, n: int, median: float, sigma: float, low: int, high: int
) -> np.ndarray:
    """Whole-day durations with a long right tail, as case durations have."""
    days = np.rint(median * np.exp(sigma * rng.standard_normal(n)))
    return np.clip(days, low, high).astype(np.int64)


def short_lag(rng: np.random.Generator, n: int, same_day: float, longest: int) -> np.ndarray:
    """A delay of 0 days with probability ``same_day``, else 1..``longest`` days."""
    lag = rng.integers(1, longest + 1, n)
    return np.where(rng.random(n) < same_day, 0, lag).astype(np.int64)
