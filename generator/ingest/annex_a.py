"""Ofsted Annex A: the inspection workbook, one sheet per list (or one CSV per list).

Lists are found by sheet name ("List 1", "List 3 - Referrals", "list_8"); in a CSV, by its
columns. The header is the first row within the top 15 that names the child (the official
template has a title row above it). Column names are matched tolerantly: case, spacing,
punctuation and curly apostrophes do not matter, and the known wordings of each column
across template versions are accepted. Values lose their prefixes: "a) Male" -> "Male",
"a) 1A: Individual" -> "1A". Annex A is our only source of contacts and early help.

Lists 1-11 of the templates Ofsted has published since 2019 are each read or knowingly
skipped, with a note on the data-quality page; sheets that are no list (the template's title,
guidance and contents sheets) are listed in a note and not read.

List -> events: 1 contact (code Contact Source); 2 early_help_assessment_start/completion;
3 referral (code Referral Source), referral_nfa when "Referral NFA?" is yes; 4
assessment_start, assessment_authorised (code in_need / nfa from "Was the child assessed as
requiring LA children's social care support?"); 5 strategy_discussion and s47 on the strategy
discussion date that initiated the enquiry, icpc (code cpp / no_plan); 6 children in need:
cin_start (code Primary Need Code)/cin_end (code Reason for Closure) in the 2019 template,
cin_plan_start/end where the list has CIN plan dates, statutory_visit (code cin) on "Date
Child Was Last Seen"; 7 cpp_start (code Initial Category of Abuse)/cpp_end, statutory_visit
(code cp) on the last statutory visit, cpp_review on the latest review conference; 8
lac_start (code Legal Status)/lac_end (code Reason Ceased), legal_status on the start of the
current legal status, placement (code Placement Type) on the start of the latest placement,
lac_review on the latest statutory review, statutory_visit (code cla) on the last social work
visit, and the return-interview questions (yes/no, undated) as the child's attributes
return_interview_offered and return_interview_accepted; 9 care leavers: pathway_plan_review
and needs_assessment where the list has those dates, and the undated columns (eligibility,
in touch, accommodation, activity) as attributes care_leaver_*. Skipped with a note: 10
(adoption: its steps are not journey events here) and 11 (adopters: rows about adults, with
"Individual adopter identifier" in place of the child's id). The lists carry only the latest
visit or review of each child, so those events are a last date, not a history.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from generator.errors import InputError, Problem, brief
from generator.eventlog import EventLog
from generator.ingest.findings import finding, keep, lenient_dates
from generator.ingest.sniff import csv_head, is_xls, is_xlsx
from generator.ingest.tabular import CSV_SUFFIXES, check_rows, check_workbook, decode_text
from generator.ingest.tidy import SEX_CODES
from generator.quality import Finding

HEADER_SCAN_ROWS = 15
CHILD_ID = r"^(child(unique)?(id|identifier)|childuniqueid.*|uniquechildid|childid)$"
YES = {"yes", "y", "1", "true"}
NO = {"no", "n", "0", "false"}

#: Each list's columns: field -> regexes on the column key (letters and digits only).
LISTS: dict[int, dict[str, tuple[str, ...]]] = {
    1: {"date": (r"^(dateof)?contact(date)?$", r"^dateofcontact"), "code": (r"^(contact)?source(ofcontact)?$", r"^contactsource")},
    2: {"date": (r"(earlyhelp)?assessmentstart(ed)?(date)?$", r"^date(earlyhelp)?assessmentstarted", r"earlyhelpstartdate"),
        "end": (r"(earlyhelp)?assessmentcompleti?on(date)?$", r"^date(earlyhelp)?assessmentcompleted", r"earlyhelpenddate")},
    3: {"date": (r"^(dateof)?referral(date)?$",), "code": (r"^(referral)?source(ofreferral)?$",),
        "nfa": (r"^(was(the)?)?referralnfa", r"nfa$")},
    4: {"date": (r"^(continuous)?assessmentstartdate$", r"^dateof(continuous)?assessmentstart"),
        "end": (r"dateofauthorisation$", r"authorisationdate$", r"^(assessment)?completiondate$", r"^dateassessmentcompleted"),
        "outcome": (r"^wasthechildassessedasrequiring", r"^(assessment)?outcome$")},
    5: {"date": (r"^strategydiscussion.*(section47|s47).*startdate$", r"^(section47|s47)(enquiry)?startdate$"),
        "icpc": (r"^dateof(the)?initialchildprotectionconference$", r"^(icpc|initialcpc)date$", r"^dateoficpc$"),
        "plan": (r"^did(the)?(icpc|initialchildprotectionconference)resultin",)},
    6: {"date": (r"^(cin|childinneed)planstartdate$", r"^dateof(cin|childinneed)planstart"),
        "end": (r"^(cin|childinneed)planenddate$", r"^dateof(cin|childinneed)planend"),
        "cin_start": (r"^(cin|childinneed)startdate$", r"^dateof(cin|childinneed)start"),
        "cin_end": (r"^(cin|childinneed)closuredate$", r"^(cin|childinneed)enddate$"),
        "need": (r"^primaryneed",), "reason": (r"^reasonforclosure$",),
        "seen": (r"^datechildwaslastseen$", r"^dateoflast(statutory)?visit", r"lastseen$")},
    7: {"date": (r"^(childprotection|cp|cpp)planstartdate$",), "code": (r"^initialcategoryofabuse$", r"^categoryofabuse$"),
        "end": (r"^(childprotection|cp|cpp)planenddate$",),
        "visit": (r"^dateof(the)?laststatutoryvisit$", r"^dateof(the)?lastvisit"),
        "review": (r"^dateof(the)?latest(cp|childprotection)?reviewconference$", r"^dateof(the)?lastreviewconference$")},
    8: {"date": (r"startedtobelookedafter", r"^(cla|lac|lookedafter)startdate$"), "code": (r"^(childs)?legalstatus$",),
        "end": (r"ceasedtobelookedafter$", r"^dateceased", r"^(cla|lac)enddate$"), "reason": (r"^reasonceased", r"^reasonepisodeceased"),
        "legal_date": (r"^startdateof(the)?currentlegalstatus$",),
        "placement_date": (r"^startdateof(the)?(most)?recentplacement$", r"^dateof(the)?(latest|current)placement"),
        "placement": (r"^placementtype$",),
        "review": (r"^dateof(the)?lateststatutoryreview$", r"^dateof(the)?latest(lac|cla)?review$"),
        "visit": (r"^dateof(the)?lastsocialworkvisit$", r"^dateof(the)?laststatutoryvisit$"),
        "ri_offered": (r"^wasthechildofferedareturninterview",), "ri_accepted": (r"^didthechildacceptareturninterview",)},
    9: {"pathway": (r"pathwayplan.*(review|date)", r"^dateof(the)?(latest)?pathwayplan"),
        "needs": (r"needsassessment.*date$", r"^dateof(the)?(latest)?needsassessment"),
        "eligibility": (r"^eligibilitycategory$",), "in_touch": (r"^laintouch$", r"^intouch$"),
        "accommodation": (r"^typeofaccommodation$",), "activity": (r"^activitystatus$",)},
}
LIST_NAMES = {1: "contacts", 2: "early help", 3: "referrals", 4: "assessments", 5: "section 47 enquiries",
              6: "children in need", 7: "child protection", 8: "children looked after", 9: "care leavers",
              10: "adoption", 11: "adopters"}
#: Lists whose events we read and the columns that must be there (any one of each tuple).
REQUIRED: dict[int, tuple[tuple[str, ...], ...]] = {n: (("date",),) for n in range(1, 9)}
REQUIRED[6] = (("date", "cin_start"),)
REQUIRED[9] = ()
#: Lists knowingly not read, and why (a note on the data-quality page).
SKIPPED = {10: "the adoption steps (decision, placement order, match, placement, adoption order) are not journey events here",
           11: "rows about adopters, not children (the list starts 'Individual adopter identifier')"}
ADOPTER_ID = r"^individualadopteridentifier"
#: What makes a CSV one of lists 9-11 (their rows carry no event date we look for first).
CSV_SIGNS = {10: r"^dateofdecisionthatchildshouldbeplacedforadoption", 9: r"^(eligibilitycategory|laintouch)$"}


def key(name: object) -> str:
    """A column name folded for tolerant matching: lower case, curly quotes straightened, only letters and digits."""
    text = str(name).replace("\u2019", "'").replace("\u2018", "'").lower()
    return re.sub(r"[^a-z0-9]", "", text)


def list_number(sheet: str) -> int | None:
    """The Annex A list (1-11) a sheet holds, from a name starting 'List 3' or 'list_3', else None."""
    match = re.match(r"^\s*list\s*[_-]?\s*(\d+)", sheet, re.IGNORECASE)
    return int(match.group(1)) if match and 1 <= int(match.group(1)) <= 11 else None


def _find(columns: list[str], patterns: tuple[str, ...]) -> str | None:
    for pattern in patterns:
        for column in columns:
            if column and re.search(pattern, column):
                return column
    return None


def csv_list(columns: list[str]) -> int | None:
    """Which list a CSV's header row is, by its columns (None if it is not an Annex A list)."""
    keys = [key(c) for c in columns]
    if any(re.match(ADOPTER_ID, k) for k in keys):
        return 11
    if not any(re.match(CHILD_ID, k) for k in keys):
        return None
    for number in (10, 9):
        if _find(keys, (CSV_SIGNS[number],)):
            return number
    for number in (5, 4, 8, 7, 6, 2, 3, 1):
        if _find(keys, LISTS[number]["date"]) and (number != 1 or _find(keys, LISTS[1]["code"]) or "dateofcontact" in keys):
            return number
    if _find(keys, LISTS[6]["cin_start"]):
        return 6
    return None


