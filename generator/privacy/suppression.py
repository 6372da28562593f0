"""Primary and secondary suppression of a tidy table (the DfE's disclosure control).

A *cell* is one value of one count column. Primary suppression hides every count from 1 to
5 (`SMALLEST_SHOWN` - 1). Secondary suppression stops a hidden cell being worked out from a
total: for every *group* of cells whose sum is shown somewhere (a month's branches summing to
the month's total, the bins of a histogram summing to all cases), a group holding exactly one
hidden cell gets a second one, the smallest non-zero shown cell of the group (zero when no
other cell is non-zero is no help: every reader knows the total). This repeats until no group
has exactly one hidden cell, since a cell hidden for one group can leave a single hidden cell
in another (a table of months by branches has groups both ways).

Rates go with their counts: a rate is hidden when its numerator or denominator is hidden, or
its numerator is below `SMALLEST_RATE_EVENTS` (DOMAIN.md: "rates on < 3 events not shown"),
and every statistic of a row (percentages, medians, any fractional number that does not place
the row: `statistic_columns`) is hidden with the row's hidden counts, so that "20.0% of 15"
cannot give back a hidden 3.

The same rules, applied twice, give the same table, and they only ever hide more: a cell
shown in the result was shown in the input.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"branch": ["a", "b", "c"], "count": [3, 40, 12]})
>>> suppress(table, counts=["count"], groups=[()]).table["count"].tolist()
['c', 40, 'c']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

SUPPRESSED = "c"
SMALLEST_SHOWN = 6
SMALLEST_RATE_EVENTS = 3

#: Column names read as counts when a table declares none (download tables name their counts
#: ``<what>_count``; `generator.charts.annotations.download_table`).
_COUNT_NAMES = {"count", "n", "children", "numerator", "denominator", "at_risk", "events", "cases", "open",
                "arrivals", "referrals", "contacts", "assessments", "starts", "ends", "value"}
_COUNT_PATTERN = re.compile(r"(^|_)(count|n)$|_children$|^n_")
#: Column names read as statistics of a row: hidden with the row's hidden counts.
_STAT_PATTERN = re.compile(r"^(pct|rate|share|median|mean|p\d\d)(_|$)|_(pct|rate|share|median|mean)$|^overall_")


def is_count_name(name: str) -> bool:
    """Whether a column name reads as a count (the fallback when a table declares none)."""
    name = str(name).lower()
    return name in _COUNT_NAMES - {"value"} or bool(_COUNT_PATTERN.search(name))


def is_statistic_name(name: str) -> bool:
    """Whether a column name reads as a rate or another statistic of the row's cases."""
    return bool(_STAT_PATTERN.search(str(name).lower()))


#: Numeric columns that place a row (its time, its bin) rather than measure its cases.
_POSITION_PATTERN = re.compile(r"^(days?|weeks?|months?|years?|age|window_days|previous_referrals|x\d?|y\d?)$|_(from|to)$")


def statistic_columns(frame: pd.DataFrame, counts: list[str]) -> list[str]:
    """The columns hidden with a row's hidden counts: those named as statistics, and every
    other column of fractional numbers that does not place the row (a share called
    ``value`` gives back its numerator as surely as one called ``pct``)."""
    out = []
    for column in frame.columns:
        if column in counts:
            continue
        name = str(column).lower()
        if is_statistic_name(name) or (pd.api.types.is_float_dtype(frame[column]) and not _POSITION_PATTERN.search(name)):
            out.append(column)
    return out


def count_columns(frame: pd.DataFrame) -> list[str]:
    """The columns of ``frame`` whose names read as counts and whose values are numbers."""
    return [c for c in frame.columns if is_count_name(c) and pd.api.types.is_numeric_dtype(frame[c])]


@dataclass
class Suppressed:
    """A table as it may be shown, and which of its rows were touched.

    ``table`` holds "c" for every hidden count and every hidden rate or statistic (object
    columns). ``hidden_cells`` is a boolean frame over the count columns (True = hidden, by
    primary or secondary suppression); ``hidden_rows`` marks rows with any hidden count, rate
    or statistic: their other representations (a bar, a point, a label) must not be drawn.
    """

    table: pd.DataFrame
    hidden_cells: pd.DataFrame
    hidden_rows: np.ndarray
    secondary: int = 0
    notes: list[str] = field(default_factory=list)


