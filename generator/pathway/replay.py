"""Journeys: each child's time-ordered visits to the stations of a process map.

A `ProcessMap` replayed over an `EventLog` gives, for every child, the stations they were at
and when they arrived. This module owns the rules of that replay:

* an event moves a child to the station its map rule names (``stay`` moves nobody, ``leave``
  takes the child off the map); an event that names the child's current station is no move;
* an ending event with ``only_from`` moves only a child at one of those stations; one for a
  stage the child never reached since entering the map is *out of order* and becomes a
  data-quality finding (so does an event the map does not know);
* a child already closed (at an exit station, or off the map) is not closed again;
* a child at an exit station stays there ``exit_linger_days``, then leaves the map; a child at
  a station with a ``timeout`` moves on when nothing has moved them in time; neither happens
  after the last day of the data, so a child still open at the end stays where they are;
* every new referral (``cycle_starts_at``, on a new day) starts a new cycle; the contact that
  led straight to it belongs to the new cycle;
* several moves of one child on one day are spread over that day, in vocabulary order, so a
  same-day transition is still a visible move.

Time is counted in *ticks*, `TICKS_PER_DAY` to a day. A visit on day ``d`` (days since
1970-01-01) arrives at tick ``d * TICKS_PER_DAY - slot``: the last move of a day lands on the
day's own tick and earlier moves of the same day a fraction of a day before it, so "the state
on date d" is simply the state at tick ``d * TICKS_PER_DAY``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from generator.eventlog import EventLog
from generator.pathway.process_map import LEAVE, STAY, ProcessMap
from generator.quality import Finding

TICKS_PER_DAY = 8
#: Station code of "off the map" (the child has left, or has not arrived).
OFF = -1
#: End tick of a visit still open at the end of the data.
OPEN = np.iinfo(np.int64).max

_STAY, _LEAVE, _UNKNOWN, _NONE = -2, -3, -4, -5
_EPOCH = np.datetime64("1970-01-01", "D")


def day_number(date) -> int:
    """Days since 1970-01-01 of a date (the journeys' day unit)."""
    return int((np.datetime64(pd.Timestamp(date).date(), "D") - _EPOCH).astype(np.int64))


def tick_of(date) -> int:
    """The tick at which the state "on date" is read (end of that day)."""
    return day_number(date) * TICKS_PER_DAY


@dataclass
class Journeys:
    """Every child's visits to the stations of one map.

    Attributes
    ----------
    map : ProcessMap
    children : DataFrame
        One row per child with events, in child-index order: ``child_id`` and the EventLog's
        child attributes (missing attributes are NA).
    visits : DataFrame
        One row per arrival, ordered by child then time: ``child`` (index into ``children``),
        ``station`` (index into ``map.stations``; `OFF` = left the map), ``day`` (days since
        1970-01-01), ``slot`` (ticks before the day's end tick), ``tick``, ``end_tick`` (the
        next arrival's tick, or `OPEN`) and ``cycle`` (1 for the first time through).
    first_day, last_day : int
        The first and last day of the data (days since 1970-01-01).
    findings : list of Finding
        Events the replay could not place (unknown, out of order) and journeys entering
        mid-map.
    """

    map: ProcessMap
    children: pd.DataFrame
    visits: pd.DataFrame
    first_day: int
    last_day: int
    findings: list[Finding] = field(default_factory=list)

    def on_map(self) -> pd.DataFrame:
        """The visits to a station (not the pseudo-visits that take a child off the map)."""
        return self.visits[self.visits["station"] != OFF]


def station_stock_at_tick(journeys: Journeys, tick: int) -> dict[str, int]:
    """Children at each station at ``tick`` (arrived at or before it, not yet moved on)."""
    visits = journeys.visits
    active = (visits["station"].to_numpy() != OFF) & (visits["tick"].to_numpy() <= tick) & (
        visits["end_tick"].to_numpy() > tick
    )
    counts = np.bincount(visits["station"].to_numpy()[active], minlength=len(journeys.map.stations))
    return {sid: int(counts[i]) for i, sid in enumerate(journeys.map.station_ids)}


def build_journeys(log: EventLog, pmap: ProcessMap) -> Journeys:
    """Replay ``log`` over ``pmap``: every child's visits, cycles and the findings.

    Parameters
    ----------
    log : EventLog
    pmap : ProcessMap

    Returns
    -------
    Journeys
    """
    events = log.events
    ids, child_codes = _child_index(events)
    children = _children_table(log, ids)
    if events.empty:
        empty = pd.DataFrame({c: pd.Series(dtype="int64") for c in
                              ("child", "station", "day", "slot", "tick", "end_tick", "cycle")})
        return Journeys(pmap, children, empty, 0, 0, [])

    days = ((events["date"].to_numpy().astype("datetime64[D]") - _EPOCH).astype(np.int64))
    rules = _rule_table(pmap, events)
    replay = _Replay(pmap, int(days.max()))
    replay.run(child_codes, days, *rules)

    visits = pd.DataFrame({
        "child": np.asarray(replay.v_child, dtype=np.int64),
        "station": np.asarray(replay.v_station, dtype=np.int64),
        "day": np.asarray(replay.v_day, dtype=np.int64),
        "cycle": np.asarray(replay.v_cycle, dtype=np.int64),
    })
    visits = _assign_ticks(visits)
    findings = replay.findings(events, ids)
    return Journeys(pmap, children, visits, int(days.min()), int(days.max()), findings)


# --------------------------------------------------------------------------- internals
def _child_index(events: pd.DataFrame) -> tuple[pd.Index, np.ndarray]:
    codes, uniques = pd.factorize(events["child_id"], sort=True)
    return pd.Index(uniques, name="child_id"), codes.astype(np.int64)


def _children_table(log: EventLog, ids: pd.Index) -> pd.DataFrame:
    table = pd.DataFrame({"child_id": pd.Series(ids, dtype="string")})
    attributes = log.children.drop_duplicates("child_id")
    return table.merge(attributes, on="child_id", how="left", validate="one_to_one")


def _rule_table(pmap: ProcessMap, events: pd.DataFrame):
    """Per event row: target code, only_from set id, and whether it starts a cycle."""
    index = {sid: i for i, sid in enumerate(pmap.station_ids)}
    special = {STAY: _STAY, LEAVE: _LEAVE}
    pairs = events[["event", "code"]].astype("object").where(events[["event", "code"]].notna(), None)
    keys = pd.MultiIndex.from_frame(pairs.fillna("\0"))
    unique_keys = keys.unique()
    froms: list[frozenset] = []
    targets, only, starts, then_to, then_days = [], [], [], [], []
    for event, code in unique_keys:
        rule = pmap.events.get(event)
        code = None if code == "\0" else code
        outcome = rule.then.codes.get(code) if rule is not None and rule.then and code else None
        then_to.append(_NONE if outcome is None else (OFF if outcome == LEAVE else index[outcome]))
        then_days.append(rule.then.days if outcome is not None else 0)
        if rule is None:
            targets.append(_UNKNOWN)
            only.append(-1)
            starts.append(False)
            continue
        target = rule.target(code)
        targets.append(special.get(target, index.get(target, _UNKNOWN)))
        if rule.only_from:
            froms.append(frozenset(index[s] for s in rule.only_from))
            only.append(len(froms) - 1)
        else:
            only.append(-1)
        starts.append(event == pmap.cycle_starts_at)
    position = unique_keys.get_indexer(keys)
    return (
        np.asarray(targets, dtype=np.int64)[position],
        np.asarray(only, dtype=np.int64)[position],
        np.asarray(starts, dtype=bool)[position],
        np.asarray(then_to, dtype=np.int64)[position],
        np.asarray(then_days, dtype=np.int64)[position],
        froms,
    )


class _Replay:
    """The per-child state machine. A tight loop over plain ints: it runs on every event."""

    def __init__(self, pmap: ProcessMap, last_day: int):
        self.last_day = last_day
        kinds = [s.kind for s in pmap.stations]
        self.is_exit = [k == "exit" for k in kinds]
        self.is_entry = [k == "entry" for k in kinds]
        index = {sid: i for i, sid in enumerate(pmap.station_ids)}
        self.timeout = [
            (s.timeout.days, index.get(s.timeout.to, OFF)) if s.timeout else None for s in pmap.stations
        ]
        self.linger = pmap.exit_linger_days
        self.v_child: list[int] = []
        self.v_station: list[int] = []
        self.v_day: list[int] = []
        self.v_cycle: list[int] = []
        self.unknown_rows: list[int] = []
        self.out_of_order_rows: list[int] = []
        self.mid_map_rows: list[int] = []

    def _pending(self, station: int, day: int):
        if station == OFF:
            return None
        if self.is_exit[station]:
            return (day + self.linger, OFF)
        timeout = self.timeout[station]
        if timeout is not None:
            return (day + timeout[0], timeout[1])
        return None

    def run(self, child, day, target, only, starts, then_to, then_days, froms):
        child = child.tolist()
        day = day.tolist()
        target = target.tolist()
        only = only.tolist()
        starts = starts.tolist()
        then_to = then_to.tolist()
        then_days = then_days.tolist()
        n = len(child)
        v_child, v_station, v_day, v_cycle = self.v_child, self.v_station, self.v_day, self.v_cycle
        is_exit, is_entry, last_day = self.is_exit, self.is_entry, self.last_day
        pending_of = self._pending

        def visit(child_id, station, on_day, cycle_no):
            v_child.append(child_id); v_station.append(station); v_day.append(on_day)
            v_cycle.append(max(cycle_no, 1))

        row = 0
        while row < n:
            c = child[row]
            first_visit = len(v_station)
            current = OFF
            seen: set[int] = set()
            cycle = 0
            last_start_day = None
            pending = None
            while row < n and child[row] == c:
                d = day[row]
                # Automatic moves (timeouts, leaving an exit) dated before this event's day.
                while pending is not None and pending[0] < d:
                    p_day, p_to = pending
                    visit(c, p_to, p_day, cycle)
                    current = p_to
                    seen = _remember(seen, p_to)
                    pending = pending_of(current, p_day)

                t = target[row]
                new_cycle = False
                if starts[row] and last_start_day != d:
                    cycle += 1
                    last_start_day = d
                    new_cycle = True
                if t == _UNKNOWN:
                    self.unknown_rows.append(row)
                    row += 1
                    continue
                if t == _STAY:
                    row += 1
                    continue
                o = only[row]
                if o >= 0 and current not in froms[o]:
                    if not (seen & froms[o]):
                        self.out_of_order_rows.append(row)
                    row += 1
                    continue
                # Closing a child who is already closed (or gone) changes nothing.
                if (t == _LEAVE or is_exit[t]) and (current == OFF or is_exit[current]):
                    row += 1
                    continue
                if t == _LEAVE:
                    t = OFF
                if t == current and not new_cycle:
                    if then_to[row] != _NONE:  # a second contact with its own outcome
                        pending = (d + then_days[row], then_to[row])
                    row += 1
                    continue
                if current == OFF and t != OFF and not is_entry[t]:
                    self.mid_map_rows.append(row)
                visit(c, t, d, cycle)
                if new_cycle:
                    # The contact(s) that led straight to this referral belong to its cycle.
                    k = len(v_station) - 2
                    while k >= first_visit and v_station[k] != OFF and is_entry[v_station[k]] \
                            and v_station[k] != t:
                        v_cycle[k] = cycle
                        k -= 1
                current = t
                seen = _remember(seen, t)
                pending = pending_of(current, d)
                if then_to[row] != _NONE and then_to[row] != current:
                    pending = (d + then_days[row], then_to[row])
                row += 1
            # After the child's last event: automatic moves up to the end of the data only.
            while pending is not None and pending[0] <= last_day:
                p_day, p_to = pending
                visit(c, p_to, p_day, cycle)
                current = p_to
                pending = pending_of(current, p_day)

    def findings(self, events: pd.DataFrame, ids: pd.Index) -> list[Finding]:
        found = []
        for rows, check, message, action in (
            (self.unknown_rows, "pathway map: events the map does not place",
             "events whose name the pathway map does not list", "kept in the data; not drawn"),
            (self.out_of_order_rows, "pathway map: events out of order",
             "an ending event for a stage the child had not reached (e.g. a CP plan ending "
             "before it started)", "ignored by the map"),
            (self.mid_map_rows, "pathway map: journeys entering mid-map",
             "the child's first station (or first after leaving) is not an entry station: "
             "their contact or referral is missing from the data", "kept: the dot enters there"),
        ):
            if not rows:
                continue
            sample = events.iloc[rows[:5]]
            examples = [f"{r.child_id} {r.event} {r.date:%Y-%m-%d}" for r in sample.itertuples()]
            found.append(Finding(check, "warning", len(rows), message, action=action, examples=examples))
        return found


def _assign_ticks(visits: pd.DataFrame) -> pd.DataFrame:
    """Spread same-day moves over the day, and close each visit at the next arrival."""
    if visits.empty:
        visits["slot"] = visits["tick"] = visits["end_tick"] = pd.Series(dtype="int64")
        return visits
    same_day = visits.groupby(["child", "day"], sort=False)["day"]
    n = same_day.transform("size").to_numpy()
    i = same_day.cumcount().to_numpy()
    slot = ((n - 1 - i) * TICKS_PER_DAY) // n
    visits["slot"] = slot.astype(np.int64)
    visits["tick"] = visits["day"] * TICKS_PER_DAY - visits["slot"]
    child = visits["child"].to_numpy()
    end = np.full(len(visits), OPEN, dtype=np.int64)
    follows = child[1:] == child[:-1]
    end[:-1][follows] = visits["tick"].to_numpy()[1:][follows]
    visits["end_tick"] = end
    return visits[["child", "station", "day", "slot", "tick", "end_tick", "cycle"]]


def _remember(seen: set, station: int) -> set:
    """The stations of the child's current stay on the map: forgotten when the child leaves
    (OFF), so an ending event after a fresh start is judged against the new stay only."""
    if station == OFF:
        return set()
    seen.add(station)
    return seen
