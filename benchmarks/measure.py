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