def _header_index(rows: list[list[str]], pattern: str = CHILD_ID) -> int | None:
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if any(re.match(pattern, key(cell)) for cell in row if cell is not None):
            return index
    return None


def claims(path: Path, display: str) -> bool:
    """Whether ``path`` is an Annex A workbook (by its sheet names) or one list as CSV."""
    if is_xlsx(path) or is_xls(path):
        check_workbook(path, display)  # too large: refused by name, never opened
        try:
            return any(list_number(name) for name in _sheet_names(path))
        except Exception:  # an unreadable workbook is not ours; the caller says no reader could read it
            return False
    if path.suffix.lower() in CSV_SUFFIXES:
        head = csv_head(path)
        index = _header_index(head)
        if index is None:
            index = _header_index(head, ADOPTER_ID)
        return index is not None and csv_list(head[index]) is not None
    return False


def _sheet_names(path: Path) -> list[str]:
    if is_xlsx(path):
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
        try:
            return list(workbook.sheetnames)
        finally:
            workbook.close()
    import xlrd

    return xlrd.open_workbook(str(path), on_demand=True).sheet_names()


def _sheets(path: Path, display: str) -> dict[str, list[tuple] | None]:
    """Every list sheet's rows as tuples of cell values; sheets that are no list map to None."""
    try:
        if is_xlsx(path):
            from openpyxl import load_workbook

            check_workbook(path, display)
            workbook = load_workbook(path, read_only=True, data_only=True)
            try:
                return {ws.title: (_rows(ws, display) if list_number(ws.title) else None) for ws in workbook.worksheets}
            finally:
                workbook.close()
        check_workbook(path, display)
        frames = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="xlrd")
        for name, frame in frames.items():
            check_rows(len(frame), display, f"sheet '{name}'")
        return {name: ([tuple(r) for r in frame.itertuples(index=False)] if list_number(name) else None)
                for name, frame in frames.items()}
    except InputError:
        raise
    except Exception as error:  # a damaged workbook is the file's fault
        raise InputError(Problem(display, "", f"cannot be read as an Excel workbook ({type(error).__name__}: {brief(error, 100, quote=False)})",
                                 "open it in Excel, save it again as .xlsx, and rerun")) from error


