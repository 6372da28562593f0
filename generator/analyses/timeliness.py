"""How long each step takes, in working days, against the statutory standards.

Standards (Working Together to Safeguard Children, 2015 and 2018): a child and family
assessment is authorised within 45 working days; an initial child protection conference is
held within 15 working days of the strategy discussion that started the section 47 enquiry.

**Bases.** By default the figures are on the DfE's published basis ("Characteristics of
children in need"): conferences timed from the **start of the section 47 enquiry** (the CIN
census records no strategy discussion), and assessment timeliness over **all completed
assessments**, whether or not one is linked to a referral. The local alternatives (conferences
from the strategy discussion, as Working Together words it; assessments linked to a referral,
which can also be timed from the referral) are options.

**Look-back.** In a data's first months only quick steps can end (a step that started
before the data began is missing), so a month counts only when its first day is at least
``look_back_days`` after the data's first date (`timeliness_by_month`'s ``complete``).

**Working days** are Monday to Friday except the bank holidays of England and Wales (the
`holidays` library, ``country_holidays("GB", subdiv="ENG")``). The start day is day 0; each
working day after it, up to and including the end day, counts one. So an assessment started
on a Friday and authorised on the Monday after took 1 working day, and one started and
authorised on the same day took 0.

A duration is counted in the month its step ended (the authorisation, the conference), as
the Department for Education counts completed assessments. Steps not yet ended at the last
date in the data are not counted; durations below zero (an end before its start) are data
errors and left out.
"""

from __future__ import annotations

from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

from generator.analyses.intervals import median_interval, with_rate
from generator.analyses.period import Period

ASSESSMENT_STANDARD_DAYS = 45
ICPC_STANDARD_DAYS = 15


@lru_cache(maxsize=256)
def bank_holidays(first_year: int, last_year: int) -> np.ndarray:
    """England and Wales bank holidays from ``first_year`` to ``last_year``, as datetime64[D]."""
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return np.array(sorted(days), dtype="datetime64[D]")


def working_days_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """Working days from ``start`` (day 0) to ``end`` (inclusive), England and Wales.

    Returns
    -------
    Series of float
        NaN where either date is missing.

    Examples
    --------
    >>> friday, monday = pd.Series(pd.to_datetime(["2015-12-24"])), pd.Series(pd.to_datetime(["2015-12-29"]))
    >>> working_days_between(friday, monday).tolist()  # 25th, 28th bank holidays; 26th-27th weekend
    [1.0]
    """
    ok = start.notna() & end.notna()
    out = pd.Series(np.nan, index=start.index)
    if not ok.any():
        return out
    s = start[ok].to_numpy().astype("datetime64[D]")
    e = end[ok].to_numpy().astype("datetime64[D]")
    years = pd.DatetimeIndex(np.concatenate([s, e]))
    calendar = bank_holidays(int(years.year.min()), int(years.year.max()))
    one = np.timedelta64(1, "D")
    out[ok] = np.busday_count(s + one, e + one, holidays=calendar).astype(float)
    return out


def durations(start: pd.Series, end: pd.Series, child_id: pd.Series, standard: int, period: Period) -> pd.DataFrame:
    """Steps ended in the period with their length in working and calendar days.

    Returns
    -------
    DataFrame
        ``child_id``, ``start``, ``end``, ``calendar_days``, ``working_days`` and ``within``
        (working days at most ``standard``), one row per step.
    """
    table = pd.DataFrame({"child_id": child_id, "start": start, "end": end})
    table = table[table["start"].notna() & table["end"].notna() & period.contains(table["end"])]
    table = table.assign(calendar_days=(table["end"] - table["start"]).dt.days,
                         working_days=working_days_between(table["start"], table["end"]))
    table = table[table["calendar_days"] >= 0].reset_index(drop=True)
    return table.assign(working_days=table["working_days"].astype("int64"), within=table["working_days"] <= standard)


#: Days of data a month of ended steps needs before it: assessments rarely take over 180
#: days; a conference is linked to a strategy discussion or enquiry at most 60 days before.
ASSESSMENT_LOOK_BACK_DAYS = 180
ICPC_LOOK_BACK_DAYS = 60


def assessment_durations(episodes: pd.DataFrame, period: Period, clock: str = "assessment_start") -> pd.DataFrame:
    """Assessments authorised in the period, timed from their start (or from the referral,
    with ``clock="referral"``) to their authorisation, against 45 working days.

    ``episodes`` is either `front_door.completed_assessments` (every completed assessment: the
    DfE basis) or `front_door.referral_episodes` (assessments linked to a referral, needed
    for ``clock="referral"``)."""
    start = episodes["referral"] if clock == "referral" else episodes["assessment_start"]
    return durations(start, episodes["authorised"], episodes["child_id"], ASSESSMENT_STANDARD_DAYS, period)


