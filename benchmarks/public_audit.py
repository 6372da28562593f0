"""Time of the attacker's audit (linear programming) on a public build.

Usage: python benchmarks/public_audit.py [--data FOLDER]
Builds the demo (or ``--data FOLDER``) for a public audience in a temporary folder and prints:
the final audit (`generator.privacy.publish.audit_report`: one LP range per hidden number,
targets < 10 s on the demo, < 60 s on `synth demo --children 100000`), the whole privacy
stage (suppression, audit and repair rounds), and the ledger's size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's generator, not an installed one

import generator.build as build  # noqa: E402
from generator.errors import InputError  # noqa: E402
from generator.privacy import differencing  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    timings: dict[str, list[float]] = {"publish": [], "audit": [], "narrowed": []}
    cpu: dict[str, list[float]] = {name: [] for name in timings}  # process time: stands on a loaded machine
    ledgers = []

    def timed(name, function):
        def run(*a, **k):
            start, start_cpu = time.perf_counter(), time.process_time()
            try:
                return function(*a, **k)
            finally:
                timings[name].append(time.perf_counter() - start)
                cpu[name].append(time.process_time() - start_cpu)
        return run

    publish_report, audit_report = build.publish_report, build.audit_report

    def publish_and_keep(*a, **k):
        report = publish_report(*a, **k)
        ledgers.append(report.ledger)
        return report

    build.publish_report = timed("publish", publish_and_keep)
    build.audit_report = timed("audit", audit_report)
    differencing_narrowed = differencing.narrowed
    import generator.privacy.publish as publish
    publish.narrowed = timed("narrowed", differencing_narrowed)
    with tempfile.TemporaryDirectory() as tmp:
        wall = time.perf_counter()
        outcome = "passes the audit"
        try:
            build.build_report(out_dir=Path(tmp) / "build", data=args.data, audience="public")
        except InputError as error:  # the timings still stand; say what the audit refused
            outcome = f"FAILS the audit ({len(error.problems)} problems)"
        wall = time.perf_counter() - wall
    ledger = ledgers[-1]
    hidden = int(ledger.hidden().sum())
    print(f"public build of {args.data or 'the demo'} {outcome}: {wall:.1f} s in all; privacy stage {timings['publish'][0]:.1f} s "
          f"({cpu['publish'][0]:.1f} s CPU; {len(timings['narrowed']) - 1} audit rounds inside it); final LP audit "
          f"{timings['audit'][0]:.2f} s ({cpu['audit'][0]:.2f} s CPU); "
          f"ledger: {len(ledger.labels):,} numbers ({hidden:,} hidden), {len(ledger.relations):,} relations")


if __name__ == "__main__":
    main()