def _rows(sheet, display: str) -> list[tuple]:
    """A sheet's rows, refused as soon as there are more than the limit (its stated size may lie)."""
    rows = []
    for row in sheet.iter_rows(values_only=True):
        rows.append(row)
        if len(rows) % 65536 == 0:
            check_rows(len(rows), display, f"sheet '{sheet.title}'")
    check_rows(len(rows), display, f"sheet '{sheet.title}'")
    return rows


def _frame(rows: list[tuple], display: str, sheet: str, pattern: str = CHILD_ID) -> pd.DataFrame:
    """A sheet's rows below its header row as a frame keyed by column key, with _row."""
    text_rows = [[None if v is None else str(v) for v in row] for row in rows[:HEADER_SCAN_ROWS]]
    index = _header_index(text_rows, pattern)
    if index is None:
        raise InputError(Problem(display, f"sheet '{sheet}'", f"has no header row naming the child in its first {HEADER_SCAN_ROWS} rows",
                                 "keep the template's header row (it starts 'Child Unique ID')"))
    header = [key(c) if c is not None else "" for c in rows[index]]
    body = [list(r) + [None] * (len(header) - len(r)) for r in rows[index + 1:]]
    frame = pd.DataFrame([r[: len(header)] for r in body], columns=[h or f"_blank{i}" for i, h in enumerate(header)], dtype=object)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    frame.insert(0, "_row", range(index + 2, index + 2 + len(frame)))
    values = frame.drop(columns="_row")
    blank = values.map(lambda v: v is None or (isinstance(v, float) and v != v) or str(v).strip() == "").all(axis=1)
    return frame[~blank].reset_index(drop=True)


