"""Colours and sizes every chart shares.

The palette is Okabe-Ito (safe for the common colour-vision deficiencies), darkened where
needed so every colour reaches 3:1 against white for graphical objects (WCAG 2.2 1.4.11).
"""

PALETTE = ["#1d70b8", "#d55e00", "#007a5e", "#6f3f98", "#b58105", "#0072b2", "#cc79a7", "#505a5f"]


def base_properties() -> dict:
    """Width follows the page; the height is fixed so a column of charts reads evenly."""
    return {"width": "container", "height": 240}
