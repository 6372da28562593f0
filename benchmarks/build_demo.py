"""Wall time and peak memory of building the demo report (target: < 20 s, < 1.5 GB).

Usage: python benchmarks/build_demo.py [--runs N]
Each run is a fresh `python -m generator build` process into a temporary folder; the figures
printed are the median wall time and the largest peak RSS over the runs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    walls, peaks = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            code = (
                "import resource, subprocess, sys, time;"
                "t = time.perf_counter();"
                f"r = subprocess.run([sys.executable, '-m', 'generator', 'build', '--out', {str(Path(tmp) / 'build')!r}, '-q'], cwd={str(REPO)!r});"
                "w = time.perf_counter() - t;"
                "print(r.returncode, w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)"
            )
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
            if out[0] != "0":
                sys.exit("the build failed")
            walls.append(float(out[1]))
            peaks.append(float(out[2]))
    print(f"demo build: median wall {statistics.median(walls):.1f} s over {args.runs} runs "
          f"(min {min(walls):.1f}, max {max(walls):.1f}); peak memory {max(peaks):.0f} MB")


if __name__ == "__main__":
    main()
