"""Events as integer columns while the simulator runs, strings only once at the end.

The simulator adds events in bulk (one numpy array per column per step). Keeping event
names, codes and record ids as small integers until the frames are built is what lets a
million children be simulated in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from generator.eventlog import VOCABULARY

EVENT = {name: index for index, name in enumerate(VOCABULARY)}

#: Every code the demo writes. Index 0 is "no code".
CODES: tuple[str | None, ...] = (
    None,
    # assessment_authorised, icpc
    "nfa", "in_need", "cpp", "no_plan",
    # cin_end: CIN census ReasonForClosure
    "RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9",
    # lac_start: SSDA903 legal status
    "V2", "C1", "C2", "E1", "L1", "L2", "J1",
    # lac_end: SSDA903 reason episode ceased
    "E4A", "E13", "E41", "E45", "E11", "E3", "E5", "E7", "E8", "E17",
    # referral: CIN census ReferralSource
    "1A", "1C", "2A", "3B", "3E", "3F", "4", "5A", "5C", "6", "7", "8", "9",
    # contact: what the front door decided
    "referral", "information_advice", "early_help",
    # cpp_start: CIN census InitialCategoryOfAbuse
    "NEG", "EMO", "PHY", "SAB", "MUL",
)  # fmt: skip
CODE = {code: index for index, code in enumerate(CODES) if code is not None}


def codes(*names: str) -> np.ndarray:
    """Integer codes of the named codes, in order (for ``rng.choice``)."""
    return np.array([CODE[name] for name in names], dtype=np.int16)


#: Kinds of record id. An episode (one referral, CIN census CINdetails) is "E<n>"; the
#: records inside it add a suffix, so every start/end pair is tied and still traceable to
#: its referral. Early help sits outside social care episodes: "H<n>".
NO_RECORD, EPISODE, ASSESSMENT, PROTECTION, CIN_PLAN, CP_PLAN, CARE, EARLY_HELP = range(8)
RECORD_AFFIXES = {
    EPISODE: ("E", ""),
    ASSESSMENT: ("E", "-A"),
    PROTECTION: ("E", "-S"),
    CIN_PLAN: ("E", "-P"),
    CP_PLAN: ("E", "-CP"),
    CARE: ("E", "-LA"),
    EARLY_HELP: ("H", ""),
}

#: Events that close a record opened earlier; when a child turns 18 first, they are brought
#: forward to the day before the 18th birthday instead of being lost.
CLOSING_EVENTS = np.array(
    [
        EVENT[name]
        for name in (
            "early_help_assessment_completion",
            "assessment_authorised",
            "lac_end",
            "cpp_end",
            "cin_plan_end",
            "cin_end",
        )
    ]
)


@dataclass
class EventColumns:
    """All events of a simulation, one numpy array per column.

    ``anchor`` is the day the event's record opened (the referral for an episode's own
    events, the start for an assessment, plan, period of care or early help, the strategy
    discussion for an enquiry), else the event's own day. It decides what an extract holds:
    a record opened before the extract starts is left out whole, so no end lacks its start.
    """

    child: np.ndarray
    event: np.ndarray
    day: np.ndarray
    kind: np.ndarray
    record: np.ndarray
    code: np.ndarray
    anchor: np.ndarray

    def take(self, mask_or_index) -> "EventColumns":
        return EventColumns(**{k: v[mask_or_index] for k, v in self.__dict__.items()})

    @staticmethod
    def concat(*parts: "EventColumns") -> "EventColumns":
        return EventColumns(
            **{k: np.concatenate([getattr(p, k) for p in parts]) for k in parts[0].__dict__}
        )


class EventBuffer:
    """Collects events added in bulk; `columns()` joins them."""

    def __init__(self) -> None:
        self._parts: list[tuple[np.ndarray, ...]] = []

    def add(self, child, event: str, day, kind=NO_RECORD, record=-1, code=0, anchor=None) -> None:
        child = np.asarray(child, dtype=np.int64)
        n = len(child)
        if n == 0:
            return
        day = np.broadcast_to(np.asarray(day, dtype=np.int64), n)
        anchor = day if anchor is None else np.broadcast_to(np.asarray(anchor, np.int64), n)
        self._parts.append(
            (
                child,
                np.full(n, EVENT[event], dtype=np.int16),
                day,
                np.full(n, kind, dtype=np.int8),
                np.broadcast_to(np.asarray(record, dtype=np.int64), n),
                np.broadcast_to(np.asarray(code, dtype=np.int16), n),
                anchor,
            )
        )

    def columns(self) -> EventColumns:
        if not self._parts:
            empty = [np.empty(0, dtype=t) for t in (np.int64, np.int16, np.int64, np.int8)]
            empty += [np.empty(0, np.int64), np.empty(0, np.int16), np.empty(0, np.int64)]
            return EventColumns(*empty)
        return EventColumns(*(np.concatenate(cols) for cols in zip(*self._parts)))


def end_care_at_eighteen(
    rng: np.random.Generator, events: EventColumns, last_child_day: np.ndarray
) -> EventColumns:
    """Close what is still open on a child's last day as a child; drop what starts later.

    A record whose every event falls after ``last_child_day`` (the day before the 18th
    birthday) is dropped; a closing event after it is moved to it, with the codes a care
    leaver or a young person moving to adult services gets.
    """
    stop = last_child_day[events.child]
    late = events.day > stop
    if not late.any():
        return events
    # A closing event's anchor is the day its record opened.
    opened = events.anchor <= stop
    closing = late & opened & (events.kind != NO_RECORD) & np.isin(events.event, CLOSING_EVENTS)
    day = events.day.copy()
    code = events.code.copy()
    day[closing] = stop[closing]
    n = int(closing.sum())
    care = closing & (events.event == EVENT["lac_end"])
    leaving = rng.choice(codes("E8", "E5", "E17", "E7"), n, p=[0.45, 0.3, 0.2, 0.05])
    code[care] = leaving[care[closing]]
    cin = closing & (events.event == EVENT["cin_end"]) & (code != CODE["RC8"])
    code[cin] = rng.choice(codes("RC7", "RC6"), n, p=[0.8, 0.2])[cin[closing]]
    kept = ~late | closing
    moved = EventColumns(
        events.child, events.event, day, events.kind, events.record, code, events.anchor
    )
    return moved.take(kept)


class Numbers:
    """Hands out consecutive record numbers, so every record id in a simulation is unique."""

    def __init__(self) -> None:
        self.next = 0

    def take(self, n: int) -> np.ndarray:
        numbers = np.arange(self.next, self.next + n, dtype=np.int64)
        self.next += n
        return numbers
