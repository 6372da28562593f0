"""Key practices: breaches of rules that should always hold, found in the canonical EventLog.

This module owns the evaluation of `generator.practice_rules.PracticeRule`s (seed section 7).
Every measure kind turns the log into **occasions**: one row per time a rule applied to a child
(an assessment to authorise, a review falling due, a placement made), with the day its clock
started, the day it fell ``due``, the day it was ``done`` (NaT if never) and whether it was a
``breach``. Occasions are counted in the month they fell due (a placement: the month it was
made), so a month's population at risk is the occasions due in it and its breaches those not
done in time; an occasion whose due day is not yet past at the end of the data is left out.

Not measurable is not zero: a rule is measured only from the first day the event it looks for
appears anywhere in the data (an Annex A return carries only each child's latest statutory
visit, so earlier months cannot be judged), and a rule whose events are absent altogether, or
that has no occasions, is reported as not measurable from these data.

Time is counted as `generator.analyses.timeliness` counts it: working days are Monday to Friday
except England and Wales bank holidays, the start day is day 0, and the ``due`` day of a deadline
of n working days is the last calendar day before working day n + 1 (so the weekend after a
Friday deadline is still in time). Months are calendar months (31 January + 1 month = 28 or 29
February). Ages come from the month of birth (DESIGN.md): a child is taken to turn a given age
on the first day of their birth month (so "under 16" means certainly under 16), and a deadline
measured from a birthday runs from the last day of that month (so a breach is certain).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from generator.analyses.timeliness import bank_holidays
from generator.eventlog import EventLog
from generator.practice_rules import ByAge, Deadline, ForbiddenCode, Interval, PracticeRule, Recurring, RepeatCount

NOT_MEASURABLE = "not measurable from these data"
OCCASION_COLUMNS = ["child_id", "start", "due", "done", "breach", "month"]


@dataclass(frozen=True)
class PracticeResult:
    """One rule evaluated: ``monthly`` (month, breaches, population), ``breaches`` (child_id,
    start, due, done, month: internal use only, never public) and every ``occasion``."""

    rule: PracticeRule
    measurable: bool
    reason: str
    monthly: pd.DataFrame
    breaches: pd.DataFrame
    occasions: pd.DataFrame


def due_dates(start: pd.Series, deadline: Deadline) -> pd.Series:
    """The last day still within ``deadline`` of each start (see the module docstring)."""
    start = pd.to_datetime(start)
    if deadline.days is not None:
        return start + pd.to_timedelta(deadline.days, unit="D")
    if deadline.months is not None:
        return start + pd.DateOffset(months=deadline.months)
    if start.empty:
        return start
    days = start.to_numpy().astype("datetime64[D]")
    calendar = bank_holidays(int(start.dt.year.min()), int(start.dt.year.max()) + 2)
    next_day = np.busday_offset(days, deadline.working_days + 1, roll="backward", holidays=calendar)
    return pd.Series((next_day - np.timedelta64(1, "D")).astype("datetime64[ns]"), index=start.index)


@lru_cache(maxsize=1 << 16)
def _due(day: pd.Timestamp, deadline: Deadline) -> pd.Timestamp:
    """`due_dates` for one day, without building a Series: recurring clocks call it once per
    occasion, tens of thousands of times on a county's data (kept: many clocks share a day)."""
    if deadline.days is not None:
        return day + pd.Timedelta(days=deadline.days)
    if deadline.months is not None:
        return day + pd.DateOffset(months=deadline.months)
    calendar = bank_holidays(day.year, day.year + 2)
    next_day = np.busday_offset(np.datetime64(day.date()), deadline.working_days + 1, roll="backward", holidays=calendar)
    return pd.Timestamp(next_day - np.timedelta64(1, "D"))


def _periods(log: EventLog, start: str, end: str | None, data_end: pd.Timestamp) -> pd.DataFrame:
    """child_id, start, end (NaT while open): each ``start`` event closed by the child's next
    ``end`` event on or after it."""
    starts = log.of_event(start)[["child_id", "date"]].rename(columns={"date": "start"})
    if end is None:
        return starts.assign(end=pd.NaT).reset_index(drop=True)
    ends = log.of_event(end)[["child_id", "date"]].rename(columns={"date": "end"}).sort_values("end")
    starts = starts.sort_values("start")
    linked = pd.merge_asof(starts, ends, left_on="start", right_on="end", by="child_id", direction="forward")
    return linked.reset_index(drop=True)


def _birthdays(log: EventLog, age: int) -> pd.Series:
    """child_id -> the first day of the month the child turns ``age``."""
    born = log.children.set_index("child_id")["birth_month"]
    return born + pd.DateOffset(years=age)


