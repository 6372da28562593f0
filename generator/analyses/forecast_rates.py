"""Transition rates between the stations of a process map, as events per person-time.

This module owns the forecast's raw material: each child's *spells* at the stations of a map
(arrival, departure, where they went next, their age band and how long they had been there),
the split of those spells into time-in-station bands (a Lexis split), and the rate of each
move as events over the days at risk, with an exact Poisson interval. The rates are the
hazards of a piecewise-exponential multi-state model (Andersen, Borgan, Gill and Keiding,
"Statistical models based on counting processes", 1993, section VII.2: the occurrence /
exposure rate is the maximum-likelihood estimate of a constant hazard). They are not averages
of daily ratios, the stock-and-flow demand models' estimate, which weights each day equally
however few children were at risk on it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import chi2

#: Lower bounds of the age bands (years at arrival), the DfE children-in-need bands; the band
#: after the last is "age not known".
AGE_BAND_YEARS = (0, 1, 5, 10, 16)
AGE_BAND_LABELS = ("Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over", "Not known")
UNKNOWN_AGE_BAND = len(AGE_BAND_YEARS)
#: Time-in-station bands (lower bounds, days): a contact is decided within days, a plan runs
#: months, care years; the hazard of moving on differs by orders of magnitude between them.
#: Moves are dated to the day, so stays cluster near whole days: the first bands are centred on
#: them (a next-day move, 0.5-1.5 days, sits inside one band, not across an edge).
DURATION_EDGES = (0.0, 0.5, 1.5, 2.5, 4.5, 7.5, 14.5, 30.5, 61.0, 91.0, 137.0, 182.0, 273.0, 365.0, 548.0, 730.0)
#: Where a spell ended: off the map (the child left), or not seen to end (censored).
OFF = -1
CENSORED = -2


def spells_from_visits(visits: pd.DataFrame, births: pd.Series, ticks_per_day: int, last_day: int,
                       open_tick: int) -> pd.DataFrame:
    """One row per stay at a station: when it began and ended, and what came next.

    Parameters
    ----------
    visits : DataFrame
        Arrivals ordered by child then time, with ``child``, ``station`` (-1 = off the map),
        ``tick`` and ``end_tick`` (``open_tick`` while still open), as
        `generator.pathway.replay.Journeys.visits`.
    births : Series
        Birth month (Timestamp or NaT) per child index.
    ticks_per_day : int
        Ticks in a day (a time ``t`` in days is ``tick / ticks_per_day``).
    last_day : int
        Last day of the data (days since 1970-01-01): open stays are censored at its end.
    open_tick : int
        The ``end_tick`` of a stay still open.

    Returns
    -------
    DataFrame
        ``child``, ``station``, ``start`` and ``end`` (days since 1970-01-01, fractional;
        the state on day D is read at time D), ``to`` (next station, `OFF`, or `CENSORED`),
        ``entry`` (True when the child arrived from off the map), ``birth`` (day number of
        the birth month's first day; NaN = not known) and ``age_band`` (index into
        `AGE_BAND_LABELS`, at arrival).
    """
    child = visits["child"].to_numpy()
    station = visits["station"].to_numpy()
    tick = visits["tick"].to_numpy()
    end_tick = visits["end_tick"].to_numpy()
    same_child_next = np.r_[child[1:] == child[:-1], False]
    next_station = np.r_[station[1:], OFF]
    same_child_prev = np.r_[False, child[1:] == child[:-1]]
    prev_station = np.r_[OFF, station[:-1]]
    is_open = end_tick == open_tick
    to = np.where(is_open, CENSORED, np.where(same_child_next, next_station, OFF))
    end = np.where(is_open, float(last_day), end_tick / ticks_per_day)
    keep = station != OFF
    spells = pd.DataFrame({
        "child": child[keep], "station": station[keep], "start": (tick / ticks_per_day)[keep],
        "end": end[keep], "to": to[keep], "entry": ~(same_child_prev & (prev_station != OFF))[keep],
    })
    birth = pd.to_datetime(pd.Series(births).reset_index(drop=True))
    birth_day = (birth - pd.Timestamp("1970-01-01")).dt.days.to_numpy(dtype=float)
    spells["birth"] = birth_day[spells["child"].to_numpy()]
    spells["age_band"] = age_band(spells["start"].to_numpy() - spells["birth"].to_numpy())
    return spells


def age_band(age_days: np.ndarray) -> np.ndarray:
    """Age band index (into `AGE_BAND_LABELS`) of ages in days; NaN = not known."""
    age_days = np.asarray(age_days, dtype=float)
    years = age_days / 365.25
    band = np.searchsorted(np.asarray(AGE_BAND_YEARS, dtype=float), years, side="right") - 1
    return np.where(np.isnan(years), UNKNOWN_AGE_BAND, np.clip(band, 0, len(AGE_BAND_YEARS) - 1)).astype(np.int64)


def censor_at(spells: pd.DataFrame, day: float) -> pd.DataFrame:
    """The spells as they were known at the end of ``day``: later starts dropped, later ends censored."""
    known = spells[spells["start"] <= day].copy()
    late = known["end"] > day
    known.loc[late, "end"] = float(day)
    known.loc[late, "to"] = CENSORED
    return known


def split_by_duration(spells: pd.DataFrame, edges=DURATION_EDGES) -> pd.DataFrame:
    """Each spell's time at risk split into time-in-station bands (a Lexis split).

    Parameters
    ----------
    spells : DataFrame
        From `spells_from_visits`: ``station``, ``start``, ``end``, ``to``, ``age_band``.
    edges : sequence of float
        Lower bounds of the bands in days, from 0.

    Returns
    -------
    DataFrame
        One row per spell and band it reached: ``station``, ``age_band``, ``duration_band``,
        ``exposure`` (days at risk in the band) and ``to`` (the move made in the band, or
        `CENSORED` when the spell went on past it or was not seen to end).

    Examples
    --------
    A 40-day stay that ended in a move to station 3 is at risk 7 days in the first band,
    23 in the second and 10 in the third, where the move happens:

    >>> s = pd.DataFrame({"station": [0], "start": [0.0], "end": [40.0], "to": [3], "age_band": [2]})
    >>> split_by_duration(s, (0.0, 7.0, 30.0))[["duration_band", "exposure", "to"]].values.tolist()
    [[0.0, 7.0, -2.0], [1.0, 23.0, -2.0], [2.0, 10.0, 3.0]]
    """
    edges = np.asarray(edges, dtype=float)
    length = np.maximum(spells["end"].to_numpy() - spells["start"].to_numpy(), 0.0)
    pieces = []
    for band, low in enumerate(edges):
        high = edges[band + 1] if band + 1 < len(edges) else np.inf
        reached = length >= low if band else np.ones(len(length), dtype=bool)
        exposure = np.clip(length, low, high) - low
        ends_here = (length < high) & reached
        pieces.append(pd.DataFrame({
            "station": spells["station"].to_numpy()[reached],
            "age_band": spells["age_band"].to_numpy()[reached],
            "duration_band": band,
            "exposure": exposure[reached],
            "to": np.where(ends_here, spells["to"].to_numpy(), CENSORED)[reached],
        }))
    return pd.concat(pieces, ignore_index=True)


def poisson_rate_interval(events, exposure, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood 1936) interval for a Poisson rate ``events / exposure``.

    Examples
    --------
    >>> low, high = poisson_rate_interval([10], [100.0])
    >>> round(float(low[0]), 5), round(float(high[0]), 5)
    (0.04795, 0.1839)

    R: ``poisson.test(10, 100)$conf.int`` (0.04795389 0.18390356).
    """
    events = np.asarray(events, dtype=float).reshape(-1)
    exposure = np.asarray(exposure, dtype=float).reshape(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(events > 0, chi2.ppf(alpha / 2, 2 * events) / 2, 0.0) / exposure
        high = chi2.ppf(1 - alpha / 2, 2 * events + 2) / 2 / exposure
    bad = ~(exposure > 0)
    low[bad], high[bad] = np.nan, np.nan
    return low, high


def transition_rates(pieces: pd.DataFrame, by=("station", "age_band", "duration_band"),
                     alpha: float = 0.05) -> pd.DataFrame:
    """Rate of each move out of each group: events per day at risk, with an exact interval.

    Parameters
    ----------
    pieces : DataFrame
        Time at risk, one row per spell (or per spell and band, from `split_by_duration`):
        the ``by`` columns, ``exposure`` (days) and ``to`` (`CENSORED` = no move).
    by : tuple of str
        The columns that define a group at risk.
    alpha : float
        1 - confidence level of the interval.

    Returns
    -------
    DataFrame
        One row per group and destination seen from it: the ``by`` columns, ``to``,
        ``events``, ``exposure`` (the group's days at risk), ``rate`` (per day), ``rate_low``
        and ``rate_high``. Groups with exposure but no move have no rows; their total
        exposure is kept in `exposure_by_group`.

    Examples
    --------
    Three stays at station 0: 10 days ending in a move to 1, 20 days to 2, 30 days censored;
    60 days at risk, so each move's rate is 1/60 a day:

    >>> p = pd.DataFrame({"station": [0, 0, 0], "exposure": [10.0, 20.0, 30.0], "to": [1, 2, -2]})
    >>> transition_rates(p, by=("station",))[["to", "events", "exposure"]].values.tolist()
    [[1.0, 1.0, 60.0], [2.0, 1.0, 60.0]]
    """
    by = list(by)
    exposure = exposure_by_group(pieces, by)
    moved = pieces[pieces["to"] != CENSORED]
    events = moved.groupby(by + ["to"], observed=True).size().rename("events").reset_index()
    rates = events.merge(exposure, on=by, how="left")
    rates["rate"] = rates["events"] / rates["exposure"]
    rates["rate_low"], rates["rate_high"] = poisson_rate_interval(rates["events"], rates["exposure"], alpha)
    return rates.sort_values(by + ["to"]).reset_index(drop=True)


def exposure_by_group(pieces: pd.DataFrame, by) -> pd.DataFrame:
    """Days at risk per group (the ``by`` columns and ``exposure``)."""
    return pieces.groupby(list(by), observed=True)["exposure"].sum().reset_index()
