"""Start and end events paired into records, the shape every return's rows have."""

from __future__ import annotations

import pandas as pd


def paired(events: pd.DataFrame, start: str, end: str, end_code: str = "end_code") -> pd.DataFrame:
    """One row per record: child_id, record_id, start, code, end, <end_code>.

    Starts and ends are tied by record_id; an end with no start is left out (no return can
    hold it), a start with no end is open.
    """
    starts = events[events["event"] == start][["child_id", "record_id", "date", "code"]]
    starts = starts.rename(columns={"date": "start"})
    ends = events[events["event"] == end][["record_id", "date", "code"]].dropna(subset=["record_id"])
    ends = ends.drop_duplicates("record_id").rename(columns={"date": "end", "code": end_code})
    with_id = starts[starts["record_id"].notna()].merge(ends, on="record_id", how="left")
    without = starts[starts["record_id"].isna()].assign(end=pd.NaT, **{end_code: pd.NA})
    frames = [f for f in (with_id, without) if len(f)] or [with_id]
    return pd.concat(frames, ignore_index=True).sort_values(["child_id", "start"], kind="mergesort")


def uk_date(values: pd.Series) -> pd.Series:
    """Dates as the SSDA903 writes them: dd/mm/yyyy, blank for none."""
    return values.dt.strftime("%d/%m/%Y").fillna("")


def iso_date(values: pd.Series) -> pd.Series:
    """Dates as the CIN census writes them: yyyy-mm-dd, blank for none."""
    return values.dt.strftime("%Y-%m-%d")


def collection_years(dates: pd.Series) -> range:
    """The collection years (ending 31 March) the dates span."""
    dates = dates.dropna()
    if dates.empty:
        return range(0)
    first = dates.min().year + (1 if dates.min().month > 3 else 0)
    last = dates.max().year + (1 if dates.max().month > 3 else 0)
    return range(first, last + 1)


def year_bounds(year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day of the collection year ending 31 March ``year``."""
    return pd.Timestamp(f"{year - 1}-04-01"), pd.Timestamp(f"{year}-03-31")
