"""Workload: how much work sits at each stage (stock), and how much starts and ends (flow).

A stage is a pair of events (start, end): early help assessments, child and family
assessments, child in need plans, child protection plans, periods of care. Starts are paired
with ends one rule for all stages:

* An end closes the child's latest start of that stage on or before it (the same day
  counts); a start that meets the child's next start before any end is taken to end there
  (the record was superseded, e.g. a new assessment opened while one was still open).
* A start with no end is **open** to the end of the data.
* An end with no start before it belongs to a case that started before the data: it counts
  as open from the first date in the data. (Cases open before the data with no event in it
  cannot be seen, so the stock is too low at first: the charts say so.)

A case is **open on day d** when it started on or before d and had not ended on or before d.
Section 47 enquiries have no end event in the sector's log, so they have no stock here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.analyses.front_door import distinct_days, link_next
from generator.analyses.period import Period
from generator.eventlog import EVENT_COLUMNS, EventLog

#: (key, name, start event, end event), in the order charts list them.
STAGES: tuple[tuple[str, str, str, str], ...] = (
    ("early_help", "Early help assessments", "early_help_assessment_start", "early_help_assessment_completion"),
    ("assessment", "Child and family assessments", "assessment_start", "assessment_authorised"),
    ("cin_plan", "Child in need plans", "cin_plan_start", "cin_plan_end"),
    ("cp_plan", "Child protection plans", "cpp_start", "cpp_end"),
    ("looked_after", "Periods of care", "lac_start", "lac_end"),
)
STAGE_NAMES = {key: name for key, name, _, _ in STAGES}


def stage_intervals(log: EventLog, start_event: str, end_event: str) -> pd.DataFrame:
    """Every case of a stage as an interval (see the module docstring for the pairing).

    Returns
    -------
    DataFrame
        ``child_id``, ``start`` (NaT: started before the data), ``end`` (NaT: still open),
        ``ended_by`` ("end" recorded, "next start" superseded, or "" when open).
    """
    return log.derived(("stage intervals", start_event, end_event), lambda: _intervals(log, start_event, end_event))


def _intervals(log: EventLog, start_event: str, end_event: str) -> pd.DataFrame:
    starts = distinct_days(log, start_event)
    ends = log.of_event(end_event)[["child_id", "date"]].drop_duplicates()
    linked = link_next(starts, ends, None)
    end = linked["linked_date"]
    superseded = end.isna() & starts["next_date"].notna()
    table = pd.DataFrame({
        "child_id": starts["child_id"],
        "start": starts["date"],
        "end": end.where(~superseded, starts["next_date"]),
        "ended_by": np.where(end.notna(), "end", np.where(superseded, "next start", "")),
    })
    first_start = starts.groupby("child_id")["date"].min()
    before = ends["date"] < ends["child_id"].map(first_start).fillna(pd.Timestamp.max)
    # Only the first such end of a child: later ones would close cases that do not exist.
    earlier = ends[before].sort_values(["child_id", "date"]).drop_duplicates("child_id")
    if len(earlier):
        table = pd.concat([table, pd.DataFrame({"child_id": earlier["child_id"], "start": pd.NaT,
                                                "end": earlier["date"], "ended_by": "end"})], ignore_index=True)
    return table.astype({"start": "datetime64[ns]", "end": "datetime64[ns]"}).reset_index(drop=True)


def open_on(intervals: pd.DataFrame, days: pd.DatetimeIndex) -> np.ndarray:
    """How many cases were open on each of ``days``: started on or before the day (or before
    the data) and not ended on or before it."""
    day = days.to_numpy()
    starts = np.sort(intervals["start"].dropna().to_numpy())
    ends = np.sort(intervals["end"].dropna().to_numpy())
    before_data = int(intervals["start"].isna().sum())
    started = before_data + np.searchsorted(starts, day, side="right")
    ended = np.searchsorted(ends, day, side="right")
    return (started - ended).astype("int64")


def weekly_days(period: Period) -> pd.DatetimeIndex:
    """The Mondays of the period (the day each week's stock is counted on)."""
    first = period.start + pd.Timedelta(days=(7 - period.start.weekday()) % 7)
    return pd.date_range(first, period.end, freq="7D")


def weekly_stock(log: EventLog, period: Period, stages: list[str]) -> pd.DataFrame:
    """Cases open at each stage on each Monday of the period.

    Returns
    -------
    DataFrame
        ``week`` (the Monday), ``stage`` (key), ``stage_name``, ``open`` (cases open that day).
    """
    days = weekly_days(period)
    rows = []
    for key, name, start, end in STAGES:
        if key in stages:
            rows.append(pd.DataFrame({"week": days, "stage": key, "stage_name": name,
                                      "open": open_on(stage_intervals(log, start, end), days)}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["week", "stage", "stage_name", "open"])


def monthly_flow(log: EventLog, period: Period, stage: str) -> pd.DataFrame:
    """Cases of a stage started and ended (with a recorded end) per month of the period.

    Returns
    -------
    DataFrame
        ``month``, ``started``, ``ended``, zero-filled.
    """
    key, _, start, end = next(s for s in STAGES if s[0] == stage)
    intervals = stage_intervals(log, start, end)
    months = period.months()

    def per_month(dates: pd.Series) -> np.ndarray:
        dates = dates[dates.notna() & period.contains(dates)]
        return dates.dt.to_period("M").dt.start_time.value_counts().reindex(months, fill_value=0).to_numpy()

    ended = intervals.loc[intervals["ended_by"] == "end", "end"]
    return pd.DataFrame({"month": months, "started": per_month(intervals["start"]).astype("int64"),
                         "ended": per_month(ended).astype("int64")})


def breakdown_column(log: EventLog, preferred: str | None = None) -> str | None:
    """The column that says which team or locality holds a case: ``preferred`` when given and
    present, else the first of ``team``, ``locality`` found on the events or the children."""
    names = [preferred] if preferred else ["team", "locality"]
    for name in names:
        if name in log.events.columns and name not in EVENT_COLUMNS:
            return name
        if name in log.children.columns:
            return name
    return None


def stock_by_group(log: EventLog, period: Period, stage: str, column: str) -> pd.DataFrame:
    """Average cases of a stage open on the Mondays of each month, by team or locality.

    The group of a case is the ``column`` value on its start event when the events carry it
    (a team), else the child's (a locality); cases without one are "Not recorded".

    Returns
    -------
    DataFrame
        ``month``, ``group``, ``open`` (mean over the month's Mondays, one decimal).
    """
    key, _, start, end = next(s for s in STAGES if s[0] == stage)
    intervals = stage_intervals(log, start, end)
    if column in log.events.columns:
        first = log.of_event(start)[["child_id", "date", column]].drop_duplicates(["child_id", "date"])
        intervals = intervals.merge(first.rename(columns={"date": "start", column: "group"}), on=["child_id", "start"], how="left")
    else:
        intervals = intervals.merge(log.children[["child_id", column]].rename(columns={column: "group"}), on="child_id", how="left")
    intervals["group"] = intervals["group"].astype("string").fillna("Not recorded")
    days = weekly_days(period)
    month = days.to_period("M").start_time
    rows = []
    for group, cases in intervals.groupby("group", sort=True):
        counts = pd.Series(open_on(cases, days), index=days).groupby(month).mean()
        rows.append(pd.DataFrame({"month": counts.index, "group": group, "open": counts.round(1).to_numpy()}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["month", "group", "open"])
