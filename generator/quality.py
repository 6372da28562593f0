"""Data-quality checks: each returns findings; nothing here prints or drops rows by itself.

A `Finding` says what was checked, how bad it is, how many rows, a few examples (ids only in
internal reports) and what the pipeline did with those rows. The validate command and the
data-quality page show them; a build stops on findings of severity "error".
"""

from __future__ import annotations

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
    return findings
