"""Pseudonymous ids for internal reports: a keyed hash in place of every child and record id.

An internal report may be shared beyond the team that holds the key (report.yaml
``pseudonymise: {key_env: CAREJOURNEYS_KEY}``). Each id becomes the first
`PSEUDONYM_HEX` hex digits of HMAC-SHA256(key, kind + ":" + id): the same id always gives
the same pseudonym under one key, so a reader can follow a child from page to page and the
key holder can look the child up; without the key the pseudonym cannot be reversed, even by
trying every possible id (which an unkeyed hash of a six-digit id would not resist).
64 bits keep collisions away: about one in 10^9 for 200,000 ids.

Examples
--------
>>> pseudonym(b"secret", "child", "A1")
'C-a773046ea34311dd'
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re

import pandas as pd

from generator.errors import InputError, Problem

PSEUDONYM_HEX = 16
_PREFIX = {"child": "C-", "record": "R-"}


def pseudonym(key: bytes, kind: str, value: str) -> str:
    """The pseudonym of one id (``kind`` is "child" or "record": the same string gets a
    different pseudonym as a child id and as a record id)."""
    digest = hmac.new(key, f"{kind}:{value}".encode("utf-8"), hashlib.sha256).hexdigest()
    return _PREFIX[kind] + digest[:PSEUDONYM_HEX]


def key_from_environment(variable: str, report_file: str = "report.yaml") -> bytes:
    """The key named by report.yaml, read from the environment; InputError if unset or short."""
    value = os.environ.get(variable, "")
    if len(value) < 16:
        problem = "is not set" if not value else "is shorter than 16 characters"
        raise InputError(Problem(report_file, "pseudonymise.key_env",
                                 f"the environment variable {variable} {problem}",
                                 f"set {variable} to a long random secret (e.g. `export {variable}=$(openssl rand -hex 32)`) "
                                 "and keep it where the report's readers cannot see it"))
    return value.encode("utf-8")


def pseudonymise_series(key: bytes, kind: str, values: pd.Series) -> pd.Series:
    """Each distinct id hashed once (ids repeat across a child's events)."""
    distinct = values.dropna().unique()
    mapping = {v: pseudonym(key, kind, str(v)) for v in distinct}
    return values.map(mapping).astype("string")


def pseudonymise_text(text: str, mapping: dict[str, str]) -> str:
    """``text`` (a finding's example, "D000123 referral 2015-01-05") with every whole-word id
    in ``mapping`` replaced by its pseudonym."""
    if not mapping:
        return text
    return re.sub(r"[A-Za-z0-9][A-Za-z0-9_\-/]*", lambda m: mapping.get(m.group(0), m.group(0)), text)




def pseudonymise_log(log, findings: list, key: bytes):
    """The log with every child and record id replaced by its pseudonym, and the quality
    findings' examples with them (``dataclasses.replace``: findings are not changed in place)."""
    from dataclasses import replace

    from generator.eventlog import EventLog

    events = log.events.copy()
    children = log.children.copy()
    child_ids = pd.concat([events["child_id"], children["child_id"]]).dropna().astype(str).unique()
    mapping = {v: pseudonym(key, "child", v) for v in child_ids}
    records = events["record_id"].dropna().astype(str).unique() if "record_id" in events else []
    record_mapping = {v: pseudonym(key, "record", v) for v in records}
    events["child_id"] = events["child_id"].astype(str).map(mapping).astype("string")
    children["child_id"] = children["child_id"].astype(str).map(mapping).astype("string")
    if "record_id" in events:
        events["record_id"] = events["record_id"].map(lambda v: record_mapping.get(str(v)) if pd.notna(v) else v)
    text_mapping = {**record_mapping, **mapping}
    shown = [replace(f, examples=[pseudonymise_text(str(e), text_mapping) for e in f.examples]) for f in findings]
    return EventLog.from_frames(events, children), shown


def pseudonymise_legal(legal, key: bytes):
    """The legal tables (`generator.ingest.proceedings.LegalInputs`) with their child ids
    replaced as `pseudonymise_log` replaces the log's, so that links still join. A clerical
    decision may already hold a pseudonym (copied from a pseudonymised review list): kept."""
    from dataclasses import replace

    if legal is None:
        return None

    def ids(frame):
        if frame is None or "child_id" not in frame:
            return frame
        values = frame["child_id"]
        return frame.assign(child_id=values.map(lambda v: pseudonym(key, "child", str(v)) if pd.notna(v) else v)
                            .astype("string"))

    decisions = legal.decisions
    if decisions is not None:
        raw = set(legal.persons["child_id"].astype(str)) if legal.persons is not None else set()
        if "child_id" in legal.proceedings:
            raw |= set(legal.proceedings["child_id"].dropna().astype(str))
        decisions = decisions.assign(child_id=decisions["child_id"].map(
            lambda v: pseudonym(key, "child", str(v)) if str(v) in raw else v).astype("string"))
    return replace(legal, proceedings=ids(legal.proceedings), persons=ids(legal.persons), decisions=decisions)


__all__ = ["pseudonym", "key_from_environment", "pseudonymise_series", "pseudonymise_text", "pseudonymise_log",
           "pseudonymise_legal", "PSEUDONYM_HEX"]
