"""What-if scenarios of the forecast, computed on a grid at build time for the page's sliders.

This module owns the levers the seed's findings point at, what each does to the journey model
(`generator.analyses.forecast.Levers`), and the grid the browser redraws from with no server:

* **re-referrals prevented**: a share of the arrivals who had been on the map before (children
  coming back after a closure) do not arrive;
* **NFA at strategy discussion**: a share of the strategy discussions that led to a section 47
  end with no further action instead;
* **time in care**: stays in care, and so care proceedings' share of them, longer or shorter;
* **section 20 entries**: a share of the children coming into care on an order come in under
  section 20 instead (or, below 0, the other way), and so have the stays of section 20 (only
  when the data carry legal status, `generator.analyses.forecast_legal`);
* **arrivals growth**: new contacts grow (or fall) by a yearly rate on top of their trend.

Each lever's effect is the difference between the scenario and the baseline run with the same
seed (common random numbers: the arrivals' draws are the same, so a lever on arrivals moves
the forecast by its effect alone). The page adds the differences of the levers moved to the
baseline forecast, so every lever at its neutral value gives the baseline exactly, and one
lever moved gives that scenario; several levers moved add their effects (an approximation:
they interact little, as each acts on a different part of the journeys).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from generator.analyses.forecast import JourneyForecastModel, Levers, expected_stock, walk_journeys
from generator.analyses.forecast_rates import OFF

#: Resamples and futures of the arrivals behind each scenario's difference (fewer than the
#: forecast's own: a difference with common random numbers needs fewer; the children's Poisson
#: draws are left out, each scenario's expectation taken, `expected_stock`).
SCENARIO_BOOTSTRAPS = 1
SCENARIO_DRAWS = 400


@dataclass(frozen=True)
class Lever:
    """One slider: its key, words, values (the neutral one included) and unit."""

    key: str
    label: str
    values: tuple[float, ...]
    neutral: float
    unit: str
    needs: tuple[str, ...]  # station ids the lever acts on
    needs_legal_status: bool = False  # the lever acts on legal status, which the data may lack

    def levers(self, value: float, ids: list[str], returning_share: float) -> Levers:
        """The model change this lever makes at ``value``."""
        index = {s: i for i, s in enumerate(ids)}
        if self.key == "returning":
            return Levers(returning=(value, returning_share))
        if self.key == "nfa_at_strategy":
            target = index.get("nfa_closed", OFF)
            return Levers(divert=((index["strategy"], index["section47"], target, value),))
        if self.key == "time_in_care":
            return Levers(slow=((index["looked_after"], value),))
        if self.key == "s20_entries":
            return Levers(s20_entries=value)
        return Levers(arrivals_growth=value)


LEVERS = (
    Lever("returning", "Re-referrals prevented (children coming back after a closure)",
          (0.0, 0.1, 0.2, 0.3, 0.4), 0.0, "share", ()),
    Lever("nfa_at_strategy", "Strategy discussions ending in NFA instead of a section 47",
          (0.0, 0.1, 0.2, 0.3, 0.4), 0.0, "share", ("strategy", "section47")),
    Lever("time_in_care", "Time in care (including care proceedings), times the present",
          (0.8, 0.9, 1.0, 1.1, 1.2), 1.0, "factor", ("looked_after",)),
    Lever("s20_entries", "Children coming into care under section 20 instead of on an order (share of those "
          "on an order; below 0, the share of section 20 entries on an order instead)",
          (-0.4, -0.2, 0.0, 0.2, 0.4), 0.0, "share", ("looked_after",), needs_legal_status=True),
    Lever("growth", "Growth in new contacts, a year", (-0.1, -0.05, 0.0, 0.05, 0.1), 0.0, "share", ()),
)


def scenario_grid(model: JourneyForecastModel, spells: pd.DataFrame, ids: list[str], horizon: int,
                  seed: int = 0, watched: list | None = None) -> dict:
    """Each lever's effect on the expected children at each station and month, per value.

    Parameters
    ----------
    model : JourneyForecastModel
    spells : DataFrame
        As given to `generator.analyses.forecast.forecast_stock`.
    ids : list of str
        The map's station ids (a lever acting on a station the map lacks is left out).
    horizon : int
    seed : int
    watched : list, optional
        The baseline's walks with ``watch=acting_stations(model, ids)`` from
        `generator.analyses.forecast.walk_journeys` with the same seed (the forecast's own, when
        it has them: its first resample's walk is the grid's baseline); None walks them here.

    Returns
    -------
    dict
        ``levers``: [{key, label, values, neutral, unit, effect}], ``effect`` per value an
        array (months, stations) of the change in expected children against the baseline
        (exactly 0 at the neutral value).
    """
    # A lever on stays changes only the journeys that pass where it acts (each journey draws
    # its own numbers, the same in every scenario): those are walked again, the others kept.
    if watched is None:
        watched = walk_journeys(model, spells, horizon, seed, bootstraps=SCENARIO_BOOTSTRAPS,
                                watch=acting_stations(model, ids))
    watched = watched[:SCENARIO_BOOTSTRAPS]
    walks = [(now, kernels) for now, kernels, _ in watched]
    touched = [t for _, _, t in watched]
    touched_base = None
    base_mean = expected_stock(model, walks, horizon, SCENARIO_DRAWS, seed)
    out = []
    for lever in LEVERS:
        if any(s not in ids for s in lever.needs) or lever.needs_legal_status and not _legal_status_at(model, ids, lever):
            continue
        effects = []
        for value in lever.values:
            if value == lever.neutral:
                effects.append(np.zeros_like(base_mean))
                continue
            levers = lever.levers(value, ids, model.returning_share)
            # A lever on arrivals re-uses the baseline's journeys; one on stays walks anew those
            # it can change: the baseline's walk with theirs swapped for the scenario's.
            moved = walks
            if levers.divert or levers.slow or levers.s20_entries:
                touched_base = touched_base or walk_journeys(model, spells, horizon, seed,
                                                             bootstraps=SCENARIO_BOOTSTRAPS, keep=touched)
                changed = walk_journeys(model, spells, horizon, seed, levers, bootstraps=SCENARIO_BOOTSTRAPS,
                                        keep=touched)
                moved = [tuple(whole + new - old for whole, new, old in zip(w, c, t))
                         for w, c, t in zip(walks, changed, touched_base)]
            effects.append(expected_stock(model, moved, horizon, SCENARIO_DRAWS, seed, levers) - base_mean)
        out.append({"key": lever.key, "label": lever.label, "values": list(lever.values),
                    "neutral": lever.neutral, "unit": lever.unit, "effect": np.asarray(effects)})
    return {"levers": out}


def acting_stations(model: JourneyForecastModel, ids: list[str]) -> list[int]:
    """The stations where a lever on stays acts: the strategy discussion (NFA instead of a
    section 47), care and every care station (time in care, legal status on arrival).

    Returns
    -------
    list of int
    """
    acting = [ids.index(s) for s in ("strategy", "looked_after") if s in ids]
    if model.legal is not None:
        acting += np.flatnonzero(model.legal.care).tolist()
    return sorted(set(acting))


def _legal_status_at(model: JourneyForecastModel, ids: list[str], lever: Lever) -> bool:
    """True when the model has legal status at every station the lever acts on."""
    return model.legal is not None and all(model.legal.care[ids.index(s)] for s in lever.needs)
