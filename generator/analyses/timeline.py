"""One child's life course in the records: every event across the returns, as swimlanes.

The seed's Figure 2 draws a child's referrals, assessments, plans, periods of care, legal
statuses, placements and missing episodes on one time axis, one lane each. Records with a
start and an end (an assessment, a plan, a period of care) become spans, joined by their
``record_id``; a legal status or a placement lasts until the next one or the end of the
period of care it belongs to; a referral is a moment. For internal reports only: it is one
child's record.
"""

from __future__ import annotations

import pandas as pd

from generator.eventlog import EventLog

#: Lane -> (start event, end event or None for a moment).
LANES = {
    "Referrals": ("referral", None),
    "Assessments": ("assessment_start", "assessment_authorised"),
    "Child in need": ("cin_start", "cin_end"),
    "Child in need plans": ("cin_plan_start", "cin_plan_end"),
    "Child protection enquiries": ("s47", None),
    "Child protection plans": ("cpp_start", "cpp_end"),
    "Periods of care": ("lac_start", "lac_end"),
    "Legal statuses": ("legal_status", None),
    "Placements": ("placement", None),
    "Missing": ("missing_start", "missing_end"),
}
COLUMNS = ["lane", "start", "end", "code", "open", "moment"]


def child_timeline(log: EventLog, child_id: str) -> pd.DataFrame:
    """The child's records as lane spans.

    Returns
    -------
    DataFrame
        ``lane``, ``start``, ``end`` (the last date in the data for a record still open),
        ``code``, ``open`` (bool), ``moment`` (bool: a one-day event); empty when the child
        has no events.
    """
    events = log.events[log.events["child_id"] == child_id]
    last = log.last_date
    rows = []
    care = events[events["event"].isin(["lac_start", "lac_end"])]
    for lane, (start_event, end_event) in LANES.items():
        starts = events[events["event"] == start_event]
        if start_event in ("legal_status", "placement"):
            # A status or placement lasts until the next of its kind, or its period's end; the
            # legal status a period starts with is its lac_start code.
            steps = starts if start_event == "placement" else pd.concat(
                [events[events["event"] == "lac_start"], starts]).sort_values("date", kind="mergesort")
            for i, row in enumerate(steps.itertuples(index=False)):
                ends = care[(care["event"] == "lac_end") & (care["record_id"] == row.record_id)]["date"]
                nxt = steps["date"].iloc[i + 1] if i + 1 < len(steps) else pd.NaT
                end = min([d for d in (nxt, ends.min() if len(ends) else pd.NaT) if pd.notna(d)], default=pd.NaT)
                rows.append((lane, row.date, end if pd.notna(end) else last, row.code, pd.isna(end), False))
            continue
        if end_event is None:
            rows += [(lane, row.date, row.date, row.code, False, True) for row in starts.itertuples(index=False)]
            continue
        ends = events[events["event"] == end_event][["record_id", "date", "code"]]
        paired = starts.merge(ends, on="record_id", how="left", suffixes=("", "_end"))
        for row in paired.itertuples(index=False):
            open_ = pd.isna(row.date_end)
            code = row.code_end if not open_ and pd.notna(row.code_end) else row.code
            rows.append((lane, row.date, last if open_ else row.date_end, code, open_, False))
    table = pd.DataFrame(rows, columns=COLUMNS)
    table["code"] = table["code"].astype("string").fillna("")
    return table.sort_values(["start", "lane"], kind="mergesort").reset_index(drop=True)
