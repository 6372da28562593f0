"""Each chart rendered once more at build time, as a static SVG, for print and no-JS readers.

vl-convert runs Vega-Lite and Vega in-process (no browser). A chart sized to its container
has no width without a page, so the static copy gets a fixed print width.
"""

from __future__ import annotations

import copy

PRINT_WIDTH = 680


def static_svg(spec: dict) -> bytes:
    """The chart as an SVG document (UTF-8 bytes)."""
    import vl_convert as vlc

    fixed = copy.deepcopy(spec)
    if fixed.get("width") == "container":
        fixed["width"] = PRINT_WIDTH
    return vlc.vegalite_to_svg(fixed).encode("utf-8")
