"""The simulator's integer columns as the EventLog's frames (strings, timestamps, ids)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.eventlog import VOCABULARY, EventLog
from generator.synth.buffer import (
    CODES,
    EARLY_HELP,
    NO_RECORD,
    RECORD_AFFIXES,
    EventColumns,
)
from generator.synth.population import ETHNICITIES, LOCALITIES, SEXES, Children


def to_event_log(
    rng: np.random.Generator, children: Children, events: EventColumns, la: str, source: str
) -> EventLog:
    """Build the EventLog, numbering children and records in a stable, meaningless order.

    Child ids are a random permutation, so an id says nothing about how the child was
    simulated; episode ids follow referral dates, so "E000001" is the extract's first referral.
    """
    n = len(children)
    width = max(6, len(str(n)))
    child_ids = np.array([f"D{i:0{width}d}" for i in rng.permutation(n) + 1], dtype=object)

    events_frame = pd.DataFrame(
        {
            "child_id": child_ids[events.child],
            "event": np.array(VOCABULARY, dtype=object)[events.event],
            "date": events.day.astype("datetime64[D]").astype("datetime64[ns]"),
            "record_id": _record_ids(events, child_ids),
            "code": np.array(CODES, dtype=object)[events.code],
            "source": source,
        }
    )
    children_frame = pd.DataFrame(
        {
            "child_id": child_ids,
            "sex": np.array(SEXES, dtype=object)[children.sex],
            "birth_month": children.birth_month.astype("datetime64[D]").astype("datetime64[ns]"),
            "ethnicity": np.array(ETHNICITIES, dtype=object)[children.ethnicity],
            "disability": children.disability,
            "la": la,
            "locality": np.array(LOCALITIES, dtype=object)[children.locality],
        }
    )
    children_frame["locality"] = children_frame["locality"].astype("string")
    return EventLog.from_frames(events_frame, children_frame)


def _record_ids(events: EventColumns, child_ids: np.ndarray) -> np.ndarray:
    """Record id strings, each family of records numbered by its first day then child."""
    ids = np.full(len(events.day), None, dtype=object)
    for family in (np.isin(events.kind, [EARLY_HELP]), ~np.isin(events.kind, [EARLY_HELP, NO_RECORD])):
        rows = np.flatnonzero(family)
        if len(rows) == 0:
            continue
        numbers, first = np.unique(events.record[rows], return_index=True)
        # A record's anchor is shared by all its events, so any row of it orders it.
        order = np.lexsort((child_ids[events.child[rows[first]]], events.anchor[rows[first]]))
        rank = np.empty(len(numbers), dtype=np.int64)
        rank[order] = np.arange(1, len(numbers) + 1)
        width = max(6, len(str(len(numbers))))
        labels = np.array([f"{i:0{width}d}" for i in range(1, len(numbers) + 1)], dtype=object)
        label = labels[rank[np.searchsorted(numbers, events.record[rows])] - 1]
        for kind, (prefix, suffix) in RECORD_AFFIXES.items():
            of_kind = events.kind[rows] == kind
            ids[rows[of_kind]] = prefix + label[of_kind] + suffix
    return ids