def conference_durations(enquiries: pd.DataFrame, period: Period, clock: str = "s47") -> pd.DataFrame:
    """Initial conferences held in the period, timed from the start of the section 47 enquiry
    they are linked to (the DfE basis), or with ``clock="strategy"`` from the strategy
    discussion (Working Together's wording; conferences with no strategy discussion are then
    left out), against 15 working days."""
    start = enquiries["strategy"] if clock == "strategy" else enquiries["s47"]
    return durations(start, enquiries["icpc"], enquiries["child_id"], ICPC_STANDARD_DAYS, period)


def with_look_back(table: pd.DataFrame, first_date: pd.Timestamp | None, look_back_days: int) -> pd.DataFrame:
    """The steps that ended at least ``look_back_days`` after the data's first date: those
    whose every possible start is in the data (for headline figures)."""
    if first_date is None:
        return table
    return table[table["end"] >= first_date + pd.Timedelta(days=look_back_days)].reset_index(drop=True)


def timeliness_by_month(table: pd.DataFrame, period: Period, freq: str = "M", first_date: pd.Timestamp | None = None,
                        look_back_days: int = 0) -> pd.DataFrame:
    """Per month (or quarter) of the end day: the share within the standard and the median.

    ``complete`` is False for a month that starts less than ``look_back_days`` after
    ``first_date`` (the data's first date): its steps lack the slow ones that began before
    the data, so the page leaves its share and median out.

    Returns
    -------
    DataFrame
        ``month`` (first day), ``count`` (within the standard), ``n`` (steps ended), ``pct``,
        ``pct_low``, ``pct_high`` (Wilson), ``median`` working days with ``median_low`` and
        ``median_high`` (distribution-free 95% interval), ``p90`` (90th percentile), ``complete``; months
        without steps have ``n`` = 0 and NaN elsewhere.
    """
    months = pd.period_range(period.start, period.end, freq=freq).start_time
    key = table["end"].dt.to_period(freq).dt.start_time
    rows = []
    groups = dict(list(table.groupby(key)["working_days"])) if len(table) else {}
    within = table.groupby(key)["within"].sum() if len(table) else pd.Series(dtype=int)
    for month in months:
        values = groups.get(month, pd.Series(dtype=float))
        median, low, high = median_interval(values)
        p90 = float(np.percentile(values, 90)) if len(values) else np.nan
        rows.append({"month": month, "count": int(within.get(month, 0)), "n": int(len(values)), "median": median,
                     "median_low": low, "median_high": high, "p90": p90})
    out = with_rate(pd.DataFrame(rows))
    out["complete"] = True if first_date is None else out["month"] >= first_date + pd.Timedelta(days=look_back_days)
    return out


def duration_bins(table: pd.DataFrame, width: int, cap: int, standard: int) -> pd.DataFrame:
    """A histogram of working days whose bins end on multiples of ``width`` (0 alone, then
    1 to ``width``, ...), so that a standard that is a multiple of ``width`` ends a bin; one
    open bin holds everything over ``cap`` (a multiple of ``width``).

    Returns
    -------
    DataFrame
        ``low``, ``high`` (inclusive working days; NaN for the open bin), ``label`` ("41-45",
        "121+"), ``count``, ``pct`` (of all steps) and ``within`` (the whole bin meets the
        standard).
    """
    bins = cap // width
    values = table["working_days"].to_numpy()
    index = np.minimum(np.ceil(values / width), bins + 1).astype(int)
    counts = np.bincount(index, minlength=bins + 2) if len(values) else np.zeros(bins + 2, int)
    low = np.concatenate([[0], (np.arange(1, bins + 1) - 1) * width + 1, [cap + 1]]).astype(float)
    high = np.concatenate([[0], np.arange(1, bins + 1) * width, [np.nan]]).astype(float)
    labels = [f"{int(a)}" if a == b else f"{int(a)}-{int(b)}" for a, b in zip(low[:-1], high[:-1])] + [f"{cap + 1}+"]
    out = pd.DataFrame({"low": low, "high": high, "label": labels, "count": counts.astype("int64"),
                        "pct": np.round(100 * counts / max(len(values), 1), 2)})
    out["within"] = out["high"].notna() & (out["high"] <= standard)
    return out
