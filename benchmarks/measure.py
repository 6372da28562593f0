"""Wall time and peak memory of one command, run in a fresh process.

The command runs in a child of a small wrapper process, so `getrusage(RUSAGE_CHILDREN)` in
the wrapper reports the command's own peak resident set (Linux reports it in kB) and nothing
of the benchmark script's.
"""

from __future__ import annotations

import subprocess
import sys


def measured_run(argv: list[str], cwd: str | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of ``argv``; exits the benchmark if the command fails."""
    code = (
        "import resource, subprocess, sys, time;"
        "t = time.perf_counter();"
        f"r = subprocess.run({argv!r}, cwd={cwd!r});"
        "w = time.perf_counter() - t;"
        "print(r.returncode, w, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    if out[0] != "0":
        sys.exit(f"{' '.join(argv)} failed")
    return float(out[1]), float(out[2])


def measured_tree(argv: list[str], cwd: str | None = None, every: float = 0.05) -> tuple[float, float]:
    """(wall seconds, peak MB) of ``argv`` and every process it starts, summed: a build that
    runs work in a second process holds both processes' memory at once. The build forks its
    second processes, which share the memory they were copied from until either writes to it:
    each process counts its proportional set (PSS: its own pages, and each shared page divided
    by the number of processes sharing it), so a shared page counts once in the sum, where
    resident sets would count it in every process. Sampled every ``every`` seconds from /proc
    (Linux), so a peak shorter than that can be missed."""
    import os
    import time

    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_pss_kb(process.pid, os.listdir("/proc")))
        time.sleep(every)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed")
    return wall, peak / 1024


def _tree_pss_kb(root: int, entries: list[str]) -> int:
    parents: dict[int, int] = {}
    for entry in entries:
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as file:
                    parents[int(entry)] = int(file.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as file:
                total += next((int(line.split()[1]) for line in file if line.startswith("Pss:")), 0)
        except OSError:
            continue
    return total
