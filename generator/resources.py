"""Where the templates, the default report and the demo data are.

In a clone (editable install) they sit at the top of the repo, the product's fixed layout. In
a wheel they are copied inside the package (pyproject's force-include) and found through
importlib.resources. Look in the package first, then beside it.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_dir(name: str) -> Path:
    """The folder `name` ("site_templates", "content" or "data/demo") as a real path."""
    packaged = Path(str(resources.files("generator"))) / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name


def default_report() -> Path:
    """content/report.yaml of the current folder when there is one, else the packaged demo."""
    local = Path("content") / "report.yaml"
    return local if local.is_file() else resource_dir("content") / "report.yaml"


def is_packaged_demo(report: Path) -> bool:
    """Whether ``report`` is the packaged demo's report.yaml (a clone's content/ is the package's)."""
    try:
        return Path(report).resolve() == (resource_dir("content") / "report.yaml").resolve()
    except OSError:
        return False
