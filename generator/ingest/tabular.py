"""Tables as Excel and case-management systems write them: CSV, Excel workbooks, Parquet.

CSV arrives in UTF-8 (with or without a byte-order mark) or Windows-1252, separated by
commas, semicolons (European Excel) or tabs. Headers are matched tolerantly: case, spacing,
underscores and curly apostrophes do not matter. Every value is read as text, so that ids
keep their leading zeros and dates are parsed once, by `dates.py`, with row numbers.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from generator.errors import InputError, Problem

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
PARQUET_SUFFIXES = {".parquet"}
TABLE_SUFFIXES = CSV_SUFFIXES | EXCEL_SUFFIXES | PARQUET_SUFFIXES


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
            frame = pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")
            frame.insert(0, "_row", range(2, len(frame) + 2))
        else:
            frame = _read_csv(path.read_bytes())
    except InputError:
        raise
    except Exception as error:  # any parser's own failure is the file's fault, not ours
        raise InputError(
            Problem(display, "", f"cannot be read as a {suffix or 'text'} table ({error})",
                    "check that the file is what its name says (export it again from the source)")
        ) from error
    frame.columns = ["_row"] + [normalise_header(c) for c in frame.columns[1:]]
    values = frame.drop(columns="_row")
    blank = values.isna().all(axis=1) | values.astype(str).apply(lambda c: c.str.strip()).eq("").all(axis=1)
    return frame[~blank].reset_index(drop=True)


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
