"""SSDA903 (children looked after): the annual return as CSV tables or as the XML return.

CSV: one table per file, recognised by its header row: Header (CHILD, SEX, DOB, ETHNIC, ...),
Episodes (CHILD, DECOM, RNE, LS, CIN, PLACE, PLACE_PROVIDER, DEC, REC, ...), Missing (CHILD,
MISSING, MIS_START, MIS_END), Reviews (CHILD, DOB, REVIEW, REVIEW_CODE), and the other tables of the return (UASC, OC2, OC3,
AD1, PlacedAdoption, PrevPerm, SWEpisodes), which are recognised so that a whole return folder
loads but do not become events. XML: EXPSSDA903/CHILD/{HEADER, EPISODES/EPISODE, ...} with
CHILDID for CHILD and PL for PLACE. Several years' returns merge into one history per child
(`episodes903`); each file's return year comes from its name ("episodes_2017.csv",
"903_2016-17.xml") or else from its dates.

Key-practice events (`generator.practice_rules`): each Reviews row is a ``lac_review`` on
REVIEW (code REVIEW_CODE, the child's participation). The DfE's Missing table has no
return-interview column (its fields are CHILD, DOB, MISSING, MIS_START, MIS_END); Annex A list
8 carries "Was the child offered a return interview?". Many LAs' own 903 extracts add that
answer to the Missing table, so a column named in `RETURN_INTERVIEW_COLUMNS` is read: a date
(the day the interview was offered) or a yes (offered, dated at MIS_END, as Annex A gives no
date) becomes ``return_interview_offered``; a no, or a blank, is no event.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from generator.errors import InputError, Problem
from generator.eventlog import EventLog
from generator.ingest import codelists
from generator.ingest.episodes903 import code_findings, date_findings, episode_events, merge_returns
from generator.ingest.findings import finding, keep, lenient_dates
from generator.ingest.sniff import csv_columns
from generator.ingest.tabular import read_table
from generator.ingest.tidy import SEX_CODES
from generator.ingest.xmlfiles import XML_SUFFIXES, children_named, iter_records, local, text_of, xml_root
from generator.quality import Finding

#: Each table of the return and the (normalised) columns that identify it, most specific first.
TABLES: dict[str, frozenset[str]] = {
    "episodes": frozenset({"child", "decom", "rne", "ls"}),
    "missing": frozenset({"child", "mis_start"}),
    "reviews": frozenset({"child", "review", "review_code"}),
    "header": frozenset({"child", "sex", "dob", "ethnic"}),
    "uasc": frozenset({"child", "duc"}),
    "oc2": frozenset({"child", "convicted"}),
    "oc3": frozenset({"child", "in_touch"}),
    "ad1": frozenset({"child", "date_int"}),
    "placed_adoption": frozenset({"child", "date_placed"}),
    "prev_perm": frozenset({"child", "prev_perm"}),
    "sw_episodes": frozenset({"child", "sw_id"}),
}
#: Columns a table must have for us to read it (beyond those that identify it).
REQUIRED = {"episodes": ("dec", "rec"), "missing": ("mis_end",)}
#: Return-interview columns of a Missing table, as LAs' extracts name them (normalised): the
#: first one present is read.
RETURN_INTERVIEW_COLUMNS = ("mis_return_interview", "mis_rhi_offered", "rhi_offered", "return_interview_offered",
                            "return_interview")
YES = {"y", "yes", "1", "true", "a) yes", "offered"}
NO = {"n", "no", "0", "false", "b) no", "not offered"}
NOT_EVENTS = ("uasc", "oc2", "oc3", "ad1", "placed_adoption", "prev_perm", "sw_episodes")
XML_ROOT = "EXPSSDA903"


def table_kind(columns: list[str]) -> str | None:
    """Which SSDA903 table a header row is (Header, Episodes, Missing, ...), else None."""
    found = set(columns)
    for kind, needed in TABLES.items():
        if needed <= found:
            return kind
    return None


def claims(path: Path, display: str) -> bool:
    """Whether ``path`` is an SSDA903 table (CSV by header row) or the XML return."""
    if path.suffix.lower() in XML_SUFFIXES or path.suffix.lower() == "":
        return xml_root(path) == XML_ROOT
    return table_kind(csv_columns(path)) is not None


def return_year(name: str) -> int | None:
    """'903_2016-17.csv' -> 2017, 'episodes 2018.csv' -> 2018 (the 31 March the year ends)."""
    span = re.findall(r"(20\d\d)[-_ ]?(\d\d)(?!\d)", name)
    if span:
        start, end = span[-1]
        if (int(start) + 1) % 100 == int(end):
            return int(start) + 1
    years = re.findall(r"(?<!\d)(20\d\d)(?!\d)", name)
    return int(years[-1]) if years else None


def read_903(files: list[tuple[Path, str]]) -> tuple[EventLog, list[Finding]]:
    """Read one LA's SSDA903 tables and XML returns, all years, into one EventLog."""
    tables: dict[str, list[pd.DataFrame]] = {}
    problems: list[Problem] = []
    for path, display in files:
        if path.suffix.lower() in XML_SUFFIXES or xml_root(path) == XML_ROOT:
            parts = _xml_tables(path, display)
        else:
            frame = read_table(path, display)
            kind = table_kind(list(frame.columns[1:]))
            if kind is None:
                raise InputError(Problem(display, "header", "is not an SSDA903 table", "export it again"))
            if frame.empty:
                problems.append(Problem(display, "", f"is a 903 {kind} table with a header but no rows",
                                        "export the table again with its data, or remove the file"))
                continue
            parts = {kind: frame}
        for kind, frame in parts.items():
            missing = [c for c in REQUIRED.get(kind, ()) if c not in frame.columns]
            if missing:
                problems.append(Problem(display, "header", f"the 903 {kind} table has no {', '.join(c.upper() for c in missing)} column",
                                        f"export the {kind} table with all its columns ({', '.join(sorted(c.upper() for c in TABLES[kind] | set(REQUIRED.get(kind, ()))))})"))
                continue
            frame = frame.assign(_file=display, _year=return_year(Path(display).name))
            tables.setdefault(kind, []).append(frame)
    if not problems and "episodes" not in tables:
        problems.append(Problem(", ".join(d for _, d in files), "", "has SSDA903 tables but no episodes table",
                                "add the Episodes table (CHILD, DECOM, RNE, LS, PLACE, DEC, REC) of each year's return"))
    if problems:
        raise InputError(problems)

    findings: list[Finding] = []
    source = ", ".join(sorted(set(pd.concat(tables["episodes"])["_file"])))
    episodes, found = _episodes(pd.concat(tables["episodes"], ignore_index=True))
    findings += found
    ep, found = merge_returns(episodes, source)
    findings += found
    findings += code_findings(ep, source)
    events = [episode_events(ep)]
    if "missing" in tables:
        part, found = _missing(pd.concat(tables["missing"], ignore_index=True), source)
        events.append(part)
        findings += found
    if "reviews" in tables:
        part, found = _reviews(pd.concat(tables["reviews"], ignore_index=True), source)
        events.append(part)
        findings += found
    for kind in NOT_EVENTS:
        if kind in tables:
            keep(findings, finding(
                "tables not used", sum(len(t) for t in tables[kind]),
                f"rows of the 903 {kind} table: they are not part of a child's journey of events",
                "kept aside: read and checked for format only", source, severity="info"))
    children = _children(pd.concat(tables["header"], ignore_index=True), findings) if "header" in tables else None
    return EventLog.from_frames(pd.concat(events, ignore_index=True), children), findings


