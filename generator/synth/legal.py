"""Orders and placements within the demo's periods of care.

A period of care starts with a legal status and ends with a reason; in between, the courts
make orders and the child moves between placements. The looked-after map
(content/maps/looked_after.yaml) draws those orders in its middle: an adopted child was on an
interim care order, then a care order and a placement order, and was placed for adoption
before the adoption order was made; a child who left on a special guardianship order was on
an interim care order when it was made. This module adds those steps to every period of
care the demo holds, consistent with how the period started and ended (SSDA903 codes: LS
legal status, PLACE placement, REC reason episode ceased), and the placement each child
starts in.

Shares are rounded from DfE "Children looked after in England" 2015-18: about three children
in five looked after on 31 March were on a care order and one in five accommodated under
section 20; seven in ten lived with foster carers, one in ten in a children's home, one in
twenty with their parents; adopted children waited about 18 months from entering care to
their adoption, most of it after the placement order. Emergency protection lasts three days
at most, then the child is accommodated or the court makes an interim order.

The steps are drawn with a random generator of their own, after the rest of the demo, so
adding them changes nothing else the demo holds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.eventlog import EventLog

#: Reasons a period of care ended (REC), by what the courts did before it.
ADOPTED = frozenset({"E11", "E12"})
ORDER_TO_FAMILY = frozenset({"E41", "E43", "E44", "E45", "E46", "E47", "E48"})
HOME = frozenset({"E4A", "E4B", "E13"})
#: Legal statuses (LS) that are already orders, and police protection (72 hours at most).
COURT_ORDERED = frozenset({"C1", "C2", "D1", "E1"})
POLICE_PROTECTION = frozenset({"L1", "L2", "L3"})
REMAND = frozenset({"J1", "J2", "J3"})
#: First placements (PLACE) by age: foster care (U3 with relatives or friends, U4 long-term,
#: U6 other), a children's home (K2), placed with parents (P1), semi-independent living (H5).
FIRST_PLACEMENT = {
    "child": (("U6", "U3", "U4", "K2", "P1"), (0.57, 0.20, 0.05, 0.10, 0.08)),
    "16 and over": (("U6", "U3", "K2", "H5", "P1"), (0.37, 0.10, 0.20, 0.28, 0.05)),
}
#: Placed for adoption (A5 with a placement order; A6 with the child's own foster carers).
PLACED_FOR_ADOPTION = (("A5", "A6"), (0.75, 0.25))
#: Chances of proceedings in periods that did not end in adoption or an order to family.
PROCEEDINGS_THEN_HOME = 0.15
PROCEEDINGS_IN_LONG_STAY = 0.45
CARE_ORDER_AFTER_INTERIM = 0.7
CARE_ORDER_BEFORE_FAMILY_ORDER = 0.35
#: A stay is long (care proceedings usual) after this many days.
LONG_STAY_DAYS = 270


def add_legal_journeys(log: EventLog, rng: np.random.Generator, last_day: pd.Timestamp) -> EventLog:
    """``log`` with legal_status and placement events inside its periods of care.

    Parameters
    ----------
    log : EventLog
        The demo; periods of care are lac_start .. lac_end tied by record_id.
    rng : numpy.random.Generator
        A generator of these steps' own.
    last_day : Timestamp
        The extract's last day: no step is dated after it.
    """
    events = log.events
    starts = events[events["event"] == "lac_start"][["child_id", "record_id", "date", "code", "source"]]
    if starts.empty:
        return log
    ends = events[events["event"] == "lac_end"][["record_id", "date", "code"]]
    periods = starts.merge(ends, on="record_id", how="left", suffixes=("", "_end"))
    births = log.children.set_index("child_id")["birth_month"] if "birth_month" in log.children else pd.Series(dtype="datetime64[ns]")
    added = []
    for period in periods.itertuples(index=False):
        ended = pd.notna(period.date_end)
        stop = period.date_end if ended else last_day + pd.Timedelta(days=1)
        length = int((stop - period.date).days)
        birth = births.get(period.child_id, pd.NaT)
        age = (period.date - birth).days / 365.25 if pd.notna(birth) else 10.0
        for offset, event, code in _steps(rng, str(period.code), str(period.code_end) if ended else None, length, age):
            added.append((period.child_id, event, period.date + pd.Timedelta(days=offset), period.record_id, code,
                          period.source))
    extra = pd.DataFrame(added, columns=["child_id", "event", "date", "record_id", "code", "source"])
    return EventLog.from_frames(pd.concat([events, extra], ignore_index=True), log.children)


def _steps(rng: np.random.Generator, start: str, end: str | None, length: int, age: float) -> list[tuple[int, str, str]]:
    """(days after the start, event, code) of one period's steps, in order, all inside it."""
    ages = "16 and over" if age >= 16 else "child"
    codes, shares = FIRST_PLACEMENT[ages]
    steps = [(0.0, "placement", str(rng.choice(codes, p=shares)))]
    status = start
    if status in POLICE_PROTECTION and length > 3:
        status = "C1" if rng.random() < 0.6 else "V2"
        steps.append((float(rng.integers(1, 4)) / length, "legal_status", status))

    def order(code: str, low: float, high: float) -> None:
        steps.append((rng.uniform(low, high), "legal_status", code))

    if status not in REMAND:
        if end in ADOPTED:
            if status not in COURT_ORDERED:
                order("C1", 0.05, 0.15)
            order("C2", 0.30, 0.45)
            order("E1", 0.46, 0.52)
            adoptive, shares = PLACED_FOR_ADOPTION
            steps.append((rng.uniform(0.55, 0.75), "placement", str(rng.choice(adoptive, p=shares))))
        elif end in ORDER_TO_FAMILY:
            if status not in COURT_ORDERED:
                order("C1", 0.10, 0.30)
            if rng.random() < CARE_ORDER_BEFORE_FAMILY_ORDER:
                order("C2", 0.50, 0.70)
        elif end in HOME:
            if status == "V2" and length > 60 and rng.random() < PROCEEDINGS_THEN_HOME:
                order("C1", 0.20, 0.50)
        elif length > LONG_STAY_DAYS:
            if status == "V2" and rng.random() < PROCEEDINGS_IN_LONG_STAY:
                order("C1", 0.05, 0.20)
                status = "C1"
            if status == "C1" and rng.random() < CARE_ORDER_AFTER_INTERIM:
                order("C2", 0.35, 0.60)
    # Days after the start, in order, one day apart at least, all before the period ends.
    days, last = [], 0
    for fraction, event, code in sorted(steps, key=lambda step: step[0]):
        day = 0 if fraction == 0.0 else max(int(round(fraction * length)), last + 1)
        if fraction > 0.0 and day >= length:
            break
        days.append((day, event, code))
        last = day
    return days


__all__ = ["add_legal_journeys"]
