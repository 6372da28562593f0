"""Area aggregates: a rate per area and period, for benchmarking without child-level data.

One table, recognised by its header row (never its file name): an area column, a period
column, a numerator and a denominator, with an optional region and an optional measure (a
file may hold several indicators, e.g. supervision orders of all orders per DFJ area, and the
re-referral rates of the 153 LAs). It is what a funnel plot compares (`generator.pages.funnel`).

Column names are matched tolerantly: ``area`` (or ``la``, ``la_name``, ``dfj_area``,
``court``, ``area_name``, ``geography``...), ``period`` (or ``year``, ``time_period``),
``numerator`` (or ``count``, ``events``), ``denominator`` (or ``total``, ``base``),
``region`` (or ``region_name``), ``measure`` (or ``indicator``). Every bad cell is reported
with its row, in one InputError.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from generator.errors import InputError, Problem
from generator.ingest.tabular import normalise_header, read_table

AREA_ALIASES = ("area", "area_name", "area_code", "la", "la_name", "local_authority", "dfj_area", "dfj",
                "court", "court_area", "geography", "geography_name")
PERIOD_ALIASES = ("period", "time_period", "year", "financial_year")
NUMERATOR_ALIASES = ("numerator", "num", "events")
DENOMINATOR_ALIASES = ("denominator", "denom", "total", "base")
REGION_ALIASES = ("region", "region_name")
MEASURE_ALIASES = ("measure", "indicator", "measure_name", "indicator_name")
COLUMNS = ("measure", "area", "region", "period", "numerator", "denominator")
FIX = ("give one row per area and period with area, period, numerator and denominator (optional region and measure; "
       "README: \"Data: area aggregates\")")


def _first(columns, aliases) -> str | None:
    return next((a for a in aliases if a in columns), None)


def looks_like_area_aggregates(header) -> bool:
    """Whether a header row (as read; normalised here) is an area-aggregates table: an area, a
    period, a numerator and a denominator, and no child id (a child-level table is never one)."""
    columns = [normalise_header(c) for c in header]
    if any(c in columns for c in ("child_id", "childid", "child", "la_child_id")):
        return False
    return all(_first(columns, aliases) for aliases in (AREA_ALIASES, PERIOD_ALIASES, NUMERATOR_ALIASES,
                                                         DENOMINATOR_ALIASES))


def read_area_aggregates(path, display: str | None = None) -> pd.DataFrame:
    """Read an area-aggregates table into ``measure``, ``area``, ``region``, ``period``,
    ``numerator``, ``denominator``.

    ``measure`` is "rate" when the file has no measure column, ``region`` NA when it has no
    region; ``period`` is kept as text ("2019", "2019-20"); counts are whole numbers.

    Raises
    ------
    InputError
        Naming the file and row of every bad cell (a count that is not a whole number, a
        numerator above its denominator, a blank area or period, an area given twice for one
        measure and period).
    """
    path = Path(path)
    display = display or str(path)
    frame = read_table(path, display)
    columns = list(frame.columns)
    if not looks_like_area_aggregates(columns):
        raise InputError(Problem(display, "header row", "is not an area-aggregates table: expected area, period, "
                                 f"numerator and denominator columns; found {', '.join(c for c in columns if c != '_row')}",
                                 FIX))
    pick = {name: _first(columns, aliases) for name, aliases in (
        ("area", AREA_ALIASES), ("period", PERIOD_ALIASES), ("numerator", NUMERATOR_ALIASES),
        ("denominator", DENOMINATOR_ALIASES), ("region", REGION_ALIASES), ("measure", MEASURE_ALIASES))}
    out = pd.DataFrame({"_row": frame["_row"]})
    for name in ("measure", "area", "region", "period"):
        column = pick[name]
        text = frame[column].astype("string").str.strip() if column else pd.Series(pd.NA, index=frame.index, dtype="string")
        out[name] = text.mask(text.isin(["", "nan", "None"]))
    out["measure"] = out["measure"].fillna("rate") if pick["measure"] is None else out["measure"]
    problems: list[Problem] = []
    counts = {}
    for name in ("numerator", "denominator"):
        text = frame[pick[name]].astype(str).str.replace(",", "", regex=False).str.strip()
        value = pd.to_numeric(text, errors="coerce")
        bad = value.isna() | (value < 0) | (value % 1 != 0)
        problems += [Problem(display, f"row {row}, column {pick[name]!r}", f"{name} {raw!r} is not a whole number >= 0",
                             "write the count as a number, 0 where there were none")
                     for row, raw in zip(frame.loc[bad, "_row"], frame.loc[bad, pick[name]])][:20]
        counts[name] = value
    over = counts["numerator"] > counts["denominator"]
    problems += [Problem(display, f"row {row}", f"numerator {n:g} exceeds denominator {d:g}",
                         "check that the columns are not swapped")
                 for row, n, d in zip(out.loc[over, "_row"], counts["numerator"][over], counts["denominator"][over])][:20]
    for name in ("area", "period", "measure"):
        blank = out[name].isna()
        problems += [Problem(display, f"row {row}", f"the {name} is blank", f"fill in the {name} of every row")
                     for row in out.loc[blank, "_row"]][:20]
    if problems:
        raise InputError(problems)
    out["numerator"] = counts["numerator"].astype("int64")
    out["denominator"] = counts["denominator"].astype("int64")
    twice = out.duplicated(["measure", "area", "period"], keep=False)
    if twice.any():
        rows = out[twice].groupby(["measure", "area", "period"])["_row"].apply(list).head(20)
        raise InputError([Problem(display, f"rows {', '.join(map(str, r))}",
                                  f"give {key[1]!r} twice for {key[0]!r} in {key[2]!r}",
                                  "keep one row per area, period and measure (sum the rows first)")
                          for key, r in rows.items()])
    return out[list(COLUMNS)].reset_index(drop=True)
