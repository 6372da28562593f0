"""Row charts (generator/charts/rows.py) as drawn: rendered to SVG with vl-convert, the same
renderer as the static charts and the print page, and read back for where each text landed."""

from __future__ import annotations

import re

import pandas as pd
import vl_convert as vlc

from generator.charts.rows import rate_rows

TEXT = re.compile(r'<text([^>]*)transform="translate\(([\d.\-]+),([\d.\-]+)\)"[^>]*>([^<]*)</text>')
#: Widest glyph advance of the 12 px sans-serif digits and "%" (about 0.6 em), for a text's extent.
CHAR_PX = 7.2


def _texts(spec: dict) -> dict[str, tuple[float, float]]:
    """Each text's (left, right) extent in px, from its anchor and an upper bound on its width."""
    extents = {}
    for attributes, x, _, text in TEXT.findall(vlc.vegalite_to_svg(spec)):
        width = CHAR_PX * len(text)
        anchor = re.search(r'text-anchor="(\w+)"', attributes)
        left = {"end": float(x) - width, "middle": float(x) - width / 2}.get(anchor.group(1) if anchor else "start", float(x))
        extents[text] = (left, left + width)
    return extents


def _dot_chart() -> dict:
    # Rates between 53% and 69%: the dots' axis hugs them (50 to 80), not 0 to 100.
    table = pd.DataFrame({
        "group": ["Sex: Male", "Sex: Female", "Age: Under 1"],
        "pct": [66.0, 64.5, 60.9], "pct_low": [63.0, 61.0, 53.0], "pct_high": [69.0, 68.0, 68.0],
        "n": [1372, 1289, 169], "events": [906, 831, 103], "all_pct": [65.4] * 3,
    })
    return rate_rows("s47", table, title="t", description="d", label="group", label_title="Group",
                     count_title="Enquiries", n_title="Cases", x_title="Rate (%)", mark="point",
                     reference="all_pct").spec


def test_dot_chart_group_labels_start_at_the_left_edge_of_the_plot_not_over_the_intervals():
    texts = _texts(_dot_chart())
    axis_start = texts["50"][0]  # the first tick label of the 50-80 axis, flush with the plot
    assert "0" not in texts, "the axis should span the intervals, not start at zero"
    for label in ("Sex: Male", "Sex: Female", "Age: Under 1"):
        assert abs(texts[label][0] - axis_start) < 1, f"{label!r} is drawn at x={texts[label][0]}, the plot starts at {axis_start}"


def test_dot_chart_numbers_stay_inside_the_plot():
    texts = _texts(_dot_chart())
    plot_left = texts["50"][0]
    for number in ("66.0% of 1,372", "64.5% of 1,289", "60.9% of 169"):
        left, _ = texts[number]
        assert left >= plot_left, f"{number!r} starts at x={left:.0f}, left of the plot ({plot_left:.0f})"
