"""Wall time and peak memory of building the demo report (target: < 15 s, < 1.5 GB).

Usage: python benchmarks/build_demo.py [--runs N]
Each run is a fresh `python -m generator build` process into a temporary folder; the figures
printed are the median wall time and the largest peak memory over the runs: the resident sets
of the build and the second processes it starts, summed (`measure.measured_tree`).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from measure import measured_tree

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    walls, peaks = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            wall, peak = measured_tree([sys.executable, "-m", "generator", "build", "--out", str(Path(tmp) / "build"), "-q"],
                                      cwd=str(REPO))
            walls.append(wall)
            peaks.append(peak)
    print(f"demo build: median wall {statistics.median(walls):.1f} s over {args.runs} runs "
          f"(min {min(walls):.1f}, max {max(walls):.1f}); peak memory {max(peaks):.0f} MB (all processes)")


if __name__ == "__main__":
    main()
