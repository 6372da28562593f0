"""The cost of the children at each station: of the period, of the forecast and of each scenario.

This module owns the arithmetic of unit costs (`content/costs.yaml`: a cost per day at a
station and per arrival there) and its uncertainty. A month's cost is the children at each
station times the days of the month times the day cost (the month-end count standing for the
month, the same approximation as the demand models' monthly stock), plus the arrivals times
the arrival cost. The forecast's cost is computed for every simulated future, so its interval
is the cost's own (a sum of correlated stations' counts, not a sum of their intervals).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from generator.errors import InputError, Problem
from generator.yaml_model import problems_of, read_yaml


class UnitCosts(BaseModel):
    """Unit costs, by station id: ``per_day`` at a station, ``per_arrival`` on arriving there."""

    model_config = ConfigDict(extra="forbid")

    currency: str = "GBP"
    price_year: str = ""
    per_day: dict[str, float] = Field(default_factory=dict)
    per_arrival: dict[str, float] = Field(default_factory=dict)

    def day_costs(self, ids: list[str]) -> np.ndarray:
        """Cost of a day at each station, in map order (0 where none is given)."""
        return np.asarray([self.per_day.get(s, 0.0) for s in ids], dtype=float)

    def arrival_costs(self, ids: list[str]) -> np.ndarray:
        """Cost of an arrival at each station, in map order."""
        return np.asarray([self.per_arrival.get(s, 0.0) for s in ids], dtype=float)


def load_costs(path: Path) -> UnitCosts:
    """Read and check a costs file; a bad one raises InputError naming every problem."""
    data = read_yaml(Path(path), "costs file", "check the `costs:` path of the forecast page in report.yaml")
    if not isinstance(data, dict):
        raise InputError(Problem(str(path), "", f"expected a mapping of unit costs, got {type(data).__name__}",
                                 "start the file with `per_day:` and `per_arrival:`"))
    try:
        costs = UnitCosts.model_validate(data)
    except ValidationError as error:
        raise InputError(problems_of(str(path), error.errors())) from None
    negative = [f"{table}.{key}" for table in ("per_day", "per_arrival") for key, value in getattr(costs, table).items()
                if value < 0]
    if negative:
        raise InputError([Problem(str(path), key, "a cost below 0", "give costs in pounds, 0 or more")
                          for key in negative])
    return costs


def stock_cost(stock: np.ndarray, days_in_month, day_costs: np.ndarray) -> np.ndarray:
    """Cost of the children at the stations: ``stock`` (..., months, stations) times the days
    of each month times each station's day cost, summed over stations: (..., months).

    Examples
    --------
    >>> stock_cost(np.array([[10, 2], [10, 4]]), [30, 31], np.array([90.0, 15.0])).tolist()
    [27900.0, 29760.0]
    """
    return (np.asarray(stock, dtype=float) * np.asarray(days_in_month, dtype=float)[:, None] * day_costs).sum(axis=-1)


def cost_summary(samples: np.ndarray, days_in_month, day_costs: np.ndarray) -> dict:
    """The forecast's total cost over its months: mean and 80%/95% intervals over the futures.

    ``samples`` (draws, months, stations) from `generator.analyses.forecast.simulate_stock`.
    """
    total = stock_cost(samples, days_in_month, day_costs).sum(axis=-1)
    low95, low80, high80, high95 = np.quantile(total, [0.025, 0.1, 0.9, 0.975])
    return {"mean": float(total.mean()), "low80": float(low80), "high80": float(high80),
            "low95": float(low95), "high95": float(high95)}


def period_cost(stock: np.ndarray, days_in_month, day_costs: np.ndarray, arrivals: np.ndarray,
                arrival_costs: np.ndarray) -> pd.DataFrame:
    """The cost of each month that happened: children there (month ends) and arrivals.

    Returns
    -------
    DataFrame
        ``month_index``, ``stays`` (cost of the days at stations), ``arrivals`` (cost of the
        arrivals) and ``total``.
    """
    stays = stock_cost(stock, days_in_month, day_costs)
    arriving = (np.asarray(arrivals, dtype=float) * arrival_costs).sum(axis=-1)
    return pd.DataFrame({"month_index": np.arange(len(stays)), "stays": stays, "arrivals": arriving,
                         "total": stays + arriving})
