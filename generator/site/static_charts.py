"""Each chart rendered once more at build time, as a static SVG, for print and no-JS readers.

vl-convert runs Vega-Lite and Vega in-process (no browser). A chart sized to its container
has no width without a page, so the static copy gets a fixed print width.
"""

from __future__ import annotations

import copy
import re

PRINT_WIDTH = 680


def static_svg(spec: dict) -> bytes:
    """The chart as an SVG document (UTF-8 bytes)."""
    import vl_convert as vlc

    fixed = copy.deepcopy(spec)
    if fixed.get("width") == "container":
        fixed["width"] = PRINT_WIDTH
    return _renumber_ids(vlc.vegalite_to_svg(fixed)).encode("utf-8")


def _renumber_ids(svg: str) -> str:
    """Vega numbers gradients with a counter that lives as long as the process, so the same
    chart gets `gradient_0` in one build and `gradient_7` in the next. Number them per
    document, in order of first appearance, so builds stay byte-identical."""
    numbers: dict[str, str] = {}

    def renumber(match: re.Match) -> str:
        return numbers.setdefault(match.group(0), f"{match.group(1)}{len(numbers)}")

    return re.sub(r"\b(gradient_|clip|pattern_)(\d+)\b", renumber, svg)