def _episodes(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Finding]]:
    findings: list[Finding] = []
    ids = _text(frame["child"])
    ep = pd.DataFrame({"child_id": ids})
    for column in ("decom", "dec"):
        ep[column], found = lenient_dates(frame[column], _files(frame), column.upper(), frame["_row"], ids)
        keep(findings, found)
    for column in ("rne", "ls", "rec"):
        ep[column] = _text(frame[column]).str.upper()
    ep["place"] = _text(frame["place"] if "place" in frame else frame.get("pl", pd.Series(pd.NA, index=frame.index))).str.upper()
    ep["_file"], ep["_row"], ep["_order"] = frame["_file"], frame["_row"], range(len(frame))
    # A return's year: from its file name, else the collection year most of its end dates fall in.
    year = frame["_year"].astype("Int64")
    for name, rows in ep.groupby(frame["_file"]).groups.items():
        if year.loc[rows].isna().all():
            dates = ep.loc[rows, "dec"].dropna()
            dates = dates if len(dates) else ep.loc[rows, "decom"].dropna()
            guess = dates.map(codelists.collection_year).mode() if len(dates) else pd.Series([], dtype=int)
            year.loc[rows] = int(guess.max()) if len(guess) else pd.NA
    ep["year"] = year
    no_id = ep["child_id"].isna()
    no_start = _text(frame["decom"]).isna().to_numpy() & ~no_id  # unreadable ones are counted as such
    keep(findings, finding("rows without a child id", int(no_id.sum()), "episode rows with no CHILD",
                           "dropped: an episode must belong to a child", _files(frame)))
    keep(findings, finding("episodes without a start date", ep[no_start], "episode rows whose DECOM is blank",
                           "dropped: an episode without a start cannot be placed in time", _files(frame)))
    ep = ep[~no_id & ep["decom"].notna() & ep["year"].notna()].copy()
    ep, found = date_findings(ep, _files(frame))
    return ep, findings + found


