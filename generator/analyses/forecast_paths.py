"""Sampling journeys forward, stay by stay: the forecast's semi-Markov engine.

This module owns one step of a journey: given a child's station, age band and days already
spent there, how much longer they stay and where they go next. Stays and next stations are
drawn from the Aalen-Johansen estimator of each station's competing moves (Aalen and Johansen
1978; Andersen et al., "Statistical models based on counting processes", 1993, section IV.4):
each move seen at time t carries the chance S(t-) / (children at risk at t), S the
product-limit chance of not yet having moved, so stays still open at the data's end count
while they are seen and no longer. This is the occurrence / exposure rate of
`generator.analyses.forecast_rates` with the bands shrunk to the moves' own times: a contact
is decided on the day or the next, a timeout moves a child at exactly five days, and coarser
bands with a constant rate inside spread those moves (on the demo a band from 0.5 to 1.5 days
sent 30% of contacts to a referral against the 24.6% seen). A child already ``spent`` days at
a station draws from the moves after that (a child three years into care leaves at the rate of
long stays). The chance of no move within the longest stay seen is a stay that outlasts the
forecast. A thin age band (under `MIN_MOVES` moves) borrows its station's moves over all ages.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from generator.analyses.forecast_rates import CENSORED, OFF

#: The destination code for "left the map" in `StaySampler.step`.
LEAVES = OFF
#: Fewest moves out of a station in an age band for the band's own estimate.
MIN_MOVES = 30
#: Spacing of the groups in the flattened search keys (longer than any stay, in days).
_SPACING = 1e7


@dataclass(frozen=True)
class StaySampler:
    """Moves out of each (age band, station): ``time`` (days into the stay), ``next`` (station,
    `LEAVES`) and ``cumulative`` (Aalen-Johansen chance of having moved by then), flattened with
    group ``g = age * stations + station`` first; ``group_of`` maps a (age, station) to the
    group whose moves it uses (its own or its station's over all ages)."""

    stations: int
    time_key: np.ndarray
    mass_key: np.ndarray
    time: np.ndarray
    next: np.ndarray
    group_of: np.ndarray
    scale: np.ndarray  # per station: stays drawn are multiplied by it (the what-if "slow")

    def step(self, age: np.ndarray, station: np.ndarray, spent: np.ndarray, u: np.ndarray):
        """Draw how much longer each child stays and where they go.

        Parameters
        ----------
        age, station : ndarray of int
            Each child's age band and station.
        spent : ndarray of float
            Days each child has already been at the station.
        u : ndarray of float
            One uniform in [0, 1) per child (see `path_uniforms`).

        Returns
        -------
        (stay, destination) : tuple of ndarray
            Further days at the station (inf = no move within the longest stay seen), and
            the station moved to (`LEAVES` = off the map).
        """
        group = self.group_of[age * self.stations + station]
        scale = self.scale[station]
        seen = np.searchsorted(self.time_key, group * _SPACING + spent / scale, side="right") - 1
        mass_before = np.where((seen >= 0) & (self._group_at(seen) == group), self._mass_at(seen, group), 0.0)
        draw = mass_before + u * (1.0 - mass_before)
        index = np.searchsorted(self.mass_key, group * 2.0 + draw, side="right")
        index = np.minimum(index, len(self.mass_key) - 1)
        found = self._group_at(index) == group
        stay = np.where(found, self.time[index] * scale - spent, np.inf)
        return np.maximum(stay, 0.0), np.where(found, self.next[index], LEAVES)

    def _group_at(self, index: np.ndarray) -> np.ndarray:
        return np.floor(self.mass_key[index] / 2.0 - 1e-12).astype(np.int64)

    def _mass_at(self, index: np.ndarray, group: np.ndarray) -> np.ndarray:
        return self.mass_key[index] - group * 2.0


def path_uniforms(ids: np.ndarray, move: int, salt: int) -> np.ndarray:
    """A uniform in [0, 1) for each journey ``ids`` at its ``move``-th step (SplitMix64 of the
    three; Steele, Lea and Flood 2014). A journey draws the same numbers whatever else is
    simulated beside it, so a scenario and the baseline differ only where the scenario
    changes a journey (common random numbers, journey by journey)."""
    with np.errstate(over="ignore"):
        z = (ids.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64((move * 0x632BE59BD9B4E019) % 2 ** 64)
             + np.asarray(salt).astype(np.uint64))
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))


