"""`Chart`: what a page hands the site for one figure.

A chart is more than its Vega-Lite spec: it has a title that names the finding's subject, a
text description that becomes its accessible name, and the tidy table behind it, which the
site writes as `downloads/<id>.csv` and links under the chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd


@dataclass
class Chart:
    """One figure of a page.

    Attributes
    ----------
    id : str
        Unique in the report; the CSV is ``downloads/<id>.csv``. Lowercase, digits, hyphens.
    title : str
        Shown above the chart; says what the chart is about.
    description : str
        One or two sentences for screen readers: what is shown and the main finding.
    spec : dict
        Vega-Lite spec (from Altair's ``to_dict()``), data inlined.
    data : DataFrame
        The numbers behind the chart, as offered for download.

    The optional declarations tell the privacy stage (`generator.privacy.charts`) what each
    column of ``data`` is; an undeclared column is read by its name (``count``, ``n``,
    ``*_count`` are counts; ``pct*``, ``median*`` statistics; ``at_risk*`` a curve's number at
    risk).

    counts : list of str, optional
        The count columns.
    groups : list of (str or tuple of str), optional
        Each entry names the column(s) whose groups of rows have counts that add up to a total
        shown elsewhere (``()``: the whole table). Default: every other column, and the whole.
    rates : dict, optional
        Rate column -> (numerator column, denominator column).
    at_risk : str, optional
        For a survival or cumulative curve, the column of the number at risk.
    curves_by : list of str, optional
        Columns telling several curves in ``data`` apart (each is cut on its own).
    describe : callable, optional
        ``describe(published_table) -> str``: the description written from the table as it is
        published, so that no sentence quotes a hidden number. Replaces ``description``.
    names, totals, group_size : optional
        As for `generator.published.Table`: what quantity each count cell is, what each
        group's total is, which column is a row's number of children.
    whole_by : list of str, optional
        Columns whose groups of rows are published whole or not at all (a junction's branches
        in one month): one hidden count hides the group's every count.
    draw : callable, optional
        ``draw(published_table) -> spec``: for charts whose geometry adds rows up (a Sankey's
        bands), the spec drawn from the published table alone. Replaces ``spec``.
    decimals : dict, optional
        Column -> decimals its numbers are shown with (CSV and table), where the default
        (`generator.published.shown_decimals`) does not fit. After the privacy stage: every
        numeric column's decimals.
    """

    id: str
    title: str
    description: str
    spec: dict
    data: pd.DataFrame
    counts: list[str] | None = None
    groups: list | None = None
    rates: dict[str, tuple[str, str]] | None = None
    at_risk: str | None = None
    curves_by: list[str] | None = None
    describe: Callable[[pd.DataFrame], str] | None = None
    draw: Callable[[pd.DataFrame], dict] | None = None
    decimals: dict[str, int] | None = None
    names: dict[str, str] | None = None
    totals: dict | None = None
    group_size: str | None = None
    whole_by: list[str] | None = None