def _csv_rows(path: Path, display: str) -> list[tuple]:
    """All rows of a CSV list (UTF-8 or Windows-1252; comma, semicolon or tab)."""
    data = path.read_bytes()
    if not data.strip():
        raise InputError(Problem(display, "", "the file is empty", "export the list again"))
    text = decode_text(data)
    lines = text.splitlines()
    separator = max([",", ";", "\t"], key=lambda s: max(line.count(s) for line in lines[:HEADER_SCAN_ROWS]))
    try:
        return [tuple(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator)]
    except csv.Error as error:
        raise InputError(Problem(display, "", f"cannot be read as a CSV list ({error})",
                                 "export the list again from Excel as CSV")) from error


def strip_prefix(value: object) -> object:
    """'a) Male' -> 'Male'; 'a) 1A: Individual' -> '1A'; 'C2: Full care order' -> 'C2'."""
    if not isinstance(value, str):
        return value
    text = re.sub(r"^\s*[a-zA-Z]\)\s*", "", value.strip())
    code = re.match(r"^([0-9]{1,2}[A-Za-z]?|[A-Z]{1,4}[0-9]{0,2}[A-Z]?)\s*:\s*\S", text)
    return code.group(1) if code else text


def _ids(values: pd.Series) -> pd.Series:
    def one(v):
        if v is None or (isinstance(v, float) and v != v):
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        text = str(v).strip()
        return text or None
    return values.map(one).astype("string")


def read_annex_a(files: list[tuple[Path, str]]) -> tuple[EventLog, list[Finding]]:
    """Read Annex A workbooks and per-list CSVs of one LA into one EventLog."""
    lists: list[tuple[int, pd.DataFrame, str, str]] = []  # (list, frame, file, sheet)
    problems: list[Problem] = []
    findings: list[Finding] = []
    for path, display in files:
        if is_xlsx(path) or is_xls(path):
            sheets = _sheets(path, display)
            others = [name for name, rows in sheets.items() if rows is None]
            if others:
                findings.append(Finding("Annex A sheets that are not lists", "info", len(others),
                                        "sheets not read (the template's title, guidance or other sheets): "
                                        + ", ".join(f"'{name}'" for name in others)[:300],
                                        "not read: they hold no rows of children", [], display))
            for sheet, rows in sheets.items():
                if rows is None:
                    continue
                number = list_number(sheet)
                pattern = ADOPTER_ID if number == 11 else CHILD_ID
                if number == 11 and _header_index([[None if v is None else str(v) for v in r] for r in rows[:HEADER_SCAN_ROWS]],
                                                  pattern) is None:
                    lists.append((number, pd.DataFrame({"_row": []}), display, sheet))
                    continue
                lists.append((number, _frame(rows, display, sheet, pattern), display, sheet))
        else:
            rows = _csv_rows(path, display)
            adopters = _header_index([[str(v) for v in r] for r in rows[:HEADER_SCAN_ROWS]]) is None
            frame = _frame(rows, display, "(csv)", ADOPTER_ID if adopters else CHILD_ID)
            lists.append((csv_list(list(frame.columns[1:])), frame, display, "(csv)"))
    events, children = [], []
    for number, frame, display, sheet in lists:
        where = f"sheet '{sheet}'" if sheet != "(csv)" else "header"
        if number in SKIPPED:
            findings.append(Finding("Annex A lists not read", "info", len(frame),
                                    f"rows of list {number} ({LIST_NAMES[number]}): {SKIPPED[number]}",
                                    "not read: noted here so that nothing is skipped silently", [], display))
            continue
        columns = list(frame.columns[1:])
        child = _find(columns, (CHILD_ID,))
        fields = {name: _find(columns, patterns) for name, patterns in LISTS[number].items()}
        missing = [names for names in REQUIRED[number] if all(fields[n] is None for n in names)]
        if child is None or missing:
            what = "the child's id" if child is None else f"the {LIST_NAMES[number]} date column"
            problems.append(Problem(display, where, f"list {number} ({LIST_NAMES[number]}) has no column for {what}",
                                    f"keep the template's column headings; found: {', '.join(c for c in columns if not c.startswith('_'))[:300]}"))
            continue
        if frame.empty:
            continue
        ids = _ids(frame[child])
        part, found = _list_events(number, frame, fields, ids, display, f"{where}")
        events.append(part)
        findings.extend(found)
        children.append(_list_children(frame, columns, ids, display, findings, _list_attributes(number, frame, fields)))
    if problems:
        raise InputError(problems)
    if not events or all(e.empty for e in events):
        raise InputError(Problem(", ".join(d for _, d in files), "", "is an Annex A template with no rows of children",
                                 "fill in the lists (rows below the header), or export them again from the case-management system"))
    kids = pd.concat(children, ignore_index=True)
    kids = kids.groupby("child_id", sort=True).first().reset_index()
    return EventLog.from_frames(pd.concat(events, ignore_index=True), kids), findings


