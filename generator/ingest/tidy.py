"""The tidy event log: one row per dated event (the Front Door Data Collaboration shape).

Files: an events table (child_id, event or type, date, and optionally record_id, code,
source) and optionally a children table (child_id, sex, birth_month, ethnicity, disability,
la, and any extra attribute columns, kept as attributes). CSV, Excel or Parquet.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pandas as pd

from generator.words import counted
from generator.errors import InputError, Problem
from generator.eventlog import CHILD_COLUMNS, VOCABULARY, EventLog
from generator.ingest.dates import parse_dates
from generator.ingest.tabular import read_table, stripped, write_table

#: Accepted spellings of each column, after header normalisation.
EVENT_ALIASES = {
    "child_id": ("child_id", "childid", "child", "person_id", "la_child_id", "child_unique_id"),
    "event": ("event", "type", "event_type"),
    "date": ("date", "event_date"),
    "record_id": ("record_id", "episode_id"),
    "code": ("code", "outcome", "category"),
    "source": ("source",),
}
CHILD_ALIASES = {
    "child_id": EVENT_ALIASES["child_id"],
    "sex": ("sex", "gender", "gender_current"),
    "birth_month": ("birth_month", "dob", "date_of_birth", "birth_date"),
    "ethnicity": ("ethnicity", "ethnic"),
    "disability": ("disability", "disabled"),
    "la": ("la", "local_authority"),
}
SEX_CODES = {
    "1": "1", "m": "1", "male": "1",
    "2": "2", "f": "2", "female": "2",
    "0": "0", "not known": "0", "u": "0", "unknown": "0",
    "9": "9", "not stated": "9", "": pd.NA,
}
TRUE_WORDS = {"true", "yes", "y", "1"}
FALSE_WORDS = {"false", "no", "n", "0", ""}


def _rename(frame: pd.DataFrame, aliases: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    renames = {}
    for canonical, names in aliases.items():
        for name in names:
            if name in frame.columns and canonical not in renames.values():
                renames[name] = canonical
                break
    return frame.rename(columns=renames)


def is_events_table(columns: list[str]) -> bool:
    """Whether a header row is a tidy event log's (child_id, event or type, date)."""
    cols = set(columns)
    return any(c in cols for c in EVENT_ALIASES["child_id"]) and any(
        c in cols for c in EVENT_ALIASES["event"]) and any(c in cols for c in EVENT_ALIASES["date"])


def is_children_table(columns: list[str]) -> bool:
    """Whether a header row is a children table's (child_id and attributes, no events)."""
    cols = set(columns)
    attributes = [a for key in ("sex", "birth_month", "ethnicity", "disability") for a in CHILD_ALIASES[key]]
    return any(c in cols for c in EVENT_ALIASES["child_id"]) and any(c in cols for c in attributes)


