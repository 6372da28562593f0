"""Whole-array orders and running operations over the rows the twin model reads.

Fitting the journey model (`generator.synth.twin_model`) sorts every departure of the real
log once per context level, and reading its states (`generator.synth.twin_states`) carries
values forward within each child's rows. These helpers give exactly what the plain pandas
and numpy calls give (``np.lexsort``, ``np.unique``, ``groupby(child).ffill()``,
``groupby(child).cumsum()``), the same rows in the same order and the same numbers, with
fewer and cheaper passes: hashing where a sort is not needed, numpy's radix sort for keys of
16 bits or fewer (`stable_order`), one packed key for several columns (`lexsorted`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: numpy sorts unsigned 16-bit keys stably by radix (one pass over the rows), wider ones by
#: timsort: about 1.4 ms against 13 ms for the demo's 190,000 departures.
RADIX_LIMIT = 1 << 16


def stable_order(numbers: np.ndarray, limit: int) -> np.ndarray:
    """The stable order of ``numbers`` (integers from 0 to ``limit`` - 1)."""
    numbers = np.asarray(numbers)
    if limit <= RADIX_LIMIT:
        return np.argsort(numbers.astype(np.uint16), kind="stable")
    return np.argsort(numbers, kind="stable")


def dense_numbers(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)``: the sorted distinct values and each value's
    number among them, by hashing the values and sorting only the distinct ones."""
    codes, distinct = pd.factorize(np.asarray(values), sort=False)
    by_value = np.argsort(distinct, kind="stable")
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[by_value] = np.arange(len(distinct))
    return np.asarray(distinct)[by_value], rank[codes]


def lexsorted(*columns: np.ndarray) -> np.ndarray:
    """The stable order of rows by ``columns`` (integers, the first most significant): what
    ``np.lexsort(columns[::-1])`` gives, as one stable sort of one packed key when the
    columns are not negative and fit in 63 bits together (13 ms against 21 for three columns
    of the demo's 190,000 departures)."""
    columns = tuple(np.asarray(c, dtype=np.int64) for c in columns)
    if len(columns[0]) == 0:
        return np.zeros(0, dtype=np.int64)
    bits = [max(int(c.max()), 1).bit_length() for c in columns]
    if min(int(c.min()) for c in columns) < 0 or sum(bits) > 63:
        return np.lexsort(columns[::-1])
    key = columns[0].copy()
    for column, width in zip(columns[1:], bits[1:]):
        key = (key << width) | column
    return np.argsort(key, kind="stable")


class ChildRuns:
    """Per-child running operations on rows where each child's rows are one run (an EventLog
    is sorted by child; so are sampled twins): what ``groupby(child).ffill()`` and
    ``.cumsum()`` give, made with whole-array numpy operations."""

    def __init__(self, child: np.ndarray):
        child = np.asarray(child)
        if len(child) and (np.diff(child) < 0).any():
            raise ValueError("each child's rows must be one run")
        self.child = child
        self.rows = np.arange(len(child))
        first = np.ones(len(child), dtype=bool)
        first[1:] = child[1:] != child[:-1]
        self.start = np.maximum.accumulate(np.where(first, self.rows, 0)) if len(child) else self.rows

    def ffill(self, values: np.ndarray) -> np.ndarray:
        """``values`` (NaN: none) carried forward within each child's rows (NaN before its first)."""
        values = np.asarray(values, dtype=float)
        last = np.maximum.accumulate(np.where(np.isnan(values), -1, self.rows)) if len(values) else self.rows
        found = last >= self.start
        return np.where(found, values[np.where(found, last, 0)], np.nan)

    def last_of(self, rows: np.ndarray) -> np.ndarray:
        """Per row, the child's latest row of ``rows`` (a mask) at or before it; -1 if none."""
        last = np.maximum.accumulate(np.where(rows, self.rows, -1)) if len(self.rows) else self.rows
        return np.where(last >= self.start, last, -1)

    def cumsum(self, values: np.ndarray) -> np.ndarray:
        """The running total of integer ``values`` within each child's rows."""
        total = np.cumsum(values)
        return total - (total - values)[self.start]

    def first_of(self, rows: np.ndarray, values: np.ndarray, children: int) -> np.ndarray:
        """Per child (0..children-1), ``values`` at its first row of ``rows`` (0 if none)."""
        out = np.zeros(children)
        picked = np.flatnonzero(rows)
        if picked.size:
            head = np.ones(picked.size, dtype=bool)
            head[1:] = self.child[picked[1:]] != self.child[picked[:-1]]
            out[self.child[picked[head]]] = values[picked[head]]
        return out


__all__ = ["ChildRuns", "dense_numbers", "lexsorted", "stable_order", "RADIX_LIMIT"]
