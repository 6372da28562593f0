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
long stays). Where fewer than `TAIL_AT_RISK` stays are still followed, the product-limit
estimate runs out (past the longest stay seen it says no child ever leaves, and a forecast made
two years into the data would keep every child on a plan longer than that there for good): from
there on a group follows its coarser group (with legal status, the station's and status's over
all ages, then the station's) at the same duration, with the group's own level of hazard: the
coarser group's times the group's ratio of moves seen to moves the coarser group's hazard
expects in its time at risk (proportional hazards; indirect standardisation). A group's few
long stays say little about how its hazard falls with duration; its coarser group, with more
children and the history's long stays, says more. Where the station's own stays run out, each
move has a constant hazard, its occurrence / exposure rate over the stays that went on that
long (a piecewise-exponential tail, Andersen et al. section VII.2, the estimator of
`generator.analyses.forecast_rates`). A thin group (under `MIN_MOVES` moves) borrows a coarser
group's moves outright: its station's over all ages, or with a covariate such as legal status,
the station's and covariate's over all ages first.

Stays are followed with delayed entry (left truncation; Andersen et al. section III.3, the
period approach of life tables): a stay already under way when the fitting window opens counts
among those at risk only from the duration it had then (its ``entered``), so a child seen only
from their fifth year in care tells the chance of leaving in years five and on, and nothing
about the first four, which they survived before anyone looked (counting them there would
bias the early moves down: the survivors' bias of a register kept from a date).
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
#: Stays still followed below which a group's moves have a constant hazard (the tail).
TAIL_AT_RISK = 20
#: Spacing of the groups in the flattened search keys (longer than any stay, in days).
_SPACING = 1e7


@dataclass(frozen=True)
class StaySampler:
    """Moves out of each (covariate, station), the covariate being an age band, or an age band
    and a legal status (``covariate = legal * ages + age``): ``time`` (days into the stay),
    ``next`` (station, `LEAVES`) and ``cumulative`` (Aalen-Johansen chance of having moved by
    then), flattened with group ``g = covariate * stations + station`` first; ``group_of`` maps
    a (covariate, station) to the group whose moves it uses (its own or a coarser one, see
    `fit_stays`). Past ``tail_start[g]`` days a group's moves have the constant hazard
    ``tail_rate[g]``, shared out among next stations as ``tail_key``/``tail_next`` say."""

    stations: int
    time_key: np.ndarray
    mass_key: np.ndarray
    time: np.ndarray
    next: np.ndarray
    group_of: np.ndarray
    scale: np.ndarray  # per station: stays drawn are multiplied by it (the what-if "slow")
    ages: int = 1
    tail_start: np.ndarray | None = None  # per group: days into the stay where the tail begins
    tail_mass: np.ndarray | None = None  # per group: chance of having moved by then
    tail_rate: np.ndarray | None = None  # per group: moves per day in the tail
    tail_key: np.ndarray | None = None  # group * 2 + cumulative share of the tail's moves
    tail_next: np.ndarray | None = None
    tail_parent: np.ndarray | None = None  # per group: the coarser group its tail follows (-1: own hazard)
    tail_ratio: np.ndarray | None = None  # per group: its hazard over its coarser group's (observed / expected)

    def step(self, age: np.ndarray, station: np.ndarray, spent: np.ndarray, u: np.ndarray,
             u_next: np.ndarray | None = None, legal: np.ndarray | None = None):
        """Draw how much longer each child stays and where they go.

        Parameters
        ----------
        age, station : ndarray of int
            Each child's age band and station.
        spent : ndarray of float
            Days each child has already been at the station.
        u : ndarray of float
            One uniform in [0, 1) per child (see `path_uniforms`).
        u_next : ndarray of float, optional
            A second uniform per child, for the next station of a stay drawn in the tail
            (default: one derived from ``u``).
        legal : ndarray of int, optional
            Each child's legal status group (0 = not looked after; see
            `generator.analyses.forecast_legal`); None = all 0.

        Returns
        -------
        (stay, destination) : tuple of ndarray
            Further days at the station (inf = no move: a group with no move in its tail),
            and the station moved to (`LEAVES` = off the map).
        """
        covariate = age if legal is None else legal * self.ages + age
        group = self.group_of[covariate * self.stations + station]
        scale = self.scale[station]
        time, destination = self._draw(group, spent / scale, u, u_next if u_next is not None else (u * 4096.0) % 1.0)
        return np.maximum(time * scale - spent, 0.0), destination

    def _draw(self, group: np.ndarray, clock: np.ndarray, u: np.ndarray, u_next: np.ndarray):
        """Days into the stay (on the group's clock) at which each child moves, and where to,
        given ``clock`` days already spent: from the group's moves, then past its tail's start
        from its coarser group's at the same duration, or at the coarsest a constant hazard."""
        mass_before = np.zeros(len(group))
        begun = np.flatnonzero(clock > 0)  # most steps start a stay: nothing to condition on
        if len(begun):
            g = group[begun]
            seen = np.searchsorted(self.time_key, g * _SPACING + clock[begun], side="right") - 1
            mass_before[begun] = np.where((seen >= 0) & (self._group_at(seen) == g), self._mass_at(seen, g), 0.0)
        draw = mass_before + u * (1.0 - mass_before)
        index = np.searchsorted(self.mass_key, group * 2.0 + draw, side="right")
        index = np.minimum(index, len(self.mass_key) - 1)
        found = (self._group_at(index) == group) & (draw < self._before_tail(group))
        time = np.where(found, self.time[index], np.inf)
        destination = np.where(found, self.next[index], LEAVES)
        tail = np.flatnonzero(~found) if self.tail_rate is not None else np.zeros(0, int)
        if not len(tail):
            return time, destination
        g = group[tail]
        start, mass, rate = self.tail_start[g], self.tail_mass[g], self.tail_rate[g]
        # The chance left past the tail's start, as a fresh uniform (the draw was above its mass).
        v = np.clip((draw[tail] - mass) / np.maximum(1.0 - mass, 1e-300), 0.0, 1.0 - 1e-16)
        later = np.maximum(clock[tail], start)
        parent = self.tail_parent[g] if self.tail_parent is not None else np.full(len(g), -1)
        up = parent >= 0
        if up.any():
            # A thin group's few long stays say little about the hazard's fall with duration:
            # its coarser group (more children, the history's long stays) says it from there on.
            # With the group's own level of hazard: the coarser group's times the group's ratio
            # (proportional hazards), so the chance of staying is the coarser group's to that power.
            ratio = self.tail_ratio[g[up]] if self.tail_ratio is not None else 1.0
            v_up = -np.expm1(np.log1p(-v[up]) / ratio)
            time[tail[up]], destination[tail[up]] = self._draw(parent[up], later[up], v_up, u_next[tail[up]])
        own = np.flatnonzero(~up)
        if len(own):
            # At the coarsest level, a constant hazard: the stay past max(spent, start) is exponential.
            g, rate = g[own], rate[own]
            with np.errstate(divide="ignore"):
                extra = np.where(rate > 0, -np.log1p(-v[own]) / np.where(rate > 0, rate, 1.0), np.inf)
            time[tail[own]] = later[own] + extra
            if not len(self.tail_key):  # no tail has a move
                return time, destination
            pick = np.minimum(np.searchsorted(self.tail_key, g * 2.0 + u_next[tail[own]], side="right"),
                              len(self.tail_key) - 1)
            moves = (rate > 0) & (np.floor(self.tail_key[pick] / 2.0 - 1e-12) == g)
            destination[tail[own]] = np.where(moves, self.tail_next[pick], LEAVES)
        return time, destination

    def _before_tail(self, group: np.ndarray):
        """Chance of having moved before the group's tail (1: no tail)."""
        return 1.0 if self.tail_mass is None else self.tail_mass[group]

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


def fit_stays(spells: pd.DataFrame, stations: int, ages: int, legal_groups: int = 1) -> StaySampler:
    """Aalen-Johansen moves out of each station and age band (and legal status), from spells
    known at an origin, each with a constant-hazard tail.

    Parameters
    ----------
    spells : DataFrame
        ``station``, ``age_band``, ``start``, ``end`` and ``to`` (`CENSORED` = still open), and
        with ``legal_groups`` > 1 a ``legal`` column (0 = not looked after); optionally
        ``entered``, the days into each stay at which it came under observation (delayed
        entry; 0 when absent: the stay was seen from its start).
    stations, ages : int
        Numbers of stations and age bands.
    legal_groups : int
        Number of legal status groups (1: the covariate is not used).

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
    entered = (np.minimum(spells["entered"].to_numpy(dtype=float), length) if "entered" in spells
               else np.zeros(len(length)))
    to = spells["to"].to_numpy()
    station = spells["station"].to_numpy()
    age = spells["age_band"].to_numpy()
    legal = spells["legal"].to_numpy() if legal_groups > 1 else np.zeros(len(spells), dtype=np.int64)
    fine = (legal * ages + age) * stations + station
    # Groups, finest first: (legal, age, station), (legal, station) over all ages, station.
    n_fine, n_mid = legal_groups * ages * stations, legal_groups * stations
    keys = ((fine, 0, n_fine), (legal * stations + station, n_fine, n_mid), (station, n_fine + n_mid, stations))
    moved = to != CENSORED
    moves = [np.bincount(key[moved], minlength=count) for key, _, count in keys]
    cells = np.arange(n_fine)
    mid_of = (cells // (ages * stations)) * stations + cells % stations
    group_of = np.where(moves[0] >= MIN_MOVES, cells,
                        np.where(moves[1][mid_of] >= MIN_MOVES, n_fine + mid_of, n_fine + n_mid + cells % stations))
    total = n_fine + n_mid + stations
    # Past its tail's start a group follows its coarser group: (legal, age, station) the
    # (legal, station)'s, that the station's, which alone keeps a constant hazard.
    parent = np.r_[n_fine + mid_of, n_fine + n_mid + np.arange(n_mid) % stations, np.full(stations, -1)]
    times, nexts, masses, groups = [], [], [], []
    hazards, stays_of = {}, {}
    tail_start, tail_mass, tail_rate = np.zeros(total), np.zeros(total), np.zeros(total)
    tail_keys, tail_nexts = [], []
    time_order = np.lexsort((to, ~moved, length))
    needed = np.unique(group_of)
    needed = np.unique(np.r_[needed, parent[needed], parent[parent[needed]]])
    needed = needed[needed >= 0]
    for key, first, count in keys:
        wanted = needed[(needed >= first) & (needed < first + count)]
        if not len(wanted):
            continue
        # Only the stays of groups in use are sorted (a coarser level serves a few thin groups).
        use = np.zeros(count, dtype=bool)
        use[wanted - first] = True
        # By group, and within it in `_by_time`'s order: a stable sort of the groups (a radix
        # sort of small integers) of the stays already in that order.
        rows_in_use = time_order[use[key[time_order]]]
        order = rows_in_use[np.argsort(key[rows_in_use].astype(np.uint16 if count < 2 ** 16 else np.int64),
                                       kind="stable")]
        bounds = np.searchsorted(key[order], np.arange(count + 1))
        for g in wanted:
            rows = order[bounds[g - first]:bounds[g - first + 1]]
            by_time = length[rows], to[rows], entered[rows]
            t, n, m, hazards[g] = _aalen_johansen(*by_time, presorted=True, hazard=True)
            stays_of[g] = by_time
            start, rate, share, after = _tail(*by_time, presorted=True)
            # Moves at one time to one station are one entry, with the chance of having moved
            # by its last (a draw lands on the same time and station; the tables shrink
            # fivefold on the demo, and with them every search of a step).
            before = (t <= start) & np.append((t[1:] != t[:-1]) | (n[1:] != n[:-1]), True)
            tail_start[g], tail_rate[g] = start, rate
            tail_mass[g] = m[before][-1] if before.any() else 0.0
            if not np.isfinite(start):
                tail_mass[g] = 1.0
            times.append(t[before])
            nexts.append(n[before])
            masses.append(m[before])
            groups.append(np.full(before.sum(), g))
            tail_keys.append(g * 2.0 + share)
            tail_nexts.append(after)
    time, nxt, mass, group = (np.concatenate(x) if x else np.zeros(0) for x in (times, nexts, masses, groups))
    ratio = np.ones(total)
    for g in needed[np.isfinite(tail_start[needed]) & (parent[needed] >= 0)]:
        ratio[g] = _hazard_ratio(*stays_of[g], *hazards[parent[g]])
    return StaySampler(stations, group * _SPACING + time, group * 2.0 + mass, time, nxt.astype(np.int64),
                       group_of, np.ones(stations), ages, tail_start, tail_mass, tail_rate,
                       np.concatenate(tail_keys) if tail_keys else np.zeros(0),
                       np.concatenate(tail_nexts).astype(np.int64) if tail_nexts else np.zeros(0, dtype=np.int64),
                       parent, ratio)


def _hazard_ratio(length: np.ndarray, to: np.ndarray, entered: np.ndarray, times: np.ndarray,
                  cumulative: np.ndarray) -> float:
    """A group's moves over those its coarser group's hazard expects in the group's own time at
    risk (indirect standardisation: observed / expected, the maximum-likelihood hazard ratio of
    a proportional-hazards model with the coarser group's hazard as baseline; Breslow, Lubin,
    Marek and Langholz 1983). ``times``/``cumulative``: the coarser group's Nelson-Aalen
    cumulative hazard after each time."""
    def at(x, side):
        k = np.searchsorted(times, x, side=side) - 1
        return np.where(k >= 0, cumulative[np.maximum(k, 0)], 0.0)
    # A stay is at risk from its entry (a move then counts) to its end (a move then counts).
    expected = float((at(length, "right") - at(entered, "left")).sum())
    observed = float((to != CENSORED).sum())
    return observed / expected if expected > 0 and observed > 0 else 1.0


def _tail(length: np.ndarray, to: np.ndarray, entered: np.ndarray | None = None, presorted: bool = False):
    """Where a group's tail begins (the last time more than `TAIL_AT_RISK` stays were still
    followed; inf: never fewer, or too few stays for a tail), the tail's hazard (moves over
    the days at risk past its start, each stay from the later of the start and its delayed
    entry) and its moves' next stations with their cumulative shares (upper ends, so that a
    uniform below a share picks that station)."""
    if not presorted:
        length, to, entered = _by_time(length, to, entered)
    at_risk = _at_risk(length, entered)  # at each stay's own end
    followed = np.flatnonzero(at_risk > TAIL_AT_RISK)
    if len(followed) == 0 or len(followed) == len(length):
        return np.inf, 0.0, np.zeros(0), np.zeros(0, dtype=np.int64)
    start = length[followed[-1]]
    later = np.searchsorted(length, start, side="right")
    moves = to[later:][to[later:] != CENSORED]
    exposure = float((length[later:] - np.maximum(start, entered[later:])).sum())
    rate = len(moves) / exposure if exposure > 0 else 0.0
    nexts, counts = np.unique(moves, return_counts=True)
    return start, rate, np.cumsum(counts) / max(counts.sum(), 1), nexts


def _at_risk(length: np.ndarray, entered: np.ndarray) -> np.ndarray:
    """Stays at risk at each sorted stay's end: entered by then and not ended before it (all
    of a tie are at risk)."""
    n = len(length)
    # The first stay of each run of equal times, in one pass over the sorted times.
    first_at = np.maximum.accumulate(np.where(np.concatenate(([True], length[1:] != length[:-1])), np.arange(n), 0)) if n else 0
    entered_by = np.searchsorted(np.sort(entered), length, side="right") if entered.any() else n
    return entered_by - first_at


def _aalen_johansen(length: np.ndarray, to: np.ndarray, entered: np.ndarray | None = None,
                    presorted: bool = False, hazard: bool = False) -> tuple:
    """Each move's time, next station and the cumulative chance of having moved by it
    (``presorted``: the stays come in `_by_time` order; ``entered``: delayed entries)."""
    if not presorted:
        length, to, entered = _by_time(length, to, entered)
    n = len(length)
    if n == 0:
        return (length, to, length, (length, length)) if hazard else (length, to, length)
    # At risk at a time: every stay entered by then and not ended before it, read off the
    # sorted times: the moves at a time are counted once per time (run), with the number at
    # risk then.
    new_time = np.concatenate(([True], length[1:] != length[:-1]))
    at_risk = _at_risk(length, entered)
    moved = to != CENSORED
    run = np.cumsum(new_time) - 1
    moves_in_run = np.bincount(run, weights=moved, minlength=run[-1] + 1)
    risk_in_run = at_risk[new_time]
    survival_after = np.cumprod(1.0 - moves_in_run / np.maximum(risk_in_run, 1))
    survival_before = np.concatenate(([1.0], survival_after[:-1]))
    jump = survival_before[run[moved]] / np.maximum(at_risk[moved], 1)
    if hazard:
        # The Nelson-Aalen cumulative hazard of any move, after each distinct time.
        return (length[moved], to[moved], np.minimum(np.cumsum(jump), 1.0),
                (length[new_time], np.cumsum(moves_in_run / np.maximum(risk_in_run, 1))))
    return length[moved], to[moved], np.minimum(np.cumsum(jump), 1.0)


def _by_time(length: np.ndarray, to: np.ndarray, entered: np.ndarray | None = None):
    """Stays by time, the moves before the censorings at a tie and by next station (with their
    delayed entries, 0 when none are given)."""
    entered = np.zeros(len(length)) if entered is None else entered
    order = np.lexsort((to, to == CENSORED, length))
    return length[order], to[order], entered[order]
