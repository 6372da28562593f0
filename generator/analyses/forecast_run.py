"""The forecast page's long computations as one pure function: the journey model fitted at the
origin, the forecast drawn from it, the what-if grid and the backtest. Being one function of
picklable inputs, the build can run it in a second process while this one draws the other
pages (`generator.pages.base.Plan.aside`); the fitted model itself (about 100 MB pickled) never
leaves that process.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from generator.analyses.forecast import combine_walks, fit_journey_model, forecast_from_samples, walk_journeys
from generator.analyses.forecast_backtest import backtest
from generator.analyses.forecast_scenarios import acting_stations, scenario_grid


@dataclass
class ForecastRun:
    """What the forecast page shows that took the model to make."""

    samples: np.ndarray  # simulated children at each station and month (draws, months, stations)
    from_now: np.ndarray
    ahead: pd.DataFrame  # `forecast_from_samples`
    grid: dict  # `scenario_grid`
    held: pd.DataFrame  # `backtest`


def run_forecast(spells: pd.DataFrame, stations: int, entry: list[int], origin_day: int, station_ids: list[str],
                 horizon: int, draws: int, seed: int, backtest_day: int, backtest_months: int) -> ForecastRun:
    """Fit the journey model at ``origin_day``, forecast ``horizon`` months, the what-if grid,
    and the backtest from ``backtest_day`` over ``backtest_months`` (see the functions named in
    `ForecastRun`; the same seed gives the same run in any process)."""
    model = fit_journey_model(spells, stations, entry, origin_day, seed)
    # The forecast's walks say which journeys pass where a lever acts: its first resample's
    # walk is the what-if grid's baseline (walked once, not twice).
    watched = walk_journeys(model, spells, horizon, seed, watch=acting_stations(model, station_ids))
    samples, from_now = combine_walks(model, [(now, kernels) for now, kernels, _ in watched], horizon, draws, seed)
    return ForecastRun(samples=samples, from_now=from_now, ahead=forecast_from_samples(model, samples, from_now),
                       grid=scenario_grid(model, spells, station_ids, horizon, seed, watched),
                       held=backtest(spells, stations, entry, backtest_day, backtest_months, draws, seed))
