"""Wall time and peak memory of `carejourneys synth like` at 100,000 children (target: < 2 min,
< 4 GB).

Usage: python benchmarks/synth_like.py [--children N] [--file-type parquet|csv]
Generates the demo at N children with `generate_demo`, writes it as a tidy log, then runs
`python -m generator synth like` on it in a fresh process and measures that process: wall time
with `time.perf_counter`, peak RSS with `resource.getrusage(RUSAGE_CHILDREN)` (in a wrapper
process, so that only the `synth like` child is counted).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from measure import measured_run

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--file-type", choices=["parquet", "csv"], default="parquet")
    args = parser.parse_args()

    from generator.ingest.tidy import write_tidy
    from generator.synth.demo import generate_demo

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        log = generate_demo(children=args.children, seed=2018)
        write_tidy(log, Path(tmp) / "real", args.file_type)
        print(f"demo at {args.children:,} children: {len(log.events):,} events "
              f"(generated and written in {time.perf_counter() - started:.1f} s)")
        out = Path(tmp) / "twins"
        wall, peak = measured_run([sys.executable, "-m", "generator", "synth", "like", "--data", str(Path(tmp) / "real"),
                                   "--out", str(out), "--file-type", args.file_type, "-q"], cwd=str(REPO))
        written = sum(p.stat().st_size for p in out.iterdir())
        print(f"synth like at {args.children:,} children: wall {wall:.1f} s, peak memory {peak:.0f} MB, "
              f"wrote {written / 1e6:.1f} MB ({'within' if wall < 120 and peak < 4096 else 'OVER'} the 2 min / 4 GB target)")


if __name__ == "__main__":
    main()
