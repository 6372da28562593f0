"""Wall time and peak memory of grouping 20,000 care histories (target: < 60 s, < 2 GB).

Usage: python benchmarks/sequences.py [--children N] [--months M] [--seed S]
Draws N synthetic monthly care histories from a semi-Markov model of the legal journey (s.20
or care order, then home, placement order and adoption, SGO or another exit, with durations in
months), observed for between 1 and M months since entry, then in a fresh process groups them
as `group_care_histories` does: de-duplication, LCS distances, weighted Ward, silhouette
widths for 2..10 groups. Prints the number of unique histories, wall seconds and peak RSS.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

#: state -> (mean months in it, next states, their probabilities); "" ends the journey.
JOURNEY = {
    "S": (6, "HCGL", (0.55, 0.30, 0.05, 0.10)),
    "C": (14, "HPGL", (0.25, 0.25, 0.30, 0.20)),
    "P": (8, "A", (1.0,)),
    "A": (7, "D", (1.0,)),
    "O": (1, "SC", (0.6, 0.4)),
    "H": (10, "SC", (0.8, 0.2)),
}


def histories(children: int, months: int, seed: int) -> list[str]:
    """Synthetic care histories, one character per month (codes as generator.analyses.sequences)."""
    rng = np.random.default_rng(seed)
    out = []
    for length in rng.integers(1, months + 1, size=children):
        state = rng.choice(list("SCO"), p=(0.55, 0.30, 0.15))
        text = ""
        while len(text) < length:
            mean, nexts, p = JOURNEY.get(state, (months, "", ()))
            text += state * int(rng.geometric(1 / mean))
            if not nexts:
                continue
            state = rng.choice(list(nexts), p=p)
            if state == "H" and rng.random() < 0.7:  # most who go home stay home
                text += "H" * months
        out.append(text[:length])
    return out


def group(path: str) -> None:
    from generator.analyses.sequences import group_care_histories
    import pandas as pd

    sequences = pd.read_csv(path, dtype=str, keep_default_na=False)
    grouped = group_care_histories(sequences)
    # measured_run reads the wrapper's stdout, so the summary goes to a file beside the input.
    Path(path + ".txt").write_text(f"groups chosen: {grouped.groups}; ASW " + ", ".join(f"{r.groups}: {r.asw:.3f}" for r in grouped.quality.itertuples()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--inner", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        group(args.inner)
        return

    import tempfile

    import pandas as pd

    from benchmarks.measure import measured_run

    texts = histories(args.children, args.months, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "histories.csv"
        pd.DataFrame({"child_id": [f"C{i:06d}" for i in range(len(texts))], "sequence": texts}).to_csv(path, index=False)
        seconds, peak_mb = measured_run([sys.executable, __file__, "--inner", str(path)], cwd=str(REPO))
        print(Path(str(path) + ".txt").read_text())
    print(f"{args.children:,} histories ({len(set(texts)):,} unique, up to {args.months} months): "
          f"{seconds:.1f} s, peak {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
