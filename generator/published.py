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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

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
