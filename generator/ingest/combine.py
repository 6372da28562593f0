"""Joining what the readers read: several formats, several local authorities, one EventLog.

A folder may hold a 903 and a CIN census of the same LA (they join on the child id: the LA's
own id is in both), and several LAs side by side (one subfolder each, so the reports compare).
An LA is named by its subfolder (`returns/kent/...`), else by the CIN census header's LEA code.
When the data holds more than one LA, child ids are prefixed with the LA ("kent/123"): two
LAs' "123" are two children. A child's attributes come from whichever source has them.
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


def authority_of(file: Path, root: Path) -> str | None:
    """The LA a file belongs to: its first subfolder under the data root that is not a year."""
    if root.is_file():
        return None
    for part in file.relative_to(root).parts[:-1]:
        if not _YEAR_FOLDER.match(part) and not part.startswith("."):
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
    authorities = set()
    for _, _, log in parts:
        authorities |= set(log.children["la"].dropna().unique())
    prefix = len(authorities) > 1
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
    return EventLog.from_frames(pd.concat(events, ignore_index=True), all_children), findings


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
