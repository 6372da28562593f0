"""The link between the legal department's proceedings list and the children's records, as
the linkage and proceedings pages both use it.

Both pages read the same links; linking is computed once per report for the thresholds the
pages give (the last result is kept, keyed by the very tables it was computed from, so a new
build never reads an old one).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from generator.analyses.linkage import Thresholds, link
from generator.page_options import LegalOptions
from generator.pages.base import PageContext

#: What a page shows when the data hold no proceedings list.
NEEDS_LIST = (
    "This page needs the legal department's list of care proceedings (one row per child per set of "
    "proceedings: case number, child's name or initials, date of birth, application date, interim and final "
    "orders and their dates) in the data folder, and, to match it by name, the case-management system's person "
    "list (README: \"Data: court proceedings\"). The data hold no such list."
)


@dataclass(frozen=True)
class Linked:
    """A report's proceedings linked to its children: ``links`` and ``pairs`` as
    `generator.analyses.linkage.link` returns them, ``method`` "names" or "dates"."""

    legal: object  # generator.ingest.proceedings.LegalInputs
    links: pd.DataFrame
    pairs: pd.DataFrame
    method: str


_last: list = []


def linked(options: LegalOptions, ctx: PageContext) -> Linked | None:
    """The report's proceedings linked with the page's thresholds, or None without a list."""
    legal = ctx.tables.legal
    if legal is None or legal.proceedings.empty:
        return None
    thresholds = Thresholds(match=options.match_probability, review=options.review_probability)
    key = (thresholds, legal, ctx.log)
    if _last and _last[0][0] == thresholds and _last[0][1] is legal and _last[0][2] is ctx.log:
        return _last[0][3]
    links, pairs, method = link(legal.proceedings, ctx.log, legal.persons, legal.decisions, thresholds)
    result = Linked(legal, links, pairs, method)
    _last[:] = [(*key, result)]
    return result


def number(value) -> str:
    """A published count as words show it: "1,234", or as published when hidden ("c")."""
    parsed = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return f"{int(parsed):,}" if pd.notna(parsed) else str(value)


def rates_in_words(shown: pd.DataFrame, label: str, denominator: str, group: str | None = None) -> str:
    """The rates of a published rate table, "label 12.3% of 456", one per row; a hidden rate
    is said to be hidden, never read from the table before publication."""
    parts = []
    for row in shown.to_dict("records"):
        name = f"{row[label]} {row[group]}" if group else str(row[label])
        pct = pd.to_numeric(pd.Series([row.get("pct")]), errors="coerce").iloc[0]
        parts.append(f"{name} {pct:.1f}% of {number(row[denominator])}" if pd.notna(pct) else f"{name} not shown")
    return "; ".join(parts)
