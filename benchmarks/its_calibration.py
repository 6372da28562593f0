"""Calibration of the events page's model (`generator.analyses.interrupted`): do its 95%
intervals hold their stated coverage on series like a county's monthly referrals?

Usage: python benchmarks/its_calibration.py [--series N] [--seed S] [--rho R] [--dispersion D]

Simulates N monthly series of 48 months, an event at the start of month 30 (the 31st
month), like referrals: about 330 a month, a month-of-year pattern measured on the demo's
referrals (August -35%, September +22%, December -24%, ...), a gentle upward trend,
autocorrelated month-to-month variation (a latent AR(1) on the log scale, lag-1 correlation
``--rho``, 0.4 by default) and overdispersion on top (gamma-Poisson, variance ``--dispersion``
times the mean at the average level, 2 by default; the demo's seasonal Poisson fit measures
1.6). Each series is fitted twice, once with no change and once with a +20% step from
month 30, with the default model (all 30 months before, 18 after). Prints:

* with no change, the share of series whose 95% interval of the level change excludes no
  change (target 3-7%), for the absolute change and for the rate ratio;
* with the +20% step, the share whose rate-ratio interval covers 1.20 (target >= 93%);
* the placebo check's share on the no-change series (same target as the first).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.analyses.interrupted import segmented_regression  # noqa: E402

MONTHS = pd.date_range("2014-04-01", periods=48, freq="MS")
EVENT = MONTHS[30]
#: log multipliers by calendar month, January to December, from the demo's referrals
#: (the seasonal Poisson fit of data/demo's monthly referrals, rounded).
SEASON = np.array([0.12, -0.08, -0.02, -0.02, 0.0, 0.05, 0.03, -0.35, 0.22, 0.03, -0.02, -0.24])


def simulate(rng: np.random.Generator, step: float, rho: float, dispersion: float) -> pd.DataFrame:
    t = np.arange(48)
    sd = 0.05  # marginal sd of the latent AR(1): month-to-month wobble of about 5%
    latent = np.empty(48)
    latent[0] = rng.normal(0, sd)
    for i in range(1, 48):
        latent[i] = rho * latent[i - 1] + rng.normal(0, sd * np.sqrt(1 - rho ** 2))
    mean = 330 * np.exp(0.002 * t + SEASON[MONTHS.month - 1] + latent) * np.where(t >= 30, 1 + step, 1)
    shape = 330 / (dispersion - 1)  # gamma-Poisson: variance = mean + mean^2 / shape
    counts = rng.poisson(rng.gamma(shape, mean / shape))
    return pd.DataFrame({"month": MONTHS, "value": counts.astype(float), "count": counts, "n": counts})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--series", type=int, default=500)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--rho", type=float, default=0.4)
    parser.add_argument("--dispersion", type=float, default=2.0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    false_absolute = false_ratio = covered = 0
    placebo_shares = []
    for _ in range(args.series):
        null = segmented_regression(simulate(rng, 0.0, args.rho, args.dispersion), EVENT, before=30, after=18, rate=False)
        step = segmented_regression(simulate(rng, 0.2, args.rho, args.dispersion), EVENT, before=30, after=18,
                                    rate=False, placebo=False)
        false_absolute += null.clear
        false_ratio += not (null.level_ratio_low <= 1 <= null.level_ratio_high)
        covered += step.level_ratio_low <= 1.2 <= step.level_ratio_high
        placebo_shares.append(null.placebo_share)
    n = args.series
    print(f"{n} series of 48 months, event at month 30, rho {args.rho}, dispersion {args.dispersion}, seed {args.seed}")
    print(f"no change: 95% interval excludes no change in {100 * false_absolute / n:.1f}% (absolute), "
          f"{100 * false_ratio / n:.1f}% (rate ratio)  [target 3-7%]")
    print(f"+20% step: rate-ratio interval covers 1.20 in {100 * covered / n:.1f}%  [target >= 93%]")
    print(f"placebo check on the no-change series: {100 * np.mean(placebo_shares):.1f}% of placebo dates find a change")
    print(f"{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
