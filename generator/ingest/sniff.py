"""A look at a file's first lines or sheet names, cheaply, to say which format it is.

Detection reads content, never names (DESIGN.md): a 903 episodes table by its header row, an
Annex A workbook by its sheet names, a return by its XML root. These helpers read only the
head of a file, so placing a folder of large returns costs milliseconds, and they never raise:
a file they cannot look into is simply not claimed, and the caller says so.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from generator.ingest.tabular import CSV_SUFFIXES, decode_text, normalise_header

HEAD_BYTES = 65536
HEAD_ROWS = 12


def csv_head(path: Path) -> list[list[str]]:
    """The first rows of a CSV/TSV file as normalised cells ([] if it is not text)."""
    if path.suffix.lower() not in CSV_SUFFIXES:
        return []
    try:
        with path.open("rb") as handle:
            data = handle.read(HEAD_BYTES)
    except OSError:
        return []
    if b"\x00" in data:
        return []
    text = decode_text(data)
    lines = text.splitlines()[:HEAD_ROWS]
    if not lines:
        return []
    separator = max([",", ";", "\t"], key=lambda s: max(line.count(s) for line in lines))
    try:
        rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=separator))
    except csv.Error:
        return []
    return [[normalise_header(cell) for cell in row] for row in rows]


def csv_columns(path: Path) -> list[str]:
    """The normalised header row of a CSV file: the first row that is not blank."""
    for row in csv_head(path):
        if any(cell for cell in row):
            return row
    return []


def is_xlsx(path: Path) -> bool:
    """An Office Open XML workbook (a zip with xl/workbook.xml), whatever its name says."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def is_xls(path: Path) -> bool:
    """A legacy Excel 97-2003 workbook (an OLE2 compound file)."""
    try:
        with path.open("rb") as handle:
            return handle.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    except OSError:
        return False


#: Magic numbers of files that land in data folders by mistake.
_MAGIC = {b"%PDF": "a PDF document", b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
          b"PK\x03\x04": None, b"\x1f\x8b": "a gzip archive", b"Rar!": "a RAR archive", b"7z\xbc\xaf": "a 7-Zip archive"}


def binary_kind(path: Path) -> str | None:
    """'a PDF document' for a file that is plainly not data (by its first bytes), else None.

    A zip is data only when it is an Excel workbook; a Word document or a plain zip is not.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError:
        return None
    if not head:
        return "empty (0 bytes)"
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            if magic == b"PK\x03\x04":
                return None if is_xlsx(path) else "a zip archive (or a Word or PowerPoint file)"
            return kind
    return None