def _interval(log: EventLog, m: Interval, data_end) -> pd.DataFrame:
    starts = log.of_event(*m.start)[["child_id", "date"]].rename(columns={"date": "start"}).sort_values("start")
    ends = log.of_event(m.end)[["child_id", "date"]].rename(columns={"date": "done"}).sort_values("done")
    if m.anchor == "each_end":
        # The clock runs from the earliest start since the child's previous end.
        ends = ends.assign(previous=ends.groupby("child_id")["done"].shift())
        linked = pd.merge_asof(starts, ends, left_on="start", right_on="done", by="child_id", direction="forward")
        linked = linked[linked["done"].notna() & ~(linked["start"] <= linked["previous"])]
        occasions = linked.groupby(["child_id", "done"], as_index=False)["start"].min()
    else:
        # Each start is answered by the first end on or after it and before the child's next start.
        starts = starts.assign(next_start=starts.groupby("child_id")["start"].shift(-1))
        linked = pd.merge_asof(starts, ends, left_on="start", right_on="done", by="child_id", direction="forward")
        too_late = linked["next_start"].notna() & (linked["done"] >= linked["next_start"])
        occasions = linked.assign(done=linked["done"].mask(too_late))[["child_id", "start", "done"]]
    return occasions.assign(due=due_dates(occasions["start"], m.deadline).to_numpy())


def _dates_by_child(events: pd.DataFrame) -> dict:
    """child_id -> the child's event dates, ascending (datetime64[ns])."""
    events = events.sort_values(["child_id", "date"], kind="mergesort")
    ids, dates = events["child_id"].to_numpy(), events["date"].to_numpy(dtype="datetime64[ns]")
    if not len(ids):
        return {}
    cuts = np.flatnonzero(ids[1:] != ids[:-1]) + 1
    return {ids[a]: dates[a:b] for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(ids)])}


def _recurring(log: EventLog, m: Recurring, data_end) -> pd.DataFrame:
    periods = _periods(log, m.period[0], m.period[1], data_end)
    if m.min_age_at_start is not None or m.until_age is not None:
        if m.min_age_at_start is not None:
            adult = periods["child_id"].map(_birthdays(log, m.min_age_at_start))
            periods = periods[adult.notna() & (periods["start"] >= adult)]
        if m.until_age is not None:
            limit = periods["child_id"].map(_birthdays(log, m.until_age))
            periods = periods.assign(end=periods["end"].where(periods["end"].notna() & (periods["end"] < limit), limit))
    events = _dates_by_child(log.of_event(m.event))
    no_dates = np.array([], dtype="datetime64[ns]")
    rows = []
    for child, start, end in periods[["child_id", "start", "end"]].itertuples(index=False):
        close = data_end if pd.isna(end) else min(end, data_end)
        done_days = events.get(child, no_dates)
        anchor, k = start, 0
        while True:
            due = _due(anchor, m.deadlines[min(k, len(m.deadlines) - 1)])
            if due >= close:
                break  # the period closed, or the data end, before this review fell due
            first_later = np.searchsorted(done_days, anchor.to_datetime64(), side="right")
            done = pd.Timestamp(done_days[first_later]) if first_later < len(done_days) else pd.NaT
            rows.append((child, anchor, due, done))
            k += 1
            # The next clock runs from the review, even a late one; but a review so late that it
            # also misses the next deadline counted from this one leaves that deadline missed too,
            # so a child never reviewed is in breach once per interval.
            next_due = _due(due, m.deadlines[min(k, len(m.deadlines) - 1)])
            anchor = done if pd.notna(done) and done <= next_due else due
    return pd.DataFrame(rows, columns=["child_id", "start", "due", "done"])


def _by_age(log: EventLog, m: ByAge, data_end) -> pd.DataFrame:
    birthday = _birthdays(log, m.age)
    periods = _periods(log, m.period[0], m.period[1], data_end)
    periods = periods.assign(birthday=periods["child_id"].map(birthday))
    inside = (periods["birthday"] >= periods["start"]) & (periods["end"].isna() | (periods["birthday"] < periods["end"]))
    due_from = periods.loc[inside, ["child_id", "birthday"]].drop_duplicates("child_id")
    month_end = due_from["birthday"] + pd.offsets.MonthEnd(0)
    occasions = due_from.rename(columns={"birthday": "start"}).assign(due=due_dates(month_end, m.deadline).to_numpy())
    firsts = log.of_event(m.event).groupby("child_id")["date"].min()
    return occasions.assign(done=occasions["child_id"].map(firsts))


def _repeat_count(log: EventLog, m: RepeatCount, data_end) -> pd.DataFrame:
    events = log.of_event(m.event)[["child_id", "date"]].sort_values(["child_id", "date"], kind="mergesort")
    earlier = events.groupby("child_id")["date"].shift(m.count - 1)
    # the count-th event back falls within the window that ends on this one
    breach = earlier.notna() & (due_dates(earlier.fillna(events["date"]), m.window) >= events["date"])
    return pd.DataFrame({"child_id": events["child_id"], "start": events["date"], "due": events["date"],
                         "done": events["date"].where(~breach), "breach": breach})


