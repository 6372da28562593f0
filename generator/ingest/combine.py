"""Joining what the readers read: several formats, several local authorities, one EventLog.

A folder may hold a 903 and a CIN census of the same LA (they join on the child id: the LA's
own id is in both), and several LAs side by side (one subfolder each, so the reports compare).
An LA is named by its subfolder (`returns/kent/...`), else by the CIN census header's LEA code.
When the data holds more than one LA, child ids are prefixed with the LA ("kent/123"): two
LAs' "123" are two children. A child's attributes come from whichever source has them.

The returns overlap: the CIN census and Annex A both list the LA's referrals, assessments,
section 47 enquiries and plans, and Annex A list 8 repeats the 903's periods of care. Read
side by side they would count each of those twice. `merge_returns` makes them one: the same
child's same event on the same day from two returns is one event, kept from the return with
precedence for that event (`PRECEDENCE`): the CIN census over Annex A for the front door and
plans (it is the statutory, validated return), the SSDA903 for care, and a tidy event log
last. Annex A alone has contacts and early help, so those are always its own. Every event
keeps its `source` (the file it came from); the data-quality page counts what was matched,
what was kept from each return alone, and where the returns disagree (a code, or a date
within `DATE_TOLERANCE_DAYS` for events the returns date differently).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from generator.eventlog import EventLog
from generator.ingest.findings import finding
from generator.quality import Finding

#: Folder names that are years ("2017", "2016-17"), not local authorities.
_YEAR_FOLDER = re.compile(r"^(19|20)\d\d([-_ ]?\d{2,4})?$")
#: Folder names that name a return or its kind ("cin", "903", "annex_a", "returns"), not an LA:
#: a folder per return is the usual way to keep one LA's exports apart.
_RETURN_FOLDER = re.compile(r"^(cin([-_ ]?census)?|(ssda)?[-_ ]?903|annex[-_ ]?a|events|data|returns?|exports?|raw)$", re.IGNORECASE)


def authority_of(file: Path, root: Path) -> str | None:
    """The LA a file belongs to: its first subfolder under the data root that is not a year."""
    if root.is_file():
        return None
    for part in file.relative_to(root).parts[:-1]:
        if not _YEAR_FOLDER.match(part) and not _RETURN_FOLDER.match(part) and not part.startswith("."):
            return part
    return None


def join_sources(parts: list[tuple[str, str | None, EventLog]]) -> tuple[EventLog, list[Finding]]:
    """One EventLog from (format, LA, log) parts, and what the join found.

    Children seen in several sources keep the first non-empty value of each attribute, in the
    order of ``parts`` (the order of READERS: the statutory returns before a tidy log).
    """
    findings: list[Finding] = []
    if len(parts) == 1 and parts[0][1] is None:
        return parts[0][2], findings  # one format, one LA: nothing to join
    parts = [(name, la, _with_la(log, la)) for name, la, log in parts]
    prefix = _several(parts)
    events, children = [], []
    for _, _, log in parts:
        ids = log.children.set_index("child_id")["la"]
        kids, evs = log.children.copy(), log.events.copy()
        if prefix:
            kids["child_id"] = _prefixed(kids["child_id"], kids["la"])
            evs["child_id"] = _prefixed(evs["child_id"], evs["child_id"].map(ids))
        events.append(evs)
        children.append(kids)
    findings += _matches(parts)
    all_children = pd.concat(children, ignore_index=True)
    if len(parts) > 1:
        all_children = all_children.groupby("child_id", sort=True, dropna=False).first().reset_index()
    merged, found = merge_returns([(name, evs) for (name, _, _), evs in zip(parts, events)])
    return EventLog.from_frames(merged, all_children), findings + found


#: Formats in order of precedence for an event both hold (the first is kept).
FRONT_DOOR_ORDER = ("cin_census", "annex_a", "ssda903", "events")
CARE_ORDER = ("ssda903", "annex_a", "cin_census", "events")
#: Care events: the SSDA903 is the return of record for them.
CARE_EVENTS = frozenset({"lac_start", "lac_end", "legal_status", "placement", "missing_start", "missing_end",
                         "court_application", "final_order", "lac_review", "return_interview_offered"})
FORMAT_NAMES = {"cin_census": "CIN census", "annex_a": "Annex A", "ssda903": "SSDA903", "events": "tidy event log"}
#: Events the returns date by different conventions: the CIN census dates a referral's NFA on
#: the episode's closure, Annex A on the referral. Within this many days, the same child's
#: unmatched event of this kind in both returns is the same event (the nearest is paired).
DATE_TOLERANCE_DAYS = {"referral_nfa": 30}


def precedence(event: str) -> tuple[str, ...]:
    """The formats in order of precedence for ``event`` (see the module's paragraph)."""
    return CARE_ORDER if event in CARE_EVENTS else FRONT_DOOR_ORDER


def merge_returns(parts: list[tuple[str, pd.DataFrame]]) -> tuple[pd.DataFrame, list[Finding]]:
    """The events of several returns as one table, each event once, and the merge's findings.

    Parameters
    ----------
    parts : list of (format, events)
        Each reader's events (child ids already as joined).

    Returns
    -------
    (DataFrame, list of Finding)
        The events kept, and per event kind: how many were matched across returns, how many
        kept from each return alone, and how many matched pairs disagree (code or date).

    Notes
    -----
    Events of one format are never merged with each other (the quality checks count those
    duplicates). Across formats, pairs are matched one to one: first on (child, event, date),
    the n-th copy with the n-th, then, for `DATE_TOLERANCE_DAYS` events, the nearest date.
    """
    frames = [evs.assign(_format=name) for name, evs in parts if not evs.empty]
    if not frames:
        return (pd.concat([evs for _, evs in parts], ignore_index=True) if parts else pd.DataFrame()), []
    events = pd.concat(frames, ignore_index=True)
    if events["_format"].nunique() < 2:
        return events.drop(columns="_format"), []
    rank = {(event, fmt): i for event in events["event"].dropna().unique() for i, fmt in enumerate(precedence(event))}
    events["_rank"] = [rank.get((e, f), 99) for e, f in zip(events["event"], events["_format"])]
    events = events.sort_values(["child_id", "event", "date", "_rank"], kind="mergesort")
    events["_copy"] = events.groupby(["child_id", "event", "date", "_format"], dropna=False).cumcount()
    # One format per (child, event, date, copy): the best-ranked; the others are its matches.
    keys = ["child_id", "event", "date", "_copy"]
    best = events.groupby(keys, dropna=False)["_rank"].transform("min")
    kept = events[events["_rank"] == best]
    dropped = events[events["_rank"] != best]
    conflicts = _code_conflicts(kept, dropped, keys)
    kept = kept.assign(_matched=pd.MultiIndex.from_frame(kept[keys]).isin(pd.MultiIndex.from_frame(dropped[keys])))
    kept, near, near_conflicts = _near_matches(kept)
    dropped = pd.concat([dropped, near], ignore_index=True)
    findings = _merge_findings(kept, dropped, conflicts + near_conflicts)
    return kept.drop(columns=["_format", "_rank", "_copy", "_matched"]).reset_index(drop=True), findings


def _code_conflicts(kept: pd.DataFrame, dropped: pd.DataFrame, keys: list[str]) -> list[tuple[str, str, int]]:
    pairs = dropped.merge(kept[keys + ["code", "_format"]], on=keys, suffixes=("", "_kept"))
    differ = pairs["code"].notna() & pairs["code_kept"].notna() & (pairs["code"].astype(str) != pairs["code_kept"].astype(str))
    return [(event, "code", int(n)) for event, n in pairs[differ].groupby("event").size().items()]


def _near_matches(kept: pd.DataFrame):
    """Pairs of `DATE_TOLERANCE_DAYS` events from two formats on nearby days: the better-ranked stays."""
    near, conflicts, drop = [], [], []
    kept = kept.copy()
    for event, days in DATE_TOLERANCE_DAYS.items():
        rows = kept[kept["event"] == event]
        if rows["_format"].nunique() < 2:
            continue
        top = rows["_rank"].min()
        high, low = rows[rows["_rank"] == top], rows[rows["_rank"] != top]
        candidates = low.reset_index().merge(high[["child_id", "date"]].reset_index(), on="child_id", suffixes=("", "_high"))
        candidates["gap"] = (candidates["date"] - candidates["date_high"]).abs()
        candidates = candidates[(candidates["gap"] <= pd.Timedelta(days=days)) & (candidates["gap"] > pd.Timedelta(0))]
        candidates = candidates.sort_values("gap", kind="mergesort")
        candidates = candidates.drop_duplicates("index").drop_duplicates("index_high")
        if candidates.empty:
            continue
        drop += list(candidates["index"])
        kept.loc[candidates["index_high"], "_matched"] = True
        conflicts.append((event, f"date (within {days} days)", len(candidates)))
    if drop:
        near = kept.loc[drop]
        kept = kept.drop(index=drop)
        return kept, near, conflicts
    return kept, kept.iloc[0:0], conflicts


def _merge_findings(kept: pd.DataFrame, dropped: pd.DataFrame, conflicts: list) -> list[Finding]:
    """One finding per event kind two returns share: matched, kept from each alone, conflicts."""
    found: list[Finding] = []
    formats_of = pd.concat([kept, dropped]).groupby("event")["_format"].unique()
    for event in sorted(formats_of.index, key=str):
        order = precedence(str(event))
        formats = sorted(formats_of[event], key=lambda f: order.index(f) if f in order else len(order))
        if len(formats) < 2:
            continue
        rows = kept[kept["event"] == event]
        n_matched = int(rows["_matched"].sum())
        alone = rows[~rows["_matched"]]["_format"].value_counts()
        parts = [f"{n_matched:,} in both (kept from the {FORMAT_NAMES.get(formats[0], formats[0])})"]
        parts += [f"{int(alone.get(fmt, 0)):,} in the {FORMAT_NAMES.get(fmt, fmt)} alone" for fmt in formats]
        found.append(Finding(
            "returns merged", "info", n_matched,
            f"{event}: " + "; ".join(parts) + f" (precedence: {' over '.join(FORMAT_NAMES.get(f, f) for f in formats)})",
            "merged: one event kept for each match", []))
    for event, what, n in conflicts:
        found.append(Finding("returns disagree", "info", n,
                             f"{event}: matched events whose {what} differ between the returns",
                             "kept: the value of the return with precedence", []))
    return found


def _several(parts: list[tuple[str, str | None, EventLog]]) -> bool:
    """Whether the parts (their LAs already set) hold more than one LA: ids are then prefixed."""
    authorities = set()
    for _, _, log in parts:
        authorities |= set(log.children["la"].dropna().unique())
    return len(authorities) > 1


def joined_ids(ids: pd.Series, part: tuple[str, str | None, EventLog],
               parts: list[tuple[str, str | None, EventLog]]) -> pd.Series:
    """Child ids of a table a reader gave beside one part's log (a CIN census's assessment
    factors), as `join_sources` writes that log's ids: prefixed with the child's LA when the
    parts hold several LAs.

    Parameters
    ----------
    ids : Series
        Child ids as the reader read them.
    part : (format, LA, EventLog)
        The part the table came with.
    parts : list of (format, LA, EventLog)
        Every part `join_sources` joins.

    Returns
    -------
    Series
        The ids as in the joined log.
    """
    if len(parts) == 1 and parts[0][1] is None:
        return ids
    if not _several([(name, la, _with_la(log, la)) for name, la, log in parts]):
        return ids
    children = _with_la(part[2], part[1]).children.set_index("child_id")["la"]
    return _prefixed(ids, ids.map(children))


def _with_la(log: EventLog, la: str | None) -> EventLog:
    if la is None:
        return log
    children = log.children.copy()
    children["la"] = la
    return EventLog(log.events, children)


def _prefixed(ids: pd.Series, la: pd.Series) -> pd.Series:
    return (la.fillna("unknown LA").astype("string") + "/" + ids.astype("string")).astype("string")


def _matches(parts: list[tuple[str, str | None, EventLog]]) -> list[Finding]:
    """How many children of each LA's 903 are in its CIN census (and the other way)."""
    found: list[Finding] = []
    by_la: dict[str | None, dict[str, set]] = {}
    for name, _, log in parts:
        for la, ids in log.children.groupby(log.children["la"].fillna("")):
            by_la.setdefault(la or None, {}).setdefault(name, set()).update(ids["child_id"])
    for la, formats in sorted(by_la.items(), key=lambda item: str(item[0])):
        if "ssda903" in formats and "cin_census" in formats:
            lac, cin = formats["ssda903"], formats["cin_census"]
            both = len(lac & cin)
            where = f" ({la})" if la else ""
            result = finding(
                "903 and CIN census matched on child id", both,
                f"{both:,} of {len(lac):,} children in the 903{where} are also in the CIN census "
                f"({len(cin):,} children); their events form one history",
                "joined: one child, events from both returns", severity="info")
            if result is None:
                result = Finding("903 and CIN census matched on child id", "warning", 0,
                                 f"none of the {len(lac):,} children in the 903{where} is in the CIN census: "
                                 "check both returns use the LA's own child id", "kept: two separate sets of children")
            found.append(result)
    return found
