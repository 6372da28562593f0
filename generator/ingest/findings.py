"""What the statutory-return readers found and did: kept, repaired or dropped rows, counted.

A reader of the DfE returns repairs what the sector's cleaners repair (overlapping episodes,
the same episode in two years' returns) and drops what cannot become an event (a row with no
date). Nothing is dropped without a `Finding` here, so the data-quality page can say how many
rows and why. Examples are child ids and row numbers; the page shows them only in internal
reports. `Finding` is the quality stage's type: readers only create them, never act on them.
"""

from __future__ import annotations

import pandas as pd

from generator.errors import Problem
from generator.ingest.dates import EARLIEST, LATEST, OUT_OF_RANGE, PLACEHOLDER, parse_dates, plain_dates
from generator.quality import Finding

EXAMPLES = 5


def finding(check: str, rows: pd.DataFrame | int, message: str, action: str = "kept",
            source: str = "", severity: str = "warning", id_column: str = "child_id") -> Finding | None:
    """A Finding for ``rows`` (a frame whose ``id_column`` gives examples), or None if none."""
    if isinstance(rows, int):
        count, examples = rows, []
    else:
        count = len(rows)
        examples = []
        if id_column in rows:
            ids = rows[id_column].dropna().astype(str)
            examples = list(dict.fromkeys(ids))[:EXAMPLES]
    if not count:
        return None
    return Finding(check, severity, int(count), message, action, examples, source)


def keep(findings: list[Finding], *found: Finding | list | None) -> None:
    """Append the findings that are not None (a list of them is appended one by one)."""
    for item in found:
        if isinstance(item, list):
            keep(findings, *item)
        elif item is not None:
            findings.append(item)


def lenient_dates(values: pd.Series, display: str, column: str, rows: pd.Series,
                  ids: pd.Series | None = None) -> tuple[pd.Series, list[Finding]]:
    """Dates of a column; values that are not dates become NaT and Findings count them.

    Statutory returns run to hundreds of thousands of rows, and one mistyped date must not
    stop a county's report: the row is counted on the data-quality page instead of refused.
    Placeholders for "no date" (9999-12-31) and dates outside 1900-2100 (typos) are read as
    no date, each counted in its own Finding; the reader then leaves an end open or drops a
    row whose own date is missing, as for a blank.
    """
    present = _present(values)
    # Most returns hold ISO or dd/mm/yyyy text throughout: parse those in one vectorised pass
    # and send only the rest (Excel cells, serials, mixed forms, mistakes) to parse_dates.
    parsed = plain_dates(values)
    rest = parsed.isna() & present
    problems: list[Problem] = []
    odd: dict = {}
    if rest.any():
        parsed[rest], problems = parse_dates(values[rest], display, column, rows[rest], required=False, odd=odd)
    parsed = parsed.astype("datetime64[ns]")
    found = [_odd_finding(odd, kind, display, column, rows, ids) for kind in (PLACEHOLDER, OUT_OF_RANGE)]
    found = [f for f in found if f is not None]
    bad = parsed.isna() & present & ~values.index.isin(list(odd))
    if not bad.any():
        return parsed, found
    reasons = "; ".join(p.message for p in problems if isinstance(p, Problem))
    examples = pd.DataFrame({"child_id": ids[bad] if ids is not None else pd.Series(dtype=str)})
    result = finding(
        "unparseable dates", examples if ids is not None else int(bad.sum()),
        f"values in column '{column}' that are not dates ({reasons})",
        "dropped: a row whose own date cannot be read is not an event; an end date that cannot be read is left open",
        display,
    )
    if result is not None:
        result.count = int(bad.sum())
        result.examples = result.examples or [f"row {r}" for r in rows[bad].head(EXAMPLES)]
    return parsed, found + ([result] if result is not None else [])


def _odd_finding(odd: dict, kind: str, display: str, column: str, rows: pd.Series,
                 ids: pd.Series | None) -> Finding | None:
    """One Finding for the placeholders, or for the out-of-range dates, of a column."""
    index = [i for i, k in odd.items() if k == kind]
    if not index:
        return None
    if kind == PLACEHOLDER:
        check, message = "placeholder dates", (
            f"values in column '{column}' such as 9999-12-31, which systems write for 'no date'")
        action = "repaired: read as no date (an end date is left open; a row whose own date it is is not an event)"
    else:
        check, message = "dates outside 1900-2100", (
            f"values in column '{column}' before {EARLIEST.year} or after {LATEST.year}: a typo in the year")
        action = "dropped: read as no date (an end date is left open; a row whose own date it is is not an event)"
    examples = list(dict.fromkeys(ids[index].dropna().astype(str)))[:EXAMPLES] if ids is not None else []
    return Finding(check, "warning", len(index), message, action,
                   examples or [f"row {r}" for r in rows[index].head(EXAMPLES)], display)


def _present(values: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.notna()
    text = values.astype("string").str.strip()
    return (text.notna() & (text != "")).astype(bool)
