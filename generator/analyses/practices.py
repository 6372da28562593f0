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
    due = _working_days_due(start.to_numpy().astype("datetime64[D]"), deadline.working_days)
    return pd.Series(due.astype("datetime64[ns]"), index=start.index)


def _working_days_due(days: np.ndarray, working_days: int) -> np.ndarray:
    """The last calendar day before working day ``working_days`` + 1 after each of ``days``."""
    if not len(days):
        return days
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    calendar = bank_holidays(int(years.min()), int(years.max()) + 2)
    return np.busday_offset(days, working_days + 1, roll="backward", holidays=calendar) - np.timedelta64(1, "D")


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


def _due_days(days: np.ndarray, deadline: Deadline) -> np.ndarray:
    """`due_dates` of whole days (datetime64[D]), without building a Series."""
    if deadline.days is not None:
        return days + np.timedelta64(deadline.days, "D")
    if deadline.months is not None:
        return (pd.DatetimeIndex(days) + pd.DateOffset(months=deadline.months)).to_numpy().astype("datetime64[D]")
    return _working_days_due(days, deadline.working_days)


def _recurring(log: EventLog, m: Recurring, data_end) -> pd.DataFrame:
    periods = _periods(log, m.period[0], m.period[1], data_end)
    if m.min_age_at_start is not None or m.until_age is not None:
        if m.min_age_at_start is not None:
            adult = periods["child_id"].map(_birthdays(log, m.min_age_at_start))
            periods = periods[adult.notna() & (periods["start"] >= adult)]
        if m.until_age is not None:
            limit = periods["child_id"].map(_birthdays(log, m.until_age))
            periods = periods.assign(end=periods["end"].where(periods["end"].notna() & (periods["end"] < limit), limit))
    # Every period's clock is wound on together: the k-th round finds each open period's k-th
    # occasion (its due day from the anchor, the first review after the anchor), so the rounds
    # number the longest period's occasions, not all of them.
    events = log.of_event(m.event)[["child_id", "date"]].sort_values(["child_id", "date"], kind="mergesort")
    children, first = np.unique(events["child_id"].to_numpy(), return_index=True)
    rank = np.searchsorted(children, periods["child_id"].to_numpy())
    has_events = rank < len(children)
    has_events[has_events] = children[rank[has_events]] == periods["child_id"].to_numpy()[has_events]
    # Every child's review days in one sorted key, child by child: rank * span + 1 + days since
    # the first review. An anchor's key is clipped into its own child's span (0 before the
    # first review, span - 1 after the last), so a search never reaches another child's days.
    done_days = events["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    low = int(done_days.min()) if len(done_days) else 0
    span = int(done_days.max()) - low + 3 if len(done_days) else 1
    keys = np.repeat(np.arange(len(children)), np.diff(np.r_[first, len(done_days)])) * span + (done_days - low + 1)
    segment_end = np.r_[first[1:], len(done_days)][np.minimum(rank, max(len(children) - 1, 0))] if len(children) else rank
    close = periods["end"].fillna(data_end).clip(upper=data_end).to_numpy().astype("datetime64[D]")
    anchor = periods["start"].to_numpy().astype("datetime64[D]")
    alive = np.arange(len(periods))
    rounds = []
    k = 0
    while len(alive):
        due = _due_days(anchor, m.deadlines[min(k, len(m.deadlines) - 1)])
        open_ = due < close[alive]  # else the period closed, or the data end, before this review fell due
        alive, anchor, due = alive[open_], anchor[open_], due[open_]
        if not len(alive):
            break
        since = np.clip(anchor.astype(np.int64) - low + 1, 0, span - 1)
        found = np.searchsorted(keys, rank[alive] * span + since, side="right")
        reviewed = has_events[alive] & (found < segment_end[alive])
        done = np.full(len(alive), np.datetime64("NaT"), dtype="datetime64[D]")
        done[reviewed] = (done_days[found[reviewed]]).astype("datetime64[D]")
        rounds.append((alive, anchor, due, done))
        k += 1
        # The next clock runs from the review, even a late one; but a review so late that it
        # also misses the next deadline counted from this one leaves that deadline missed too,
        # so a child never reviewed is in breach once per interval.
        next_due = _due_days(due, m.deadlines[min(k, len(m.deadlines) - 1)])
        anchor = np.where(reviewed & (done <= next_due), done, due)
    if not rounds:
        return pd.DataFrame(columns=["child_id", "start", "due", "done"])
    which, start, due, done = (np.concatenate(part) for part in zip(*rounds))
    order = np.argsort(which, kind="stable")  # each period's occasions together, in order, as the rounds found them
    return pd.DataFrame({"child_id": periods["child_id"].to_numpy()[which[order]],
                         "start": start[order].astype("datetime64[ns]"), "due": due[order].astype("datetime64[ns]"),
                         "done": done[order].astype("datetime64[ns]")})


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
    present = log.event_names
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
