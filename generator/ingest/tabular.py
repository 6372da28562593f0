"""Tables as Excel and case-management systems write them: CSV, Excel workbooks, Parquet.

CSV arrives in UTF-8 (with or without a byte-order mark) or Windows-1252, separated by
commas, semicolons (European Excel) or tabs. Headers are matched tolerantly: case, spacing,
underscores and curly apostrophes do not matter. Every value is read as text, so that ids
keep their leading zeros and dates are parsed once, by `dates.py`, with row numbers.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from generator.errors import InputError, Problem, brief

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
PARQUET_SUFFIXES = {".parquet"}
TABLE_SUFFIXES = CSV_SUFFIXES | EXCEL_SUFFIXES | PARQUET_SUFFIXES

#: A workbook is refused, before it is read, when it would expand past this many megabytes
#: (an .xlsx is a zip: a 1 MB file can hold gigabytes of XML) or holds more rows in a sheet
#: than this (Excel's own limit is 1,048,576). Each can be raised with its environment
#: variable for a county whose exports really are larger.
MAX_WORKBOOK_MB, MAX_WORKBOOK_MB_ENV = 200, "CAREJOURNEYS_MAX_WORKBOOK_MB"
MAX_SHEET_ROWS, MAX_SHEET_ROWS_ENV = 1_048_576, "CAREJOURNEYS_MAX_SHEET_ROWS"


def _limit(default: int, variable: str) -> int:
    text = os.environ.get(variable, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise InputError(Problem("environment", variable, f"expected a whole number, got {text[:20]!r}",
                                 f"unset it, or set it to a number (the default is {default:,})"))
    return int(text)


def check_workbook(path: Path, display: str) -> None:
    """Refuse a workbook larger than `MAX_WORKBOOK_MB` uncompressed, before any of it is read.

    An .xlsx's zip directory states each part's size (zipfile reads no more than it states);
    an .xls is not compressed, so its file size is its size.
    """
    limit = _limit(MAX_WORKBOOK_MB, MAX_WORKBOOK_MB_ENV)
    try:
        with zipfile.ZipFile(path) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        size = path.stat().st_size
    if size > limit * 1024 * 1024:
        raise InputError(Problem(display, "", f"expands to {size / 1024 / 1024:,.0f} MB, over the limit of {limit:,} MB "
                                 "for a workbook", f"export it as CSV, or raise the limit: set {MAX_WORKBOOK_MB_ENV}="
                                 f"{int(size / 1024 / 1024) + 1}"))


def check_rows(rows: int, display: str, sheet: str = "") -> None:
    """Refuse a sheet of more than `MAX_SHEET_ROWS` rows."""
    limit = _limit(MAX_SHEET_ROWS, MAX_SHEET_ROWS_ENV)
    if rows > limit:
        raise InputError(Problem(display, sheet, f"has more than {limit:,} rows, the limit for a sheet",
                                 f"split the export, or raise the limit: set {MAX_SHEET_ROWS_ENV} to a larger number"))


def table_columns(path: Path, display: str) -> list[str]:
    """A table's normalised column names, reading as little as its format allows: the first
    row of a workbook, the schema of a Parquet file. The body is read once, by the reader
    that claims the file."""
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES and path.stat().st_size:
        check_workbook(path, display)
        try:
            from openpyxl import load_workbook

            workbook = load_workbook(path, read_only=True, data_only=True)
            try:
                first = next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True), ())
            finally:
                workbook.close()
            return [normalise_header(c) for c in first if c is not None]
        except Exception as error:  # any parser's own failure is the file's fault, not ours
            raise InputError(Problem(display, "", f"cannot be read as a {suffix} table ({type(error).__name__})",
                                     "check that the file is what its name says (export it again from the source)")) from None
    if suffix in PARQUET_SUFFIXES and path.stat().st_size:
        try:
            import pyarrow.parquet as pq

            return [normalise_header(c) for c in pq.read_schema(path).names if not str(c).startswith("__index")]
        except Exception as error:
            raise InputError(Problem(display, "", f"cannot be read as a {suffix} table ({type(error).__name__})",
                                     "check that the file is what its name says (export it again from the source)")) from None
    return list(read_table(path, display).columns[1:])


def normalise_header(name: object) -> str:
    """'Child ID ' -> 'child_id'; curly apostrophes straightened; runs of space to one '_'."""
    text = str(name).replace("\u2019", "'").replace("\u2018", "'").strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not), else Windows-1252: what Excel on a council laptop saves."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_table(path: Path, display: str) -> pd.DataFrame:
    """Read one table; columns normalised, blank rows dropped, a `_row` column of user rows.

    ``_row`` is the row number the user sees in Excel or a text editor (header is row 1).
    Raises InputError naming ``display`` for an empty, unreadable or header-less file.
    """
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise InputError(Problem(display, "", "the file is empty (0 bytes)", "export it again"))
    try:
        if suffix in PARQUET_SUFFIXES:
            frame = pd.read_parquet(path)
            frame.insert(0, "_row", range(1, len(frame) + 1))
        elif suffix in EXCEL_SUFFIXES:
            check_workbook(path, display)
            frame = pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")
            check_rows(len(frame) + 1, display)
            frame.insert(0, "_row", range(2, len(frame) + 2))
        else:
            frame = _read_csv(path.read_bytes())
    except InputError:
        raise
    except Exception as error:  # any parser's own failure is the file's fault, not ours
        raise InputError(
            Problem(display, "", f"cannot be read as a {suffix or 'text'} table ({brief(error, 120, quote=False)})",
                    "check that the file is what its name says (export it again from the source)")
        ) from error
    frame.columns = ["_row"] + [normalise_header(c) for c in frame.columns[1:]]
    return frame[~_blank_rows(frame.drop(columns="_row"))].reset_index(drop=True)


def _blank_rows(values: pd.DataFrame) -> np.ndarray:
    """Whether each row has nothing in any cell (empty, or only spaces).

    Column by column, looking only at rows still blank: most rows show a value in their first
    column, so a large file is read once, not cell by cell as text.
    """
    blank = np.ones(len(values), dtype=bool)
    for position in range(values.shape[1]):
        rows = np.flatnonzero(blank)
        if not len(rows):
            break
        cells = values.iloc[rows, position]
        empty = cells.isna().to_numpy()
        if cells.dtype == object or pd.api.types.is_string_dtype(cells.dtype):
            empty |= stripped(cells).eq("").fillna(False).to_numpy(dtype=bool)
        blank[rows] = empty
    return blank


def stripped(values: pd.Series, lower: bool = False) -> pd.Series:
    """``values`` as strings without surrounding spaces (and in lower case, if ``lower``), NA kept.

    Each distinct value is stripped once: ids, event names and codes repeat across hundreds of
    thousands of rows, and stripping is a Python call per value.
    """
    codes, distinct = pd.factorize(values.astype("string"))
    clean = pd.Series(distinct, dtype="string").str.strip()
    clean = clean.str.lower() if lower else clean
    return pd.Series(clean.array.take(codes, allow_fill=True), index=values.index, dtype="string")


def _read_csv(data: bytes) -> pd.DataFrame:
    text = decode_text(data)
    first_line = text.split("\n", 1)[0]
    separator = max([",", ";", "\t"], key=first_line.count)
    frame = pd.read_csv(
        io.StringIO(text),
        sep=separator,
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,
        quoting=csv.QUOTE_MINIMAL,
    )
    frame.insert(0, "_row", range(2, len(frame) + 2))
    return frame


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write a table as its suffix says (CSV in UTF-8, dates ISO; or Parquet)."""
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False, date_format="%Y-%m-%d", lineterminator="\n")
