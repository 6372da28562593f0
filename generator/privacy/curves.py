"""Survival and cumulative curves as they may be published.

A Kaplan-Meier or cumulative-incidence curve discloses through its tail: where only a few
cases remain at risk, each step is one child. DOMAIN.md: "survival at-risk counts are
disclosive too". So a public curve stops at the last time with at least `MIN_AT_RISK` at risk
(the rest of the curve is not drawn at all), and the number at risk it shows is rounded to
the nearest `AT_RISK_ROUNDING`. Counts of events along the curve are ordinary counts
(suppressed by `generator.privacy.suppression` afterwards).

Examples
--------
>>> import pandas as pd
>>> curve = pd.DataFrame({"days": [0, 30, 60, 90], "pct": [0.0, 10.0, 20.0, 50.0],
...                       "at_risk": [123, 48, 11, 4]})
>>> cut_curve(curve, "at_risk").to_dict("list")
{'days': [0, 30, 60], 'pct': [0.0, 10.0, 20.0], 'at_risk': [120, 50, 10]}
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MIN_AT_RISK = 10
AT_RISK_ROUNDING = 10

#: Column names read as a curve's number at risk when a chart declares none.
AT_RISK_NAMES = ("at_risk", "at_risk_count", "n_at_risk", "number_at_risk")


def at_risk_column(frame: pd.DataFrame) -> str | None:
    """The column of ``frame`` that holds a curve's number at risk, if any."""
    return next((c for c in AT_RISK_NAMES if c in frame.columns), None)


def curve_rows_kept(at_risk: pd.Series, minimum: int = MIN_AT_RISK) -> np.ndarray:
    """Which rows of a curve (in time order) are kept: all rows up to the last one before the
    number at risk first falls below ``minimum``; NaN counts as below."""
    values = pd.to_numeric(at_risk, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    below = ~(values >= minimum)
    if not below.any():
        return np.ones(len(values), dtype=bool)
    keep = np.zeros(len(values), dtype=bool)
    keep[: int(np.argmax(below))] = True
    return keep


def round_at_risk(values: pd.Series, step: int = AT_RISK_ROUNDING) -> pd.Series:
    """Counts rounded to the nearest ``step`` (halves up), as integers."""
    numbers = pd.to_numeric(values, errors="coerce")
    return (np.floor(numbers / step + 0.5) * step).astype("Int64")


def cut_curve(frame: pd.DataFrame, at_risk: str, *, by: list[str] | None = None,
              minimum: int = MIN_AT_RISK, step: int = AT_RISK_ROUNDING) -> pd.DataFrame:
    """A curve table cut where fewer than ``minimum`` remain at risk, at-risk counts rounded.

    Parameters
    ----------
    frame : DataFrame
        One row per time, in time order (per curve when ``by`` names the curves' columns).
    at_risk : str
        The column holding the number at risk.
    by : list of str, optional
        Columns that tell several curves in one table apart; each is cut on its own.

    Returns
    -------
    DataFrame
        The kept rows (index kept, so callers can tell which rows went), ``at_risk`` rounded.
    """
    keep = kept_rows(frame, at_risk, by=by, minimum=minimum)
    out = frame[keep].copy()
    out[at_risk] = round_at_risk(out[at_risk], step).astype(object)
    return out


def kept_rows(frame: pd.DataFrame, at_risk: str, *, by: list[str] | None = None,
              minimum: int = MIN_AT_RISK) -> np.ndarray:
    """The rows `cut_curve` keeps, as a boolean array over ``frame``."""
    if not by:
        return curve_rows_kept(frame[at_risk], minimum)
    keep = np.zeros(len(frame), dtype=bool)
    positions = np.arange(len(frame))
    for _, rows in frame.groupby(by, sort=False).indices.items():
        rows = positions[rows]
        keep[rows] = curve_rows_kept(frame[at_risk].iloc[rows], minimum)
    return keep


__all__ = ["MIN_AT_RISK", "AT_RISK_ROUNDING", "cut_curve", "kept_rows", "round_at_risk", "at_risk_column"]
