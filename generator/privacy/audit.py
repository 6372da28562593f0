"""The output audit: the last look at every file before a public build is written.

The privacy stage makes leaks impossible by construction; the audit checks that it did. It
reads the site as it is about to be written (the in-memory ``{path: bytes}`` of
`generator.site.assemble`, before `write_site`, so a failed audit leaves the previous build
untouched) and reports, with file and place:

1. **identifiers** from the input: child ids, record ids, UPNs (the EventLog and the children
   table's extra columns such as ``upn``), anywhere in HTML, JS, JSON, CSV and SVG;
2. **dates of birth** at day precision (an extra column such as ``dob``), written as dates;
3. **postcodes** (extra columns such as ``postcode``, ``home_post``, ``pl_post``), whole;
4. **counts from 1 to 5** in tables (HTML tables, the data inside charts) and downloads
   (CSV, metrics.json), public builds only;
5. **real journeys in the map data**: a dot whose path on the map is an identifying real
   child's (`generator.privacy.fingerprints`), public builds only;
6. **names** from the court proceedings list and the person list (`legal_secrets`): a
   forename next to a surname, in either order, anywhere in the text (one word alone is not
   looked for: Green, Hall and Rose are words too); case numbers as identifiers; and the
   list's dates of birth.

Text is tokenised and compared with sets (no regular expression built from the ids).

Short and numeric ids. A real id such as ``12345`` is also an ordinary number: a count, a
year, a day. Matching it wherever a number appears would fail every build, so ids are
checked by how distinctive they are. An id with letters and digits and at least
`DISTINCTIVE_LENGTH` characters (``D000123``, a UPN) is looked for as a token anywhere. Every
other id (all digits, or short) is looked for only where an id would be written as one: a
whole JSON or HTML attribute string of at least `DISTINCTIVE_LENGTH` characters (counts are
JSON numbers; ids are strings; shorter strings are too often years, codes or labels), or a
whole CSV cell or HTML table cell under a column named like an id (``child_id``,
``record``, ``upn``...). So ``12345`` in
"12,345 referrals", in a chart's data or in a count column is never taken for a child, and a
numeric id written into prose outside any table or JSON string is not caught either: the
privacy stage, not the audit, is what keeps ids out of prose.

Allowed dates. Many real children are born on any given day, so a date in the output only
counts as a date of birth leak when it is none of: the report's own dates (period,
annotations), the first or last day of a month (months are published; birth months are
month precision anyway), or a day of a weekly series (a CSV column named ``week...``).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import numpy as np
import pandas as pd

from generator.errors import Problem
from generator.pathway.codec import FormatError, decode_frames
from generator.privacy.suppression import SMALLEST_SHOWN, is_count_name

DISTINCTIVE_LENGTH = 5
TEXT_FILES = (".html", ".js", ".json", ".csv", ".svg")
#: Folders written verbatim from the package (styles, scripts, the Vega bundle): no data.
STATIC_PREFIXES = ("assets/",)
ID_COLUMN = re.compile(r"(^|[_\s])(id|ids|child|children_ids|record|upn|la_child_id|person)($|[_\s])|child_?id|record_?id",
                       re.IGNORECASE)
DOB_COLUMNS = re.compile(r"^(dob|date_of_birth|birth_date|personbirthdate|child_dob|mc_dob)$", re.IGNORECASE)
POSTCODE_COLUMNS = re.compile(r"post", re.IGNORECASE)
UPN_COLUMNS = re.compile(r"^(upn|former_upn|unique_pupil_number)$", re.IGNORECASE)

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-_/.][A-Za-z0-9]+)*")
_JSON_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_UK_DATE = re.compile(r"(?<!\d)(\d{2})/(\d{2})/(\d{4})(?!\d)")
_LONG_DATE = re.compile(r"(?<!\d)(\d{1,2}) (January|February|March|April|May|June|July|August|September|October|"
                        r"November|December) (\d{4})(?!\d)")
_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b", re.IGNORECASE)
_MONTHS = {m: i + 1 for i, m in enumerate(["January", "February", "March", "April", "May", "June", "July", "August",
                                           "September", "October", "November", "December"])}


@dataclass
class Secrets:
    """What must not appear in a public site, read from the input."""

    ids: set[str] = field(default_factory=set)  # distinctive: looked for anywhere
    weak_ids: set[str] = field(default_factory=set)  # numeric or short: only as whole id values
    dobs: set[str] = field(default_factory=set)  # ISO yyyy-mm-dd
    postcodes: set[str] = field(default_factory=set)  # upper case, no space
    allowed_dates: set[str] = field(default_factory=set)
    journeys: dict = field(default_factory=dict)  # station ids tuple -> RealJourneys
    names: set[tuple[str, str]] = field(default_factory=set)  # (word, next word), lower case: full names


def normal_postcode(text: str) -> str:
    return re.sub(r"\s+", "", str(text)).upper()


def is_distinctive(value: str) -> bool:
    """Whether an id is distinctive enough to look for in the output: long, with letters and digits."""
    return (len(value) >= DISTINCTIVE_LENGTH and any(c.isalpha() for c in value)
            and any(c.isdigit() for c in value))


def _add_ids(secrets: Secrets, values) -> None:
    for value in values:
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            continue
        text = str(value).strip()
        if not text:
            continue
        (secrets.ids if is_distinctive(text) else secrets.weak_ids).add(text)


def secrets_of(*logs, report_dates=(), journeys: dict | None = None) -> Secrets:
    """The identifiers, dates of birth and postcodes of the logs' children (raw and
    pseudonymised logs may both be given), the report's own dates, and the real journeys."""
    secrets = Secrets(allowed_dates={f"{pd.Timestamp(d):%Y-%m-%d}" for d in report_dates},
                      journeys=dict(journeys or {}))
    for log in logs:
        _add_ids(secrets, log.children["child_id"].unique())
        _add_ids(secrets, log.events["child_id"].unique())
        if "record_id" in log.events:
            _add_ids(secrets, log.events["record_id"].dropna().unique())
        for column in log.children.columns:
            name = str(column)
            values = log.children[column].dropna()
            if UPN_COLUMNS.match(name):
                _add_ids(secrets, values.unique())
            elif DOB_COLUMNS.match(name):
                if pd.api.types.is_datetime64_any_dtype(values):
                    dates = values
                else:
                    dates = pd.to_datetime(values.astype(str), errors="coerce", format="mixed", dayfirst=True)
                secrets.dobs.update(f"{d:%Y-%m-%d}" for d in pd.DatetimeIndex(dates.dropna()).unique())
            elif POSTCODE_COLUMNS.search(name):
                for value in values.astype(str).unique():
                    if _POSTCODE.fullmatch(value.strip()):
                        secrets.postcodes.add(normal_postcode(value))
    return secrets


