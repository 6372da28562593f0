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

* ``statutory_visit`` (code ``cp``): a child on a protection plan is seen at least every 10
  working days, the interval `content/practices/cp_statutory_visits.yaml` sets (Ofsted and
  many LAs judge the 6 weeks of the statutory minimum too long for a child at risk). About 78%
  of visits are on time, and most late ones within 15 working days: Darlington's children's
  services reported 77.8% within 10 working days and 94.2% within 15 in Quarter 3 of 2018/19
  (Darlington Borough Council scrutiny minutes, "Performance Indicators Quarter 3 2018/19").
* ``pathway_plan_review``: a young person who left care aged 16 or over has their pathway plan
  reviewed at least every 6 months until 21 or a return to care (Care Leavers (England)
  Regulations 2010, reg. 7). The 903 leaving codes say nothing of eligibility (13 weeks in care
  since 14), so every leaver of 16 or over is given a plan, as the rule counts them. About 88%
  are on time: an assumption, no national figure being published; it is the share of
  looked-after children's statutory visits in time in the same reports (86-93%, 2018-2020).
* ``needs_assessment``: a child looked after on their 16th birthday (taken, as the rule does,
  as the first day of the birth month) has a needs assessment by 16 years and 3 months (Care
  Planning, Placement and Case Review (England) Regulations 2010, reg. 42): about 85% in time
  (an assumption, as for pathway plans), most late ones within 10 weeks, a few never (3%).

Each review's clock runs from the previous review, as the rule measures it. A late review is
done 1 to 6 weeks after it fell due. The events are drawn with a random generator of their
own, after the rest of the demo, so adding them changes nothing else the demo holds; the
visits, pathway plans and needs assessments with one more of their own (spawned from it,
which leaves its stream as it was), so they move none of the reviews or missing episodes.
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
#: CP statutory visits: the LA's interval, the share on time, and of the late ones the share
#: seen within 5 more working days (Darlington 2018/19 Q3: 77.8% in 10, 94.2% in 15 working days).
VISIT_SCHEDULE = (Deadline(working_days=10),)
VISIT_LATE = 0.22
VISIT_LATE_WITHIN_15 = (0.942 - 0.778) / 0.222
#: Care leavers' pathway plans: reviewed from leaving care every 6 months, from 16 until 21.
PATHWAY_SCHEDULE = (Deadline(months=6),)
PATHWAY_LATE = 0.12
LEAVER_FROM_AGE = 16
LEAVER_UNTIL_AGE = 21
#: Needs assessments of children in care at 16: the deadline after the month of the 16th
#: birthday, and the shares done late and never.
NEEDS_AGE = 16
NEEDS_DEADLINE = Deadline(months=3)
NEEDS_LATE = 0.12
NEEDS_NEVER = 0.03


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
    # A generator of their own, spawned without drawing from ``rng``: the events above stay as they were.
    own = rng.spawn(1)[0]
    added += [
        _reviews(own, _periods(events, "cpp_start", "cpp_end"), "statutory_visit", VISIT_SCHEDULE,
                 lambda due: VISIT_LATE, last_day, "cp", early_days=(0, 8), late_days=_visit_lateness),
        _reviews(own, _care_leavers(events, log.children), "pathway_plan_review", PATHWAY_SCHEDULE,
                 lambda due: PATHWAY_LATE, last_day, ""),
        _needs_assessments(own, _periods(events, "lac_start", "lac_end"), log.children, last_day),
    ]
    extra = pd.DataFrame([row for part in added for row in part],
                         columns=["child_id", "event", "date", "record_id", "code", "source"])
    # A demo too small for any practice event adds none (and no empty frame for pandas to type).
    return EventLog.from_frames(pd.concat([events, extra], ignore_index=True) if len(extra) else events, log.children)


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


def _visit_lateness(rng) -> int:
    """Days past due of a late visit: most within 5 more working days (about a week), the rest 1-4 weeks."""
    return int(rng.integers(1, 8)) if rng.random() < VISIT_LATE_WITHIN_15 else int(rng.integers(8, 29))


def _reviews(rng, periods: pd.DataFrame, event: str, schedule, late_share, last_day, code,
             early_days=(0, 21), late_days=None) -> list[tuple]:
    """Reviews of each period: each falls due by the schedule from the previous one.

    An on-time review is held ``early_days`` (low, high exclusive) before it falls due; a late
    one 1 to 6 weeks after, or ``late_days(rng)`` days after when given.
    """
    rows = []
    for period in periods.itertuples(index=False):
        stop = min(period.end, last_day) if pd.notna(period.end) else last_day
        anchor, k = period.date, 0
        while True:
            due = _due(anchor, schedule[min(k, len(schedule) - 1)])
            if rng.random() < late_share(due):
                late = late_days(rng) if late_days is not None else int(rng.integers(7, 43))
                done = due + pd.Timedelta(days=late)
            else:
                # on time: shortly before it falls due (never before the clock started)
                done = max(due - pd.Timedelta(days=int(rng.integers(*early_days))), anchor + pd.Timedelta(days=1))
            if done >= stop:
                break
            rows.append((period.child_id, event, done, period.record_id, code or None, period.source))
            anchor, k = done, k + 1
    return rows


def _care_leavers(events: pd.DataFrame, children: pd.DataFrame) -> pd.DataFrame:
    """Each leaving of care at 16 or over, as a period from that day to the child's next entry
    into care or their 21st birthday (child_id, record_id, date, source, end)."""
    born = children.set_index("child_id")["birth_month"]
    left = events[events["event"] == "lac_end"][["child_id", "record_id", "date", "source"]]
    birth = left["child_id"].map(born)
    # a child turns 16 on the first day of their birth month, as the rule counts age
    left = left[birth.notna() & (left["date"] >= birth + pd.DateOffset(years=LEAVER_FROM_AGE))]
    entries = events[events["event"] == "lac_start"][["child_id", "date"]].rename(columns={"date": "end"})
    linked = pd.merge_asof(left.sort_values("date"), entries.sort_values("end"), left_on="date", right_on="end",
                           by="child_id", direction="forward", allow_exact_matches=False)
    adult = linked["child_id"].map(born) + pd.DateOffset(years=LEAVER_UNTIL_AGE)
    linked["end"] = linked["end"].where(linked["end"].notna() & (linked["end"] < adult), adult)
    return linked.sort_values(["child_id", "date"], kind="mergesort").reset_index(drop=True)


def _needs_assessments(rng, periods: pd.DataFrame, children: pd.DataFrame, last_day) -> list[tuple]:
    """A needs assessment for each child in care on their 16th birthday (once per child)."""
    born = children.set_index("child_id")["birth_month"]
    periods = periods.assign(birthday=periods["child_id"].map(born) + pd.DateOffset(years=NEEDS_AGE))
    inside = (periods["birthday"] >= periods["date"]) & (periods["end"].isna() | (periods["birthday"] < periods["end"]))
    rows = []
    for period in periods[inside].drop_duplicates("child_id").itertuples(index=False):
        due = _due(period.birthday + pd.offsets.MonthEnd(0), NEEDS_DEADLINE)
        draw = rng.random()
        if draw < NEEDS_NEVER:
            continue
        if draw < NEEDS_NEVER + NEEDS_LATE:
            done = due + pd.Timedelta(days=int(rng.integers(1, 71)))
        else:
            done = period.birthday + pd.Timedelta(days=int(rng.integers(0, (due - period.birthday).days + 1)))
        if done <= last_day:
            rows.append((period.child_id, "needs_assessment", done, period.record_id, None, period.source))
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