def _list_events(number, frame, fields, ids, display, where) -> tuple[pd.DataFrame, list[Finding]]:
    findings: list[Finding] = []
    rows = frame["_row"]
    primary = "cin_start" if number == 6 and fields["date"] is None else ("date" if number != 9 else None)

    def dates(field):
        if fields.get(field) is None:
            return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        parsed, found = lenient_dates(frame[fields[field]], f"{display} {where}", fields[field], rows, ids)
        keep(findings, found)
        return parsed

    def text(field):
        if fields.get(field) is None:
            return pd.Series(pd.NA, index=frame.index, dtype="string")
        return frame[fields[field]].map(strip_prefix).astype("string").str.strip().replace("", pd.NA)

    start = dates(primary) if primary else pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    record = ids.fillna("") + f":L{number}:" + rows.astype(str)
    out = [pd.DataFrame({"child_id": pd.Series(dtype="string"), "event": pd.Series(dtype="string"),
                         "date": pd.Series(dtype="datetime64[ns]"), "record_id": pd.Series(dtype="string"),
                         "code": pd.Series(dtype="string"), "source": pd.Series(dtype="string")})]

    def add(event, date, code=None, mask=None):
        mask = date.notna() & ids.notna() & (True if mask is None else mask)
        if isinstance(code, str):
            code = pd.Series(code, index=frame.index, dtype="string")
        out.append(pd.DataFrame({"child_id": ids[mask], "event": event, "date": date[mask], "record_id": record[mask],
                                 "code": (code[mask] if code is not None else pd.Series(pd.NA, index=ids[mask].index, dtype="string")),
                                 "source": display}))

    _add_list_events(number, add, start, dates, text, fields)
    no_id = ids.isna()
    keep(findings, finding("rows without a child id", int(no_id.sum()), f"rows of list {number} with no Child Unique ID",
                           "dropped: an event must belong to a child", display))
    if primary:
        no_date = start.isna() & ~no_id
        keep(findings, finding("events without a date", frame.assign(child_id=ids)[no_date],
                               f"rows of list {number} ({LIST_NAMES[number]}) with no {fields[primary]}",
                               "dropped: an event needs a date", display))
    return pd.concat(out, ignore_index=True), findings


