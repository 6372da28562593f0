"""Activity volumes: how many events of each kind, per calendar month."""

from __future__ import annotations

import pandas as pd

from generator.analyses.period import Period
from generator.eventlog import EventLog


def monthly_counts(log: EventLog, period: Period, events: list[str]) -> pd.DataFrame:
    """Events per calendar month of the period, zero-filled.

    Returns
    -------
    DataFrame
        ``month`` (first day), ``event``, ``count``: one row per month and event, months with
        no events included as 0 so a quiet month shows as a dip, not a gap.
    """
    rows = log.events[log.events["event"].isin(events) & period.contains(log.events["date"])]
    months = period.months()
    counted = (
        rows.assign(month=rows["date"].dt.to_period("M").dt.to_timestamp())
        .groupby(["event", "month"]).size()
    )
    full = pd.MultiIndex.from_product([events, months], names=["event", "month"])
    table = counted.reindex(full, fill_value=0).rename("count").reset_index()
    return table[["month", "event", "count"]].astype({"count": "int64"})
