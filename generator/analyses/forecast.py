"""Forecast of the children at each station of a map, month by month, with prediction intervals.

This module owns the journey model that looks ahead: a semi-Markov model over the stations of a
process map, each stay and next station drawn by age band and time already spent
(`generator.analyses.forecast_paths`) and, in care, by the legal status the stay began under
(`generator.analyses.forecast_legal`), fed by new arrivals from a negative binomial model with
trend and season (`generator.analyses.forecast_arrivals`).

Children are independent given the model, so the children at a station on a month end are
(a) those there at the origin who are still there, simulated jointly child by child, plus
(b) those yet to arrive. For (b) no child-by-child simulation per future is needed: with
Poisson arrivals, the children at each station are Poisson with mean the arrival rate times
the chance an arrival is there then (the M/G/infinity property: Eick, Massey and Whitt, "The
physics of the M_t/G/infinity queue", Operations Research 1993), and that chance (the
*kernel*) is estimated once from journeys drawn from each entry station in each month. The
futures simulated are of what the model does not know: the arrivals' coefficients and
negative binomial mixing (`draw_arrivals`), and the journeys of the children there now.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from generator.analyses.forecast_arrivals import ArrivalModel, draw_arrivals, fit_arrivals, monthly_arrivals
from generator.analyses.forecast_legal import LEGAL_GROUPS, LegalArrivals, fit_legal_arrivals, has_legal_status
from generator.analyses.forecast_paths import LEAVES, StaySampler, fit_stays, path_uniforms
from generator.analyses.forecast_rates import AGE_BAND_LABELS, CENSORED, age_band, censor_at

#: Prediction interval levels (central), as published.
LEVELS = (0.80, 0.95)
#: Joint samples of the journeys of the children there at the origin (per bootstrap resample).
NOW_REPS = 20
#: Journeys drawn per entry station and arrival month for the arrivals' kernels (per resample).
KERNEL_PATHS = 250
#: Months a kernel's journeys are followed past the horizon (see `_arrival_kernels`).
POOL_MONTHS = 12
#: Bootstrap resamples of the children behind the stays (the futures are shared among them).
BOOTSTRAPS = 10
#: Children's services end on the 18th birthday (days).
ADULT_DAYS = 18 * 365.25
#: A station reached by fewer than this share of arrivals gets its journeys split (at most
#: `MAX_SPLIT` copies): care, reached by about one contact in a hundred, gets 10.
SPLIT_SHARE = 0.5
MAX_SPLIT = 50
#: Moves followed per journey within a forecast (a journey rarely makes 20 in two years).
MAX_MOVES = 60
EPOCH = pd.Timestamp("1970-01-01")


@dataclass(frozen=True)
class Levers:
    """What-if changes to the fitted model (all neutral by default).

    ``divert``: (from station, to station, new to station, share): that share of the moves
    from one station to another go to a third instead (NFA at a strategy discussion instead of
    a section 47). ``slow``: (station, factor): stays at the station last ``factor`` times as
    long (every move out at 1/factor the rate). ``arrivals_growth``: yearly growth of new
    arrivals on top of the trend. ``returning``: (share of returning arrivals prevented, share
    of arrivals who are returning children). ``s20_entries``: that share of the children coming
    into care on an order come in under section 20 instead (negative: that share of those under
    section 20 come in on an order); it needs the legal status in the model.
    """

    divert: tuple[tuple[int, int, int, float], ...] = ()
    slow: tuple[tuple[int, float], ...] = ()
    arrivals_growth: float = 0.0
    returning: tuple[float, float] = (0.0, 0.0)
    s20_entries: float = 0.0


@dataclass
class JourneyForecastModel:
    """A fitted model: the stays and moves out of each station (`StaySampler`, one per
    bootstrap resample of the children), the ages (days;
    NaN = not known) of the year's arrivals at each entry station, their arrival models, the origin (last day seen) and the share of
    recent arrivals who had been on the map before."""

    stations: int
    stays: tuple[StaySampler, ...]
    entry_ages: dict[int, np.ndarray]
    arrivals: list[ArrivalModel]
    origin_day: int
    returning_share: float = 0.0
    weekday_share: np.ndarray | None = None
    split: np.ndarray | None = None  # per station: copies of a journey arriving there (see `_walk`)
    legal: LegalArrivals | None = None  # legal status of arrivals in care; None: not in the data


def fit_journey_model(spells: pd.DataFrame, stations: int, entry_stations, origin_day: int,
                      seed: int = 0) -> JourneyForecastModel:
    """Fit the forecast's model on what was known at the end of ``origin_day``.

    Parameters
    ----------
    spells : DataFrame
        From `generator.analyses.forecast_rates.spells_from_visits`.
    stations : int
        Number of stations on the map.
    entry_stations : sequence of int
        Stations where new children arrive (the map's entry stations).
    origin_day : int
        Last day the model may see (days since 1970-01-01); a month end.
    seed : int
        Seed of the bootstrap resamples.

    Returns
    -------
    JourneyForecastModel
    """
    known = censor_at(spells, origin_day)
    # The stays' own doubt: each bootstrap resample of the children gives one set of stays,
    # and the futures are shared out among them (Efron and Tibshirani, "An introduction to
    # the bootstrap", 1993, chapter 6). A child's weight is Poisson(1), the large-sample
    # equivalent of resampling children (Hanley and MacGibbon 2006), with no index lookups.
    rng = np.random.default_rng(seed)
    entries = known[known["entry"] & known["station"].isin(list(entry_stations))]
    observed = aged_out_censored(fitting_window(known, entries["start"].min() if len(entries) else known["start"].min()))
    child = observed["child"].to_numpy()
    # Who arrives in care under which status: the arrivals in the window (not the history's).
    began = observed[observed["entered"] == 0]
    legal = fit_legal_arrivals(began, stations, len(AGE_BAND_LABELS)) if has_legal_status(began) else None
    fitted = observed[[c for c in ("station", "age_band", "start", "end", "to", "legal", "entered") if c in observed]]
    stays = tuple(
        fit_stays(fitted.take(np.repeat(np.arange(len(observed)), rng.poisson(1.0, child.max() + 1)[child])),
                  stations, len(AGE_BAND_LABELS), LEGAL_GROUPS if legal is not None else 1)
        for _ in range(BOOTSTRAPS))
    origin = month_of(origin_day)
    # Arrivals are counted from the first month any arrival is recorded: a 903 history before
    # the front door's records holds stays but no contacts, and months before them are no
    # evidence of no arrivals (they would read as a steep rise). That first month is partial
    # when the data start mid-month; the model starts after it.
    first = month_of((entries if len(entries) else known)["start"].min())
    counts = monthly_arrivals(known, entry_stations, first + 1 if first < origin - 12 else first, origin)
    recent = entries[entries["start"] > origin_day - 365]
    ages = {int(station): (recent["start"] - recent["birth"]).to_numpy(dtype=float)[recent["station"].to_numpy() == station]
            for station in entry_stations}
    # Share of the arrivals' journeys that reach each station: the rarer, the more copies.
    reach = np.bincount(known["station"], minlength=stations) / max(len(entries), 1)
    split = np.clip(np.floor(SPLIT_SHARE / np.maximum(reach, 1e-9)), 1, MAX_SPLIT)
    weekday = np.bincount((np.floor(recent["start"].to_numpy()).astype(np.int64) + 3) % 7, minlength=7)
    return JourneyForecastModel(stations, stays, ages, fit_arrivals(counts), int(origin_day),
                                _returning_share(known, recent),
                                weekday / weekday.sum() if weekday.sum() else np.full(7, 1 / 7), split, legal)


def fitting_window(known: pd.DataFrame, opens: float) -> pd.DataFrame:
    """The stays at risk in the fitting window, from ``opens`` (a day number) to the origin,
    each with ``entered``: the days it had run when the window opened (0 for a stay begun in
    it), its delayed entry in `generator.analyses.forecast_paths.fit_stays`.

    The window opens at the map's first recorded arrival: before it, a 903 history holds only
    the children who were looked after, by a register kept another way, so the moves out of
    care it shows are not those of the front door's children. A period of care under way then
    counts from its duration on that day (the period approach): the long stays of children who
    came into care years before the front door's records are how long care lasts past the
    front door's few years (measured on the demo's backtest, see the README's forecast rows).
    Stays over before the window opened are left out: they were seen only because they began
    in the history.

    Examples
    --------
    >>> s = pd.DataFrame({"start": [0.0, 50.0, 120.0], "end": [80.0, 300.0, 200.0], "to": [-1, -2, 3]})
    >>> fitting_window(s, 100.0)[["start", "entered"]].values.tolist()
    [[50.0, 50.0], [120.0, 0.0]]
    """
    at_risk = (known["end"] > opens) | ((known["to"] == CENSORED) & (known["end"] >= opens))
    observed = known[at_risk].copy()
    observed["entered"] = np.maximum(opens - observed["start"].to_numpy(dtype=float), 0.0)
    return observed


def aged_out_censored(stays: pd.DataFrame) -> pd.DataFrame:
    """The stays with each move at the 18th birthday read as censored there.

    The forecast makes every child leave on their 18th birthday (`_walk`); a move made then,
    counted again among the moves of the stays' hazard, would make the children far from 18
    leave as if they were turning 18 too (a third of the moves out of care after five years on
    the demo). The birthday is read from the birth month: a move from two days before its
    first day (the demo's 903 history ends care the day before, 1.5 days before the month's
    first day on the model's clock) to a month after it is the birthday's.

    Examples
    --------
    >>> s = pd.DataFrame({"birth": [0.0, 0.0], "end": [18 * 365.25 + 12, 4000.0], "to": [3, 3]})
    >>> aged_out_censored(s)["to"].tolist()
    [-2, 3]
    """
    since = stays["end"].to_numpy(dtype=float) - stays["birth"].to_numpy(dtype=float) - ADULT_DAYS
    turned = (since >= -3) & (since <= 32) & (stays["to"].to_numpy() != CENSORED)
    if not turned.any():
        return stays
    return stays.assign(to=np.where(turned, CENSORED, stays["to"].to_numpy()))


def forecast_stock(model: JourneyForecastModel, spells: pd.DataFrame, horizon: int = 12, draws: int = 2000,
                   seed: int = 0, levers: Levers | None = None) -> pd.DataFrame:
    """Children at each station at each of the next ``horizon`` month ends, with intervals.

    Parameters
    ----------
    model : JourneyForecastModel
        From `fit_journey_model`.
    spells : DataFrame
        The spells the model was fitted on (the children there at the origin are read from them).
    horizon : int
        Months ahead (12 to 24 on the page).
    draws : int
        Simulated futures of the arrivals.
    seed : int
        Seed of the draws (same seed, same forecast).
    levers : Levers, optional
        A what-if scenario; None (or neutral levers) gives the baseline exactly.

    Returns
    -------
    DataFrame
        One row per month and station: ``month`` (Period), ``date`` (month end), ``station``,
        ``mean``, ``median``, ``low80``, ``high80``, ``low95``, ``high95``, ``from_now`` (the
        expected number of those there at the origin still there).
    """
    samples, from_now = simulate_stock(model, spells, horizon, draws, seed, levers)
    return forecast_from_samples(model, samples, from_now)


def forecast_from_samples(model: JourneyForecastModel, samples: np.ndarray, from_now: np.ndarray) -> pd.DataFrame:
    """The table of `forecast_stock` from simulated futures (draws, months, stations)."""
    horizon = samples.shape[1]
    months = pd.period_range(month_of(model.origin_day) + 1, periods=horizon, freq="M")
    rows = []
    quantiles = np.quantile(samples, [0.5, 0.1, 0.9, 0.025, 0.975], axis=0)
    mean = samples.mean(axis=0)
    for k, month in enumerate(months):
        for j in range(model.stations):
            q = quantiles[:, k, j]
            rows.append((month, month.to_timestamp(how="end").normalize(), j, mean[k, j], *q, from_now[k, j]))
    return pd.DataFrame(rows, columns=["month", "date", "station", "mean", "median", "low80", "high80",
                                       "low95", "high95", "from_now"])


def simulate_stock(model: JourneyForecastModel, spells: pd.DataFrame, horizon: int, draws: int, seed: int,
                   levers: Levers | None = None, bootstraps: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Simulated stock: array (draws, months, stations), and the expected stock of the children
    there at the origin (months, stations). See `forecast_stock`; ``bootstraps`` uses only the
    first that many of the model's resamples (a quicker, noisier run for what-if grids)."""
    levers = levers or Levers()
    walks = walk_journeys(model, spells, horizon, seed, levers, bootstraps)
    return combine_walks(model, walks, horizon, draws, seed, levers)


def walk_journeys(model: JourneyForecastModel, spells: pd.DataFrame, horizon: int, seed: int,
                  levers: Levers | None = None, bootstraps: int | None = None, watch=None,
                  keep=None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per bootstrap resample: joint samples of the stock of the children there at the origin
    (reps, months, stations) and the arrivals' kernels (see `_arrival_kernels`). Only the
    levers on stays and moves matter here; the arrivals' levers act in `combine_walks`.

    ``watch`` (stations, optional): each element also carries which journeys (of the children
    there now, and of the kernels') were ever at one of them, as boolean arrays. ``keep``
    (those arrays, per resample): walk only those journeys, each with the numbers it has in
    the whole walk (see `path_uniforms`), so their counts are the part of the whole walk's
    they make.
    """
    levers = levers or Levers()
    rng = np.random.default_rng([seed, 1])
    months = pd.period_range(month_of(model.origin_day) + 1, periods=horizon, freq="M")
    ends = month_end_days(months[0], horizon) - model.origin_day  # days after the origin
    weights = _weekday_weights(model)
    watched = None
    if watch is not None:
        watched = np.zeros(model.stations, dtype=bool)
        watched[list(watch)] = True
    walks = []
    for b, stays in enumerate(model.stays[:bootstraps] if bootstraps else model.stays):
        step = _with_levers(stays, levers, model.legal)
        salt = 1000 * seed + 10 * len(walks)
        now = _stock_now_ahead(model, spells, step, ends, salt, None if keep is None else keep[b][0], watched)
        kernels = _arrival_kernels(model, step, ends, weights, rng, salt + 5, None if keep is None else keep[b][1],
                                   watched)
        walks.append((now[0], kernels[0], (now[1], kernels[1])) if watched is not None else (now, kernels))
    return walks


def combine_walks(model: JourneyForecastModel, walks, horizon: int, draws: int, seed: int,
                  levers: Levers | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The futures: arrivals drawn from their model (own random stream, so two scenarios with
    one seed share them), Poisson children from the kernels, plus the children there now."""
    levers = levers or Levers()
    months = pd.period_range(month_of(model.origin_day) + 1, periods=horizon, freq="M")
    rates = draw_arrivals(model.arrivals, months, draws, np.random.default_rng([seed, 2]), levers.arrivals_growth)
    prevented, share = levers.returning
    rates = rates * (1.0 - prevented * share)
    rng = np.random.default_rng([seed, 3])
    samples = np.empty((draws, horizon, model.stations))
    now_mean = np.zeros((horizon, model.stations))
    for b, (now, kernels) in enumerate(walks):
        mine = np.arange(b, draws, len(walks))
        arriving = np.einsum("dek,ekmj->dmj", rates[mine], kernels)
        samples[mine] = rng.poisson(arriving) + now[np.arange(len(mine)) % len(now)]
        now_mean += now.mean(axis=0) / len(walks)
    return samples, now_mean


def expected_stock(model: JourneyForecastModel, walks, horizon: int, draws: int, seed: int,
                   levers: Levers | None = None) -> np.ndarray:
    """The expected children at each station and month (months, stations) over the futures of
    `combine_walks` (the same arrivals' draws), without drawing the Poisson children: the
    mean of a Poisson count is its rate, so a what-if's effect, a difference of two such
    expectations, carries no noise of the children's draws."""
    levers = levers or Levers()
    months = pd.period_range(month_of(model.origin_day) + 1, periods=horizon, freq="M")
    rates = draw_arrivals(model.arrivals, months, draws, np.random.default_rng([seed, 2]), levers.arrivals_growth)
    prevented, share = levers.returning
    rates = rates * (1.0 - prevented * share)
    expected = np.zeros((horizon, model.stations))
    for b, (now, kernels) in enumerate(walks):
        mine = np.arange(b, draws, len(walks))
        expected += len(mine) / draws * (np.einsum("ek,ekmj->mj", rates[mine].mean(axis=0), kernels)
                                         + now[np.arange(len(mine)) % len(now)].mean(axis=0))
    return expected


def stock_on(spells: pd.DataFrame, days, stations: int) -> np.ndarray:
    """Children at each station at the end of each of ``days``: int array (days, stations).

    A child is there from their arrival until their next move (``start <= D < end``), or to
    the end of a stay not seen to end (``end`` included).
    """
    start, end, station = (spells[c].to_numpy() for c in ("start", "end", "station"))
    until = np.where(spells["to"].to_numpy() == CENSORED, np.nextafter(end, np.inf), end)
    days = np.asarray(days, dtype=float)
    out = np.zeros((len(days), stations), dtype=np.int64)
    for j in range(stations):
        mine = station == j
        arrived = np.searchsorted(np.sort(start[mine]), days, side="right")
        left = np.searchsorted(np.sort(until[mine]), days, side="right")
        out[:, j] = arrived - left
    return out


def month_end_days(first: pd.Period, periods: int) -> np.ndarray:
    """Day numbers (days since 1970-01-01) of the last day of ``periods`` months from ``first``."""
    months = pd.period_range(first, periods=periods, freq="M")
    return np.asarray([(m.to_timestamp(how="end").normalize() - EPOCH).days for m in months])


# --------------------------------------------------------------------------- internals
def month_of(day: float) -> pd.Period:
    """The calendar month of a day number (days since 1970-01-01)."""
    return (EPOCH + pd.Timedelta(days=int(np.floor(day)))).to_period("M")


def _with_levers(stays: StaySampler, levers: Levers, legal: LegalArrivals | None = None) -> "_Step":
    """The step of a scenario: stays stretched, a share of moves sent elsewhere, a share of
    the children coming into care under another legal status."""
    scale = stays.scale.copy()
    for station, factor in levers.slow:
        scale[station] *= factor
    return _Step(replace(stays, scale=scale), levers.divert, legal, levers.s20_entries)


@dataclass(frozen=True)
class _Step:
    """One move of many journeys at once (see `_walk`), under a scenario's levers."""

    stays: StaySampler
    divert: tuple
    legal: LegalArrivals | None
    s20_entries: float

    def __call__(self, age, station, spent, ids, move, salt, status):
        stay, destination = self.stays.step(age, station, spent, path_uniforms(ids, move, 2 * salt),
                                            path_uniforms(ids, move + 1000, 2 * salt),
                                            status if self.legal is not None else None)
        if self.divert:
            u = path_uniforms(ids, move, 2 * salt + 1)
            for source, target, instead, share in self.divert:
                destination = np.where((station == source) & (destination == target) & (u < share), instead, destination)
        return stay, destination

    def arrive(self, came_from, station, age, ids, move, salt):
        """Legal status group of each child arriving at ``station`` (0 with no legal status)."""
        status = np.zeros(len(station), dtype=np.int64)
        if self.legal is None:
            return status
        # Only children arriving in care draw (each journey's numbers are its own: a subset draws the same).
        into = np.flatnonzero(self.legal.care[np.maximum(station, 0)] & (station >= 0))
        if len(into):
            status[into] = self.legal.draw(came_from[into], station[into], age[into],
                                           path_uniforms(ids[into], move + 2000, 2 * salt), self.s20_entries,
                                           path_uniforms(ids[into], move + 3000, 2 * salt))
        return status


def _walk(step, birth, station, spent, start, ends, groups: int, group, stations: int, salt: int, split=None,
          status=None, ids=None, watch=None):
    """Step children forward until they leave or pass the last month end; count, per group,
    each child at each month end: array (groups, months, stations).

    ``birth`` is each child's birth in forecast days (NaN: not known). A child's age band is
    read at each arrival, and every child leaves the map on their 18th birthday: children's
    services end there, so a stay drawn longer is cut (a 17-year-old in care leaves within the
    year whatever the stays of the band they entered in).

    ``status`` is each child's legal status group at their station (None: drawn as they
    arrive from off the map, by ``step.arrive``); each child arriving in care draws one.

    ``split`` (per station, optional): a journey reaching a station few reach is split into
    that many copies, each counting for its share (importance splitting: Kahn and Harris 1951;
    the counts' expectation is unchanged, their noise at rare stations falls). A journey is
    split only down to the smallest weight its station asks for, so bouncing between rare
    stations does not multiply it without end.

    ``ids`` (optional): each journey's number (default: its place), which fixes its random
    numbers. ``watch`` (per station, optional): also return which journeys were ever at a
    watched station, as (counts, touched).
    """
    counts = np.zeros((groups, len(ends) + 1, stations))
    weight = np.ones(len(station))
    ids = np.arange(len(station), dtype=np.uint64) if ids is None else np.asarray(ids, dtype=np.uint64)
    root = np.arange(len(station))  # the journey each (split) copy belongs to
    touched = np.zeros(len(station), dtype=bool)
    horizon = ends[-1]
    month_ends_before = _month_ends_before(ends)
    if status is None:
        status = step.arrive(np.full(len(station), -1), station, age_band(start - birth), ids, MAX_MOVES, salt)
    for move in range(MAX_MOVES):
        if len(station) == 0:
            break
        if watch is not None:
            touched[root[watch[station]]] = True
        stay, destination = step(age_band(start - birth), station, spent, ids, move, salt, status)
        leave = start + stay
        adult = birth + ADULT_DAYS
        grown = leave > adult
        leave = np.where(grown, np.maximum(adult, start), leave)
        destination = np.where(grown, LEAVES, destination)
        # The state on day D is read at time D: a stay [start, leave) covers the month ends in it.
        first = month_ends_before(start)
        last = month_ends_before(leave)
        np.add.at(counts, (group, first, station), weight)
        np.add.at(counts, (group, last, station), -weight)
        going = (destination != LEAVES) & (leave <= horizon)
        status = step.arrive(station[going], destination[going], age_band(leave[going] - birth[going]), ids[going],
                             move, salt)
        birth, station, group = birth[going], destination[going], group[going]
        start, weight, ids, root = leave[going], weight[going], ids[going], root[going]
        if split is not None and len(station):
            copies = np.maximum(1, np.floor(weight * split[station] + 1e-9)).astype(np.int64)
            if (copies > 1).any():
                birth, station, group, start, status, root = (np.repeat(a, copies)
                                                              for a in (birth, station, group, start, status, root))
                weight = np.repeat(weight / copies, copies)
                # Each copy its own stream, the same in every scenario: from its parent's and its number.
                number = np.arange(copies.sum()) - np.repeat(np.cumsum(copies) - copies, copies)
                ids = np.where(np.repeat(copies, copies) > 1,
                               (path_uniforms(np.repeat(ids, copies), move, 7 + number) * 2.0 ** 62).astype(np.uint64),
                               np.repeat(ids, copies))
        spent = np.zeros(len(station))
    # Split weights (a third, a seventh) added and taken away leave -1e-17 where 0 is meant.
    counts = np.maximum(np.cumsum(counts, axis=1)[:, :-1, :], 0.0)
    return counts if watch is None else (counts, touched)


def _month_ends_before(ends: np.ndarray):
    """A function giving, for times, the number of ``ends`` before each (``searchsorted(ends, x,
    side="left")``); month ends are whole days, so it is read from a table by day, not searched."""
    top = int(ends[-1])
    if not np.array_equal(ends, np.floor(ends)) or ends[0] < 0:
        return lambda x: np.searchsorted(ends, x, side="left")
    # An end e is before x when e <= ceil(x) - 1; table[d + 1] counts the ends at or before day d.
    table = np.searchsorted(ends, np.arange(-1, top + 1), side="right")
    return lambda x: table[np.clip(np.ceil(x) - 1, -1, top).astype(np.int64) + 1]


def _stock_now_ahead(model, spells, step, ends, salt, keep=None, watch=None):
    """Joint samples of the stock from the children there at the origin: (reps, months, stations)
    (``keep``, ``watch``: see `walk_journeys`)."""
    day = model.origin_day
    still = (spells["end"] > day) | (spells["to"] == CENSORED) & (spells["end"] >= day)
    there = spells[(spells["start"] <= day) & still]
    n = len(there)
    birth = there["birth"].to_numpy(dtype=float) - day
    # A child the data show still at a station past their 18th birthday (the demo's 903 history
    # has four in care for years from 18, early help runs past it) is not made to leave at once:
    # the data's own word on them beats the rule, so their age is read as not known.
    birth = np.tile(np.where(-birth >= ADULT_DAYS, np.nan, birth), NOW_REPS)
    station = np.tile(there["station"].to_numpy(), NOW_REPS)
    spent = np.tile(day - there["start"].to_numpy(), NOW_REPS)
    group = np.repeat(np.arange(NOW_REPS), n)
    status = np.tile(there["legal"].to_numpy() if "legal" in there else np.zeros(n, dtype=np.int64), NOW_REPS)
    ids = np.arange(len(station))
    if keep is not None:
        birth, station, spent, group, status, ids = (a[keep] for a in (birth, station, spent, group, status, ids))
    return _walk(step, birth, station, spent, np.zeros(len(station)), ends.astype(float), NOW_REPS, group,
                 model.stations, salt, status=status, ids=ids, watch=watch)


def _weekday_weights(model) -> np.ndarray:
    """Share of the last year's arrivals on each weekday (Monday first): a month ending on a
    Sunday holds fewer fresh contacts than one ending on a Tuesday."""
    return model.weekday_share


def _arrival_kernels(model, step, ends, weights, rng, salt, keep=None, watch=None):
    """kernels[e, k, m, j]: expected children at station j at month end m per arrival at entry
    e in month k, from `KERNEL_PATHS` journeys started on days of month k (drawn by weekday
    weight), each with the age of an arrival there in the year before the origin.

    The model does not change with the calendar, so a kernel depends on the months between
    arrival and month end, not on the month: past the arrival month itself (whose month end
    falls on its own weekday, which matters to stays of days), every arrival month's journeys
    are pooled by that lag. Each journey is followed `POOL_MONTHS` past the horizon so that a
    long lag has a year of months' journeys too. A station few children reach (care: about one contact in a hundred)
    is then read from thousands of journeys, not dozens. ``keep``, ``watch``: see `walk_journeys`.
    """
    horizon = len(ends)
    month_starts = np.r_[0.0, ends[:-1]]
    extra = min(horizon, POOL_MONTHS)
    longer = np.r_[ends, ends[-1] + np.cumsum(np.diff(np.r_[0.0, ends]))[:extra]]  # followed past the horizon
    entries = sorted(model.entry_ages)
    n = KERNEL_PATHS
    group = np.repeat(np.arange(len(entries) * horizon), n)
    e_of, k_of = np.divmod(group, horizon)
    station = np.asarray(entries)[e_of]
    start = _arrival_times(model.origin_day, month_starts[k_of], ends[k_of], weights, rng)
    age = np.full(len(group), np.nan)
    for e, entry in enumerate(entries):
        mine = e_of == e
        if len(model.entry_ages[entry]):
            age[mine] = rng.choice(model.entry_ages[entry], size=mine.sum())
    ids = np.arange(len(group))
    if keep is not None:
        start, age, station, group, ids = (a[keep] for a in (start, age, station, group, ids))
    counts = _walk(step, start - age, station, np.zeros(len(group)), start, longer.astype(float),
                   len(entries) * horizon, group, model.stations, salt, model.split, ids=ids, watch=watch)
    touched = None
    if watch is not None:
        counts, touched = counts
    counts = counts.reshape(len(entries), horizon, horizon + extra, model.stations) / n
    pooled = np.stack([counts[:, lags, lags + lag].mean(axis=1)
                       for lag in range(horizon) for lags in [np.arange(min(horizon, horizon + extra - lag))]], axis=1)
    kernels = np.zeros((len(entries), horizon, horizon, model.stations))
    for k in range(horizon):
        kernels[:, k, k] = counts[:, k, k]
        kernels[:, k, k + 1:] = pooled[:, 1:horizon - k]
    return kernels if watch is None else (kernels, touched)


def _arrival_times(origin_day: int, after: np.ndarray, until: np.ndarray, weights: np.ndarray, rng) -> np.ndarray:
    """Arrival times (forecast days) within (after, until], on days drawn by weekday weight,
    each a little before its day's end (the replay dates moves to the day)."""
    span = (until - after).astype(np.int64)
    offsets = np.arange(1, span.max() + 1)
    out = np.empty(len(after))
    for length in np.unique(span):
        mine = span == length
        for start in np.unique(after[mine]):
            these = mine & (after == start)
            days = start + offsets[:length]
            w = weights[(origin_day + days.astype(np.int64) + 3) % 7]  # 1970-01-01 was a Thursday
            out[these] = rng.choice(days, size=these.sum(), p=w / w.sum())
    return out - rng.random(len(out)) * 0.5


def _returning_share(known: pd.DataFrame, recent: pd.DataFrame) -> float:
    """Share of recent arrivals who had been on the map before (children coming back)."""
    if recent.empty:
        return 0.0
    first_start = known.groupby("child")["start"].min()
    return float((recent["start"].to_numpy() > first_start.reindex(recent["child"]).to_numpy()).mean())
