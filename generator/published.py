"""What a page publishes, declared for the privacy stage.

Pages render raw numbers; the one privacy stage (`generator.privacy.publish`) decides what
of them may be shown. So a page does not put a count or a table straight into its template:
it puts a marker, and the stage replaces every marker with what may be published (the value
itself in an internal report; "c", a suppressed table, words written from that table in a
public one). The site only ever sees resolved values.

* `Table`: a table with its declarations (which columns are counts, which totals are shown,
  which rates rest on which counts), for a download or a table on the page.
* `Count`: one count shown on the page.
* `Metric`: a headline figure (a metrics.json key), shown as metrics.json shows it.
* `Derived`: text or rows made from a published table (``make(published_frame)``), so that
  no sentence quotes a number the table hides.

Every published table is rounded to the precision the page shows (`shown_decimals`,
`round_to_shown`): counts as whole numbers, other numbers to the decimals a table or chart
declares, or by default one decimal (three for a column of proportions, all within -1..1).
So a CSV never carries more digits than the page, nor a float's binary artefacts
(``333.50000000000006``).
"""

from __future__ import annotations

from dataclasses import dataclass
import math
from typing import Callable

import numpy as np
import pandas as pd


@dataclass
class Table:
    """A table to publish, with what its columns are.

    Attributes
    ----------
    frame : DataFrame
    counts : list of str, optional
        The count columns (default: read from the column names, `count_columns`).
    groups : list of (str or tuple of str), optional
        Each entry names the column(s) whose groups of rows have counts adding up to a total
        shown elsewhere (``()``: the whole table). Default: every other column, and the whole.
    rates : dict, optional
        Rate column -> (numerator column, denominator column).
    at_risk : str, optional
        For a survival or cumulative curve, the column of the number at risk.
    hidden_with : dict, optional
        Column -> columns that say something about it (a distance from a hidden figure, its
        quartiles): hidden in every row where the column is hidden.
    decimals : dict, optional
        Column -> decimals it is shown with, where the default (`shown_decimals`) does not
        fit (a rate ratio read to two decimals).
    names : dict, optional
        Count column -> the name of the quantity each of its cells is, a format string filled
        from the row (``"s47 {branch} {month}"``). Cells with one name, in any table of the
        report, are one number: the privacy stage hides them together and the attacker's
        audit (`generator.privacy.differencing`) reads one from the other.
    totals : dict, optional
        Group (as in ``groups``) -> the name of each group's total, a format string filled
        from the group's values and ``{column}``, or a dict count column -> format string (the
        other columns' sums of that group are then no total): ties a group's sum to the cell,
        `Count` or `Metric` of that name. A rate's rest can be named and summed as the column
        ``"<denominator>-<numerator>"``. A group without one has its total taken as known (the
        cautious reading).
    group_size : str, optional
        The column giving each row's number of children: in a public report a row of fewer
        than `generator.privacy.SMALLEST_GROUP` is not named with a figure.

    A cell may hold a `Metric`: it is published as metrics.json publishes that figure.
    """

    frame: pd.DataFrame
    counts: list[str] | None = None
    groups: list | None = None
    rates: dict[str, tuple[str, str]] | None = None
    at_risk: str | None = None
    hidden_with: dict[str, list[str]] | None = None
    decimals: dict[str, int] | None = None
    names: dict[str, str] | None = None
    totals: dict | None = None
    group_size: str | None = None


@dataclass(frozen=True)
class Count:
    """A count shown on a page (a counter, a total). ``name``: the quantity it is, as a
    table's ``names``/``totals`` name it (the overview's errors are the data-quality page's
    error counts added up)."""

    value: int | None
    name: str | None = None


@dataclass(frozen=True)
class Metric:
    """A headline figure, by its metrics.json key."""

    key: str


@dataclass
class Derived:
    """Text or rows made from the published form of ``table`` (``make(published_frame)``)."""

    table: Table
    make: Callable[[pd.DataFrame], object]


@dataclass
class PublishedPage:
    """A page after the privacy stage: what the site writes. Charts carry their published
    table as ``data`` and their count columns as ``counts``; downloads are plain tables; the
    template context holds no marker."""

    template: str
    context: dict
    charts: list
    data_scripts: dict[str, str]
    downloads: dict[str, pd.DataFrame]
    scripts: list[str]


#: Decimals of a number that is not a count, by default; `PROPORTION_DECIMALS` when every
#: value of its column lies within -1..1 (a share 0-1 shown as a percentage to one decimal).
DEFAULT_DECIMALS = 1
PROPORTION_DECIMALS = 3


def _numbers(column: pd.Series) -> np.ndarray:
    """The finite numbers of a column (a public table's "c" and blanks left out)."""
    values = [v for v in column.tolist() if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)]
    values = np.asarray(values, dtype=float)
    return values[np.isfinite(values)]


def shown_decimals(frame: pd.DataFrame, counts: list[str], declared: dict[str, int] | None = None) -> dict[str, int]:
    """The decimals each numeric column of ``frame`` is published with.

    Parameters
    ----------
    frame : DataFrame
    counts : list of str
        Count columns (a curve's number at risk among them): whole numbers, 0 decimals.
    declared : dict, optional
        Column -> decimals, as the page declares them; they win over the defaults.

    Returns
    -------
    dict
        Column -> decimals, for every column holding numbers (not dates, not text). Defaults:
        0 for a count (integers stay integers whatever their column); `PROPORTION_DECIMALS` for a column whose
        values all lie within -1..1 (proportions, correlations); `DEFAULT_DECIMALS` otherwise
        (percentages, days, monthly numbers), as the tables under the charts show them.
    """
    declared = declared or {}
    out = {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
            continue
        numbers = _numbers(values)
        if not len(numbers) and not pd.api.types.is_numeric_dtype(values):
            continue
        if column in declared:
            out[column] = int(declared[column])
        elif column in counts:
            out[column] = 0
        elif len(numbers) and np.all(np.abs(numbers) <= 1):
            out[column] = PROPORTION_DECIMALS
        else:
            out[column] = DEFAULT_DECIMALS
    return out


def _rounded(value: object, places: int) -> object:
    if isinstance(value, bool) or not isinstance(value, (float, np.floating, int, np.integer)):
        return value
    if isinstance(value, (int, np.integer)):
        return int(value)
    if not math.isfinite(value):
        return value
    if places == 0:
        return int(round(float(value)))
    return round(float(value), places) + 0.0  # + 0.0 turns -0.0 into 0.0


def round_to_shown(frame: pd.DataFrame, decimals: dict[str, int]) -> pd.DataFrame:
    """``frame`` with each column of ``decimals`` rounded to its decimals.

    A column rounded to 0 decimals holds whole numbers (nullable integers when it has blanks,
    so a CSV reads ``12``, never ``12.0``); text in a column (a public table's "c") stays.

    Examples
    --------
    >>> frame = pd.DataFrame({"n": [3.0, None], "pct": [333.50000000000006, 2 / 3]})
    >>> round_to_shown(frame, {"n": 0, "pct": 1}).to_csv(index=False).split()
    ['n,pct', '3,333.5', ',0.7']
    """
    out = frame.copy()
    for column, places in decimals.items():
        values = out[column]
        if pd.api.types.is_float_dtype(values):
            rounded = values.round(places) + 0.0
            if places == 0:
                rounded = rounded.astype("Int64")
            out[column] = rounded
        elif values.dtype == object:
            out[column] = values.map(lambda v, p=places: _rounded(v, p))
    return out
