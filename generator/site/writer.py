"""The atomic write of a build folder.

The whole site is assembled in memory (a few MB), written to a temporary folder beside the
target, then swapped in with two renames. A build that fails never touches the previous one,
and a folder that is not a previous build (no manifest.json of ours) is never replaced.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from generator.errors import InputError, Problem

MANIFEST = "manifest.json"
GENERATOR_NAME = "carejourneys"


def is_previous_build(folder: Path) -> bool:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("generator") == GENERATOR_NAME


def check_target(out_dir: Path) -> None:
    """Refuse, before any work, a target we must not replace."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(Problem(str(out_dir), "", "exists and is a file, not a folder", "choose another --out"))
    if out_dir.is_dir() and any(out_dir.iterdir()) and not is_previous_build(out_dir):
        raise InputError(Problem(
            str(out_dir), "", "is a folder with files in it that is not a previous carejourneys build; "
            "refusing to replace it", "choose an empty or new folder with --out, or move its files away"))


def write_site(out_dir: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` (relative posix path -> content) as the folder ``out_dir``, atomically."""
    check_target(out_dir)
    out_dir = out_dir.absolute()
    parent = out_dir.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = parent / f".{out_dir.name}.tmp-{os.getpid()}"
    retired = parent / f".{out_dir.name}.old-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for relative in sorted(files):
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[relative])
        if out_dir.exists():
            os.replace(out_dir, retired)
            try:
                os.replace(staging, out_dir)
            except OSError:
                os.replace(retired, out_dir)
                raise
            shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
