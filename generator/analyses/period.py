"""The report period: the dates an analysis counts over, as distinct from the look-back."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Period:
    """An inclusive range of days. `start` and `end` are midnight timestamps."""

    start: pd.Timestamp
    end: pd.Timestamp

    @classmethod
    def of(cls, start, end) -> "Period":
        return cls(pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize())

    def contains(self, dates: pd.Series) -> pd.Series:
        return (dates >= self.start) & (dates <= self.end)

    def months(self) -> pd.DatetimeIndex:
        """First day of every calendar month the period touches."""
        return pd.date_range(self.start.to_period("M").to_timestamp(), self.end, freq="MS")
