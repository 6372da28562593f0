"""Ingest: one reader per input format, each returning the canonical EventLog.

`READERS` is the one place event formats are registered. `read_data` takes the paths a report
names (or `--data` gives), places every file with the first reader that claims it (by its
content, not its name), reads each group, and joins the logs. A file no reader claims is an
input error that says so; nothing is skipped silently.

Inputs that are not events about children (population estimates, area aggregates, CIN
assessment factors) are `Tables`: recognised by their content before the event readers
look (`TABLE_READERS`), read into one typed field each, and handed to the pages beside the
log (`generator.pages.base.PageContext.tables`).
The legal department's proceedings list, the person list it is linked with and the clerical
decisions about links are not events: `read_inputs` recognises them by content before the
event readers look and returns them apart, as `Tables.legal` (`proceedings.LegalInputs`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, NamedTuple

from generator.errors import InputError, Problem
from generator.eventlog import EventLog
import pandas as pd

from generator.ingest import annex_a, area_aggregates, assessment_factors, cin_census, population, proceedings, ssda903, tidy
from generator.ingest.combine import authority_of, join_sources, joined_ids
from generator.ingest.sniff import binary_kind, csv_columns
from generator.ingest.tabular import CSV_SUFFIXES, TABLE_SUFFIXES, table_columns
from generator.quality import Finding
from generator.build_folder import MANIFEST, is_previous_build

#: Files in a data folder that are documentation, not data.
IGNORED_NAMES = ("readme", "licence", "license")
IGNORED_SUFFIXES = {".md", ".pdf", ".html", ".json", ".yaml", ".yml"}


@dataclass(frozen=True)
class Reader:
    """A format: `claims(path)` looks at a file's content; `read` reads the files it claimed.

    `read` returns the EventLog, or (EventLog, findings) when it repaired or dropped rows: the
    findings go to the data-quality page, so nothing is dropped uncounted; or (EventLog,
    findings, tables) when the format also carries inputs that are not events, by `Tables`
    field (a CIN census's assessment factors).
    """

    name: str
    claims: Callable[[Path, str], bool]
    read: Callable[[list[tuple[Path, str]]], EventLog | tuple]


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
class Tables:
    """The inputs that are not events: one field per kind, None when the data holds none.

    population : DataFrame or None
        ONS mid-year estimates, tidy (`generator.ingest.population.read_population`): ``la``,
        ``year``, ``age``, ``sex``, ``count`` (and ``ethnicity`` when given); every file
        found, concatenated.
    legal : generator.ingest.proceedings.LegalInputs or None
        The legal department's proceedings list, the person list it is linked with and the
        clerical decisions about links (`generator.ingest.proceedings.read_legal`). With
        several LAs (one subfolder each) the proceedings carry ``la`` and LA-prefixed ids.
    areas : DataFrame or None
        Area aggregates (`generator.ingest.area_aggregates`): ``measure``, ``area``,
        ``region``, ``period``, ``numerator``, ``denominator``.
    factors : DataFrame or None
        CIN assessment factors (`generator.ingest.assessment_factors`): ``child_id``,
        ``date``, ``factor``, one row per assessment and factor (ids LA-prefixed as the log's).
    """

    population: pd.DataFrame | None = None
    legal: object = None
    areas: pd.DataFrame | None = None
    factors: pd.DataFrame | None = None


def _header(path: Path, display: str) -> list[str]:
    # A CSV's first lines only (`table_columns` reads the whole file): every file of a folder
    # is looked at by each claim, and a county's event logs are large.
    return csv_columns(path) if path.suffix.lower() in CSV_SUFFIXES else table_columns(path, display)


def _claims_by_header(looks_like: Callable[[list[str]], bool]) -> Callable[[Path, str], bool]:
    """A table's claim: a table file whose header row ``looks_like`` the input's."""
    def claims(path: Path, display: str) -> bool:
        return path.suffix.lower() in TABLE_SUFFIXES and looks_like(_header(path, display))
    return claims


def _read_each(read: Callable[[Path, str], pd.DataFrame], files: list[tuple[Path, str]]) -> pd.DataFrame:
    """Each file read by ``read`` and the frames stacked (one file's frame as it is)."""
    frames = [read(path, display) for path, display in files]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


#: Non-event inputs, by the `Tables` field each fills: (claims, read). Looked at before the
#: event readers (a population table names no child, so no event reader would claim it; an
#: assessment-factors table names one, so it must be placed before the tidy reader sees it).
#: (`read_inputs` reads factors with `_factors_of_las`, which knows each file's LA.)
TABLE_READERS: dict[str, tuple[Callable[[Path, str], bool], Callable[[list[tuple[Path, str]]], pd.DataFrame]]] = {
    "population": (_claims_by_header(population.looks_like_population), partial(_read_each, population.read_population)),
    "areas": (_claims_by_header(area_aggregates.looks_like_area_aggregates),
              partial(_read_each, area_aggregates.read_area_aggregates)),
    "factors": (_claims_by_header(assessment_factors.looks_like_factors),
                partial(_read_each, assessment_factors.read_factors)),
}


class Sources(NamedTuple):
    """Everything read from a report's data: the log, its files, the readers' findings, and
    the inputs that are not events."""

    log: EventLog
    inputs: list["InputFile"]
    findings: list[Finding]
    tables: Tables


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


def read_sources(paths: list[Path]) -> tuple[EventLog, list[InputFile], list[Finding]]:
    """Read every data file under ``paths`` into one EventLog, with the readers' findings
    (`read_inputs` without the non-event tables)."""
    log, inputs, findings, _ = read_inputs(paths)
    return log, inputs, findings


def read_inputs(paths: list[Path]) -> Sources:
    """Read every data file under ``paths``: events into one EventLog, with the readers'
    findings, and the other inputs into `Tables`.

    Files are grouped by format and by LA (`combine.authority_of`), each group read by its
    reader, and the parts joined (`combine.join_sources`).

    Raises
    ------
    InputError
        For a missing path, a file no reader claims, or any reader's problems (all of them).
    """
    problems: list[Problem] = []
    groups: dict[tuple[str, str | None], list[tuple[Path, str]]] = {}
    table_files: dict[str, list[tuple[Path, str]]] = {}
    inputs: list[InputFile] = []
    legal_files: dict[str, list[tuple[Path, str]]] = {}
    authorities: dict[Path, str | None] = {}  # the LA subfolder of each non-event file
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
            table = _table_kind(file, display) if legal is None else None
            if legal is not None or table is not None:
                authorities[file] = authority_of(file, root)
                (legal_files if legal is not None else table_files).setdefault(legal or table, []).append((file, display))
                data = file.read_bytes()
                inputs.append(InputFile(name, hashlib.sha256(data).hexdigest(), len(data), legal or table))
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

    parts, findings, event_tables = _read_groups(groups, problems)
    legal = None
    try:
        legal, legal_findings = proceedings.read_legal(legal_files, authorities)
        findings += legal_findings
    except InputError as error:
        problems += error.problems
    tables = {}
    for field_name, files in table_files.items():
        try:
            if field_name == "factors":
                tables[field_name] = _factors_of_las(files, authorities)
            else:
                tables[field_name] = TABLE_READERS[field_name][1](files)
        except InputError as error:
            problems += error.problems
    if problems:
        raise InputError(problems)
    if not parts:
        raise InputError(Problem(", ".join(map(str, paths)), "", "holds no events, only "
                                 + " and ".join(sorted(table_files)) + " tables",
                                 "add the event data (a tidy event log, a 903 or a CIN census) beside them"))
    log, found = join_sources(parts)
    for field_name, carried in event_tables.items():
        frames = [frame.assign(child_id=joined_ids(frame["child_id"], part, parts)) for part, frame in carried]
        frames += [tables[field_name]] if field_name in tables else []
        # The same assessment may be in a census and in a factors table: counted once.
        tables[field_name] = (pd.concat(frames, ignore_index=True).drop_duplicates().reset_index(drop=True)
                              if len(frames) > 1 else frames[0])
    return Sources(log, inputs, findings + found, Tables(**tables, legal=legal))


def _read_groups(groups: dict[tuple[str, str | None], list[tuple[Path, str]]], problems: list[Problem]):
    """Each group of files read by its reader, in `READERS` order: the (format, LA, log)
    parts, the readers' findings, and the tables an event format carries by `Tables` field
    ((its part, frame) each). Readers' problems are added to ``problems``."""
    parts, findings = [], []
    event_tables: dict[str, list] = {}
    for reader in READERS:
        for (name, la), files in sorted(groups.items(), key=lambda item: str(item[0][1])):
            if name != reader.name:
                continue
            try:
                part = reader.read(files)
            except InputError as error:
                problems += error.problems
                continue
            log, found, carried = (*part, {})[:3] if isinstance(part, tuple) else (part, [], {})
            parts.append((name, la, log))
            findings += found
            for field_name, frame in carried.items():
                event_tables.setdefault(field_name, []).append((parts[-1], frame))
    return parts, findings, event_tables


def _factors_of_las(files: list[tuple[Path, str]], authorities: dict) -> pd.DataFrame:
    """Assessment factors, with LA-prefixed child ids when the data holds several LAs, as
    `combine.join_sources` prefixes the log's ("kent/123")."""
    las = {authorities.get(path) for path, _ in files}
    if len(las) < 2 or None in las:
        return _read_each(assessment_factors.read_factors, files)

    def read(path: Path, display: str) -> pd.DataFrame:
        part = assessment_factors.read_factors(path, display)
        return part.assign(child_id=(authorities[path] + "/" + part["child_id"]).astype("string"))
    return _read_each(read, files)


def _table_kind(file: Path, display: str) -> str | None:
    """The `Tables` field a file fills, if it is a non-event input; else None."""
    if binary_kind(file):
        return None
    for field_name, (claims, _) in TABLE_READERS.items():
        try:
            if claims(file, display):
                return field_name
        except InputError:
            return None  # unreadable as a table: the event readers will say why
    return None
