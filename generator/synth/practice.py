"""Key-practice events of the demo: reviews, missing episodes and return interviews.

The key-practices page (`generator.analyses.practices`) needs the dated checks that a
practice held. This module adds them to the demo's plans and periods of care:

* ``cpp_review``: a child protection plan is reviewed 3 months after it starts, then every 6
  months (Working Together 2018). Reviews are on time for about 19 plans in 20 until January
  2017; from then on a simulated drift makes 3 in 20 late, and a growing share after that
  (`CPP_DRIFT_START`, `CPP_LATE_RISE`), so that the page has a real signal to find.
* ``lac_review``: a looked-after child is reviewed 20 working days after entering care,
  3 months after that, then every 6 months (Care Planning Regulations 2010, reg. 33); about 9
  in 10 on time throughout.
* ``missing_start`` / ``missing_end`` and ``return_interview_offered``: some children of 11 or
  over in care go missing, a few times a year each (DfE "Children looked after in England"
  2017: about 1 child in 10 looked after went missing, 6 times on average); most are offered a
  return interview within 72 hours of coming back, some later, a few never.

Each review's clock runs from the previous review, as the rule measures it. A late review is
done 1 to 6 weeks after it fell due. The events are drawn with a random generator of their
own, after the rest of the demo, so adding them changes nothing else the demo holds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.eventlog import EventLog
from generator.practice_rules import Deadline

#: CP plan reviews: late before the drift, the month it starts, late in its first month, the
#: rise a month after that, the ceiling.
CPP_LATE = 0.05
CPP_DRIFT_START = pd.Timestamp("2017-01-01")
CPP_DRIFT_LATE = 0.15
CPP_LATE_RISE = 0.02
CPP_LATE_MAX = 0.35
#: Looked-after children's reviews late throughout.
LAC_LATE = 0.10
#: Missing: the share of children of 11 or over in care who go missing, and their episodes a year.
RUNNER_SHARE = 0.4
RUNNER_EPISODES_PER_YEAR = 6.0
MISSING_FROM_AGE = 11
#: Return interviews: offered within 72 hours, offered later (4 to 10 days), never.
INTERVIEW_SHARES = (0.82, 0.12, 0.06)

CPP_SCHEDULE = (Deadline(months=3), Deadline(months=6))
LAC_SCHEDULE = (Deadline(working_days=20), Deadline(months=3), Deadline(months=6))


def add_practice_events(log: EventLog, rng: np.random.Generator, last_day: pd.Timestamp) -> EventLog:
    """``log`` with cpp_review, lac_review, missing episodes and return interviews added.

    Parameters
    ----------
    log : EventLog
        The demo with its plans (cpp_start .. cpp_end) and periods of care (lac_start ..
        lac_end), each tied by record_id.
    rng : numpy.random.Generator
        A generator of these events' own.
    last_day : Timestamp
        The extract's last day: nothing is dated after it.
    """
    events = log.events
    added = [
        _reviews(rng, _periods(events, "cpp_start", "cpp_end"), "cpp_review", CPP_SCHEDULE, _cpp_late, last_day, ""),
        _reviews(rng, _periods(events, "lac_start", "lac_end"), "lac_review", LAC_SCHEDULE, lambda due: LAC_LATE,
                 last_day, "PN1"),
        _missing(rng, _periods(events, "lac_start", "lac_end"), log.children, last_day),
    ]
    extra = pd.DataFrame([row for part in added for row in part],
                         columns=["child_id", "event", "date", "record_id", "code", "source"])
    return EventLog.from_frames(pd.concat([events, extra], ignore_index=True), log.children)


def _cpp_late(due: pd.Timestamp) -> float:
    if due < CPP_DRIFT_START:
        return CPP_LATE
    months = (due.year - CPP_DRIFT_START.year) * 12 + due.month - CPP_DRIFT_START.month
    return min(CPP_DRIFT_LATE + CPP_LATE_RISE * months, CPP_LATE_MAX)


def _periods(events: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    starts = events[events["event"] == start][["child_id", "record_id", "date", "source"]]
    ends = events[events["event"] == end][["record_id", "date"]].rename(columns={"date": "end"})
    return starts.merge(ends, on="record_id", how="left")


def _due(day: pd.Timestamp, deadline: Deadline) -> pd.Timestamp:
    from generator.analyses.practices import due_dates  # the rule's own arithmetic of deadlines

    return due_dates(pd.Series([day]), deadline).iloc[0]


def _reviews(rng, periods: pd.DataFrame, event: str, schedule, late_share, last_day, code) -> list[tuple]:
    """Reviews of each period: each falls due by the schedule from the previous one."""
    rows = []
    for period in periods.itertuples(index=False):
        stop = min(period.end, last_day) if pd.notna(period.end) else last_day
        anchor, k = period.date, 0
        while True:
            due = _due(anchor, schedule[min(k, len(schedule) - 1)])
            if rng.random() < late_share(due):
                done = due + pd.Timedelta(days=int(rng.integers(7, 43)))
            else:
                # on time: in the last three weeks before it falls due (never before the clock started)
                done = max(due - pd.Timedelta(days=int(rng.integers(0, 21))), anchor + pd.Timedelta(days=1))
            if done >= stop:
                break
            rows.append((period.child_id, event, done, period.record_id, code or None, period.source))
            anchor, k = done, k + 1
    return rows


def _missing(rng, periods: pd.DataFrame, children: pd.DataFrame, last_day) -> list[tuple]:
    """Missing episodes of children of 11 or over in care, each with its return interview."""
    born = children.set_index("child_id")["birth_month"]
    rows = []
    for period in periods.itertuples(index=False):
        if rng.random() >= RUNNER_SHARE:
            continue
        birth = born.get(period.child_id, pd.NaT)
        if pd.isna(birth):
            continue
        first = max(period.date, birth + pd.DateOffset(years=MISSING_FROM_AGE))
        stop = min(period.end, last_day) if pd.notna(period.end) else last_day
        day, k = first, 0
        while True:
            day = day + pd.Timedelta(days=int(rng.exponential(365.25 / RUNNER_EPISODES_PER_YEAR)) + 1)
            back = day + pd.Timedelta(days=int(rng.choice([0, 1, 1, 2, 3])))
            if back >= stop:
                break
            record = f"{period.record_id}-M{k}"
            code = "M" if rng.random() < 0.85 else "A"
            rows += [(period.child_id, "missing_start", day, record, code, period.source),
                     (period.child_id, "missing_end", back, record, code, period.source)]
            kind = rng.choice(3, p=INTERVIEW_SHARES)
            if kind < 2:
                offered = back + pd.Timedelta(days=int(rng.integers(0, 4) if kind == 0 else rng.integers(4, 11)))
                if offered <= last_day:
                    rows.append((period.child_id, "return_interview_offered", offered, record, None, period.source))
            day, k = back, k + 1
    # Two episodes ending days apart can have their interviews offered on one day: one offer
    # (the same event twice on a day would be a data-quality finding of the demo's own making).
    seen, unique = set(), []
    for row in rows:
        key = (row[0], row[1], row[2])
        if row[1] != "return_interview_offered" or key not in seen:
            unique.append(row)
            seen.add(key)
    return unique


__all__ = ["add_practice_events"]