def _missing(frame: pd.DataFrame, source: str) -> tuple[pd.DataFrame, list[Finding]]:
    findings: list[Finding] = []
    ids = _text(frame["child"])
    start, found = lenient_dates(frame["mis_start"], source, "MIS_START", frame["_row"], ids)
    keep(findings, found)
    end, found = lenient_dates(frame["mis_end"], source, "MIS_END", frame["_row"], ids)
    keep(findings, found)
    kind = _text(frame["missing"]).str.upper() if "missing" in frame else pd.Series(pd.NA, index=frame.index, dtype="string")
    table = pd.DataFrame({"child_id": ids, "start": start, "end": end, "code": kind, "_file": frame["_file"]})
    table = table[table["child_id"].notna() & table["start"].notna()]
    duplicate = table.duplicated(["child_id", "start"], keep="last")
    keep(findings, finding("duplicate missing episodes", table[duplicate],
                           "the same missing episode (child and start date) in more than one return",
                           "dropped: the copy from the latest return is kept", source))
    table = table[~duplicate]
    backwards = table["end"].notna() & (table["end"] < table["start"])
    keep(findings, finding("end before start", table[backwards], "missing episodes that end before they start",
                           "repaired: the end date is dropped, the episode is left open", source))
    table.loc[backwards, "end"] = pd.NaT
    bad = table["code"].notna() & ~table["code"].isin(codelists.MISSING_TYPE.codes)
    keep(findings, finding("codes outside the code list", table[bad], "MISSING codes other than M (missing) or A (away)",
                           "kept: the episode counts; the code is shown as recorded", source))
    record = table["child_id"] + ":M" + table["start"].dt.strftime("%Y-%m-%d")
    starts = pd.DataFrame({"child_id": table["child_id"], "event": "missing_start", "date": table["start"],
                           "record_id": record, "code": table["code"], "source": table["_file"]})
    ended = table["end"].notna()
    ends = pd.DataFrame({"child_id": table.loc[ended, "child_id"], "event": "missing_end", "date": table.loc[ended, "end"],
                         "record_id": record[ended], "code": table.loc[ended, "code"], "source": table.loc[ended, "_file"]})
    parts = [starts, ends]
    column = next((c for c in RETURN_INTERVIEW_COLUMNS if c in frame.columns), None)
    if column is not None:
        offered = _return_interviews(frame.loc[table.index, column], frame.loc[table.index, "_row"], table, record,
                                     source, findings)
        parts += [offered]
    # Empty parts left out: pandas is changing how they count towards the columns' types.
    return pd.concat([part for part in parts if len(part)] or [starts], ignore_index=True), findings


def _return_interviews(answers: pd.Series, rows: pd.Series, table: pd.DataFrame, record: pd.Series, source: str,
                       findings: list[Finding]) -> pd.DataFrame:
    """``return_interview_offered`` per missing episode whose answer is a date or a yes."""
    text = _text(answers)
    lower = text.str.lower()
    yes = lower.isin(YES).fillna(False).astype(bool)
    no = lower.isin(NO).fillna(False).astype(bool)
    offered, found = lenient_dates(text.where(~yes & ~no), source, "return interview", rows, table["child_id"])
    keep(findings, found)
    day = offered.where(offered.notna(), table["end"].where(yes))
    ok = day.notna().to_numpy()
    return pd.DataFrame({"child_id": table["child_id"][ok], "event": "return_interview_offered", "date": day[ok],
                         "record_id": record[ok], "code": pd.array([pd.NA] * int(ok.sum()), dtype="string"),
                         "source": table["_file"][ok]})


