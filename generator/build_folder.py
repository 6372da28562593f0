"""What makes a folder a carejourneys build: its manifest, written by the site stage.

Known to the writer (which replaces only previous builds), to the readers (which never read a
build as data, e.g. `build --data .`) and to `carejourneys pdf`; so it lives apart from all
three.
"""

from __future__ import annotations

import json
from pathlib import Path

MANIFEST = "manifest.json"
GENERATOR_NAME = "carejourneys"


def is_previous_build(folder: Path) -> bool:
    """Whether ``folder`` holds a manifest written by carejourneys."""
    try:
        manifest = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("generator") == GENERATOR_NAME
