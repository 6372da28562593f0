"""How often each special-cause rule signals by chance on the key-practices charts, and how fast the run rule finds a drift.

Usage: python benchmarks/spc_false_alarms.py [--series 500] [--months 24] [--ideal 10000]
       [--confidence 0.99] [--seed 19]

Allowed rate. A rule's false alarm rate is what it does on the process Making Data Count's rules
are designed for, drawn as a page draws it: ``--ideal`` series of ``--months`` independent normal
values, each on an XmR chart whose limits are estimated from those same points (the Making Data
Count Excel tool: moving ranges not screened). The share of these series in which the rule marks
a point is its allowed rate; the "known limits" column is the same share when the chart is drawn
with the process's true mean and sigma, to show how much estimating the limits from 24 points
moves it. Over ``--series`` series, chance alone lets a rule signal in up to the
``--confidence`` centile of Binomial(series, allowed rate) of them ("most allowed"); one-sided
and at 99% because about 40 rule-chart checks are made at once.

The p- and c-charts' run rule weighs each point's chance of falling on its side of the centre
line under the binomial or Poisson model (`generator.analyses.spc_rules`): a run signals when it
is as unlikely as 7 points on one side of a symmetric distribution, 1/128. Rows "as the page
draws it" make the page's own choice of chart per series (`practice_spc.choose_chart`: a
g-chart when there are fewer breaches than months, else a p-chart).

Stable series like the demo's practices (monthly occasions and breach rates measured on
data/demo with `evaluate_practices`: assessments about 312 a month at 10%, CP plan reviews 32 at
12%, initial conferences 24 at 18%, return interviews 8 at 18%; and smaller ones, as a smaller
authority's): ``--series`` of each, drawn on
the chart the key-practices page draws (`generator.analyses.practice_spc`): binomial breaches on
p-charts with probability limits (Laney p' when over-dispersed), rare breaches as the occasions
up to and including each breach on a g-chart (geometric, breach probability 5% and 1%), days
between breaches on a t-chart, and breach counts on the c-chart (Poisson probability limits)
and the XmR chart a user can ask for ("drawn" says which: auto, or the ``charts`` option). Rows
marked "(reference)" are charts the page does not draw: NHSRplotthedots' screened XmR on the
ideal series, 3-sigma p- and g-charts on the same stable series, to show what the page avoids.
Each row is "ok" when no rule signals in more series than chance allows, else "ABOVE". The
script exits with status 1 when a chart the page draws by itself ("auto": p and g) is above.

Drift: 500 XmR series of 36 months, stable for 24 months, then rising by ``--drift`` sigma a
month (and, separately, stepping up by 1 sigma); the limits are fixed on the first 24 months
(fix_after). Printed: the months from the start of the drift (month 1) until the chart drawn up
to that month marks that month, by the shift (run) rule and by any rule (median and 90th
centile, and the share flagged within 8 months). Then the same for a step up in a p-chart's
breach rate, by the page's weighted run rule and by the plain 7-point rule, to show what the
weighing costs. The demo's own drift is tested in tests/test_key_practices.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator.analyses.spc import c_chart, g_chart, p_chart, t_chart, xmr_chart  # noqa: E402
from generator.analyses.spc_rules import RULES, special_causes  # noqa: E402


def shares(draw: Callable[[], pd.DataFrame], series: int) -> dict[str, float]:
    """Share of ``series`` charts from ``draw()`` in which each rule marks at least one point."""
    hits = dict.fromkeys(RULES, 0)
    for _ in range(series):
        for rule in set(draw()["signal"]) - {""}:
            hits[rule] += 1
    return {rule: hits[rule] / series for rule in RULES}


def known_limits(rng: np.random.Generator, months: int, series: int) -> dict[str, float]:
    """The rules on independent N(0, 1) values against the true centre, limits and 2-sigma lines."""
    full = np.ones(months)
    hits = dict.fromkeys(RULES, 0)
    for _ in range(series):
        signal, _ = special_causes(rng.normal(0, 1, months), 0 * full, -3 * full, 3 * full, -2 * full, 2 * full)
        for rule in set(signal) - {""}:
            hits[rule] += 1
    return {rule: hits[rule] / series for rule in RULES}


def occasions(rng: np.random.Generator, months: int, mean: float) -> np.ndarray:
    """A month's occasions due: Poisson about ``mean``, at least 2 (the demo's fewest)."""
    return np.maximum(rng.poisson(mean, months), 2)


def scenarios(rng: np.random.Generator, months: int) -> list[tuple[str, str, Callable[[], pd.DataFrame]]]:
    """(label, who draws it, draw) for every stable series charted."""
    month = pd.date_range("2020-01-01", periods=months, freq="MS")

    def p_page(mean, rate, limits="probability"):
        def draw():
            n = occasions(rng, months, mean)
            return p_chart(month, rng.binomial(n, rate), n, limits=limits, improvement="decrease")
        return draw

    def as_the_page_draws(mean, rate):
        # The page's "auto" choice (`practice_spc.choose_chart`): a g-chart of the occasions up to
        # and including each breach when there are fewer breaches than months, else a p-chart.
        def draw():
            n = occasions(rng, months, mean)
            breach = rng.random(n.sum()) < rate
            if 0 < breach.sum() < months:
                at = np.flatnonzero(breach)
                return g_chart(np.repeat(month, n)[at], np.diff(np.concatenate([[-1], at])).astype(float),
                               minimum=1, improvement="increase")
            counts = np.add.reduceat(breach, np.concatenate([[0], np.cumsum(n)[:-1]]))
            return p_chart(month, counts, n, limits="probability", improvement="decrease")
        return draw

    def g_page(rate, limits="probability"):
        return lambda: g_chart(month, rng.geometric(rate, months).astype(float), minimum=1, limits=limits)

    def counts(mean, chart=xmr_chart, **options):
        return lambda: chart(month, numerator=rng.poisson(mean, months).astype(float), improvement="decrease",
                             **options)

    def binomial_counts(mean, rate):
        def draw():
            n = occasions(rng, months, mean)
            return c_chart(month, numerator=rng.binomial(n, rate).astype(float), denominator=n, improvement="decrease")
        return draw

    return [
        ("ideal: normal, XmR screened (NHSRplotthedots)", "reference",
         lambda: xmr_chart(month, rng.normal(10, 2, months))),
        ("ideal: normal, XmR (Making Data Count)", "xmr", lambda: xmr_chart(month, rng.normal(10, 2, months),
                                                                            screen_outliers=False)),
        ("p: ~312 a month at 10% (assessments)", "auto", p_page(312, 0.10)),
        ("p: ~32 a month at 12% (CP plan reviews)", "auto", p_page(32, 0.12)),
        ("p: ~24 a month at 18% (conferences)", "auto", p_page(24, 0.18)),
        ("p: ~8 a month at 18% (return interviews)", "auto", p_page(8, 0.18)),
        ("p: ~4 a month at 18% (a smaller authority)", "auto", p_page(4, 0.18)),
        ("p: ~16 a month at 5%", "auto", p_page(16, 0.05)),
        ("~16 a month at 5%, as the page draws it", "auto", as_the_page_draws(16, 0.05)),
        ("~4 a month at 10%, as the page draws it", "auto", as_the_page_draws(4, 0.10)),
        ("p 3-sigma: ~24 a month at 18%", "reference", p_page(24, 0.18, "sigma")),
        ("p 3-sigma: ~8 a month at 18%", "reference", p_page(8, 0.18, "sigma")),
        ("g: breach in 5% of occasions", "auto", g_page(0.05)),
        ("g: breach in 1% of occasions", "auto", g_page(0.01)),
        ("g 3-sigma: breach in 5% of occasions", "reference", g_page(0.05, "sigma")),
        ("t: whole days between breaches, mean 20", "t", lambda: t_chart(month, np.ceil(rng.exponential(20, months)),
                                                                        improvement="increase")),
        ("c: 1.4 breaches a month (Poisson)", "c", counts(1.4, c_chart)),
        ("c: 3.7 breaches a month (Poisson)", "c", counts(3.7, c_chart)),
        ("c: 10 breaches a month (Poisson)", "c", counts(10, c_chart)),
        ("c: breaches of ~8 a month at 18%", "c", binomial_counts(8, 0.18)),
        ("c: breaches of ~312 a month at 10%", "c", binomial_counts(312, 0.10)),
        ("xmr: 1.4 breaches a month (Poisson)", "xmr", counts(1.4, screen_outliers=False)),
        ("xmr: 3.7 breaches a month (Poisson)", "xmr", counts(3.7, screen_outliers=False)),
        ("xmr: 10 breaches a month (Poisson)", "xmr", counts(10, screen_outliers=False)),
    ]


def months_to_flag(rng: np.random.Generator, series: int, step: float, drift: bool) -> pd.DataFrame:
    rows = []
    month = pd.date_range("2020-01-01", periods=36, freq="MS")
    for _ in range(series):
        rise = np.concatenate([np.zeros(24), (np.arange(1, 13) * step) if drift else np.full(12, step)])
        chart = xmr_chart(month, rng.normal(0, 1, 36) + rise, fix_after=24, screen_outliers=False)
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


def p_months_to_flag(rng: np.random.Generator, series: int, mean: float, rate: float, step: float) -> pd.DataFrame:
    """Months until the run rule flags a step in a p-chart's breach rate (limits fixed on 24
    months), weighing each point's binomial chance of its side (the page) and counting 7 points
    (the plain rule): what the weighing costs in speed."""
    rows = []
    month = pd.date_range("2020-01-01", periods=36, freq="MS")
    for _ in range(series):
        n = occasions(rng, 36, mean)
        breaches = rng.binomial(n, np.concatenate([np.full(24, rate), np.full(12, rate + step)]))
        chart = p_chart(month, breaches, n, laney=False, limits="probability", fix_after=24)
        y, centre, lower, upper = (chart[c].to_numpy(float) for c in ("value", "mean", "lower", "upper"))
        p_bar = centre[0]
        found = {"weighted": np.nan, "plain": np.nan}
        for t in range(24, 36):
            cut = slice(0, t + 1)
            for name, sides in (("weighted", (stats.binom.sf(np.floor(np.round(n * p_bar, 9)), n, p_bar),
                                              stats.binom.cdf(np.ceil(np.round(n * p_bar, 9)) - 1, n, p_bar))),
                                ("plain", None)):
                signal, direction = special_causes(y[cut], centre[cut], lower[cut], upper[cut], lower[cut], upper[cut],
                                                   side_probability=None if sides is None else
                                                   (sides[0][cut], sides[1][cut]))
                if direction[t] > 0 and signal[t] == "shift" and np.isnan(found[name]):
                    found[name] = t - 23
        rows.append(found)
    return pd.DataFrame(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=500)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--ideal", type=int, default=10000, help="ideal series for the allowed rate")
    parser.add_argument("--confidence", type=float, default=0.99)
    parser.add_argument("--drift", type=float, default=0.2, help="sigma per month")
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    month = pd.date_range("2020-01-01", periods=args.months, freq="MS")

    allowed = shares(lambda: xmr_chart(month, rng.normal(10, 2, args.months), screen_outliers=False), args.ideal)
    known = known_limits(rng, args.months, args.ideal)
    most = {rule: int(stats.binom.ppf(args.confidence, args.series, allowed[rule])) for rule in RULES}
    print(f"Allowed: share of {args.ideal} ideal series of {args.months} independent normal values in which a rule "
          f"marks a point (XmR, limits from the same points); most of {args.series} series chance allows "
          f"({args.confidence:.0%}, one-sided)")
    print(f"{'rule':15}{'allowed':>9}{'known limits':>14}{'most allowed':>14}")
    for rule in RULES:
        print(f"{rule:15}{allowed[rule]:9.3f}{known[rule]:14.3f}{most[rule] / args.series:14.3f}")

    print(f"\nStable series ({args.series} of {args.months} points each): share in which a rule marks a point")
    print(f"{'series and chart':48}{'drawn':>10}" + "".join(f"{rule:>15}" for rule in RULES) + "  verdict")
    failed = []
    for label, drawn, draw in scenarios(rng, args.months):
        observed = shares(draw, args.series)
        above = [rule for rule in RULES if observed[rule] * args.series > most[rule]]
        print(f"{label:48}{drawn:>10}" + "".join(f"{observed[rule]:15.3f}" for rule in RULES)
              + ("  ok" if not above else "  ABOVE: " + ", ".join(above)))
        if above and drawn == "auto":
            failed.append(label)
    print("The page's automatic charts (p, g): " + ("all within the allowed rates" if not failed
                                                    else f"above the allowed rate: {'; '.join(failed)}"))

    print()
    for drift, step, label in ((True, args.drift, f"drift of {args.drift} sigma a month"), (False, 1.0, "step of 1 sigma")):
        result = months_to_flag(rng, args.series, step, drift)
        for column in ("shift", "any"):
            values = result[column]
            print(f"{label}, {'run (shift) rule' if column == 'shift' else 'any rule'}: median (of those flagged) "
                  f"{values.median():.0f} months, 90th centile {values.quantile(0.9):.0f}, flagged within 8 months "
                  f"{(values <= 8).mean():.1%}, never within 12 {values.isna().mean():.1%}")
    for mean, rate, step in ((32, 0.12, 0.06), (16, 0.05, 0.05)):
        result = p_months_to_flag(rng, args.series, mean, rate, step)
        for column in ("weighted", "plain"):
            values = result[column]
            print(f"p-chart, ~{mean} a month, breaches {rate:.0%} -> {rate + step:.0%}, run rule {column}: median "
                  f"(of those flagged) {values.median():.0f} months, flagged within 8 months {(values <= 8).mean():.1%}, "
                  f"never within 12 {values.isna().mean():.1%}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
