"""Care histories as drawn: colours a reader must tell apart (light and dark), labels that read upright."""

import itertools

import pandas as pd
import pytest

from generator.analyses.sequences import STATES
from generator.charts.longitudinal import chronogram
from generator.charts.theme import DARK_COLOURS, SCHEMES, colour_difference, contrast, lab_of

#: Sharma, Wu & Dalal (2005), table 1: pairs of L*a*b* colours and their CIEDE2000 difference.
SHARMA_PAIRS = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (61.0, -5.0, 29.0), 22.8977),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
]
#: Categories told apart at a glance in a legend and in stacked bars (2 is just noticeable).
DISTINCT = 12.0


@pytest.mark.parametrize("first, second, expected", SHARMA_PAIRS)
def test_colour_difference_matches_the_published_ciede2000_test_pairs(first, second, expected):
    assert colour_difference(first, second) == pytest.approx(expected, abs=1e-4)


def _chronogram_colours() -> dict[str, str]:
    """The colour each care-history state is drawn in, read from a chronogram's spec."""
    table = pd.DataFrame([{"group": 1, "month": 0, "state": label, "count": 10, "share": 1 / len(STATES)}
                          for label in STATES.values()])
    spec = chronogram("c", table, states=STATES, title="t", describe=lambda published: "").draw(table)
    scale = spec["spec"]["encoding"]["color"]["scale"]
    return dict(zip(scale["domain"], scale["range"]))


def test_every_care_history_state_meets_3_to_1_against_the_page_in_both_schemes():
    colours = _chronogram_colours()
    assert len(colours) == len(STATES)
    low = [(state, scheme) for state, colour in colours.items()
           for scheme, drawn in (("light", colour), ("dark", DARK_COLOURS.get(colour, colour)))
           if contrast(drawn, SCHEMES[scheme]["background"]) < 3]
    assert low == []


def test_care_history_states_differ_clearly_from_each_other_in_both_schemes():
    # "Section 20" (#1d70b8) and "At home" (#0072b2) differed by 2.7: two shades of one blue.
    colours = _chronogram_colours()
    close = []
    for scheme in ("light", "dark"):
        drawn = {state: lab_of(colour if scheme == "light" else DARK_COLOURS.get(colour, colour))
                 for state, colour in colours.items()}
        close += [(scheme, a, b, round(colour_difference(drawn[a], drawn[b]), 1))
                  for a, b in itertools.combinations(drawn, 2) if colour_difference(drawn[a], drawn[b]) < DISTINCT]
    assert close == []


def test_care_history_months_and_group_numbers_read_upright():
    # Vega turns an ordinal axis's labels a quarter by default: "0", "6", "12" stood on end.
    from generator.charts.longitudinal import silhouette_line

    table = pd.DataFrame([{"group": 1, "month": 0, "state": "Section 20", "count": 10, "share": 1.0}])
    chrono = chronogram("c", table, states=STATES, title="t", describe=lambda published: "").draw(table)
    quality = pd.DataFrame({"groups": [2, 3, 4], "asw": [0.4, 0.5, 0.45]})
    line = silhouette_line("s", quality, 3, title="t", description="d").spec
    assert chrono["spec"]["encoding"]["x"]["axis"]["labelAngle"] == 0
    assert all(layer["encoding"]["x"]["axis"]["labelAngle"] == 0 for layer in line["layer"])


def test_the_chart_palette_colours_differ_clearly_in_both_schemes():
    # The sixth colour (#0072b2) was the first's blue again: CIEDE2000 2.7.
    from generator.charts.theme import PALETTE

    close = []
    for scheme in ("light", "dark"):
        drawn = [lab_of(c if scheme == "light" else DARK_COLOURS.get(c, c)) for c in PALETTE]
        close += [(scheme, PALETTE[i], PALETTE[j]) for i, j in itertools.combinations(range(len(PALETTE)), 2)
                  if colour_difference(drawn[i], drawn[j]) < DISTINCT]
    assert close == []
