"""How often each special-cause rule signals by chance, and how fast the run rule finds a drift.

Usage: python benchmarks/spc_false_alarms.py [--series 500] [--months 24] [--seed 19]

False alarms: for each chart type, ``--series`` stable series of ``--months`` points are drawn
(XmR: normal counts; p: binomial breaches of 80-120 children at 10%; g: geometric gaps between
rare events at 5%; t: exponential times between events), charted with the limits estimated from
the series itself, as a page would, and the share of series in which each rule marks at least
one point is printed. The "expected" column is the same share when the limits are the true
ones (the process's known mean and sigma, 20,000 series): the rule's own false alarm rate over
that many points. Estimating the limits from the data moves the observed rate away from it.

Drift: 500 XmR series of 36 months, stable for 24 months, then rising by ``--drift`` sigma a
month (and, separately, stepping up by 1 sigma); the limits are fixed on the first 24 months
(fix_after). Printed: the months from the start of the drift (month 1) until the chart drawn up
to that month marks that month, by the shift (run) rule and by any rule (median and 90th centile, and the share
flagged within 8 months).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.analyses.spc import g_chart, p_chart, t_chart, xmr_chart  # noqa: E402
from generator.analyses.spc_rules import RULES, special_causes  # noqa: E402


def simulate(kind: str, rng: np.random.Generator, months: int):
    """One stable series of the chart type, charted with limits estimated from itself."""
    month = pd.date_range("2020-01-01", periods=months, freq="MS")
    if kind == "xmr":
        return xmr_chart(month, rng.normal(10, 2, months))
    if kind == "p":
        n = rng.integers(80, 121, months)
        return p_chart(month, rng.binomial(n, 0.1), n)
    if kind == "g":
        return g_chart(month, rng.geometric(0.05, months) - 1)
    return t_chart(month, rng.exponential(30, months))


def true_limits_rates(kind: str, rng: np.random.Generator, months: int, runs: int = 20000) -> dict[str, float]:
    """Share of series in which each rule fires when the limits are the process's true ones."""
    hits = dict.fromkeys(RULES, 0)
    for _ in range(runs):
        if kind == "xmr":
            y = rng.normal(10, 2, months)
            centre, sigma = np.full(months, 10.0), np.full(months, 2.0)
            lines = (centre, centre - 3 * sigma, centre + 3 * sigma, centre - 2 * sigma, centre + 2 * sigma)
        elif kind == "p":
            n = rng.integers(80, 121, months)
            y = rng.binomial(n, 0.1) / n
            sigma = np.sqrt(0.1 * 0.9 / n)
            centre = np.full(months, 0.1)
            lines = (centre, np.clip(centre - 3 * sigma, 0, 1), centre + 3 * sigma, np.clip(centre - 2 * sigma, 0, 1),
                     centre + 2 * sigma)
        elif kind == "g":
            y = (rng.geometric(0.05, months) - 1).astype(float)
            g = 0.95 / 0.05  # mean of failures before the first success
            s = np.sqrt(g * (g + 1))
            full = np.ones(months)
            median = np.ceil(np.log(0.5) / np.log(0.95)) - 1
            lines = (median * full, 0 * full, (g + 3 * s) * full, 0 * full, (g + 2 * s) * full)
        else:
            y = rng.exponential(30, months)
            # the exact quantiles of the exponential at the normal tail probabilities
            full = np.ones(months)
            q = [0.5, 0.00135, 0.99865, 0.02275, 0.97725]
            lines = tuple(-30 * np.log(1 - p) * full for p in q)
        signal, _ = special_causes(y, *lines)
        for rule in set(signal) - {""}:
            hits[rule] += 1
    return {rule: hits[rule] / runs for rule in RULES}


def months_to_flag(rng: np.random.Generator, series: int, step: float, drift: bool) -> pd.DataFrame:
    rows = []
    month = pd.date_range("2020-01-01", periods=36, freq="MS")
    for _ in range(series):
        rise = np.concatenate([np.zeros(24), (np.arange(1, 13) * step) if drift else np.full(12, step)])
        chart = xmr_chart(month, rng.normal(0, 1, 36) + rise, fix_after=24)
        y, centre, lower, upper = (chart[c].to_numpy(float) for c in ("value", "mean", "lower", "upper"))
        found = {"shift": np.nan, "any": np.nan}
        # A rule flags a drift in the month the chart drawn up to that month first marks that
        # month (the seventh point of a run, not the run's first): the analyst's view at the time.
        for t in range(24, 36):
            cut = slice(0, t + 1)
            signal, direction = special_causes(y[cut], centre[cut], lower[cut], upper[cut],
                                               centre[cut] - 2 * (centre[cut] - lower[cut]) / 3,
                                               centre[cut] + 2 * (upper[cut] - centre[cut]) / 3)
            if direction[t] > 0 and signal[t] != "" and np.isnan(found["any"]):
                found["any"] = t - 23
            if direction[t] > 0 and signal[t] == "shift" and np.isnan(found["shift"]):
                found["shift"] = t - 23
        rows.append(found)
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=500)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--drift", type=float, default=0.2, help="sigma per month")
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)

    print(f"False alarms: share of {args.series} stable series of {args.months} points in which a rule marks a point")
    print(f"{'chart':6}{'rule':15}{'observed':>10}{'expected':>10}{'95% range of observed if expected':>36}")
    for kind in ("xmr", "p", "g", "t"):
        observed = dict.fromkeys(RULES, 0)
        for _ in range(args.series):
            chart = simulate(kind, rng, args.months)
            for rule in set(chart["signal"]) - {""}:
                observed[rule] += 1
        expected = true_limits_rates(kind, rng, args.months)
        for rule in RULES:
            rate = observed[rule] / args.series
            e = expected[rule]
            half = 1.96 * np.sqrt(e * (1 - e) / args.series)
            print(f"{kind:6}{rule:15}{rate:10.3f}{e:10.3f}{max(e - half, 0):>26.3f} - {e + half:.3f}")
        total = sum(observed.values())
        print(f"{kind:6}{'(any rule)':15}{'':>10}  signals in {total} rule-series of {args.series}")

    for drift, step, label in ((True, args.drift, f"drift of {args.drift} sigma a month"), (False, 1.0, "step of 1 sigma")):
        result = months_to_flag(rng, args.series, step, drift)
        for column in ("shift", "any"):
            values = result[column]
            print(f"{label}, {'run (shift) rule' if column == 'shift' else 'any rule'}: median (of those flagged) "
                  f"{values.median():.0f} months, 90th centile {values.quantile(0.9):.0f}, flagged within 8 months "
                  f"{(values <= 8).mean():.1%}, never within 12 {values.isna().mean():.1%}")


if __name__ == "__main__":
    main()
