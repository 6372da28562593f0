"""A chart as it may be published: its table suppressed, and its spec drawn only from rows
that survived.

Design. A chart reaches the site as a Vega-Lite spec whose data is inline, plus the tidy
table behind it (`generator.charts.Chart`). The spec's rows are not the table's: chart
functions add labels ("23.4% of 5,273", "too few (4)"), geometry (a Sankey's band edges),
reshaped copies (a median and a 90th percentile as two rows per month) and rows of their
own (annotations, a reference line). Rewriting numbers inside those would mean knowing every
chart function's arithmetic. So the privacy stage works on *rows*, which it can check:

1. The table is made public first: a curve is cut where fewer than 10 remain at risk
   (`curves`), counts, rates and statistics are suppressed (`suppression`), day-precision
   dates become months. A row with anything hidden or cut is a *hidden row*.
2. Every inline dataset of the spec (``data.values`` anywhere, top-level ``datasets``) is
   matched to the table by the fields it shares with it, counts excepted (a spec's ``count``
   is the table's ``referrals_count``), values compared as text (``2015-04-01`` matches a
   table month ``2015-04``). A record that matches a hidden row is dropped, with its labels
   and geometry: the bar, point or band is simply not drawn, and the table under the chart
   and the CSV say "c". A record that shares fields with the table but matches no row of it
   (a value read off a curve past the point where it was cut) is dropped too: fail closed.
3. A dataset that shares no field with the table (annotations, a reference line, a Sankey's
   nodes) is kept, except records holding a count-like whole number from 1 to 5.

What this does not see: numbers written into the chart's title or description, and shapes
that encode a hidden row through the rows that remain (the gap a hidden band leaves in a
stacked layout). Chart functions that stack must be given suppressed data by their page.
The output audit (`generator.privacy.audit`) checks every table and download again.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from generator.privacy.curves import at_risk_column, kept_rows, round_at_risk
from generator.privacy.suppression import SMALLEST_SHOWN, Suppressed, count_columns, is_count_name, suppress

_MONTH = re.compile(r"^\d{4}-\d{2}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
#: Spec field names read as counts in datasets that share no field with the table.
_SPEC_COUNT_NAMES = {"value", "count", "n", "at_risk", "rereferred", "open", "children", "arrivals"}


def month_precision(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its day-precision date columns cut to ``YYYY-MM``.

    Dates of events identify children; months do not. A column counts as dates when every
    value is a date (datetime dtype, or text ``YYYY-MM-DD``). Week columns (``week...``)
    are the start days of a regular weekly series, not anybody's date, and stay.
    """
    out = frame
    for column in frame.columns:
        if str(column).lower().startswith("week"):
            continue
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            months = values.dt.strftime("%Y-%m")
        elif values.dtype == object or pd.api.types.is_string_dtype(values):
            text = values.dropna().astype(str)
            if text.empty or not text.str.match(r"^\d{4}-\d{2}-\d{2}$").all():
                continue
            months = values.where(values.isna(), values.astype(str).str[:7])
        else:
            continue
        if out is frame:
            out = frame.copy()
        out[column] = months
    return out


@dataclass
class PublicTable:
    """A table as it may be published, with where its hidden numbers are.

    ``table``: the published rows (after a curve's cut), "c" in hidden cells; ``hidden``: over
    the input's rows, whether each is hidden or cut; ``kept``: the input's row positions of
    ``table``'s rows; ``cells``: over ``table``'s rows, the hidden count cells; ``counts``:
    the count columns."""

    table: pd.DataFrame
    hidden: np.ndarray
    kept: np.ndarray
    cells: pd.DataFrame
    counts: list[str]


def public_cells(frame: pd.DataFrame, *, counts: list[str] | None = None, groups: list | None = None,
                 rates: dict[str, tuple[str, str]] | None = None, at_risk: str | None = None,
                 curves_by: list[str] | None = None, forced=(), whole_by: list[str] | None = None) -> PublicTable:
    """`public_table` with where its hidden cells are; ``forced``: (input row, count column)
    cells to hide as if small (`suppression.suppress`); ``whole_by``: columns whose groups of
    rows (a month of a junction's branches) are published whole or not at all."""
    at_risk = at_risk or at_risk_column(frame)
    keep = np.ones(len(frame), dtype=bool)
    kept = frame
    if at_risk is not None and at_risk in frame.columns:
        keep = kept_rows(frame, at_risk, by=curves_by)
        kept = frame[keep].copy()
        kept[at_risk] = round_at_risk(kept[at_risk]).astype(object)
        if counts is None:
            counts = count_columns(frame)
        # Rounded at-risk counts are shown as they are: never 1-5 once the curve is cut.
        counts = [c for c in counts if c != at_risk]
    positions = np.flatnonzero(keep)
    where = {int(p): i for i, p in enumerate(positions)}
    forced = [(where[row], column) for row, column in forced if row in where]
    table = kept.reset_index(drop=True)
    result: Suppressed = suppress(table, counts=counts, groups=groups, rates=rates, forced=forced)
    if whole_by and all(c in table.columns for c in whole_by):
        # One hidden cell in a group hides the group: its other cells are no longer its total
        # minus the hidden one (the hypercube method's rule for a table's margins).
        codes = table[whole_by].astype(str).groupby(whole_by, sort=False).ngroup().to_numpy()
        touched = np.unique(codes[result.hidden_cells.to_numpy().any(axis=1)])
        rows = np.flatnonzero(np.isin(codes, touched))
        more = [(int(r), c) for r in rows for c in result.hidden_cells.columns]
        if rows.size and not result.hidden_cells.iloc[rows].to_numpy().all():
            result = suppress(table, counts=counts, groups=groups, rates=rates, forced=list(forced) + more)
    hidden = ~keep
    hidden[positions[result.hidden_rows]] = True
    return PublicTable(month_precision(result.table), hidden, positions, result.hidden_cells,
                       list(result.hidden_cells.columns))