def _forbidden_code(log: EventLog, m: ForbiddenCode, data_end) -> pd.DataFrame:
    events = log.of_event(m.event)
    age_limit = events["child_id"].map(_birthdays(log, m.under_age))
    at_risk = age_limit.notna() & (events["date"] < age_limit)
    if m.from_date is not None:
        at_risk &= events["date"] >= pd.Timestamp(m.from_date)
    events = events[at_risk]
    breach = events["code"].isin(m.codes).fillna(False).astype(bool)
    return pd.DataFrame({"child_id": events["child_id"], "start": events["date"], "due": events["date"],
                         "done": events["date"].where(~breach), "breach": breach})


EVALUATORS = {Interval: _interval, Recurring: _recurring, ByAge: _by_age, RepeatCount: _repeat_count,
              ForbiddenCode: _forbidden_code}


def _needed(m) -> tuple[list[str], str]:
    """The events a rule cannot do without, and the one it looks for (whose first day starts
    the measured span)."""
    if isinstance(m, Interval):
        return [*m.start, m.end], m.end
    if isinstance(m, (Recurring, ByAge)):
        return [m.period[0], m.event], m.event
    return [m.event], m.event


def evaluate_practice(log: EventLog, rule: PracticeRule, data_end=None, data_start=None) -> PracticeResult:
    """Occasions, monthly breaches and population at risk, and the breaches of one rule.

    Parameters
    ----------
    log : EventLog
    rule : PracticeRule
    data_end : date, optional
        The day the data run to; defaults to the last event's date.
    data_start : date, optional
        The first day an occasion may fall due (the report's period: a 903 history before it
        is read for the periods and plans it opened, not charted); by default the first day of
        the event the rule looks for.

    Returns
    -------
    PracticeResult
        ``measurable`` False (``reason`` `NOT_MEASURABLE` and why) when the events the rule reads
        are absent or no occasion fell due; then ``monthly`` is empty, never zeros.
    """
    data_end = pd.Timestamp(data_end) if data_end is not None else log.last_date
    needed, looked_for = _needed(rule.measure)
    present = set(log.events["event"].dropna().unique())
    missing = [e for e in needed if e not in present]
    empty = pd.DataFrame(columns=OCCASION_COLUMNS)
    if missing or data_end is None:
        return PracticeResult(rule, False, f"{NOT_MEASURABLE}: no {', '.join(missing) or 'events'} events", pd.DataFrame(
            columns=["month", "breaches", "population"]), empty, empty)
    occasions = EVALUATORS[type(rule.measure)](log, rule.measure, data_end)
    if "breach" not in occasions:
        occasions = occasions.assign(breach=occasions["done"].isna() | (occasions["done"] > occasions["due"]))
    measured_from = log.of_event(looked_for)["date"].min()
    if data_start is not None:
        measured_from = max(measured_from, pd.Timestamp(data_start))
    occasions = occasions[(occasions["due"] >= measured_from) & (occasions["due"] <= data_end)]
    if isinstance(rule.measure, (Interval, Recurring, ByAge)):
        # the whole window must have passed for an occasion with nothing done to count
        occasions = occasions[occasions["done"].notna() & (occasions["done"] <= data_end) | (occasions["due"] < data_end)]
    occasions = occasions.assign(month=occasions["due"].dt.to_period("M").dt.start_time, breach=occasions["breach"]
                                 .astype(bool))[OCCASION_COLUMNS]
    occasions = occasions.sort_values(["due", "child_id"], kind="mergesort").reset_index(drop=True)
    if occasions.empty:
        return PracticeResult(rule, False, f"{NOT_MEASURABLE}: no occasion fell due", pd.DataFrame(
            columns=["month", "breaches", "population"]), empty, empty)
    months = pd.date_range(occasions["month"].min(), occasions["month"].max(), freq="MS")
    grouped = occasions.groupby("month")["breach"]
    monthly = pd.DataFrame({"month": months,
                            "breaches": grouped.sum().reindex(months, fill_value=0).astype("int64").to_numpy(),
                            "population": grouped.size().reindex(months, fill_value=0).astype("int64").to_numpy()})
    breaches = occasions[occasions["breach"]].drop(columns="breach").reset_index(drop=True)
    return PracticeResult(rule, True, "", monthly, breaches, occasions)


def evaluate_practices(log: EventLog, rules: dict[str, PracticeRule], data_end=None,
                       data_start=None) -> dict[str, PracticeResult]:
    """`evaluate_practice` for every rule, in the order given."""
    return {key: evaluate_practice(log, rule, data_end, data_start) for key, rule in rules.items()}