def read_events(frame: pd.DataFrame, display: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Canonical events from a normalised table; problems collected, not raised."""
    frame = _rename(frame, EVENT_ALIASES)
    problems: list[Problem] = []
    for column in ("child_id", "event", "date"):
        if column not in frame.columns:
            problems.append(Problem(display, "header", f"no '{column}' column (found: {', '.join(frame.columns[1:])})",
                                    f"add a '{column}' column; accepted names: {', '.join(EVENT_ALIASES[column])}"))
    if problems:
        return pd.DataFrame(), problems
    if frame.empty:
        return pd.DataFrame(), [Problem(display, "", "has a header but no rows of events", "export the data again")]

    events = pd.DataFrame({"child_id": stripped(frame["child_id"])})
    events["event"] = stripped(frame["event"], lower=True)
    unknown = events[~events["event"].isin(VOCABULARY)]
    for name, rows in unknown.groupby("event", sort=True):
        guess = difflib.get_close_matches(str(name), VOCABULARY, n=1)
        first = frame.loc[rows.index[0], "_row"]
        problems.append(Problem(
            display, f"row {first}, column 'event'",
            f"'{name}' is not an event name ({counted(len(rows), 'row')})",
            (f"did you mean '{guess[0]}'? " if guess else "") + "event names: " + ", ".join(VOCABULARY),
        ))
    missing_id = events["child_id"].isna() | (events["child_id"] == "")
    if missing_id.any():
        first = frame.loc[missing_id[missing_id].index[0], "_row"]
        problems.append(Problem(display, f"row {first}, column 'child_id'", f"{counted(int(missing_id.sum()), 'row')} {'has' if int(missing_id.sum()) == 1 else 'have'} no child id",
                                "fill in the child id or remove the row"))
    events["date"], date_problems = parse_dates(frame["date"], display, "date", frame["_row"])
    problems += date_problems
    for column in ("record_id", "code"):
        # Text either way (a file without the column has none): files with and without it join
        # without pandas guessing a type from an empty column.
        events[column] = (stripped(frame[column]).replace("", pd.NA) if column in frame
                          else pd.array([pd.NA] * len(events), dtype="string"))
    events["source"] = frame["source"].astype("string") if "source" in frame else display
    return events, problems


def read_children(frame: pd.DataFrame, display: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Canonical children from a normalised table; extra columns kept as attributes."""
    frame = _rename(frame, CHILD_ALIASES)
    problems: list[Problem] = []
    children = frame.drop(columns="_row").copy()
    children["child_id"] = children["child_id"].astype("string").str.strip()
    if "sex" in children:
        raw = children["sex"].astype("string").str.strip().str.lower().fillna("")
        coded = raw.map(SEX_CODES)
        bad = coded.isna() & (raw != "")
        if bad.any():
            first = frame.loc[bad[bad].index[0], "_row"]
            problems.append(Problem(display, f"row {first}, column 'sex'", f"'{raw[bad].iloc[0]}' is not a sex code",
                                    "use 1 (male), 2 (female), 0 (not known) or 9 (not stated)"))
        children["sex"] = coded
    if "birth_month" in children:
        raw = children["birth_month"].astype(object)
        as_text = raw.map(lambda v: f"{v}-01" if isinstance(v, str) and len(v.strip()) == 7 else v)
        children["birth_month"], date_problems = parse_dates(as_text, display, "birth_month", frame["_row"], required=False)
        problems += date_problems
    if "disability" in children:
        words = children["disability"].astype("string").str.strip().str.lower().fillna("")
        bad = ~words.isin(TRUE_WORDS | FALSE_WORDS)
        if bad.any():
            first = frame.loc[bad[bad].index[0], "_row"]
            problems.append(Problem(display, f"row {first}, column 'disability'", f"'{words[bad].iloc[0]}' is not yes/no",
                                    "use true/false, yes/no or 1/0"))
        children["disability"] = words.isin(TRUE_WORDS).where(words != "", pd.NA)
    return children, problems


def read_tidy(files: list[tuple[Path, str]]) -> EventLog:
    """Read tidy events and children tables (path, display name) into one EventLog."""
    events, children, problems = [], [], []
    for path, display in files:
        frame = read_table(path, display)
        columns = list(frame.columns[1:])
        if is_events_table(columns):
            part, found = read_events(frame, display)
            events.append(part)
        elif is_children_table(columns):
            part, found = read_children(frame, display)
            children.append(part)
        else:
            found = [Problem(display, "header", "is neither an events table nor a children table",
                             "an events table needs child_id, event and date columns")]
        problems += found
    if not problems and not events:
        problems.append(Problem(", ".join(d for _, d in files) or "(no files)", "", "holds no events table",
                                "add a file with child_id, event and date columns"))
    if problems:
        raise InputError(problems)
    all_children = pd.concat(children, ignore_index=True).drop_duplicates("child_id") if children else None
    return EventLog.from_frames(pd.concat(events, ignore_index=True), all_children)


def write_tidy(log: EventLog, out_dir: Path, file_type: str = "csv") -> list[Path]:
    """Write `events.<type>` and `children.<type>` (csv or parquet); returns the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    children = log.children.copy()
    if file_type == "csv":
        children["birth_month"] = children["birth_month"].dt.strftime("%Y-%m")
    paths = [out_dir / f"events.{file_type}", out_dir / f"children.{file_type}"]
    write_table(log.events, paths[0])
    write_table(children, paths[1])
    return paths


__all__ = ["read_tidy", "write_tidy", "is_events_table", "is_children_table", "CHILD_COLUMNS"]
