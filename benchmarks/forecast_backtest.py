"""Backtest of the forecast page's journey model over rolling origins, against two baselines.

Usage: python benchmarks/forecast_backtest.py [--data data/demo] [--map front_door]
       [--horizon 12] [--origins 5] [--step 3] [--draws 2000] [--no-legal-status] [--save out.csv]
       [--in-care]

Replays the data over the map (as the pathway map does), then for each origin (the month end
``horizon`` months before the data's last month end, and ``origins - 1`` more, ``step`` months
apart, earlier) fits the model on what was known at the origin and forecasts the children at
each station at each of the next ``horizon`` month ends. In the same run, two baselines
forecast the same station-months (`generator.analyses.forecast_backtest`): seasonal naive and
the demand-modelling projects' stock-and-flow model. Prints, per station and over all of them,
the mean absolute error (MAE) and mean absolute percentage error (MAPE) of the three, and the
share of station-months whose actual count lies within the model's 80% and 95% prediction
intervals (target for the 95% interval: at least 90% of station-months on the demo).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.analyses.forecast import month_end_days, month_of  # noqa: E402
from generator.analyses.forecast_backtest import backtest, backtest_errors  # noqa: E402
from generator.analyses.forecast_legal import has_legal_status, with_legal_status  # noqa: E402
from generator.analyses.forecast_rates import spells_from_visits  # noqa: E402
from generator.inputs import load  # noqa: E402
from generator.pathway.process_map import ProcessMap  # noqa: E402
from generator.pathway.replay import OPEN, TICKS_PER_DAY, build_journeys  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(ROOT / "data" / "demo"))
    parser.add_argument("--map", default="front_door")
    parser.add_argument("--horizon", type=int, default=12)
    parser.add_argument("--origins", type=int, default=5)
    parser.add_argument("--step", type=int, default=3)
    parser.add_argument("--draws", type=int, default=2000)
    parser.add_argument("--no-legal-status", action="store_true",
                        help="fit the model without the legal status covariate (to measure its effect)")
    parser.add_argument("--save", help="write every station-month's forecast and actual to this CSV")
    parser.add_argument("--in-care", action="store_true",
                        help="also the error of the children in care, the sum over the map's stations that are "
                             "not exits (on the looked-after map, every legal status)")
    args = parser.parse_args()

    log = load(ROOT / "content" / "report.yaml", Path(args.data)).log
    pmap = ProcessMap.load(ROOT / "content" / "maps" / f"{args.map}.yaml")
    journeys = build_journeys(log, pmap)
    spells = spells_from_visits(journeys.visits, journeys.children["birth_month"], TICKS_PER_DAY,
                                journeys.last_day, OPEN)
    if not args.no_legal_status:
        spells = with_legal_status(spells, log.of_event("lac_start", "legal_status", "lac_end"),
                                   journeys.children["child_id"])
    print(f"legal status in the model: {'yes' if has_legal_status(spells) else 'no'}")
    stations = len(pmap.stations)
    entry = [i for i, s in enumerate(pmap.stations) if s.kind == "entry"]
    last_full = month_of(journeys.last_day + 1) - 1  # the last month the data cover to its end
    results = []
    for k in range(args.origins):
        origin = last_full - args.horizon - k * args.step
        origin_day = int(month_end_days(origin, 1)[0])
        began = time.perf_counter()
        result = backtest(spells, stations, entry, origin_day, args.horizon, args.draws, seed=k)
        print(f"origin {origin}: fitted and forecast in {time.perf_counter() - began:.1f} s")
        results.append(result.assign(origin=str(origin)))
    result = pd.concat(results, ignore_index=True)
    if args.save:
        result.assign(station=[pmap.stations[s].id for s in result["station"]]).to_csv(args.save, index=False)
    errors = backtest_errors(result)
    errors.insert(0, "station", [pmap.stations[s].id for s in errors.pop("station")])
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 20)
    print(f"\n{args.origins} origins x {args.horizon} months, {args.data} over map {args.map}")
    print(errors.round(2).to_string(index=False))
    whole = backtest_errors(result.assign(station=0))
    print("\nAll stations: MAE model {:.1f}, seasonal naive {:.1f}, stock-and-flow {:.1f}".format(
        *(np.mean(errors[f"mae_{m}"]) for m in ("mean", "seasonal_naive", "stock_flow"))))
    inside95 = ((result["actual"] >= result["low95"]) & (result["actual"] <= result["high95"])).mean()
    inside80 = ((result["actual"] >= result["low80"]) & (result["actual"] <= result["high80"])).mean()
    print(f"Coverage of station-months: 95% interval {100 * inside95:.1f}%, 80% interval {100 * inside80:.1f}%")
    del whole
    if args.in_care:
        # The model's mean of a sum is the sum of its means; its intervals are per station only.
        care = [i for i, s in enumerate(pmap.stations) if s.kind != "exit"]
        total = result[result["station"].isin(care)].groupby(["origin", "month"])[
            ["actual", "mean", "seasonal_naive", "stock_flow"]].sum()
        print("Children in care (stations {}): actual {:.1f}; MAE model {:.1f}, seasonal naive {:.1f}, "
              "stock-and-flow {:.1f}".format(", ".join(pmap.stations[i].id for i in care), total["actual"].mean(),
                                             *((total[m] - total["actual"]).abs().mean()
                                               for m in ("mean", "seasonal_naive", "stock_flow"))))


if __name__ == "__main__":
    main()
