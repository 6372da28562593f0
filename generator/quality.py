"""Data-quality checks: each returns findings; nothing here prints or drops rows by itself.

A `Finding` says what was checked, how bad it is, how many rows, a few examples (ids only in
internal reports) and what the pipeline did with those rows. The validate command and the
data-quality page show them; a build stops on findings of severity "error".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from generator.eventlog import VOCABULARY, EventLog


@dataclass
class Finding:
    """One data-quality result.

    ``severity`` is "error" (the build cannot go on) or "warning" (kept or repaired, counted);
    ``action`` says what was done with the rows: "kept", "repaired: ..." or "dropped: ...".
    """

    check: str
    severity: str
    count: int
    message: str
    action: str = "kept"
    examples: list[str] = field(default_factory=list)
    source: str = ""


def _examples(frame: pd.DataFrame, limit: int = 5) -> list[str]:
    return [f"{row.child_id} {row.event} {row.date:%Y-%m-%d}" for row in frame.head(limit).itertuples()]


def check_event_log(log: EventLog) -> list[Finding]:
    """The checks every EventLog gets, whatever its source format."""
    findings: list[Finding] = []
    events = log.events

    unknown = events[~events["event"].isin(VOCABULARY)]
    if len(unknown):
        findings.append(
            Finding(
                "unknown event",
                "error",
                len(unknown),
                f"event names outside the vocabulary: {sorted(unknown['event'].unique())[:5]}",
                examples=_examples(unknown),
            )
        )

    no_child = events[~events["child_id"].isin(log.children["child_id"])]
    if len(no_child):
        findings.append(
            Finding(
                "events for children missing from the children table",
                "warning",
                len(no_child),
                "these children have events but no row of attributes; they count with "
                "attributes unknown",
                examples=_examples(no_child),
            )
        )

    births = log.children.set_index("child_id")["birth_month"]
    birth = events["child_id"].map(births)
    # birth_month has month precision: only an event before the birth month is impossible.
    before_birth = events[birth.notna() & (events["date"] < birth)]
    if len(before_birth):
        findings.append(
            Finding(
                "event before birth",
                "warning",
                len(before_birth),
                "events dated before the child's month of birth (an unborn child's referral "
                "is possible; check the dates)",
                examples=_examples(before_birth),
            )
        )

    duplicated = events[events.duplicated(["child_id", "event", "date", "code"], keep="first")]
    if len(duplicated):
        findings.append(
            Finding(
                "duplicate events",
                "warning",
                len(duplicated),
                "the same event for the same child on the same day more than once",
                examples=_examples(duplicated),
            )
        )
    findings += record_checks(log)
    return findings


#: Start and end events tied by record_id, checked for ends before starts.
PAIRS = [("assessment_start", "assessment_authorised"), ("cin_start", "cin_end"), ("cin_plan_start", "cin_plan_end"),
         ("cpp_start", "cpp_end"), ("lac_start", "lac_end"), ("missing_start", "missing_end"),
         ("early_help_assessment_start", "early_help_assessment_completion")]
#: A referral with no later event of the child within this many days has no recorded outcome.
REFERRAL_OUTCOME_DAYS = 90


def record_checks(log: EventLog) -> list[Finding]:
    """Checks across a child's records: ends before starts, referrals left without an
    outcome, and child ids that look like names or dates of birth (all kept, counted)."""
    findings: list[Finding] = []
    events = log.events[["child_id", "event", "date", "record_id"]]
    for start, end in PAIRS:
        starts = events[events["event"] == start].dropna(subset=["record_id"]).drop_duplicates("record_id")
        ends = events[events["event"] == end].dropna(subset=["record_id"])
        joined = ends.merge(starts[["record_id", "date"]], on="record_id", suffixes=("", "_start"))
        backwards = joined[joined["date"] < joined["date_start"]]
        if len(backwards):
            check = "assessments authorised before they started" if start == "assessment_start" else "end before start"
            findings.append(Finding(check, "warning", len(backwards),
                                    f"{end} dated before its {start} (same record_id)", "kept: both dates as recorded",
                                    examples=_examples(backwards)))
    findings += _referrals_without_outcome(events)
    findings += _identifying_ids(log.children["child_id"])
    return findings


def _referrals_without_outcome(events: pd.DataFrame) -> list[Finding]:
    events = events.dropna(subset=["date"])
    if events.empty:
        return []
    last = events["date"].max()
    window = pd.Timedelta(days=REFERRAL_OUTCOME_DAYS)
    referrals = events[(events["event"] == "referral") & (events["date"] <= last - window)]
    if referrals.empty:
        return []
    # A CIN census opens cin_start on the referral day itself: that is not an outcome.
    later = events[~events["event"].isin(["contact", "cin_start"])][["child_id", "date", "event"]]
    # The next event of the same child after each referral (a same-day outcome counts).
    order = later.sort_values(["child_id", "date"], kind="mergesort")
    nxt = pd.merge_asof(
        referrals[["child_id", "date"]].reset_index().sort_values("date"),
        order[order["event"] != "referral"].rename(columns={"date": "next_date"}).sort_values("next_date"),
        left_on="date", right_on="next_date", by="child_id", direction="forward",
    )
    stale = nxt[nxt["next_date"].isna() | (nxt["next_date"] - nxt["date"] > window)]
    if stale.empty:
        return []
    stale = stale.assign(event="referral").sort_values(["child_id", "date"])
    return [Finding("referrals with no outcome after a long time", "warning", len(stale),
                    f"referrals with no assessment, NFA or other recorded step within {REFERRAL_OUTCOME_DAYS} days "
                    "although the data runs on past that", "kept: counted as referrals with no outcome",
                    examples=_examples(stale))]


_DATE_LIKE = r"^(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|[0-3]\d[01]\d(19|20)\d\d)$"
_NAME_LIKE = r"^[A-Za-z][A-Za-z'\u2019.-]+([ ,]+[A-Za-z][A-Za-z'\u2019.-]+)+$|^[A-Z][a-z]{3,}$"


def _identifying_ids(ids: pd.Series) -> list[Finding]:
    """Ids that look like a date of birth or a person's name: personal data in an id column.

    Examples are masked ("J*** S****"): the id itself may be the name.
    """
    text = ids.dropna().astype(str).str.strip()
    found = []
    for check, pattern in (("ids that look like dates of birth", _DATE_LIKE), ("ids that look like names", _NAME_LIKE)):
        hits = text[text.str.match(pattern)]
        if len(hits):
            masked = [re.sub(r"(?<=\w)\w", "*", value) for value in hits.head(5)]
            found.append(Finding(check, "warning", len(hits),
                                 "child ids that look like personal data; use the case-management system's id "
                                 "or a pseudonym", "kept: the ids are used as given; never publish them", masked))
    return found
