"""Small builders for hand-made event logs and report folders used across tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from generator.eventlog import EventLog


def stations_of(journeys, child_id):
    """The stations a child visits in order ("off" when the dot leaves the map), and the visits."""
    from generator.pathway.replay import OFF

    index = list(journeys.children["child_id"]).index(child_id)
    visits = journeys.visits[journeys.visits["child"] == index].reset_index(drop=True)
    return ["off" if s == OFF else journeys.map.station_ids[s] for s in visits["station"]], visits


def log_of(rows: list[tuple], children: list[tuple] | None = None) -> EventLog:
    """EventLog from (child_id, event, date[, code]) tuples and optional (child_id, sex) rows."""
    events = pd.DataFrame(
        [(r[0], r[1], r[2], r[3] if len(r) > 3 else None) for r in rows],
        columns=["child_id", "event", "date", "code"],
    )
    kids = None
    if children is not None:
        kids = pd.DataFrame(children, columns=["child_id", "sex"])
    return EventLog.from_frames(events, kids)


def write_report(folder: Path, data: str = "data", extra: str = "", pages: str | None = None) -> Path:
    """A minimal report.yaml in ``folder`` reading ``folder/data``; returns its path."""
    pages = pages or """
  - {kind: overview, slug: index, title: Overview}
  - {kind: trends, slug: activity, title: Activity}
"""
    path = folder / "report.yaml"
    path.write_text(
        f"""title: Test report
sources:
  - path: {data}
annotations:
  - {{date: 2015-06-01, label: New front door}}
{extra}
pages:{pages}""",
        encoding="utf-8",
    )
    return path


TINY_EVENTS = """child_id,event,date,record_id,code
A1,contact,2015-01-05,,
A1,referral,05/01/2015,R1,
A1,assessment_start,2015-01-06,AS1,
A1,assessment_authorised,2015-02-10,AS1,nfa
A1,referral,2015-09-01,R2,
B2,contact,2015-03-02,,
B2,referral,2015-03-02,R3,
B2,assessment_start,2015-03-03,AS2,
B2,assessment_authorised,2015-04-20,AS2,in_need
B2,strategy_discussion,2015-04-21,,
B2,s47,2015-04-22,,
"""
TINY_CHILDREN = """child_id,sex,birth_month,ethnicity,disability
A1,1,2010-03,WBRI,no
B2,2,2012-07,BAFR,yes
"""


def tiny_report(folder: Path, events: str = TINY_EVENTS, children: str | None = TINY_CHILDREN, **kwargs) -> Path:
    """A report folder with a tiny tidy log; returns report.yaml's path."""
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "events.csv").write_text(events, encoding="utf-8")
    if children is not None:
        (data / "children.csv").write_text(children, encoding="utf-8")
    return write_report(folder, **kwargs)
