"""When a dot on the map is a real child: journeys as fingerprints, and twins kept off them.

A public map animates synthetic twins (`generator.synth.twins`), never real children
(DOMAIN.md: "per-child animated dots reveal unique journeys"). Twins are drawn from a model,
so one could, by chance, retrace a real child's path on the map day for day. This module
defines when that matters and makes sure it does not happen:

* a dot's *fingerprint* on a map is the sequence of (station, day) of its arrivals at
  stations with the arrival day inside the period shown (leaving the map is not an arrival);
* a real fingerprint is *identifying* when fewer than `RARE_BELOW` real children share it
  and it spans at least `MIN_DAYS` different days. One or two days say nothing about a
  child: on a county's front door many children are contacted, and closed, on any one day;
* `keep_twins_off_real_journeys` moves every twin whose fingerprint is identifying by a few
  days (its whole journey, so its timing stays its own) until none is, dropping the few
  that no move frees. The output audit checks the map data against the same definition.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from generator.eventlog import EventLog
from generator.pathway.replay import OFF, Journeys, build_journeys, day_number
from generator.privacy.suppression import SMALLEST_SHOWN

RARE_BELOW = SMALLEST_SHOWN
MIN_DAYS = 3
SHIFT_ROUNDS = 12
MAX_SHIFT_DAYS = 7


def fingerprints(child: np.ndarray, station: np.ndarray, day: np.ndarray, first_day: int, last_day: int,
                 children: int) -> list[bytes]:
    """One fingerprint per child 0..children-1 from its visits (in child, time order)."""
    keep = (station != OFF) & (day >= first_day) & (day <= last_day)
    child, station, day = child[keep], station[keep], day[keep]
    packed = ((station.astype(np.int64) << 32) | (day.astype(np.int64) & 0xFFFFFFFF)).astype("<i8")
    out = [b""] * children
    if len(child) == 0:
        return out
    bounds = np.flatnonzero(np.diff(child)) + 1
    starts = np.concatenate([[0], bounds])
    ends = np.concatenate([bounds, [len(child)]])
    for a, b in zip(starts, ends):
        out[int(child[a])] = packed[a:b].tobytes()
    return out


def journey_fingerprints(journeys: Journeys, first_day: int, last_day: int) -> list[bytes]:
    """Each child's fingerprint (`fingerprints`) over the days ``first_day`` to ``last_day``."""
    visits = journeys.visits
    return fingerprints(visits["child"].to_numpy(), visits["station"].to_numpy(), visits["day"].to_numpy(),
                        first_day, last_day, len(journeys.children))


def distinct_days(key: bytes) -> int:
    return len(np.unique(np.frombuffer(key, dtype="<i8") & 0xFFFFFFFF)) if key else 0


def identifying(keys: list[bytes]) -> set[bytes]:
    """The fingerprints shared by fewer than `RARE_BELOW` children, over `MIN_DAYS` days or more."""
    counts = Counter(k for k in keys if k)
    return {k for k, n in counts.items() if n < RARE_BELOW and distinct_days(k) >= MIN_DAYS}


class RealJourneys:
    """The real children's journeys on one map, and their identifying fingerprints by period."""

    def __init__(self, journeys: Journeys):
        self.journeys = journeys
        self._cache: dict[tuple[int, int], set[bytes]] = {}

    def identifying(self, first_day: int, last_day: int) -> set[bytes]:
        if (first_day, last_day) not in self._cache:
            self._cache[(first_day, last_day)] = identifying(journey_fingerprints(self.journeys, first_day, last_day))
        return self._cache[(first_day, last_day)]


def _shift(log: EventLog, child_ids: set[str], rng: np.random.Generator) -> EventLog:
    """``log`` with every event of the named children moved by the same few days (each child
    its own), events moved outside the data's dates dropped."""
    events = log.events
    moving = events["child_id"].isin(child_ids).to_numpy()
    names = sorted(child_ids)
    offsets = rng.integers(1, MAX_SHIFT_DAYS + 1, len(names)) * rng.choice([-1, 1], len(names))
    by_child = pd.Series(offsets, index=names)
    shift = np.zeros(len(events), dtype=np.int64)
    shift[moving] = by_child.reindex(events.loc[moving, "child_id"].astype(str)).to_numpy()
    dates = events["date"] + pd.to_timedelta(shift, unit="D")
    inside = (dates >= log.first_date) & (dates <= log.last_date)
    moved = events.assign(date=dates)[inside.to_numpy()]
    return EventLog.from_frames(moved, log.children)


def keep_twins_off_real_journeys(twins: EventLog, real: dict, first_day: int, last_day: int,
                                 seed: int = 0) -> tuple[EventLog, int, dict | None]:
    """Twins with no identifying real fingerprint on any of the maps.

    Parameters
    ----------
    twins : EventLog
    real : dict
        ProcessMap (any hashable key) -> (ProcessMap, RealJourneys) of the maps the report shows.
    first_day, last_day : int
        The period shown (days since 1970-01-01).

    Returns
    -------
    (EventLog, int, dict or None)
        The twins, how many had to be moved, and the twins' journeys on each map (same keys
        as ``real``) when the last replay was of the twins returned (None when the last
        round dropped twins, so that the journeys are of a larger set).
    """
    rng = np.random.default_rng(seed)
    moved_total = 0
    for _ in range(SHIFT_ROUNDS + 1):
        clashing: set[str] = set()
        replayed = {}
        for key, (pmap, reals) in real.items():
            journeys = replayed[key] = _replayed(twins, key, pmap)
            rare = reals.identifying(first_day, last_day)
            keys = journey_fingerprints(journeys, first_day, last_day)
            ids = journeys.children["child_id"].astype(str).to_numpy()
            clashing.update(ids[i] for i, k in enumerate(keys) if k in rare)
        if not clashing:
            return twins, moved_total, replayed
        moved_total += len(clashing)
        twins = _shift(twins, clashing, rng) if _ < SHIFT_ROUNDS else EventLog.from_frames(
            twins.events[~twins.events["child_id"].isin(clashing)],
            twins.children[~twins.children["child_id"].isin(clashing)])
    return twins, moved_total, None


def _replayed(twins: EventLog, key, pmap) -> Journeys:
    """The twins' journeys on a map, kept with the twins (`EventLog.derived`): the check of
    the next period, or of the next round of periods, starts from the same twins when this
    one moved none, and replaying them again costs a quarter of a second per map."""
    return twins.derived(("twin journeys", key, id(pmap)), lambda: build_journeys(twins, pmap))


def period_days(period) -> tuple[int, int]:
    """A period's first and last day as day numbers (days since 1970-01-01)."""
    return day_number(period.start), day_number(period.end)


__all__ = ["RealJourneys", "identifying", "fingerprints", "journey_fingerprints", "keep_twins_off_real_journeys",
           "period_days", "RARE_BELOW", "MIN_DAYS"]