_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def _words(value) -> list[str]:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return []
    return [w.lower() for w in _WORD.findall(str(value))]


def legal_secrets(secrets: Secrets, legal) -> Secrets:
    """``secrets`` with the names, case numbers and dates of birth of the legal tables
    (`generator.ingest.proceedings.LegalInputs`; None adds nothing). A name is looked for as
    forename and surname side by side, in either order."""
    if legal is None:
        return secrets
    tables = [legal.proceedings] + ([legal.persons] if getattr(legal, "persons", None) is not None else [])
    for table in tables:
        for surname, forenames in zip(table["surname"], table["forenames"]):
            last, first = _words(surname), _words(forenames)
            if last and first:
                secrets.names.add((first[0], last[0]))
                secrets.names.add((last[-1], first[0]))
    _add_ids(secrets, legal.proceedings["case_number"].dropna().unique())
    births = pd.DatetimeIndex(legal.proceedings["birth_date"].dropna().unique())
    secrets.dobs.update(f"{d:%Y-%m-%d}" for d in births)
    return secrets


def _scan_names(path: str, text: str, secrets: Secrets, hits: list[Hit]) -> None:
    if not secrets.names:
        return
    words = [(m.group(0).lower(), m.start()) for m in _WORD.finditer(text)]
    for (word, index), (after, _) in zip(words, words[1:]):
        if (word, after) in secrets.names:
            hits.append(Hit(path, f"line {_line_of(text, index)}", f"contains the name {word.title()} {after.title()} "
                                                                     "from the court proceedings or person list", "name"))