def _add_list_events(number, add, start, dates, text, fields) -> None:
    """The events each list's columns give (DESIGN.md's vocabulary), added with ``add``."""
    def yes_no(field):
        return text(field).str.lower()

    if number == 1:
        add("contact", start, text("code"))
    elif number == 2:
        add("early_help_assessment_start", start)
        if fields["end"]:
            add("early_help_assessment_completion", dates("end"))
    elif number == 3:
        add("referral", start, text("code"))
        if fields["nfa"]:
            add("referral_nfa", start, mask=yes_no("nfa").isin(YES).fillna(False))
    elif number == 4:
        add("assessment_start", start)
        if fields["end"]:
            outcome = yes_no("outcome").map(lambda v: "in_need" if v in YES else ("nfa" if v in NO else pd.NA)).astype("string")
            add("assessment_authorised", dates("end"), outcome)
    elif number == 5:
        add("strategy_discussion", start)
        add("s47", start)
        if fields["icpc"]:
            plan = yes_no("plan").map(lambda v: "cpp" if v in YES else ("no_plan" if v in NO else pd.NA)).astype("string")
            add("icpc", dates("icpc"), plan)
    elif number == 6:
        if fields["date"]:
            add("cin_plan_start", dates("date"))
            add("cin_plan_end", dates("end"))
        if fields["cin_start"]:
            add("cin_start", dates("cin_start"), text("need"))
            add("cin_end", dates("cin_end"), text("reason"))
        add("statutory_visit", dates("seen"), "cin")
    elif number == 7:
        add("cpp_start", start, text("code"))
        add("cpp_end", dates("end"))
        add("statutory_visit", dates("visit"), "cp")
        add("cpp_review", dates("review"))
    elif number == 8:
        add("lac_start", start, text("code"))
        add("lac_end", dates("end"), text("reason"))
        add("legal_status", dates("legal_date"), text("code"))
        add("placement", dates("placement_date"), text("placement"))
        add("lac_review", dates("review"))
        add("statutory_visit", dates("visit"), "cla")
    elif number == 9:
        add("pathway_plan_review", dates("pathway"))
        add("needs_assessment", dates("needs"))


#: Undated answers read as the child's attributes: list -> {field: attribute column}.
ATTRIBUTES = {8: {"ri_offered": "return_interview_offered", "ri_accepted": "return_interview_accepted"},
              9: {"eligibility": "care_leaver_eligibility", "in_touch": "care_leaver_in_touch",
                  "accommodation": "care_leaver_accommodation", "activity": "care_leaver_activity"}}


def _list_attributes(number: int, frame: pd.DataFrame, fields: dict) -> pd.DataFrame:
    """The list's undated answers (`ATTRIBUTES`), one column each, prefixes stripped."""
    columns = {}
    for field, name in ATTRIBUTES.get(number, {}).items():
        if fields.get(field):
            values = frame[fields[field]].map(strip_prefix).astype("string").str.strip().replace("", pd.NA)
            if name.startswith("return_interview"):
                words = values.str.lower()
                values = words.map(lambda v: True if v in YES else (False if v in NO else pd.NA)).astype("boolean")
            columns[name] = values
    return pd.DataFrame(columns, index=frame.index)


def _list_children(frame, columns, ids, display, findings, attributes: pd.DataFrame | None = None) -> pd.DataFrame:
    gender = _find(columns, (r"^(gender|sex)",))
    ethnicity = _find(columns, (r"^ethnicity$", r"^ethnic"))
    birth = _find(columns, (r"^dateofbirth$", r"^dob$", r"^birthdate$"))
    disability = _find(columns, (r"^disab",))
    kids = pd.DataFrame({"child_id": ids})
    kids["sex"] = (frame[gender].map(strip_prefix).astype("string").str.strip().str.lower().fillna("").map(SEX_CODES)
                   if gender else pd.NA)
    kids["ethnicity"] = frame[ethnicity].map(strip_prefix).astype("string").str.strip() if ethnicity else pd.NA
    if birth:
        kids["birth_month"], found = lenient_dates(frame[birth], display, birth, frame["_row"], ids)
        keep(findings, found)
    else:
        kids["birth_month"] = pd.NaT
    if disability:
        words = frame[disability].map(strip_prefix).astype("string").str.strip().str.lower()
        kids["disability"] = words.map(lambda v: True if v in YES else (False if v in NO else pd.NA))
    else:
        kids["disability"] = pd.NA
    kids = kids.astype({"sex": "string", "ethnicity": "string", "birth_month": "datetime64[ns]", "disability": "boolean"})
    if attributes is not None and not attributes.empty:
        kids = pd.concat([kids, attributes], axis=1)
    return kids[kids["child_id"].notna()]
