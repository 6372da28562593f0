"""Each chart rendered once more at build time, as a static SVG, for print and no-JS readers.

vl-convert runs Vega-Lite and Vega in-process (no browser). A chart sized to its container
has no width without a page, so the static copy gets a fixed print width. Axis titles, labels
and legends add to that width, and print scales the whole SVG to the page's width: a copy that
came out wider is drawn again with its plot narrower by the excess, so that every copy prints
at the same scale (its 10 px text at 7.5 pt on A4) rather than smaller the wider it grew. A
single view is fitted by Vega itself ("fit-x"), drawn once.
"""

from __future__ import annotations

import copy
import json
import os
import re
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from generator.charts.theme import AXIS_SPACING

PRINT_WIDTH = 680
#: A plot narrower than this is left as it is, whatever its legends add.
MIN_PLOT_WIDTH = 360


def static_svg(spec: dict) -> bytes:
    """The chart as an SVG document (UTF-8 bytes)."""
    import vl_convert as vlc

    fixed = copy.deepcopy(spec)
    # The page's spacing of axis labels (the browser gets it with the scheme's config).
    config = fixed.setdefault("config", {})
    for key, value in AXIS_SPACING.items():
        config[key] = {**value, **config.get(key, {})}
    # The plot's width: the spec's own, or a facet's panels' (a chart of small multiples).
    sized = fixed["spec"] if isinstance(fixed.get("spec"), dict) and "facet" in fixed else fixed
    width = sized.get("width")
    if width == "container":
        width = sized["width"] = PRINT_WIDTH
        if sized is fixed and not any(key in fixed for key in ("hconcat", "vconcat", "concat", "repeat")):
            # One view: Vega fits axes and legends into the print width itself, in one drawing.
            fixed["autosize"] = {"type": "fit-x", "contains": "padding"}
    svg = vlc.vegalite_to_svg(fixed)
    excess = _svg_width(svg) - PRINT_WIDTH
    if isinstance(width, (int, float)) and excess > 1 and width - excess >= MIN_PLOT_WIDTH:
        sized["width"] = round(width - excess)
        svg = vlc.vegalite_to_svg(fixed)
    return _renumber_ids(svg).encode("utf-8")


class StaticDrawings:
    """The static SVGs of a build, each drawn once on threads of their own while the build goes
    on: the build hands each page's charts over as soon as the page is rendered, so that
    vl-convert draws them while later pages are computed rather than all at the end.

    A drawing is found again by its spec's JSON text: the site takes the drawing of a spec equal
    to one it publishes, and draws any other then (a public report's chart with hidden cells
    is published with another spec than the one it was rendered with).
    """

    def __init__(self):
        # vl-convert draws outside the GIL for much of each chart: two at a time use two cores.
        self._pool = ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1), thread_name_prefix="static-svg")
        self._drawn: dict[str, Future] = {}
        self._lock = threading.Lock()

    def draw(self, spec: dict) -> Future:
        """A future of `static_svg` of ``spec`` (as it is now: later changes to it are not drawn)."""
        text = json.dumps(spec, default=str)
        with self._lock:
            if text not in self._drawn:
                self._drawn[text] = self._pool.submit(lambda: static_svg(json.loads(text)))
            return self._drawn[text]

    def close(self) -> None:
        """Stop drawing: drawings not begun are dropped (a build that failed needs none)."""
        self._pool.shutdown(wait=False, cancel_futures=True)


def _svg_width(svg: str) -> float:
    match = re.search(r'<svg[^>]*?\swidth="([0-9.]+)"', svg)
    return float(match.group(1)) if match else 0.0


def _renumber_ids(svg: str) -> str:
    """Vega numbers gradients with a counter that lives as long as the process, so the same
    chart gets `gradient_0` in one build and `gradient_7` in the next. Number them per
    document, in order of first appearance, so builds stay byte-identical."""
    numbers: dict[str, str] = {}

    def renumber(match: re.Match) -> str:
        return numbers.setdefault(match.group(0), f"{match.group(1)}{len(numbers)}")

    return re.sub(r"\b(gradient_|clip|pattern_)(\d+)\b", renumber, svg)