FIXES = {
    "name": "children's names must never be published: the clerical review list is for internal reports only",
    "id": "ids must not leave in a public report: find the page, label or table that writes it",
    "dob": "dates of birth must not be published: show an age band or a birth year instead",
    "postcode": "postcodes must not be published: show the area (district or ward) instead",
    "count": "declare the column as a count (Chart.counts) or pass the table through ctx.privacy.table, "
             "so that it is shown as c",
    "journey": "public maps must animate ctx.twins, never ctx.log",
    "map": "give the page kind an animated_journeys() (see generator/build.py) so the build can check its map",
}


@dataclass
class Hit:
    file: str
    where: str
    what: str
    kind: str = "id"

    def problem(self) -> Problem:
        return Problem(self.file, self.where, self.what, FIXES[self.kind] + " (nothing was written)")


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _scan_ids(path: str, text: str, secrets: Secrets, hits: list[Hit]) -> None:
    if secrets.ids:
        seen = set()
        for match in _TOKEN.finditer(text):
            token = match.group(0)
            parts = {token, *re.split(r"[-_/.]", token)}
            found = parts & secrets.ids
            for value in sorted(found - seen):
                seen.add(value)
                hits.append(Hit(path, f"line {_line_of(text, match.start())}", f"contains the identifier {value!r} from the input"))
    if secrets.weak_ids and (path.endswith(".json") or path.endswith(".js") or path.endswith(".html")):
        for match in _JSON_STRING.finditer(text):
            value = match.group(1)
            if value in secrets.weak_ids and len(value) >= DISTINCTIVE_LENGTH:
                hits.append(Hit(path, f"line {_line_of(text, match.start())}", f"contains the identifier {value!r} as a text value"))


_WORDS = re.compile(r'(?:aria-label|alt|title)="([^"]*)"|"(?:description|title)":\s*"((?:[^"\\]|\\.)*)"')


def _scan_words(path: str, text: str, secrets: Secrets, hits: list[Hit]) -> None:
    """Titles, descriptions, alt and aria text: a numeric or short id written as a word of a
    sentence ("child 204518 waited...") is caught here, where no count is written bare
    (counts in words have thousands separators)."""
    if not secrets.weak_ids:
        return
    for match in _WORDS.finditer(text):
        words = match.group(1) if match.group(1) is not None else match.group(2)
        for token in _TOKEN.findall(words):
            if len(token) >= DISTINCTIVE_LENGTH and token in secrets.weak_ids:
                hits.append(Hit(path, f"line {_line_of(text, match.start())}", f"has the identifier {token!r} in its words"))


def _scan_dates(path: str, text: str, secrets: Secrets, allowed: set[str], hits: list[Hit]) -> None:
    if not secrets.dobs:
        return
    found: dict[str, int] = {}
    for match in _ISO_DATE.finditer(text):
        found.setdefault(match.group(0), match.start())
    for match in _UK_DATE.finditer(text):
        found.setdefault(f"{match.group(3)}-{match.group(2)}-{match.group(1)}", match.start())
    for match in _LONG_DATE.finditer(text):
        found.setdefault(f"{match.group(3)}-{_MONTHS[match.group(2)]:02d}-{int(match.group(1)):02d}", match.start())
    for date, index in sorted(found.items()):
        if date in secrets.dobs and date not in allowed and not _month_edge(date):
            hits.append(Hit(path, f"line {_line_of(text, index)}", f"contains {date}, a child's date of birth", "dob"))


def _month_edge(date: str) -> bool:
    try:
        day = pd.Timestamp(date)
    except ValueError:
        return False
    return day.day == 1 or day.is_month_end


def _scan_postcodes(path: str, text: str, secrets: Secrets, hits: list[Hit]) -> None:
    if not secrets.postcodes:
        return
    for match in _POSTCODE.finditer(text):
        code = normal_postcode(match.group(1) + match.group(2))
        if code in secrets.postcodes:
            hits.append(Hit(path, f"line {_line_of(text, match.start())}", f"contains the postcode {match.group(0)!r}", "postcode"))


def _small_count(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, np.integer)):
        return 0 < int(value) < SMALLEST_SHOWN
    if isinstance(value, str) and value.strip().isdigit():
        return 0 < int(value.strip()) < SMALLEST_SHOWN
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return 0 < float(value) < SMALLEST_SHOWN
    return False


