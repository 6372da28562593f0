"""Backtests of the forecast: fit on the data up to an origin, forecast the months after it, and
compare with what happened, side by side with two baselines.

This module owns the comparison. The baselines are the sector's: *seasonal naive* (each month
as it was a year before; Hyndman and Athanasopoulos, "Forecasting: principles and practice",
3rd ed., 2021, section 5.2) and a *stock-and-flow* model of each station as the children's
services demand-modelling projects build one for looked-after placements: children join a
station at the average daily number seen over the last year and leave it with a daily
probability that is the average over those days of the day's leavers over the day's stock (an
average of daily ratios), projected day by day from the stock at the origin.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.analyses.forecast import (
    month_of,
    fit_journey_model,
    forecast_stock,
    month_end_days,
    stock_on,
)
from generator.analyses.forecast_rates import CENSORED

#: Days of history the stock-and-flow baseline averages over (the demand models' reference period).
REFERENCE_DAYS = 365


def backtest(spells: pd.DataFrame, stations: int, entry_stations, origin_day: int, horizon: int = 12,
             draws: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Forecast ``horizon`` months from ``origin_day`` with the journey model and both baselines.

    Parameters
    ----------
    spells : DataFrame
        Every spell (`generator.analyses.forecast_rates.spells_from_visits`), including those
        after the origin: the model sees only what was known at the origin.
    stations : int
    entry_stations : sequence of int
    origin_day : int
        A month end (days since 1970-01-01) at least ``horizon`` months before the data end.
    horizon, draws, seed : int

    Returns
    -------
    DataFrame
        One row per month and station: the columns of `forecast_stock`, ``actual``,
        ``seasonal_naive`` and ``stock_flow``.
    """
    model = fit_journey_model(spells, stations, entry_stations, origin_day, seed)
    result = forecast_stock(model, spells, horizon, draws, seed)
    first = month_of(origin_day) + 1
    days = month_end_days(first, horizon)
    result["actual"] = stock_on(spells, days, stations).reshape(-1)
    result["seasonal_naive"] = stock_on(spells, month_end_days(first - 12, horizon), stations).reshape(-1)
    result["stock_flow"] = stock_flow_forecast(spells, stations, origin_day, days).reshape(-1)
    return result


def stock_flow_forecast(spells: pd.DataFrame, stations: int, origin_day: int, days) -> np.ndarray:
    """The stock-and-flow baseline at the end of each of ``days``: array (days, stations).

    Parameters
    ----------
    spells : DataFrame
        Spells; only what ended (or began) by ``origin_day`` is used.
    stations : int
    origin_day : int
        The last day seen.
    days : array of int
        Future days (after the origin) to report.

    Returns
    -------
    ndarray of float

    Examples
    --------
    A station where one child joins each day and stays ten days holds 10; one of the 10 leaves
    each day (a daily ratio of 0.1), so the projection holds at 10:

    >>> start = np.arange(-20.0, 401.0)
    >>> s = pd.DataFrame({"station": 0, "start": start, "end": start + 10, "to": -1})
    >>> stock_flow_forecast(s, 1, 400, [430]).round(1).tolist()
    [[10.0]]
    """
    first = origin_day - REFERENCE_DAYS + 1
    window = np.arange(first, origin_day + 1)
    stock = stock_on(spells, window - 1, stations).astype(float)  # the stock each day starts with
    start, end, station, to = (spells[c].to_numpy() for c in ("start", "end", "station", "to"))
    joined_day = np.floor(start).astype(np.int64)
    left_day = np.ceil(end).astype(np.int64)
    joins = np.zeros((len(window), stations))
    leaves = np.zeros((len(window), stations))
    in_window = (joined_day >= first) & (joined_day <= origin_day)
    np.add.at(joins, (joined_day[in_window] - first, station[in_window]), 1.0)
    ended = (to != CENSORED) & (left_day >= first) & (left_day <= origin_day)
    np.add.at(leaves, (left_day[ended] - first, station[ended]), 1.0)
    daily_joins = joins.mean(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratios = np.where(stock > 0, leaves / np.where(stock > 0, stock, 1.0), np.nan)
    daily_leaving = np.nan_to_num(np.nanmean(np.where(np.isnan(ratios).all(axis=0), 0.0, ratios), axis=0))
    current = stock_on(spells, [origin_day], stations)[0].astype(float)
    out = np.zeros((len(days), stations))
    day = origin_day
    for target_index in np.argsort(days):
        while day < days[target_index]:
            current = current * (1.0 - daily_leaving) + daily_joins
            day += 1
        out[target_index] = current
    return out


def backtest_errors(result: pd.DataFrame, methods=("mean", "seasonal_naive", "stock_flow")) -> pd.DataFrame:
    """Mean absolute error and mean absolute percentage error of each method, per station.

    Returns
    -------
    DataFrame
        One row per station: ``mae_<method>``, ``mape_<method>`` (percent of the actual, over
        months with any child) for each method, and ``coverage95``/``coverage80`` (share of
        months whose actual count lies within the journey model's interval).
    """
    rows = []
    for station, rows_of in result.groupby("station", sort=True):
        actual = rows_of["actual"].to_numpy(dtype=float)
        row = {"station": station, "actual": actual.mean()}
        for method in methods:
            error = np.abs(rows_of[method].to_numpy(dtype=float) - actual)
            row[f"mae_{method}"] = error.mean()
            row[f"mape_{method}"] = 100 * np.mean(error[actual > 0] / actual[actual > 0]) if (actual > 0).any() else np.nan
        row["coverage95"] = np.mean((actual >= rows_of["low95"]) & (actual <= rows_of["high95"]))
        row["coverage80"] = np.mean((actual >= rows_of["low80"]) & (actual <= rows_of["high80"]))
        rows.append(row)
    return pd.DataFrame(rows)
