"""The canonical EventLog: the one shape every reader produces and every later stage reads.

Two tables (DESIGN.md): `events` (child_id, event, date, record_id, code, source) and
`children` (child_id, sex, birth_month, ethnicity, disability, la, plus any extra attribute
columns). Dates are pandas datetime64 at midnight: day precision, vectorised arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: The event vocabulary, in the order a child meets them on one day. The order breaks ties
#: between events of the same child on the same date (a contact precedes the referral it led
#: to), so journeys are stable. Extends the Front Door Data Collaboration log; never rename.
#: The key-practice events (statutory_visit, cpp_review, lac_review, needs_assessment,
#: return_interview_offered, pathway_plan_review) move nobody on a map: they are checks that a
#: practice held (`generator.practice_rules`).
VOCABULARY: tuple[str, ...] = (
    "contact",
    "early_help_assessment_start",
    "early_help_assessment_completion",
    "referral",
    "referral_nfa",
    "assessment_start",
    "assessment_authorised",
    "strategy_discussion",
    "s47",
    "icpc",
    "cin_start",
    "cin_plan_start",
    "cpp_start",
    "statutory_visit",
    "cpp_review",
    "lac_start",
    "legal_status",
    "placement",
    "lac_review",
    "needs_assessment",
    "missing_start",
    "missing_end",
    "return_interview_offered",
    "court_application",
    "final_order",
    "lac_end",
    "pathway_plan_review",
    "cpp_end",
    "cin_plan_end",
    "cin_end",
)
EVENT_RANK = {name: rank for rank, name in enumerate(VOCABULARY)}
#: The events of a period of care (SSDA903). An LA's merged 903 returns often reach further
#: back than its front-door records (CIN census), so they do not say how far the front door's
#: look-back goes (`EventLog.front_door_first_date`).
CARE_EVENTS = frozenset({"lac_start", "legal_status", "placement", "missing_start", "missing_end",
                         "court_application", "final_order", "lac_end"})
#: Practice recorded inside a plan or a period of care, not a step of the journey: a visit
#: (statutory_visit, code cin / cp / cla for the plan it belongs to), a review (cpp_review: a
#: child protection review conference; lac_review: a looked-after child's statutory review;
#: pathway_plan_review: a care leaver's pathway plan), a return interview offered after a
#: missing episode, a care leaver's needs_assessment. A process map need not place them: a map
#: that leaves one out keeps the child where it is (`generator.pathway.process_map`).
PRACTICE_EVENTS: tuple[str, ...] = (
    "needs_assessment", "statutory_visit", "cpp_review", "lac_review", "return_interview_offered", "pathway_plan_review",
)

EVENT_COLUMNS = ("child_id", "event", "date", "record_id", "code", "source")
CHILD_COLUMNS = ("child_id", "sex", "birth_month", "ethnicity", "disability", "la")

#: Sex codes as the DfE returns use them (SSDA903 SEX, CIN GenderCurrent).
SEX_LABELS = {"1": "Male", "2": "Female", "0": "Not known", "9": "Not stated"}


def empty_events() -> pd.DataFrame:
    """An events table with no rows and the canonical columns and dtypes."""
    return pd.DataFrame(
        {
            "child_id": pd.Series(dtype="string"),
            "event": pd.Series(dtype="string"),
            "date": pd.Series(dtype="datetime64[ns]"),
            "record_id": pd.Series(dtype="string"),
            "code": pd.Series(dtype="string"),
            "source": pd.Series(dtype="string"),
        }
    )


def empty_children() -> pd.DataFrame:
    """A children table with no rows and the canonical columns and dtypes."""
    return pd.DataFrame(
        {
            "child_id": pd.Series(dtype="string"),
            "sex": pd.Series(dtype="string"),
            "birth_month": pd.Series(dtype="datetime64[ns]"),
            "ethnicity": pd.Series(dtype="string"),
            "disability": pd.Series(dtype="boolean"),
            "la": pd.Series(dtype="string"),
        }
    )


@dataclass
class EventLog:
    """Child-level events and child attributes, normalised.

    Use `EventLog.from_frames` to build one: it fixes dtypes, adds missing optional columns,
    and sorts events by child, date and vocabulary order so every consumer sees one order.
    """

    events: pd.DataFrame = field(default_factory=empty_events)
    children: pd.DataFrame = field(default_factory=empty_children)
    #: Tables derived from these events, made once per log (`derived`): a build asks for the
    #: same rows of one event, or the same intervals of a stage, dozens of times.
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def from_frames(cls, events: pd.DataFrame, children: pd.DataFrame | None = None) -> "EventLog":
        events = events.copy()
        for column in EVENT_COLUMNS:
            if column not in events.columns:
                events[column] = pd.NA
        for column in ("child_id", "event", "record_id", "code", "source"):
            events[column] = events[column].astype("string")
        events["date"] = pd.to_datetime(events["date"]).dt.normalize().astype("datetime64[ns]")
        rank = events["event"].map(EVENT_RANK).fillna(len(VOCABULARY)).astype("int16")
        events = (
            events.assign(_rank=rank)
            .sort_values(["child_id", "date", "_rank"], kind="mergesort")
            .drop(columns="_rank")
            .reset_index(drop=True)
        )
        events = events[list(EVENT_COLUMNS) + [c for c in events.columns if c not in EVENT_COLUMNS]]

        if children is None:
            children = pd.DataFrame({"child_id": events["child_id"].drop_duplicates()})
        children = children.copy()
        for column in CHILD_COLUMNS:
            if column not in children.columns:
                children[column] = pd.NA
        for column in ("child_id", "sex", "ethnicity", "la"):
            children[column] = children[column].astype("string")
        children["birth_month"] = (
            pd.to_datetime(children["birth_month"]).dt.to_period("M").dt.to_timestamp()
        ).astype("datetime64[ns]")
        children["disability"] = children["disability"].astype("boolean")
        children = children.sort_values("child_id", kind="mergesort").reset_index(drop=True)
        children = children[
            list(CHILD_COLUMNS) + [c for c in children.columns if c not in CHILD_COLUMNS]
        ]
        return cls(events=events, children=children)

    @property
    def first_date(self) -> pd.Timestamp | None:
        return None if self.events.empty else self.events["date"].min()

    @property
    def front_door_first_date(self) -> pd.Timestamp | None:
        """The first date of the front door's records (every event but a period of care's and
        recorded practice's: reviews, visits, return interviews): where the look-back of
        re-referrals and timeliness starts. A 903 history that reaches back further says
        nothing about referrals before the CIN census does. The first date of all when the data
        hold only care events."""
        def first_front_door_date():
            rows = self.events.loc[~self.events["event"].isin(CARE_EVENTS | set(PRACTICE_EVENTS)), "date"]
            return rows.min() if len(rows) else self.first_date

        # Read a dozen times per analysis of a log: found once.
        return self.derived("front door first date", first_front_door_date)

    @property
    def last_date(self) -> pd.Timestamp | None:
        return None if self.events.empty else self.events["date"].max()

    def _rows_of_each_event(self) -> dict:
        return self.derived("rows of each event", lambda: self.events.groupby("event", observed=True, sort=False).indices)

    @property
    def event_names(self) -> frozenset[str]:
        """The names of the events the log holds (found once for these events)."""
        return frozenset(str(name) for name, rows in self._rows_of_each_event().items() if len(rows))

    def of_event(self, *names: str) -> pd.DataFrame:
        """Rows of the named events, in the log's order."""
        rows = self._rows_of_each_event()
        found = [rows[name] for name in dict.fromkeys(names) if name in rows]
        positions = np.sort(np.concatenate(found)) if found else np.empty(0, dtype="int64")
        return self.events.iloc[positions]

    def derived(self, key, make):
        """``make()``, made once for these events and kept with them.

        A copy of a DataFrame is returned, so that a caller changing it changes nothing kept.
        Replacing ``events`` (a new frame) forgets everything derived from the old one.
        """
        if self._derived.get("events") is not self.events:
            self._derived.clear()
            self._derived["events"] = self.events
        if key not in self._derived:
            self._derived[key] = make()
        value = self._derived[key]
        return value.copy() if isinstance(value, pd.DataFrame) else value

    def subset(self, events, children) -> "EventLog":
        """The log of some of its rows: ``events`` and ``children`` are boolean masks over its
        tables. A subset of a normalised log is normalised, so it is not sorted again (as
        `from_frames` would, in about a tenth of a second for the demo's front-door span)."""
        return EventLog(events=self.events[np.asarray(events, dtype=bool)].reset_index(drop=True),
                        children=self.children[np.asarray(children, dtype=bool)].reset_index(drop=True))

    def concat(self, other: "EventLog") -> "EventLog":
        """Both logs as one (children de-duplicated on child_id, first source wins)."""
        children = pd.concat([self.children, other.children], ignore_index=True)
        children = children.drop_duplicates("child_id", keep="first")
        events = pd.concat([self.events, other.events], ignore_index=True)
        return EventLog.from_frames(events, children)