def public_table(frame: pd.DataFrame, *, counts: list[str] | None = None, groups: list | None = None,
                 rates: dict[str, tuple[str, str]] | None = None, at_risk: str | None = None,
                 curves_by: list[str] | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """A table as it may be published, and which of ``frame``'s rows are hidden or cut.

    Returns
    -------
    (table, hidden) : (DataFrame, array of bool over ``frame``'s rows)
    """
    result = public_cells(frame, counts=counts, groups=groups, rates=rates, at_risk=at_risk, curves_by=curves_by)
    return result.table, result.hidden


def _norm(value: Any, month_column: bool = False) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, float, np.integer, np.floating)):
        number = float(value)
        return "" if math.isnan(number) else f"{number:.6g}"
    if isinstance(value, pd.Timestamp):
        value = f"{value:%Y-%m-%d}"
    text = str(value)
    if month_column and _DAY.match(text):
        return text[:7]
    return text


class _RowIndex:
    """Rows of the table by the text of their values in a chosen set of columns."""

    def __init__(self, frame: pd.DataFrame, excluded: set[str]):
        self.frame = frame
        self.columns = [c for c in frame.columns if c not in excluded]
        self.month = {c: bool(len(frame[c].dropna())) and frame[c].dropna().astype(str).str.match(_MONTH).all()
                      for c in self.columns}
        self._cache: dict[tuple[str, ...], dict[tuple[str, ...], list[int]]] = {}

    def rows(self, fields: tuple[str, ...]) -> dict[tuple[str, ...], list[int]]:
        if fields not in self._cache:
            index: dict[tuple[str, ...], list[int]] = {}
            values = [self.frame[f].tolist() for f in fields]
            for i, key in enumerate(zip(*values)):
                index.setdefault(tuple(_norm(v) for v in key), []).append(i)
            self._cache[fields] = index
        return self._cache[fields]


def _is_small_count(name: str, value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float, np.floating)):
        return False
    if isinstance(value, (float, np.floating)) and (math.isnan(value) or not float(value).is_integer()):
        return False
    named = str(name).lower() in _SPEC_COUNT_NAMES or is_count_name(name)
    return named and 0 < float(value) < SMALLEST_SHOWN


def filter_records(records: list, index: _RowIndex, hidden: np.ndarray, counts: set[str]) -> list:
    """The records of one inline dataset that may be drawn (see the module docstring)."""
    if not records or not isinstance(records[0], dict):
        return records
    names = set().union(*(r.keys() for r in records if isinstance(r, dict)))
    fields = tuple(sorted(f for f in names if f in index.columns and f not in counts and not is_count_name(f)))
    if not fields:
        return [r for r in records if not any(_is_small_count(k, v) for k, v in r.items())]
    rows = index.rows(fields)
    kept = []
    for record in records:
        key = tuple(_norm(record.get(f), index.month.get(f, False)) for f in fields)
        matched = rows.get(key)
        if matched and not hidden[matched].any():
            kept.append(record)
    return kept


def public_spec(spec: dict, frame: pd.DataFrame, hidden: np.ndarray, counts: list[str]) -> dict:
    """``spec`` with every inline record of a hidden row of ``frame`` dropped."""
    if not hidden.any() and not _has_small_counts(spec):
        return spec
    spec = copy.deepcopy(spec)
    index = _RowIndex(frame.reset_index(drop=True), set(counts))
    count_set = set(counts)

    # inline_datasets hands back the spec's own lists, so filtering them in place edits the copy.
    for records in inline_datasets(spec):
        records[:] = filter_records(records, index, hidden, count_set)
    return spec


def _has_small_counts(spec: dict) -> bool:
    for records in inline_datasets(spec):
        for record in records:
            if isinstance(record, dict) and any(_is_small_count(k, v) for k, v in record.items()):
                return True
    return False


def inline_datasets(spec) -> list[list]:
    """Every inline dataset of a Vega-Lite spec (``data.values`` anywhere, ``datasets``)."""
    found: list[list] = []

    def walk(node):
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("values"), list):
                found.append(data["values"])
            for key, value in node.items():
                if key == "datasets" and isinstance(value, dict):
                    found.extend(v for v in value.values() if isinstance(v, list))
                elif key != "data":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(spec)
    return found


def public_chart(chart, forced=()) -> tuple[pd.DataFrame, dict]:
    """The table (for the CSV and the table under the chart) and the spec of a public chart."""
    result = public_chart_cells(chart, forced)
    return result.table, public_spec(chart.spec, chart.data.reset_index(drop=True), result.hidden, result.counts)


def public_chart_cells(chart, forced=()) -> PublicTable:
    """A public chart's table with where its hidden cells are (`public_cells`)."""
    frame = chart.data.reset_index(drop=True)
    counts = list(chart.counts) if getattr(chart, "counts", None) is not None else count_columns(frame)
    return public_cells(frame, counts=counts, groups=getattr(chart, "groups", None), rates=getattr(chart, "rates", None),
                        at_risk=getattr(chart, "at_risk", None), curves_by=getattr(chart, "curves_by", None),
                        forced=forced)


__all__ = ["public_chart", "public_chart_cells", "public_cells", "PublicTable", "public_table", "public_spec", "month_precision", "inline_datasets"]
