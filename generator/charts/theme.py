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

import math

#: Its sixth is olive, not Okabe-Ito's blue #0072b2: beside the first (#1d70b8) that blue differed by
#: a CIEDE2000 of 2.7, and a chart of six or more series drew two of them alike (the final orders:
#: care order and SGO with supervision).
PALETTE = ["#1d70b8", "#d55e00", "#007a5e", "#6f3f98", "#b58105", "#709c16", "#cc79a7", "#505a5f"]

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


def lab_of(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* of a ``#rrggbb`` sRGB colour (D65 white).

    >>> round(lab_of("#ffffff")[0], 1), round(abs(lab_of("#ffffff")[1]), 1)
    (100.0, 0.0)
    """
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    xyz = ((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b,
           (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883)
    x, y, z = (t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29 for t in xyz)
    return 116 * y - 16, 500 * (x - y), 200 * (y - z)


def colour_difference(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    """CIEDE2000 colour difference of two L*a*b* colours.

    About 2 is just noticeable side by side; categories a reader must tell apart in a legend
    want far more.

    References
    ----------
    Sharma G, Wu W, Dalal EN (2005). The CIEDE2000 color-difference formula: implementation
    notes, supplementary test data, and mathematical observations. Color Research and
    Application 30(1):21-30 (equations 1-22; their test pairs are in tests/test_chart_colours.py).
    """
    (l1, a1, b1), (l2, a2, b2) = first, second
    mean_c = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(mean_c ** 7 / (mean_c ** 7 + 25 ** 7)))
    c1, c2 = math.hypot((1 + g) * a1, b1), math.hypot((1 + g) * a2, b2)
    h1 = math.degrees(math.atan2(b1, (1 + g) * a1)) % 360 if c1 else 0.0
    h2 = math.degrees(math.atan2(b2, (1 + g) * a2)) % 360 if c2 else 0.0
    dh = 0.0 if c1 * c2 == 0 else (h2 - h1 + 180) % 360 - 180
    big_dh = 2 * math.sqrt(c1 * c2) * math.sin(math.radians(dh / 2))
    mean_l, mean_cp = (l1 + l2) / 2, (c1 + c2) / 2
    if c1 * c2 == 0:
        mean_h = h1 + h2
    elif abs(h1 - h2) <= 180:
        mean_h = (h1 + h2) / 2
    else:
        mean_h = (h1 + h2 + 360) / 2 if h1 + h2 < 360 else (h1 + h2 - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(mean_h - 30)) + 0.24 * math.cos(math.radians(2 * mean_h))
         + 0.32 * math.cos(math.radians(3 * mean_h + 6)) - 0.20 * math.cos(math.radians(4 * mean_h - 63)))
    rotation = -2 * math.sqrt(mean_cp ** 7 / (mean_cp ** 7 + 25 ** 7)) * math.sin(
        math.radians(60 * math.exp(-(((mean_h - 275) / 25) ** 2))))
    sl = 1 + 0.015 * (mean_l - 50) ** 2 / math.sqrt(20 + (mean_l - 50) ** 2)
    sc, sh = 1 + 0.045 * mean_cp, 1 + 0.015 * mean_cp * t
    dl, dc, dhh = (l2 - l1) / sl, (c2 - c1) / sc, big_dh / sh
    return math.sqrt(dl ** 2 + dc ** 2 + dhh ** 2 + rotation * dc * dhh)


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
