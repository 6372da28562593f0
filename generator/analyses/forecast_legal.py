"""Legal status in the forecast's journey model: which legal status a looked-after child's stay
began under, and the chance of each for a child arriving at a station in care.

This module owns the covariate. A period of care begun under section 20 (accommodation with
the parents' agreement) ends differently from one begun on an interim or full care order or
a placement order: children in proceedings stay longer (DOMAIN.md; the SSDA903 guidance's
legal status codes). Each stay at a *care station* (one where most stays begin while the
child is looked after: "Looked after" on the front-door map, every legal status on the
looked-after map) carries the legal status in force on its first day, read from the data's
``lac_start`` and ``legal_status`` codes; the stays and next stations of
`generator.analyses.forecast_paths` are then fitted by legal status as by age band. A child the
forecast moves into a care station draws a legal status from those seen arriving there from
the same station at the same age band (or from the same station, or at all, when few were).
Data with no legal status codes give every stay group 0: the model falls back to age band
alone, and `has_legal_status` says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


#: Legal status groups: 0 for a stay not in care, then section 20, an order, anything else.
LEGAL_GROUP_LABELS = ("Not looked after", "Section 20", "On an order (interim or full care, placement)",
                      "Other legal status")
NOT_LOOKED_AFTER, SECTION_20, ON_AN_ORDER, OTHER_STATUS = range(4)
LEGAL_GROUPS = len(LEGAL_GROUP_LABELS)
#: SSDA903 legal status codes by group (V3/V4 short breaks, L1-L3 police protection and
#: emergency orders, J1-J3 remand and youth justice, and unknown codes are "other").
ORDER_CODES = frozenset({"C1", "C2", "D1", "E1"})
SECTION_20_CODES = frozenset({"V2"})
#: Fewest arrivals in a (from, to, age band) cell for its own legal status shares.
MIN_ARRIVALS = 20


def legal_group(codes) -> np.ndarray:
    """Legal status group (into `LEGAL_GROUP_LABELS`) of SSDA903 legal status codes.

    Examples
    --------
    >>> legal_group(["V2", "C1", "E1", "L2", None]).tolist()
    [1, 2, 2, 3, 3]
    """
    codes = pd.Series(codes, dtype="string").str.strip().str.upper()
    return np.select([codes.isin(SECTION_20_CODES).fillna(False).to_numpy(),
                      codes.isin(ORDER_CODES).fillna(False).to_numpy()], [SECTION_20, ON_AN_ORDER], OTHER_STATUS)


def with_legal_status(spells: pd.DataFrame, care_events: pd.DataFrame, child_ids) -> pd.DataFrame:
    """The spells with a ``legal`` column: the legal status group each stay at a care station
    began under (0 elsewhere, and everywhere when the data carry no legal status code).

    Parameters
    ----------
    spells : DataFrame
        From `generator.analyses.forecast_rates.spells_from_visits` (``child`` indexes ``child_ids``).
    care_events : DataFrame
        The log's ``lac_start``, ``legal_status`` and ``lac_end`` rows: ``child_id``, ``event``,
        ``date``, ``code``.
    child_ids : sequence of str
        Child id of each child index.

    Returns
    -------
    DataFrame
        ``spells`` with ``legal`` (int) added.
    """
    spells = spells.copy()
    spells["legal"] = NOT_LOOKED_AFTER
    known = pd.Index(child_ids)
    events = care_events[care_events["child_id"].isin(known)]
    if spells.empty or not (events["event"].isin(["lac_start", "legal_status"]) & events["code"].notna()).any():
        return spells
    # One number per child and day: child index * 1e6 + day (days since 1970 stay below 1e6).
    child = known.get_indexer(events["child_id"]).astype(float)
    key_of_event = child * 1e6 + (pd.to_datetime(events["date"]) - pd.Timestamp("1970-01-01")).dt.days.to_numpy()
    kind = events["event"].to_numpy()
    # A stay's first day: a move on day d lands a fraction of a day before d's end.
    key = spells["child"].to_numpy() * 1e6 + np.ceil(spells["start"].to_numpy() - 1e-9)
    owner = spells["child"].to_numpy() * 1e6
    began = _latest(key_of_event[kind == "lac_start"], key)
    ended = _latest(key_of_event[kind == "lac_end"], key)
    began_here = began >= owner
    # In care on the stay's first day: a period begun then or before and not ended after it
    # began (a stay starting the day care ended is the child's first day out of care).
    in_care = began_here & ~((ended >= owner) & (ended > began))
    coded = np.isin(kind, ["lac_start", "legal_status"]) & events["code"].notna().to_numpy()
    order = np.argsort(key_of_event[coded], kind="stable")
    code_key = key_of_event[coded][order]
    groups = legal_group(events["code"].to_numpy()[coded])[order]
    at = np.searchsorted(code_key, key, side="right") - 1
    has_code = (at >= 0) & (code_key[np.maximum(at, 0)] >= began)
    status = np.where(in_care, np.where(has_code, groups[np.maximum(at, 0)], OTHER_STATUS), NOT_LOOKED_AFTER)
    care = care_stations(spells.assign(legal=status))
    spells["legal"] = np.where(np.isin(spells["station"].to_numpy(), care), status, NOT_LOOKED_AFTER).astype(np.int64)
    return spells


def care_stations(spells: pd.DataFrame) -> np.ndarray:
    """Stations where most stays began while the child was looked after (``legal`` > 0)."""
    if "legal" not in spells or spells.empty:
        return np.zeros(0, dtype=np.int64)
    # A station where most stays began in care (a stay in care elsewhere, a referral while
    # looked after, keeps group 0: its station's stays are not split by a rare covariate).
    share = (spells["legal"] > 0).groupby(spells["station"]).mean()
    return share.index[share > 0.5].to_numpy(dtype=np.int64)


def has_legal_status(spells: pd.DataFrame) -> bool:
    """True when the spells carry a legal status for some stay in care."""
    return "legal" in spells and bool((spells["legal"] > NOT_LOOKED_AFTER).any())


@dataclass(frozen=True)
class LegalArrivals:
    """Legal status shares of the children arriving at each care station, by the station they
    came from (`OFF` = new to the map) and age band: ``shares[from + 1, to, age]`` cumulative
    over the groups (a row of zeros where the station is not in care)."""

    care: np.ndarray  # per station: True at a care station
    shares: np.ndarray  # (stations + 1, stations, ages, LEGAL_GROUPS), cumulative

    def draw(self, came_from: np.ndarray, station: np.ndarray, age: np.ndarray, u: np.ndarray,
             s20_shift: float = 0.0, u_shift: np.ndarray | None = None) -> np.ndarray:
        """The legal status group of each child arriving at ``station`` (0 off care stations).

        ``s20_shift`` (the what-if): a child coming into care (from a station not in care) on
        an order comes in under section 20 instead with that chance (a negative shift: one
        under section 20 comes in on an order), drawn with the uniforms ``u_shift``.
        """
        care = self.care[station]
        cumulative = self.shares[came_from + 1, station, age]
        group = np.minimum((u[:, None] >= cumulative).sum(axis=1), LEGAL_GROUPS - 1)
        group = np.where(care, group, NOT_LOOKED_AFTER)
        if s20_shift and u_shift is not None:
            entering = care & ~self.care[np.maximum(came_from, 0)] | care & (came_from < 0)
            switch = entering & (u_shift < abs(s20_shift))
            source, target = (ON_AN_ORDER, SECTION_20) if s20_shift > 0 else (SECTION_20, ON_AN_ORDER)
            group = np.where(switch & (group == source), target, group)
        return group


def fit_legal_arrivals(spells: pd.DataFrame, stations: int, ages: int) -> LegalArrivals | None:
    """Legal status shares of the arrivals at each care station (see `LegalArrivals`), from
    the spells known at an origin; None when the spells carry no legal status."""
    if not has_legal_status(spells):
        return None
    care = np.zeros(stations, dtype=bool)
    care[care_stations(spells)] = True
    spells = spells.sort_values(["child", "start"], kind="stable")
    same = np.r_[False, spells["child"].to_numpy()[1:] == spells["child"].to_numpy()[:-1]]
    came_from = np.where(same & ~spells["entry"].to_numpy(), np.r_[-1, spells["station"].to_numpy()[:-1]], -1)
    station, age, legal = (spells[c].to_numpy() for c in ("station", "age_band", "legal"))
    mine = care[station]
    came_from, station, age, legal = came_from[mine], station[mine], age[mine], legal[mine]
    counts = np.zeros((stations + 1, stations, ages, LEGAL_GROUPS))
    np.add.at(counts, (came_from + 1, station, age, legal), 1.0)
    by_route = counts.sum(axis=2, keepdims=True)
    by_station = counts.sum(axis=(0, 2), keepdims=True)
    # The finest cell with enough arrivals: (from, to, age), else (from, to), else (to).
    n_cell, n_route = counts.sum(axis=3, keepdims=True), by_route.sum(axis=3, keepdims=True)
    chosen = np.where(n_cell >= MIN_ARRIVALS, counts,
                      np.where(n_route >= MIN_ARRIVALS, np.broadcast_to(by_route, counts.shape),
                               np.broadcast_to(by_station, counts.shape)))
    total = chosen.sum(axis=3, keepdims=True)
    shares = np.cumsum(np.where(total > 0, chosen / np.where(total > 0, total, 1.0), 0.0), axis=3)
    # A care station with no arrival seen: the other status.
    shares[..., :][total[..., 0] == 0] = np.r_[np.zeros(LEGAL_GROUPS - 1), 1.0]
    return LegalArrivals(care, shares)


def _latest(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """For each key, the largest of ``sorted_keys`` at or below it (NaN: none)."""
    values = np.sort(sorted_keys)
    at = np.searchsorted(values, keys, side="right") - 1
    return np.where(at >= 0, values[np.maximum(at, 0)], np.nan) if len(values) else np.full(len(keys), np.nan)
