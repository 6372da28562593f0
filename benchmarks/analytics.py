"""Wall time of building the front-door analytics pages for a large synthetic county
(target: < 60 s for `synth demo --children 100000`).

Usage: python benchmarks/analytics.py [--children N] [--seed S] [--runs N]
Writes the synthetic data once (not timed), then for each run builds a report holding the
overview and every analytics page kind in a fresh `python -m generator build` process. Prints
the median wall time of the whole build, and the time each page's analyses and charts took
in this process (one pass, for finding the slow one).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: The analytics page kinds (issue 4), each with its default options.
KINDS = ["rereferrals", "junctions", "timeliness", "workload", "flows", "cohorts", "events"]


def report_yaml(data: Path, kinds: list[str]) -> str:
    pages = "\n".join(f"  - {{kind: {kind}, slug: {kind}, title: {kind.capitalize()}}}" for kind in kinds)
    return (f"title: Analytics benchmark\nsources:\n  - path: {data}\nperiod: {{start: 2014-04-01, end: 2018-03-31}}\n"
            f"annotations:\n  - {{date: 2016-05-16, label: Ofsted inspection}}\n"
            f"pages:\n  - {{kind: overview, slug: index, title: Overview}}\n{pages}\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    from generator.pages import PAGE_KINDS

    kinds = [k for k in KINDS if k in PAGE_KINDS]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = tmp / "data"
        subprocess.run([sys.executable, "-m", "generator", "synth", "demo", "--children", str(args.children), "--seed",
                        str(args.seed), "--file-type", "parquet", "--out", str(data), "-q"], check=True, cwd=REPO)
        report = tmp / "report.yaml"
        report.write_text(report_yaml(data, kinds), encoding="utf-8")

        walls = []
        for run in range(args.runs):
            out = tmp / f"build{run}"
            start = time.perf_counter()
            result = subprocess.run([sys.executable, "-m", "generator", "build", str(report), "--out", str(out), "-q"],
                                    cwd=REPO, capture_output=True, text=True)
            walls.append(time.perf_counter() - start)
            if result.returncode != 0:
                sys.exit(f"the build failed:\n{result.stderr}")
        print(f"analytics pages ({', '.join(kinds)}), {args.children:,} children: median build wall "
              f"{statistics.median(walls):.1f} s over {args.runs} run(s) (target < 60 s)")
        print_page_times(report, kinds)


def print_page_times(report: Path, kinds: list[str]) -> None:
    """Each page's prepare and render in this process, after loading the data once."""
    import pandas as pd

    from generator.analyses.headline import headline_metrics
    from generator.analyses.period import Period
    from generator.inputs import load
    from generator.build import render_pages
    from generator.pages.base import Annotation

    loaded = load(report)
    period = Period.of("2014-04-01", "2018-03-31")
    start = time.perf_counter()
    headline_metrics(loaded.log, period)
    print(f"  headline metrics: {time.perf_counter() - start:.1f} s ({len(loaded.log.events):,} events)")
    annotations = [Annotation(pd.Timestamp(a.date), a.label) for a in loaded.report.annotations]
    for options in loaded.report.pages:
        if options.kind in kinds:
            start = time.perf_counter()
            # Each page on its own: its links made for it, as a build would once for all pages.
            _, [(_, page)] = render_pages([options], report=loaded.report, log=loaded.log, period=period,
                                          annotations=annotations, report_dir=loaded.report_path.parent)
            print(f"  {options.kind}: {time.perf_counter() - start:.1f} s, {len(page.charts)} charts")


if __name__ == "__main__":
    main()
