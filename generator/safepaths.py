"""Where report.yaml may point: inside its own folder, or at the product's own files.

A report names its data (``sources:``), Markdown pages (``source:``) and map files (``map:``)
by path. A path that climbs out of the report's folder (``../../etc/passwd``, an absolute
path) would read, and could publish, any file the user may read; so such paths are refused
with the key that names them. Data anywhere else is given on the command line with
``--data``, where the user sees what they pass. The product's own content and demo data
(generator.resources) are allowed: the demo report reads ``../data/demo``.
"""

from __future__ import annotations

from pathlib import Path

from generator.errors import InputError, Problem, brief
from generator.resources import resource_dir


def _roots(report_dir: Path) -> list[Path]:
    return [Path(report_dir).resolve(), resource_dir("content").resolve(), resource_dir("data").resolve()]


def is_inside_report(report_dir: Path, path: Path) -> bool:
    """Whether ``path`` (symlinks followed) lies in the report's folder or the product's files."""
    resolved = Path(path).resolve()
    return any(resolved.is_relative_to(root) for root in _roots(report_dir))


def inside_report(report_dir: Path, name: str, file: str, where: str) -> Path:
    """``report_dir / name``, refused unless it resolves inside the report's folder.

    Raises
    ------
    InputError
        Naming ``file`` (report.yaml) and the key path ``where``.
    """
    path = Path(report_dir) / name
    if not is_inside_report(report_dir, path):
        raise InputError(Problem(file, where, f"points outside the report's folder ({brief(name)})",
                                 "move the file into the folder that holds report.yaml (or below it); "
                                 "give data elsewhere with --data"))
    return path
