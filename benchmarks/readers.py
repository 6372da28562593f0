"""How fast, and in how much memory, the statutory-return readers load 100,000 children.

Makes a CIN census (four yearly XML files) and an SSDA903 (four years of header and episodes
CSVs) of 100,000 distinct children each from the synthetic demo (`synth demo`, seed 2018):
the demo's returns are written once, then their children are repeated under new ids until
there are 100,000 (a county's demo has fewer looked-after children than that). Each is then
loaded by `read_sources` in a fresh Python process; the time is wall-clock, the memory the
child process's peak resident set (`resource.getrusage(RUSAGE_CHILDREN)`).

    python benchmarks/readers.py [--children 100000] [--keep DIR]

Targets: under 30 s and 2 GB each.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

TARGET_SECONDS, TARGET_GB = 30, 2.0
LOAD = """
import sys, time
from pathlib import Path
from generator.ingest import read_sources
start = time.perf_counter()
log, inputs, findings = read_sources([Path(sys.argv[1])])
print(f"{time.perf_counter() - start:.2f} {log.children['child_id'].nunique()} {len(log.events)}")
"""


def make_returns(folder: Path, children: int) -> dict[str, Path]:
    from generator.export import WRITERS
    from generator.synth.demo import generate_demo

    log = generate_demo(25_000, 2018)
    made = {}
    for fmt in ("cin", "903"):
        base = folder / f"{fmt}_base"
        WRITERS[fmt](log, base)
        out = folder / fmt
        out.mkdir(parents=True, exist_ok=True)
        if fmt == "cin":
            made[fmt] = _tile_cin(base, out, children)
        else:
            made[fmt] = _tile_903(base, out, children)
    return made


def _tile_cin(base: Path, out: Path, children: int) -> Path:
    files = sorted(base.glob("*.xml"))
    ids = set()
    for path in files:
        ids |= set(re.findall(r"<LAchildID>([^<]+)</LAchildID>", path.read_text()))
    copies = -(-children // len(ids))
    number = {child: index for index, child in enumerate(sorted(ids))}
    for path in files:
        text = path.read_text()
        head, rest = text.split("<Children>", 1)
        body, tail = rest.rsplit("</Children>", 1)
        blocks = re.findall(r"<Child>.*?</Child>", body, re.S)
        with (out / path.name).open("w", encoding="utf-8") as handle:
            handle.write(head + "<Children>\n")
            for copy in range(copies):
                for block in blocks:
                    child = re.search(r"<LAchildID>([^<]+)</LAchildID>", block).group(1)
                    if copy * len(ids) + number[child] >= children:
                        continue
                    handle.write(block.replace(f"<LAchildID>{child}</LAchildID>", f"<LAchildID>{child}-{copy}</LAchildID>") + "\n")
            handle.write("</Children>" + tail)
    return out


def _tile_903(base: Path, out: Path, children: int) -> Path:
    import pandas as pd

    ids = set()
    for path in base.glob("header_*.csv"):
        ids |= set(pd.read_csv(path, dtype=str)["CHILD"])
    copies = -(-children // len(ids))
    for path in sorted(base.glob("*.csv")):
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        tiled = pd.concat([table.assign(CHILD=table["CHILD"] + f"-{copy}") for copy in range(copies)], ignore_index=True)
        tiled.to_csv(out / path.name, index=False, lineterminator="\n")
    return out


#: Runs the load in a grandchild and reports its peak RSS: RUSAGE_CHILDREN keeps the largest
#: child ever waited for, so each measurement needs a parent of its own.
MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
out = subprocess.run([sys.executable, "-c", sys.argv[1], sys.argv[2]], capture_output=True, text=True, check=True).stdout
print(f"{time.perf_counter() - start:.2f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss} {out}")
"""


def measure(folder: Path) -> tuple[float, float, int, int]:
    """(seconds, peak GB, children, events) of loading ``folder`` in a fresh process."""
    result = subprocess.run([sys.executable, "-c", MEASURE, LOAD, str(folder)], capture_output=True, text=True, check=True)
    wall, peak_kb, _, children, events = result.stdout.split()
    return float(wall), int(peak_kb) / 1024 / 1024, int(children), int(events)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="write the returns here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        made = make_returns(folder, args.children)
        print(f"{'format':<12}{'files':>7}{'MB':>9}{'children':>11}{'events':>11}{'seconds':>10}{'peak GB':>10}")
        ok = True
        for fmt, path in made.items():
            files = sorted(p for p in path.iterdir() if p.is_file())
            size = sum(p.stat().st_size for p in files) / 1e6
            seconds, gigabytes, children, events = measure(path)
            ok &= seconds < TARGET_SECONDS and gigabytes < TARGET_GB
            print(f"{fmt:<12}{len(files):>7}{size:>9.1f}{children:>11,}{events:>11,}{seconds:>10.1f}{gigabytes:>10.2f}")
        print(f"targets: < {TARGET_SECONDS} s and < {TARGET_GB} GB each: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
