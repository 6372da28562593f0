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
    simulated; episode ids follow the day each episode first shows in the extract.
    """
    n = len(children)
    width = max(6, len(str(n)))
    child_numbers = rng.permutation(n) + 1
    child_ids = np.array([f"D{i:0{width}d}" for i in child_numbers], dtype=object)

    events_frame = pd.DataFrame(
        {
            "child_id": child_ids[events.child],
            "event": np.array(VOCABULARY, dtype=object)[events.event],
            "date": events.day.astype("datetime64[D]").astype("datetime64[ns]"),
            "record_id": _record_ids(events, child_numbers),
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


def _record_ids(events: EventColumns, child_numbers: np.ndarray) -> np.ndarray:
    """Record id strings, each family of records numbered by the day it opened, then child.

    Record numbers from the simulator are small distinct integers, so plain arrays indexed by
    them stand in for a group-by.
    """
    ids = np.full(len(events.day), None, dtype=object)
    early_help = events.kind == EARLY_HELP
    for family in (early_help, ~early_help & (events.kind != NO_RECORD)):
        rows = np.flatnonzero(family)
        if len(rows) == 0:
            continue
        record = events.record[rows]
        opened = np.full(record.max() + 1, np.iinfo(np.int64).max)
        np.minimum.at(opened, record, events.anchor[rows])
        child = np.zeros(record.max() + 1, dtype=np.int64)
        child[record] = child_numbers[events.child[rows]]
        present = np.flatnonzero(opened < np.iinfo(np.int64).max)
        order = present[np.lexsort((child[present], opened[present]))]
        rank = np.zeros(record.max() + 1, dtype=np.int64)
        rank[order] = np.arange(len(order))
        width = max(6, len(str(len(order))))
        labels = np.array([f"{i:0{width}d}" for i in range(1, len(order) + 1)], dtype=object)
        label = labels[rank[record]]
        for kind, (prefix, suffix) in RECORD_AFFIXES.items():
            of_kind = events.kind[rows] == kind
            ids[rows[of_kind]] = prefix + label[of_kind] + suffix
    return ids
