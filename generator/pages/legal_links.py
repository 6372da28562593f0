"""The link between the legal department's proceedings list and the children's records, as
the linkage and proceedings pages both use it.

Both pages read the same links: each page declares the link in ``prepare`` (`ask_for_link`)
and the build computes it once for the thresholds given (`generator.pages.base.Plan.aside`:
in a second process, beside the other pages), keyed by those thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from generator.analyses.linkage import Thresholds, link
from generator.pages.base import PageContext, Plan

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


def _key(options) -> str:
    return f"proceedings linked at {options.match_probability} / {options.review_probability}"


def ask_for_link(options, plan: Plan) -> None:
    """Declare the link of the report's proceedings with the page's thresholds (``options``
    has ``match_probability`` and ``review_probability``), when the data hold a list."""
    legal = plan.tables.legal
    if legal is None or legal.proceedings.empty:
        return
    thresholds = Thresholds(match=options.match_probability, review=options.review_probability)
    plan.aside(_key(options), lambda replay: (link, (legal.proceedings, plan.log, legal.persons, legal.decisions,
                                                     thresholds)))


def linked(options, ctx: PageContext) -> Linked | None:
    """The report's proceedings linked with the page's thresholds (declared with
    `ask_for_link`), or None without a list."""
    legal = ctx.tables.legal
    if legal is None or legal.proceedings.empty:
        return None
    links, pairs, method = ctx.aside(_key(options))
    return Linked(legal, links, pairs, method)


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
