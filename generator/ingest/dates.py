"""Dates as LAs' files hold them: ISO, UK dd/mm/yyyy, Excel serials and Excel date cells.

One column may mix ISO and UK dates (exports glued together). US month/day order and
two-digit years are refused rather than guessed: a wrong guess silently moves a child's
referral by months. Every refusal names the file, the rows and the column.

A date outside the years 1900-2100 is a typo (1916 for 2016) or a placeholder: systems write
9999-12-31 (and 2999, 3000) for "no end date". Neither is ever handed on as a date (pandas
cannot hold years past 2262, and one stray century stretches every time axis); the caller
either refuses them (`parse_dates` problems) or asks for them back (``odd``) and counts them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from generator.words import counted
from generator.errors import Problem

_ISO = r"^\d{4}-\d{1,2}-\d{1,2}(?:[ T].*)?$"
_UK = r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{4}(?: .*)?$"
_SHORT_YEAR = r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}$"
_SERIAL = r"^\d{5}(?:\.\d+)?$"  # Excel's day count: 1 Jan 1960 is 21916, 2040 is 51136
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
#: The dates a child's record can hold: before 1900 or after 2100 is a typo or a placeholder.
EARLIEST, LATEST = pd.Timestamp("1900-01-01"), pd.Timestamp("2100-12-31")
#: Years systems write for "open-ended" (Excel and SQL Server 9999-12-31; 2999, 3000 in some
#: case-management systems): a placeholder for "no date", not a typo.
PLACEHOLDER_YEARS = frozenset({2999, 3000, 9999})
PLACEHOLDER, OUT_OF_RANGE = "placeholder", "out of range"
_REASONS = {PLACEHOLDER: "a placeholder for 'no date' (e.g. 9999-12-31)",
            OUT_OF_RANGE: f"outside the years {EARLIEST.year}-{LATEST.year}"}


def year_kind(year: int) -> str | None:
    """PLACEHOLDER, OUT_OF_RANGE or None (a year a record can hold)."""
    if year in PLACEHOLDER_YEARS:
        return PLACEHOLDER
    return None if EARLIEST.year <= year <= LATEST.year else OUT_OF_RANGE


def _cell(value) -> tuple[pd.Timestamp | None, str | None]:
    """An Excel or Parquet date cell as a Timestamp, or why it is not a date we keep."""
    kind = year_kind(value.year)
    if kind:
        return None, kind
    return pd.Timestamp(value.year, value.month, value.day), None


def plain_dates(values: pd.Series) -> pd.Series:
    """The values written as plain yyyy-mm-dd or dd/mm/yyyy (ten characters) of a year from
    1900 to 2100, parsed in one vectorised pass each; NaT for every other value.

    Most exports hold one of these two forms throughout, so `parse_dates` and
    `generator.ingest.findings.lenient_dates` send only the rest (Excel cells, serials, mixed
    forms, placeholders and mistakes) down their slower, row-naming paths.
    """
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if not (values.dtype == object or pd.api.types.is_string_dtype(values)) or values.empty:
        return parsed
    text = values.astype("string").str.strip()
    ten = text.where(text.str.len() == 10)
    parsed = pd.to_datetime(ten, format="%Y-%m-%d", errors="coerce")
    uk = parsed.isna() & ten.notna()
    if uk.any():
        parsed[uk] = pd.to_datetime(ten[uk], format="%d/%m/%Y", errors="coerce")
    parsed = parsed.astype("datetime64[ns]")
    return parsed.where((parsed >= EARLIEST) & (parsed <= LATEST))


def parse_dates(
    values: pd.Series,
    file: str,
    column: str,
    rows: pd.Series | None = None,
    required: bool = True,
    odd: dict | None = None,
) -> tuple[pd.Series, list[Problem]]:
    """Parse a column of dates to datetime64 at midnight.

    Parameters
    ----------
    values : Series
        Strings, datetimes (Excel cells, Parquet) or a mix.
    file, column : str
        Named in problems.
    rows : Series, optional
        The row number the user sees for each value (defaults to index + 2: a header line,
        then rows counted from 1).
    required : bool
        Whether an empty value is a problem.
    odd : dict, optional
        Given, dates outside 1900-2100 and placeholders are not problems: they come back as
        NaT and are recorded here, index -> PLACEHOLDER or OUT_OF_RANGE, for the caller to
        count as findings. Not given, they are problems like any value that is not a date.

    Returns
    -------
    (dates, problems)
    """
    if rows is None:
        rows = pd.Series(values.index + 2, index=values.index)
    if pd.api.types.is_datetime64_any_dtype(values):
        local = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) else values
        # Compared in the column's own unit: a Parquet datetime64[us] may hold 9999-12-31.
        years = local.dt.year
        kinds = years.map({y: year_kind(int(y)) for y in years.dropna().unique()})
        kept = local.where(kinds.isna()).astype("datetime64[ns]").dt.normalize()
        return _finish(kept, values.isna(), file, column, rows, required, {}, kinds.dropna().to_dict(), odd)

    plain = plain_dates(values)
    rest = plain.isna()
    if not rest.any():
        return plain.rename(None), []
    if not rest.all():
        # Only the values that are not plain dates go the long way; problems and ``odd``
        # name the same rows, since every plain date is a good one.
        parsed, problems = parse_dates(values[rest], file, column, rows[rest], required, odd)
        plain[rest] = parsed
        return plain.rename(None), problems

    objects = values.astype(object)
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    is_cell = objects.map(lambda v: isinstance(v, (dt.date, dt.datetime, pd.Timestamp)))
    kinds: dict = {}
    for index, value in objects[is_cell].items():
        parsed[index], kind = _cell(value)
        if kind:
            kinds[index] = kind
    text = objects.where(~is_cell).map(lambda v: "" if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v).strip())
    blank = (text == "") & ~is_cell

    reasons: dict[int, str] = {}
    iso = text.str.match(_ISO)
    parsed[iso] = pd.to_datetime(text[iso].str.slice(0, 10).str.replace(r"-(\d)(?=-|$)", r"-0\1", regex=True), format="%Y-%m-%d", errors="coerce")
    uk = text.str.match(_UK)
    uk_text = text[uk].str.split(" ").str[0].str.replace(r"[.-]", "/", regex=True)
    parsed[uk] = pd.to_datetime(uk_text, format="%d/%m/%Y", errors="coerce")
    month_first = uk & parsed.isna() & text.str.match(r"^\d{1,2}[/.-](1[3-9]|2\d|3[01])[/.-]")
    for index in text.index[month_first]:
        reasons[index] = "looks like US month/day order; write dates as dd/mm/yyyy or yyyy-mm-dd"
    serial = text.str.match(_SERIAL)
    parsed[serial] = _EXCEL_EPOCH + pd.to_timedelta(text[serial].astype(float).astype(int), unit="D")
    for index in text.index[text.str.match(_SHORT_YEAR)]:
        reasons[index] = "a two-digit year is ambiguous; write the year in four digits"
    # The year as written, for ISO and UK text and serials: 9999-12-31 never parses above.
    written = text.str.extract(r"^(\d{4})-|^\d{1,2}[/.-]\d{1,2}[/.-](\d{4})")
    years = pd.to_numeric(written[0].where(written[0].notna(), written[1]).where(iso | uk), errors="coerce").astype(float)
    years[serial & parsed.notna()] = parsed[serial & parsed.notna()].dt.year
    for index, year in years.dropna().items():
        kind = year_kind(int(year))
        if kind:
            kinds[index] = kind
    return _finish(parsed, blank, file, column, rows, required, reasons, kinds, odd)


def _finish(parsed, blank, file, column, rows, required, reasons, kinds=None, odd=None):
    kinds = kinds or {}
    if kinds:
        parsed = parsed.copy()
        parsed[list(kinds)] = pd.NaT
        if odd is not None:
            odd.update(kinds)
            blank = blank | parsed.index.isin(list(kinds))
        else:
            reasons = {**reasons, **{index: _REASONS[kind] for index, kind in kinds.items()}}
    problems: list[Problem] = []
    bad = parsed.isna() & ~blank
    if bad.any():
        examples = []
        for index in parsed.index[bad][:5]:
            reason = reasons.get(index, "not a date")
            examples.append(f"row {rows[index]}: {reason}")
        first = rows[parsed.index[bad][0]]
        problems.append(
            Problem(
                file,
                f"row {first}, column '{column}'",
                f"{counted(int(bad.sum()), 'value')} could not be read as a date ("
                + "; ".join(examples)
                + ")",
                "use yyyy-mm-dd or dd/mm/yyyy with a four-digit year from 1900 to 2100 (leave an unknown date blank)",
            )
        )
    if required and blank.any():
        first = rows[parsed.index[blank][0]]
        problems.append(
            Problem(
                file,
                f"row {first}, column '{column}'",
                f"{counted(int(blank.sum()), 'row')} {'has' if int(blank.sum()) == 1 else 'have'} no date",
                "fill in the date or remove the row",
            )
        )
    return parsed.astype("datetime64[ns]"), problems
