"""Wall time of the court pages of issue 17 for many LAs (target: the three pages, court
orders, funnel and profiles, in < 30 s for 50 LAs and 100,000 proceedings).

Usage: python benchmarks/court.py [--las N] [--per-year N] [--seed S] [--analyses]

By default: writes `generator.synth.court_areas` for N LAs (50; about 220 children's final
orders per LA per year over nine years, about 100,000 proceedings) to a temporary folder as an
LA exports them (not timed), then times reading it as a build does (`generator.ingest.read_inputs`),
rendering the three pages (`generator.build.render_pages`: analyses, words and charts) and
publishing them for the public (`generator.privacy.publish`), and prints each and the end-to-end
total (the target), in wall and CPU seconds, with the load average.

With --analyses: the older timing of the analyses alone on simple synthetic inputs made in
memory ([--proceedings N] [--factors N]): each analysis of generator/analyses/{orders, funnel,
competing_risks, paired}.py once.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.analyses import competing_risks, funnel, orders, paired  # noqa: E402

ORDERS = np.array(orders.FINAL_ORDERS)


def synthetic_proceedings(rng, las: int, n: int) -> pd.DataFrame:
    area = rng.integers(0, las, n)
    year = rng.integers(2010, 2020, n)
    # Each LA has its own lean towards supervision orders, and all lean more each year.
    lean = rng.normal(0, 0.5, las)[area] + 0.08 * (year - 2010)
    base = np.log(np.array([0.12, 0.35, 0.2, 0.14, 0.05, 0.1, 0.04]))
    logits = np.tile(base, (n, 1))
    logits[:, 0] += lean
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    order = (p.cumsum(axis=1) > rng.random(n)[:, None]).argmax(axis=1)
    return pd.DataFrame({"child_id": np.arange(n), "area": [f"LA{a:02d}" for a in area], "year": year,
                         "final_order": ORDERS[order]})


def synthetic_follow_up(rng, proceedings: pd.DataFrame) -> pd.DataFrame:
    n = len(proceedings)
    # Return to court fastest after standalone supervision orders; turning 18 competes.
    rate = np.where(proceedings["final_order"] == "supervision_order", 1 / 2500, 1 / 6000)
    to_court = rng.exponential(1 / rate)
    to_18 = rng.uniform(0, 18 * 365, n)
    censor = rng.uniform(200, 5 * 365, n)
    days = np.minimum.reduce([to_court, to_18, censor]).round()
    event = np.select([days == to_court.round(), days == to_18.round()], [1, 2], 0)
    return pd.DataFrame({"group": proceedings["final_order"], "days": days, "event": event})


def synthetic_profiles(rng, children: int, factors: int) -> pd.DataFrame:
    child = np.repeat(np.arange(children), factors)
    factor = np.tile([f"factor_{i:02d}" for i in range(factors)], children)
    start_p = np.tile(rng.uniform(0.05, 0.5, factors), children)
    start = rng.random(len(child)) < start_p
    end = np.where(start, rng.random(len(child)) < 0.6, rng.random(len(child)) < 0.05)
    follow = np.where(end, rng.random(len(child)) < 0.7, rng.random(len(child)) < 0.1)
    return pd.DataFrame({"child_id": child, "factor": factor, "start": start.astype(int), "end": end.astype(int),
                         "follow_up": follow.astype(int)})


def timed(label: str, times: dict, cpu: dict | None, fn, *args, **kwargs):
    # CPU seconds (process_time) beside the wall: on a shared machine the load inflates the
    # wall time, hardly the CPU time.
    t0, c0 = time.perf_counter(), time.process_time()
    result = fn(*args, **kwargs)
    times[label] = time.perf_counter() - t0
    if cpu is not None:
        cpu[label] = time.process_time() - c0
    return result


def pages(args) -> None:
    import tempfile

    from generator.analyses.period import Period
    from generator.build import render_pages
    from generator.ingest import read_inputs
    from generator.page_options import CourtOrdersOptions, FunnelOptions, ProfilesOptions
    from generator.privacy.publish import publish
    from generator.synth.court_areas import write_court_areas

    times: dict[str, float] = {}
    cpu: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        write_court_areas(Path(folder), las=args.las, per_year=args.per_year, seed=args.seed)
        sources = timed("read the data folder", times, cpu, read_inputs, [Path(folder)])
    events = sources.log.events
    options = [CourtOrdersOptions(kind="court_orders", slug="court-orders", title="Court orders"),
               FunnelOptions(kind="funnel", slug="funnel", title="Supervision orders by LA", highlight="la03"),
               ProfilesOptions(kind="profiles", slug="profiles", title="Problem profiles")]
    ctx, rendered = timed("render the three pages", times, cpu, render_pages, options, log=sources.log,
                          period=Period(events["date"].min(), events["date"].max()), tables=sources.tables)
    timed("publish them (public)", times, cpu, publish, rendered, ctx.metrics, "public")
    proceedings = len(sources.tables.legal.proceedings)
    print(f"court pages: {args.las} LAs, {proceedings:,} proceedings, {len(sources.tables.factors):,} factor rows")
    for label, seconds in times.items():
        print(f"  {label:<44} {seconds:7.1f} s wall, {cpu[label]:5.1f} s CPU")
    print(f"  {'end to end (target < 30 s)':<44} {sum(times.values()):7.1f} s wall, {sum(cpu.values()):5.1f} s CPU"
          f" (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--las", type=int, default=50)
    parser.add_argument("--per-year", type=int, default=200, help="children's final orders per LA per year (pages)")
    parser.add_argument("--analyses", action="store_true", help="time the analyses alone on in-memory inputs")
    parser.add_argument("--proceedings", type=int, default=100_000)
    parser.add_argument("--factors", type=int, default=32, help="assessment factors per child (seed: 18 + 14)")
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args()
    if not args.analyses:
        pages(args)
        return

    rng = np.random.default_rng(args.seed)
    proceedings = synthetic_proceedings(rng, args.las, args.proceedings)
    follow_up = synthetic_follow_up(rng, proceedings)
    profiles = synthetic_profiles(rng, args.proceedings, args.factors)
    carers = pd.DataFrame({"carer_problems": rng.poisson(2, args.proceedings)})
    carers["abused"] = (rng.random(args.proceedings) < 0.2 + 0.08 * carers["carer_problems"].clip(0, 8)).astype(int)

    times: dict[str, float] = {}
    # Court orders page: shares, trends, return to court.
    timed("orders: shares by year", times, None, orders.order_shares, proceedings)
    timed("orders: trends", times, None, orders.order_trends, proceedings)
    yearly = np.arange(0, 5 * 365 + 1, 365)
    timed("return to court: curves (all times)", times, None, competing_risks.cumulative_incidence, follow_up)
    timed("return to court: at-risk table", times, None, competing_risks.cumulative_incidence, follow_up, yearly)
    timed("return to court: log-rank", times, None, competing_risks.cause_specific_logrank, follow_up)
    # Funnel page: supervision orders of all orders, per LA over all years.
    areas = (proceedings.assign(so=proceedings["final_order"] == "supervision_order")
             .groupby("area").agg(numerator=("so", "sum"), denominator=("so", "size")).reset_index())
    for method in funnel.PROPORTION_METHODS:
        result = timed(f"funnel: {method}", times, None, funnel.proportion_funnel, areas, method)
        timed(f"funnel: {method} lines", times, None, funnel.funnel_lines, 1, areas["denominator"].max(),
              result["target"].iloc[0], method, result.attrs["dispersion"])
    ratios = areas.assign(denominator=areas["denominator"] * areas["numerator"].sum() / areas["denominator"].sum())
    timed("funnel: ratio shmi", times, None, funnel.ratio_funnel, ratios, "shmi")
    # Profiles page.
    timed("profiles: prevalence", times, None, paired.prevalence_by_point, profiles)
    timed("profiles: Q, McNemar, Holm", times, None, paired.change_tests, profiles)
    timed("profiles: carer-problem trend", times, None, paired.abuse_by_carer_problems, carers)

    print(f"court analyses: {args.las} LAs, {args.proceedings:,} proceedings, "
          f"{len(profiles):,} profile rows ({args.factors} factors)")
    for label, seconds in times.items():
        print(f"  {label:<40} {seconds:7.3f} s")
    print(f"  {'total':<40} {sum(times.values()):7.3f} s")


if __name__ == "__main__":
    main()