def _reviews(frame: pd.DataFrame, source: str) -> tuple[pd.DataFrame, list[Finding]]:
    """``lac_review`` per Reviews row; the same review in two returns is one."""
    findings: list[Finding] = []
    ids = _text(frame["child"])
    day, found = lenient_dates(frame["review"], source, "REVIEW", frame["_row"], ids)
    keep(findings, found)
    table = pd.DataFrame({"child_id": ids, "date": day, "code": _text(frame["review_code"]).str.upper(),
                          "_file": frame["_file"]})
    table = table[table["child_id"].notna() & table["date"].notna()]
    duplicate = table.duplicated(["child_id", "date"], keep="last")
    keep(findings, finding("duplicate reviews", table[duplicate], "the same review (child and date) in more than one return",
                           "dropped: the copy from the latest return is kept", source, severity="info"))
    table = table[~duplicate]
    return pd.DataFrame({"child_id": table["child_id"], "event": "lac_review", "date": table["date"],
                         "record_id": table["child_id"] + ":R" + table["date"].dt.strftime("%Y-%m-%d"),
                         "code": table["code"], "source": table["_file"]}), findings


def _children(frame: pd.DataFrame, findings: list[Finding]) -> pd.DataFrame:
    ids = _text(frame["child"])
    sex = _text(frame["sex"]).str.lower().fillna("").map(SEX_CODES)
    dob, found = lenient_dates(frame["dob"], _files(frame), "DOB", frame["_row"], ids)
    keep(findings, found)
    children = pd.DataFrame({"child_id": ids, "sex": sex, "birth_month": dob,
                             "ethnicity": _text(frame["ethnic"]).str.upper() if "ethnic" in frame else pd.NA})
    children = children[children["child_id"].notna()]
    # The latest return's header wins (files are read in name order: 2016 before 2017).
    return children.drop_duplicates("child_id", keep="last")


def _xml_tables(path: Path, display: str) -> dict[str, pd.DataFrame]:
    headers, episodes, missing, reviews = [], [], [], []
    number = 0
    for element in iter_records(path, display, "CHILD"):
        if local(element.tag) != "CHILD":
            continue
        number += 1
        header = next((e for e in element.iter() if local(e.tag) == "HEADER"), element)
        child = text_of(header, "CHILDID", "CHILD")
        headers.append({"child": child, "sex": text_of(header, "SEX"), "dob": text_of(header, "DOB"),
                        "ethnic": text_of(header, "ETHNIC"), "_row": f"child {number}"})
        for item in element.iter():
            name = local(item.tag)
            if name == "EPISODE":
                episodes.append({"child": child, "decom": text_of(item, "DECOM"), "rne": text_of(item, "RNE"),
                                 "ls": text_of(item, "LS"), "place": text_of(item, "PL", "PLACE"),
                                 "dec": text_of(item, "DEC"), "rec": text_of(item, "REC"), "_row": f"child {number}"})
            elif children_named(item, "MIS_START"):
                missing.append({"child": child, "missing": text_of(item, "MISSING", "MIS_TYPE"),
                                 "mis_start": text_of(item, "MIS_START"), "mis_end": text_of(item, "MIS_END"),
                                 "mis_return_interview": text_of(item, *(c.upper() for c in RETURN_INTERVIEW_COLUMNS)),
                                 "_row": f"child {number}"})
            elif children_named(item, "REVIEW"):
                reviews.append({"child": child, "review": text_of(item, "REVIEW"),
                                "review_code": text_of(item, "REVIEW_CODE"), "_row": f"child {number}"})
    if not headers:
        raise InputError(Problem(display, "", "is an SSDA903 XML return with no CHILD records",
                                 "export the return again with its children"))
    parts = {"header": pd.DataFrame(headers)}
    if episodes:
        parts["episodes"] = pd.DataFrame(episodes)
    if missing:
        parts["missing"] = pd.DataFrame(missing)
    if reviews:
        parts["reviews"] = pd.DataFrame(reviews)
    return parts


def _text(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().replace("", pd.NA)


def _files(frame: pd.DataFrame) -> str:
    return ", ".join(sorted(frame["_file"].astype(str).unique()))