def fit_stays(spells: pd.DataFrame, stations: int, ages: int) -> StaySampler:
    """Aalen-Johansen moves out of each station and age band, from spells known at an origin.

    Parameters
    ----------
    spells : DataFrame
        ``station``, ``age_band``, ``start``, ``end`` and ``to`` (`CENSORED` = still open).
    stations, ages : int
        Numbers of stations and age bands.

    Returns
    -------
    StaySampler

    Examples
    --------
    Four stays at station 0: moves at days 1 and 3, one still open at day 2, one at day 4.
    The product-limit chance of having moved is 1/4 by day 1, then 1/4 + 3/4 * 1/2 by day 3:

    >>> s = pd.DataFrame({"station": 0, "age_band": 0, "start": 0.0, "end": [1.0, 2.0, 3.0, 4.0],
    ...                   "to": [1, -2, 1, -2]})
    >>> sampler = fit_stays(s, stations=2, ages=1)
    >>> sampler.time[:2].tolist(), (sampler.mass_key[:2] % 2).round(4).tolist()
    ([1.0, 3.0], [0.25, 0.625])
    """
    length = (spells["end"] - spells["start"]).clip(lower=0.0).to_numpy()
    to = spells["to"].to_numpy()
    station = spells["station"].to_numpy()
    age = spells["age_band"].to_numpy()
    moves_by_group = np.bincount(age[to != CENSORED] * stations + station[to != CENSORED],
                                 minlength=ages * stations)
    group_of = np.arange(ages * stations)
    # A thin band uses its station's moves over all ages, kept as groups ages*stations + station.
    thin = moves_by_group < MIN_MOVES
    group_of[thin] = ages * stations + (group_of[thin] % stations)
    times, nexts, masses, groups = [], [], [], []
    needed = np.unique(group_of)
    # Own groups are keyed by age band and station, pooled ones by station alone.
    for key, first, count in ((age * stations + station, 0, ages * stations), (station, ages * stations, stations)):
        order = np.argsort(key, kind="stable")
        bounds = np.searchsorted(key[order], np.arange(count + 1))
        for g in needed[(needed >= first) & (needed < first + count)]:
            rows = order[bounds[g - first]:bounds[g - first + 1]]
            t, n, m = _aalen_johansen(length[rows], to[rows])
            times.append(t)
            nexts.append(n)
            masses.append(m)
            groups.append(np.full(len(t), g))
    time, nxt, mass, group = (np.concatenate(x) if x else np.zeros(0) for x in (times, nexts, masses, groups))
    return StaySampler(stations, group * _SPACING + time, group * 2.0 + mass, time, nxt.astype(np.int64),
                       group_of, np.ones(stations))


def _aalen_johansen(length: np.ndarray, to: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each move's time, next station and the cumulative chance of having moved by it."""
    order = np.lexsort((to == CENSORED, length))  # by time; moves before censorings at a tie
    length, to = length[order], to[order]
    n = len(length)
    if n == 0:
        return length, to, length
    # At risk at a time: every stay not ended before it (all of a tie are at risk), read off
    # the sorted times in one pass: the index of the first stay of each run of equal times.
    new_time = np.r_[True, length[1:] != length[:-1]]
    first_at = np.maximum.accumulate(np.where(new_time, np.arange(n), 0))
    at_risk = n - first_at
    moved = to != CENSORED
    # Product-limit survival just before each distinct time: the moves at a time are counted
    # once per time (run), with the number at risk then.
    run = np.cumsum(new_time) - 1
    moves_in_run = np.bincount(run, weights=moved, minlength=run[-1] + 1)
    risk_in_run = at_risk[new_time]
    survival_after = np.cumprod(1.0 - moves_in_run / risk_in_run)
    survival_before = np.r_[1.0, survival_after[:-1]]
    jump = survival_before[run[moved]] / at_risk[moved]
    return length[moved], to[moved], np.minimum(np.cumsum(jump), 1.0)
