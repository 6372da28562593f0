"""Dates as LAs' files hold them: ISO, UK dd/mm/yyyy, Excel serials and Excel date cells.

One column may mix ISO and UK dates (exports glued together). US month/day order and
two-digit years are refused rather than guessed: a wrong guess silently moves a child's
referral by months. Every refusal names the file, the rows and the column.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from generator.errors import Problem

_ISO = r"^\d{4}-\d{1,2}-\d{1,2}(?:[ T].*)?$"
_UK = r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{4}(?: .*)?$"
_SHORT_YEAR = r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}$"
_SERIAL = r"^\d{5}(?:\.\d+)?$"  # Excel's day count: 1 Jan 1960 is 21916, 2040 is 51136
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def parse_dates(
    values: pd.Series,
    file: str,
    column: str,
    rows: pd.Series | None = None,
    required: bool = True,
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

    Returns
    -------
    (dates, problems)
    """
    if rows is None:
        rows = pd.Series(values.index + 2, index=values.index)
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = pd.to_datetime(values).dt.tz_localize(None) if getattr(values.dt, "tz", None) else values
        parsed = pd.Series(pd.to_datetime(parsed).dt.normalize(), index=values.index)
        return _finish(parsed, values.isna(), file, column, rows, required, {})

    objects = values.astype(object)
    parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    is_cell = objects.map(lambda v: isinstance(v, (dt.date, dt.datetime, pd.Timestamp)))
    if is_cell.any():
        parsed[is_cell] = pd.to_datetime(objects[is_cell].map(pd.Timestamp)).dt.normalize()
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

    return _finish(parsed, blank, file, column, rows, required, reasons)


def _finish(parsed, blank, file, column, rows, required, reasons):
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
                f"{int(bad.sum())} value(s) could not be read as a date ("
                + "; ".join(examples)
                + ")",
                "use yyyy-mm-dd or dd/mm/yyyy with a four-digit year",
            )
        )
    if required and blank.any():
        first = rows[parsed.index[blank][0]]
        problems.append(
            Problem(
                file,
                f"row {first}, column '{column}'",
                f"{int(blank.sum())} row(s) have no date",
                "fill in the date or remove the row",
            )
        )
    return parsed.astype("datetime64[ns]"), problems
