"""Colours and sizes every chart shares, in the reader's light and dark schemes.

One colour system for the page (report.css), the charts and the map: `SCHEMES` names each
role's colour in light and dark, and report.css and player.css use the same values. The
palette is Okabe-Ito (safe for the common colour-vision deficiencies), darkened where needed so
every colour reaches 3:1 against white for graphical objects (WCAG 2.2 1.4.11); `DARK_COLOURS`
gives each colour a chart module writes into a spec its dark-scheme twin, lightened to 3:1 (marks)
or 4.5:1 (text) against the dark page. report.js swaps them in, and passes `vega_config`'s dark
config, when the reader's system asks for dark; the static SVGs (print, no-JS) stay light.
"""

from __future__ import annotations

PALETTE = ["#1d70b8", "#d55e00", "#007a5e", "#6f3f98", "#b58105", "#0072b2", "#cc79a7", "#505a5f"]

#: Each role's colour per scheme. Text and muted text reach 4.5:1 on background and panel;
#: grid and border are graphics (3:1 where they carry meaning; grid lines are decoration).
SCHEMES = {
    "light": {"text": "#0b0c0c", "muted": "#505a5f", "background": "#ffffff", "panel": "#f3f2f1",
              "grid": "#dedcd9", "border": "#b1b4b6", "rule": "#505a5f", "accent": "#1d70b8"},
    "dark": {"text": "#f3f2f1", "muted": "#c5c9cc", "background": "#0b0c0c", "panel": "#1d1f20",
             "grid": "#3b3f41", "border": "#6f777b", "rule": "#b1b4b6", "accent": "#8ab8f0"},
}

#: The text colour chart modules write on marks (bar values, labels, annotation labels).
INK = SCHEMES["light"]["text"]
#: Secondary text and reference lines.
MUTED = SCHEMES["light"]["muted"]

#: A light-scheme colour found in a spec -> its dark-scheme twin. Ratios on the dark page
#: #0b0c0c (measured with the WCAG 2.2 formula): the greys and purple below 3:1 are lightened.
DARK_COLOURS = {
    "#0b0c0c": "#f3f2f1",   # ink: 17.3:1
    "#1d1d1b": "#f3f2f1",
    "#505a5f": "#b1b4b6",   # muted rules and points: 2.8 -> 9.4:1
    "#b1b4b6": "#6f777b",   # pale rules (range bars): 4.3:1, still quieter than the marks
    "#6f3f98": "#a98bd3",   # purple: 2.6 -> 6.8:1
    "#1d70b8": "#5694ca",   # blue: 3.8 -> 6.1:1, so it also holds on the dark panel
    "#0072b2": "#4c9fd6",
    "#007a5e": "#3b9c7f",
    "#1d4f91": "#8ab8f0",   # map counts: 2.4 -> 9.5:1
}


#: Labels of time and number axes that would touch are thinned (every other one, so the
#: spacing stays even). Vega's default hides only labels that overlap: "Apr 2014" flush with
#: the axis start ran into "Jul 2014" with no gap at 1366 px, "90" into "100" on a phone.
AXIS_SPACING = {"axisTemporal": {"labelOverlap": "parity", "labelSeparation": 8},
                "axisQuantitative": {"labelSeparation": 4}}


def vega_config(scheme: str) -> dict:
    """The Vega-Lite config for ``scheme`` ("light" or "dark"): axis, legend, title and mark
    text in the scheme's text colour, so no chart text depends on the chart module's choice."""
    colours = SCHEMES[scheme]
    text = {"labelColor": colours["text"], "titleColor": colours["text"]}
    return {
        "background": None if scheme == "dark" else colours["background"],
        "axis": {**text, "gridColor": colours["grid"], "domainColor": colours["rule"], "tickColor": colours["rule"]},
        **{key: dict(value) for key, value in AXIS_SPACING.items()},
        "legend": dict(text),
        "header": dict(text),
        "title": {"color": colours["text"], "subtitleColor": colours["muted"]},
        "text": {"color": colours["text"]},
        "rule": {"color": colours["rule"]},
        "view": {"stroke": colours["border"]},
    }


def chart_schemes() -> dict:
    """What report.js needs to draw a chart in either scheme: the config, and (dark) the colour
    substitutions for colours the spec names itself."""
    return {"light": {"config": vega_config("light"), "colours": {}},
            "dark": {"config": vega_config("dark"), "colours": dict(DARK_COLOURS)}}


def base_properties() -> dict:
    """Width follows the page; the height is fixed so a column of charts reads evenly."""
    return {"width": "container", "height": 240}


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """The WCAG 2.2 contrast ratio of two ``#rrggbb`` colours.

    >>> round(contrast("#ffffff", "#000000"), 1)
    21.0
    """
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable_on(colour: str, background: str = SCHEMES["dark"]["panel"], ratio: float = 3.0) -> str:
    """``colour`` mixed towards white in 5 % steps until it reaches ``ratio`` against
    ``background`` (WCAG 2.2 1.4.11, graphics: 3:1): a map line's colour from a map file, as
    drawn in the dark scheme, keeps its hue and stays visible on the dark map.

    >>> readable_on("#1c3f94")  # the front door line: 1.7:1 on the dark map panel, then 3.4:1
    '#556faf'
    >>> readable_on("#d4201a") == "#d4201a" or contrast(readable_on("#d4201a"), "#1d1f20") >= 3
    True
    """
    if not isinstance(colour, str) or len(colour) != 7 or not colour.startswith("#"):
        return colour
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    for step in range(21):
        mixed = "#" + "".join(f"{round(c + (255 - c) * step / 20):02x}" for c in rgb)
        if contrast(mixed, background) >= ratio:
            return mixed
    return "#ffffff"
