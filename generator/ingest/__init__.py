"""Ingest: one reader per input format, each returning the canonical EventLog.

`READERS` is the one place formats are registered. `read_data` takes the paths a report
names (or `--data` gives), places every file with the first reader that claims it (by its
content, not its name), reads each group, and joins the logs. A file no reader claims is an
input error that says so; nothing is skipped silently.

The legal department's proceedings list, the person list it is linked with and the clerical
decisions about links are not events: `read_inputs` recognises them by content before the
event readers look and returns them apart, as `proceedings.LegalInputs`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, NamedTuple

from generator.errors import InputError, Problem
from generator.eventlog import EventLog
from generator.ingest import annex_a, cin_census, proceedings, ssda903, tidy
from generator.ingest.combine import authority_of, join_sources
from generator.ingest.sniff import binary_kind
from generator.ingest.tabular import TABLE_SUFFIXES, table_columns
from generator.quality import Finding
from generator.build_folder import MANIFEST, is_previous_build

#: Files in a data folder that are documentation, not data.
IGNORED_NAMES = ("readme", "licence", "license")
IGNORED_SUFFIXES = {".md", ".pdf", ".html", ".json", ".yaml", ".yml"}


@dataclass(frozen=True)
class Reader:
    """A format: `claims(path)` looks at a file's content; `read` reads the files it claimed.

    `read` returns the EventLog, or (EventLog, findings) when it repaired or dropped rows: the
    findings go to the data-quality page, so nothing is dropped uncounted.
    """

    name: str
    claims: Callable[[Path, str], bool]
    read: Callable[[list[tuple[Path, str]]], EventLog | tuple[EventLog, list[Finding]]]


def _claims_tidy(path: Path, display: str) -> bool:
    if path.suffix.lower() not in TABLE_SUFFIXES:
        return False
    columns = table_columns(path, display)  # an unreadable table says why
    return tidy.is_events_table(columns) or tidy.is_children_table(columns)


#: In order: the first reader that claims a file reads it (a 903 header table would also pass
#: for a tidy children table, so the statutory returns come first).
READERS: list[Reader] = [
    Reader("ssda903", ssda903.claims, ssda903.read_903),
    Reader("cin_census", cin_census.claims, cin_census.read_cin),
    Reader("annex_a", annex_a.claims, annex_a.read_annex_a),
    Reader("events", _claims_tidy, tidy.read_tidy),
]


@dataclass(frozen=True)
class InputFile:
    """An input as the manifest records it: name relative to the data root, and its hash."""

    name: str
    sha256: str
    bytes: int
    format: str


def _data_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    # A build folder (`build --data .` writes build/ inside the data) is output, never input.
    builds = [m.parent for m in path.rglob(MANIFEST) if is_previous_build(m.parent)]
    files = []
    for candidate in sorted(p for p in path.rglob("*") if p.is_file()):
        relative = candidate.relative_to(path)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if any(candidate.is_relative_to(build) for build in builds):
            continue
        if candidate.suffix.lower() in IGNORED_SUFFIXES or candidate.stem.lower() in IGNORED_NAMES:
            continue
        files.append(candidate)
    return files


def _place(file: Path, display: str) -> tuple[Reader | None, list[Problem]]:
    """The first reader that claims the file; else the reasons readers could not read it."""
    why_not: list[Problem] = []
    kind = binary_kind(file)
    if kind:
        return None, [Problem(display, "", f"is {kind}, not a data file (whatever its name says)",
                              "export the data as CSV, Excel or the DfE XML return, or move this file out of the data folder")]
    for reader in READERS:
        try:
            if reader.claims(file, display):
                return reader, []
        except InputError as error:
            why_not += error.problems
    return None, why_not[:1]


def read_data(paths: list[Path]) -> tuple[EventLog, list[InputFile]]:
    """Read every data file under ``paths`` into one EventLog (see `read_sources`)."""
    log, inputs, _ = read_sources(paths)
    return log, inputs


class Sources(NamedTuple):
    """Everything read from a report's data: the log, its files, the readers' findings, and
    the legal tables (None when the data holds no proceedings list)."""

    log: EventLog
    inputs: list[InputFile]
    findings: list[Finding]
    legal: proceedings.LegalInputs | None = None


def read_sources(paths: list[Path]) -> tuple[EventLog, list[InputFile], list[Finding]]:
    """Read every data file under ``paths`` into one EventLog, with the readers' findings
    (`read_inputs` without the legal tables)."""
    log, inputs, findings, _ = read_inputs(paths)
    return log, inputs, findings


def read_inputs(paths: list[Path]) -> Sources:
    """Read every data file under ``paths`` into one EventLog, with the readers' findings,
    and the legal tables apart (`generator.ingest.proceedings`).

    Files are grouped by format and by LA (`combine.authority_of`), each group read by its
    reader, and the parts joined (`combine.join_sources`).

    Raises
    ------
    InputError
        For a missing path, a file no reader claims, or any reader's problems (all of them).
    """
    problems: list[Problem] = []
    groups: dict[tuple[str, str | None], list[tuple[Path, str]]] = {}
    inputs: list[InputFile] = []
    legal_files: dict[str, list[tuple[Path, str]]] = {}
    for root in paths:
        if not root.exists():
            problems.append(Problem(str(root), "", "does not exist", "check the path in report.yaml or --data"))
            continue
        files = _data_files(root)
        if not files and root.is_dir() and is_previous_build(root):
            problems.append(Problem(str(root), "", "is a carejourneys build folder, not data",
                                    "point --data or `sources:` at the exported data files"))
        elif not files:
            problems.append(Problem(str(root), "", "holds no data files", "put the exported files in this folder"))
        for file in files:
            display = str(file) if root.is_file() else str(root / file.relative_to(root))
            name = file.name if root.is_file() else file.relative_to(root).as_posix()
            legal = None if binary_kind(file) else proceedings.claims(file, display)
            if legal is not None:
                legal_files.setdefault(legal, []).append((file, display))
                data = file.read_bytes()
                inputs.append(InputFile(name, hashlib.sha256(data).hexdigest(), len(data), legal))
                continue
            reader, why_not = _place(file, display)
            if reader is None and why_not:
                problems += why_not
                continue
            if reader is None:
                problems.append(Problem(
                    display, "", "is not a format carejourneys can read",
                    "expected a tidy event log (CSV, Excel or Parquet with child_id, event, date columns) "
                    "or a children table; move other files out of the data folder"))
                continue
            groups.setdefault((reader.name, authority_of(file, root)), []).append((file, display))
            data = file.read_bytes()
            inputs.append(InputFile(name, hashlib.sha256(data).hexdigest(), len(data), reader.name))
    if problems:
        raise InputError(problems)

    parts, findings = [], []
    for reader in READERS:
        for (name, la), files in sorted(groups.items(), key=lambda item: str(item[0][1])):
            if name != reader.name:
                continue
            try:
                part = reader.read(files)
            except InputError as error:
                problems += error.problems
                continue
            log, found = part if isinstance(part, tuple) else (part, [])
            parts.append((name, la, log))
            findings += found
    legal = None
    try:
        legal, legal_findings = proceedings.read_legal(legal_files)
        findings += legal_findings
    except InputError as error:
        problems += error.problems
    if problems:
        raise InputError(problems)
    log, found = join_sources(parts)
    return Sources(log, inputs, findings + found, legal)