def _scan_csv(path: str, text: str, counts: set[str], secrets: Secrets, public: bool, hits: list[Hit]) -> None:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return
    header = rows[0]
    id_columns = [i for i, name in enumerate(header) if ID_COLUMN.search(name)]
    count_columns = [i for i, name in enumerate(header) if name in counts or is_count_name(name)]
    for r, row in enumerate(rows[1:], start=2):
        for i in id_columns:
            if i < len(row) and row[i].strip() in secrets.weak_ids:
                hits.append(Hit(path, f"row {r}, column {header[i]!r}", f"contains the identifier {row[i].strip()!r}"))
        if public:
            for i in count_columns:
                if i < len(row) and _small_count(row[i]):
                    hits.append(Hit(path, f"row {r}, column {header[i]!r}", f"shows a count of {row[i]} (1 to 5 must be 'c')", "count"))


class _Tables(HTMLParser):
    """Every <table>'s header cells and body rows, and every JSON script's text.

    The header is the <thead>'s cells, or the first row when it is all <th> and there is no
    <thead>; every other row's cells (<th> row labels included) are the body.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[list[str], list[list[str]], int]] = []
        self.scripts: list[tuple[str, int]] = []
        self._rows: list[tuple[bool, list[tuple[str, str]]]] | None = None
        self._line = 0
        self._head = False
        self._row: list[tuple[str, str]] | None = None
        self._cell: list[str] | None = None
        self._in_script = False
        self._script: list[str] = []
        self._script_line = 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._line = [], self.getpos()[0]
        elif self._rows is not None and tag == "thead":
            self._head = True
        elif self._rows is not None and tag == "tr":
            self._row = []
        elif self._rows is not None and tag in ("th", "td"):
            self._cell = []
        elif tag == "script" and dict(attrs).get("type") == "application/json":
            self._in_script, self._script = True, []
            self._script_line = self.getpos()[0]

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None and self._row is not None:
            self._row.append((tag, " ".join("".join(self._cell).split())))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._rows is not None:
            self._rows.append((self._head, self._row))
            self._row = None
        elif tag == "thead":
            self._head = False
        elif tag == "table" and self._rows is not None:
            rows = self._rows
            head = [cells for in_head, cells in rows if in_head]
            body = [cells for in_head, cells in rows if not in_head]
            if not head and body and all(t == "th" for t, _ in body[0]):
                head, body = [body[0]], body[1:]
            header = [text for _, text in head[-1]] if head else []
            self.tables.append((header, [[text for _, text in cells] for cells in body], self._line))
            self._rows = None
        elif tag == "script" and self._in_script:
            self.scripts.append(("".join(self._script), self._script_line))
            self._in_script = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._in_script:
            self._script.append(data)


def _scan_html_tables(path: str, text: str, secrets: Secrets, public: bool, hits: list[Hit]) -> None:
    parser = _Tables()
    parser.feed(text)
    for header, rows, line in parser.tables:
        names = [h.lower().replace(" ", "_") for h in header]
        id_columns = [i for i, name in enumerate(names) if ID_COLUMN.search(name)]
        count_columns = [i for i, name in enumerate(names) if is_count_name(name)]
        for r, row in enumerate(rows, start=1):
            for i in id_columns:
                for value in re.split(r"[,;]\s*", row[i]) if i < len(row) else []:
                    if value.strip() in secrets.weak_ids:
                        hits.append(Hit(path, f"table at line {line}, row {r}", f"contains the identifier {value.strip()!r}"))
            if public:
                for i in count_columns:
                    if i < len(row) and _small_count(row[i].replace(",", "")):
                        hits.append(Hit(path, f"table at line {line}, row {r}, column {header[i]!r}",
                                        f"shows a count of {row[i]} (1 to 5 must be 'c')", "count"))
    if public:
        from generator.privacy.charts import inline_datasets

        for script, line in parser.scripts:
            try:
                spec = json.loads(script)
            except ValueError:
                continue
            for records in inline_datasets(spec):
                for record in records:
                    if not isinstance(record, dict):
                        continue
                    for key, value in record.items():
                        if is_count_name(key) and _small_count(value) and not isinstance(value, str):
                            hits.append(Hit(path, f"chart data at line {line}, field {key!r}",
                                            f"draws a count of {value} (1 to 5 must not be drawn)", "count"))


def _scan_metrics(path: str, text: str, hits: list[Hit]) -> None:
    try:
        metrics = json.loads(text)
    except ValueError:
        return
    for key, value in sorted(metrics.items()):
        if not key.endswith("_pct") and isinstance(value, int) and _small_count(value):
            hits.append(Hit(path, f"key {key!r}", f"shows a count of {value} (1 to 5 must be 'c')", "count"))


def _payloads(text: str):
    for line in text.splitlines():
        if line.startswith("window.carejourneysData[") and " = " in line:
            body = line.split(" = ", 1)[1].rstrip().rstrip(";")
            try:
                value = json.loads(body)
            except ValueError:
                continue
            frames = value.get("frames") if isinstance(value, dict) else None
            if isinstance(frames, list):
                yield from frames
            elif isinstance(value, dict) and "visits" in value:
                yield value


def _scan_map_data(path: str, text: str, secrets: Secrets, hits: list[Hit]) -> None:
    from generator.privacy.fingerprints import fingerprints

    for n, payload in enumerate(_payloads(text)):
        if not isinstance(payload, dict) or "visits" not in payload:
            continue
        try:
            frames = decode_frames(payload)
        except FormatError as error:
            hits.append(Hit(path, f"frames {n}", f"cannot be read: {error}", "map"))
            continue
        dot, station, day, first_day, last_day = frames.dot, frames.station, frames.day, frames.first_day, frames.last_day
        real = secrets.journeys.get(tuple(frames.stations))
        if real is None:
            hits.append(Hit(path, f"frames {n}", "holds a map whose real journeys the audit was not given: it cannot "
                                                  "tell twins from real children", "map"))
            continue
        rare = real.identifying(first_day, last_day)
        keys = fingerprints(dot, station, day, first_day, last_day, int(dot.max()) + 1 if len(dot) else 0)
        found = sum(1 for k in keys if k in rare)
        if found:
            hits.append(Hit(path, f"frames {n}", f"animates {found} dot(s) whose journey is a real child's "
                                                 "(shared by fewer than 6 children): public maps show synthetic twins only",
                            "journey"))


def audit_site(files: dict[str, bytes], secrets: Secrets, *, public: bool = True) -> list[Problem]:
    """Every disclosure found in ``files`` (see the module docstring), as problems."""
    hits: list[Hit] = []
    manifest = {}
    if "manifest.json" in files:
        try:
            manifest = json.loads(files["manifest.json"])
        except ValueError:
            manifest = {}
    counts_of = {chart.get("csv"): set(chart.get("counts") or []) for chart in manifest.get("charts", [])}
    allowed = set(secrets.allowed_dates)
    for path, data in files.items():
        if path.endswith(".csv"):
            header = data.split(b"\n", 1)[0].decode("utf-8", "replace").split(",")
            for i, name in enumerate(header):
                if name.lower().startswith("week"):
                    for row in csv.reader(io.StringIO(data.decode("utf-8", "replace"))):
                        if len(row) > i:
                            allowed.add(row[i])
    for path in sorted(files):
        if not path.endswith(TEXT_FILES) or path.startswith(STATIC_PREFIXES):
            continue
        text = files[path].decode("utf-8", "replace")
        _scan_ids(path, text, secrets, hits)
        if path.endswith((".html", ".json", ".js", ".svg")):
            _scan_words(path, text, secrets, hits)
        _scan_dates(path, text, secrets, allowed, hits)
        _scan_postcodes(path, text, secrets, hits)
        _scan_names(path, text, secrets, hits)
        if path.endswith(".csv"):
            _scan_csv(path, text, counts_of.get(path, set()), secrets, public, hits)
        elif path.endswith(".html"):
            _scan_html_tables(path, text, secrets, public, hits)
        elif path == "metrics.json" and public:
            _scan_metrics(path, text, hits)
        if public and path.startswith("data/") and path.endswith(".js"):
            _scan_map_data(path, text, secrets, hits)
    return [hit.problem() for hit in hits]


__all__ = ["Secrets", "secrets_of", "legal_secrets", "audit_site", "is_distinctive"]