def _as_numbers(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _group_codes(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """A group number per row: rows with equal values in ``columns`` share it."""
    if not columns:
        return np.zeros(len(frame), dtype=np.int64)
    keys = frame[list(columns)].astype(str)
    return keys.groupby(list(columns), sort=False).ngroup().to_numpy()


def secondary_suppression(values: np.ndarray, hidden: np.ndarray, groupings: list[np.ndarray]) -> np.ndarray:
    """Hide more cells until no group of any grouping has exactly one hidden cell.

    The cell hidden for a group is, in order of preference: one that also completes another
    grouping's lone hidden cell (a table of months by branches pairs up two small months in
    one go), one that leaves no new lone hidden cell elsewhere, a non-zero one (a hidden zero
    protects nothing when the total is small), the smallest, the first.

    Parameters
    ----------
    values : array of float
        The cells (NaN = not a number, never chosen).
    hidden : array of bool
        Cells already hidden (primary suppression).
    groupings : list of int arrays
        For each set of groups, the group number of each cell.

    Returns
    -------
    array of bool
        The hidden cells, a superset of ``hidden``.
    """
    hidden = hidden.copy()
    sizes = [np.bincount(groups) for groups in groupings]
    order_value = np.where(np.isnan(values), np.inf, values)
    changed = True
    while changed:
        changed = False
        for g, groups in enumerate(groupings):
            hidden_in = np.bincount(groups[hidden], minlength=len(sizes[g]))
            for group in np.flatnonzero((hidden_in == 1) & (sizes[g] >= 2)):
                members = np.flatnonzero(groups == group)
                if hidden[members].sum() != 1:
                    continue  # already paired up in this pass
                pool = members[~hidden[members] & ~np.isnan(values[members])]
                if pool.size == 0:
                    continue
                score = np.zeros(pool.size)
                for h, other in enumerate(groupings):
                    if h == g:
                        continue
                    count = np.bincount(other[hidden], minlength=len(sizes[h]))[other[pool]]
                    score += np.where(count == 1, -1, np.where((count == 0) & (sizes[h][other[pool]] >= 2), 1, 0))
                zero = (values[pool] <= 0).astype(float)
                pick = pool[np.lexsort((pool, order_value[pool], zero, score))[0]]
                hidden[pick] = True
                changed = True
    return hidden


def suppress(
    frame: pd.DataFrame,
    counts: Iterable[str] | None = None,
    groups: Iterable[str | Sequence[str]] | None = None,
    rates: dict[str, tuple[str, str]] | None = None,
    forced: Iterable[tuple[int, str]] = (),
) -> Suppressed:
    """``frame`` with disclosure control applied.

    Parameters
    ----------
    frame : DataFrame
        A tidy table: one row per cell of the figure.
    counts : list of str, optional
        Its count columns; by default the columns whose names read as counts
        (`is_count_name`).
    groups : list of (str or tuple of str), optional
        Each entry is one set of groups whose counts sum to a total shown elsewhere: the
        column(s) whose values name the group, ``()`` for the whole table. By default every
        column that is neither a count nor a statistic, one at a time, and the whole table:
        the cautious reading that every total may be shown.
    rates : dict, optional
        Rate column -> (numerator column, denominator column). When both are counts, the
        rest (denominator minus numerator: "the 4 with a plan" of "9 of 13") is a count too:
        a rest from 1 to 5 hides the numerator.
    forced : iterable of (row position, count column), optional
        Cells hidden as if they were small: chosen by the report-wide secondary suppression
        (`generator.privacy.publish`), or rows of groups too small to be named.

    Returns
    -------
    Suppressed
    """
    counts = [c for c in (count_columns(frame) if counts is None else counts) if c in frame.columns]
    rates = {r: pair for r, pair in (rates or {}).items() if r in frame.columns}
    statistics = statistic_columns(frame, counts)
    keys = [c for c in frame.columns if c not in counts and c not in rates and c not in statistics]
    if groups is None:
        groupings_spec: list[tuple[str, ...]] = [()] + [(c,) for c in keys]
    else:
        groupings_spec = [(g,) if isinstance(g, str) else tuple(g) for g in groups]
    groupings = [_group_codes(frame, [c for c in spec if c in frame.columns]) for spec in groupings_spec]

    table = frame.copy()
    hidden_cells = pd.DataFrame(False, index=frame.index, columns=counts)
    secondary = 0
    forced_cells: dict[str, np.ndarray] = {}
    for row, column in forced:
        if column in counts and 0 <= row < len(frame):
            forced_cells.setdefault(column, np.zeros(len(frame), dtype=bool))[row] = True
    for numerator, denominator in rates.values():
        if numerator in counts and denominator in counts:
            rest = _as_numbers(frame[denominator]) - _as_numbers(frame[numerator])
            small_rest = (rest > 0) & (rest < SMALLEST_SHOWN)
            if small_rest.any():
                forced_cells[numerator] = forced_cells.get(numerator, np.zeros(len(frame), dtype=bool)) | small_rest
    for column in counts:
        values = _as_numbers(frame[column])
        primary = (values > 0) & (values < SMALLEST_SHOWN)
        if column in forced_cells:
            primary = primary | (forced_cells[column] & ~np.isnan(values))
        hidden = secondary_suppression(values, primary, groupings)
        secondary += int(hidden.sum() - primary.sum())
        hidden_cells[column] = hidden
        table[column] = table[column].astype(object).where(~hidden, SUPPRESSED)

    hidden_rows = hidden_cells.any(axis=1).to_numpy() if counts else np.zeros(len(frame), dtype=bool)
    rate_hidden = np.zeros(len(frame), dtype=bool)
    for rate, (numerator, denominator) in rates.items():
        hide = np.zeros(len(frame), dtype=bool)
        for column in (numerator, denominator):
            if column in hidden_cells:
                hide |= hidden_cells[column].to_numpy()
        if numerator in frame.columns:
            events = _as_numbers(frame[numerator])
            hide |= ~np.isnan(events) & (events < SMALLEST_RATE_EVENTS)
        rate_hidden |= hide
        table[rate] = table[rate].astype(object).where(~hide, SUPPRESSED)
    hidden_rows = hidden_rows | rate_hidden
    for column in statistics:
        table[column] = table[column].astype(object).where(~hidden_rows, SUPPRESSED)
    return Suppressed(table, hidden_cells, hidden_rows, secondary)


__all__ = ["SUPPRESSED", "SMALLEST_SHOWN", "SMALLEST_RATE_EVENTS", "Suppressed", "suppress",
           "secondary_suppression", "count_columns", "is_count_name", "is_statistic_name", "statistic_columns"]
