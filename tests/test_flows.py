"""Flows through the front door and the Sankey layout, on a hand-made fixture."""

import pandas as pd
import pytest

from generator.analyses.flows import NODES, flow_links, journey_steps
from generator.analyses.front_door import referral_episodes
from generator.analyses.period import Period
from generator.charts.sankey import NODE_GAP, SAMPLES, sankey_layout
from tests.helpers import log_of
from tests.test_junctions import ROWS

PERIOD = Period.of("2014-04-01", "2015-06-30")


def _links():
    return flow_links(referral_episodes(log_of(ROWS + [("a", "referral", "2014-06-01")])), PERIOD)


def test_each_referral_follows_one_path():
    steps = journey_steps(referral_episodes(log_of(ROWS))).set_index("child_id")
    assert steps.loc["a", ["c2", "c3", "c4", "c5", "c6"]].tolist() == [
        "Assessment", "Strategy discussion", "Section 47 enquiry", "Initial conference", "Child protection plan"]
    assert steps.loc["b", ["c2", "c3"]].tolist() == ["Assessment", "No further action"] and steps.loc["b", "c4"] is None
    assert steps.loc["c", "c2"] == "No further action at referral" and steps.loc["c", "c3"] is None
    assert steps.loc["d", "c3"] == "Child in need"
    assert steps.loc["h", "c2"] == "Not yet decided"


def test_links_count_referrals_by_reporting_year_with_their_share_of_the_source():
    links = _links()
    year = links[links["year"] == "2014-15"].set_index(["source", "target"])
    # a's referral of 5 January 2015 is 218 days after its referral of 1 June 2014: a re-referral
    assert year.loc[("Re-referral", "Referral"), "count"] == 1
    assert year.loc[("New referral", "Referral"), "count"] == 4
    assert year.loc[("Referral", "Assessment"), ["count", "source_count", "pct"]].tolist() == [3, 5, 60.0]
    assert year.loc[("Referral", "No further action at referral"), "count"] == 1
    assert year.loc[("Referral", "No recorded next step"), "count"] == 1  # a's referral of June 2014
    assert year.loc[("Assessment", "Strategy discussion"), "count"] == 1
    assert year.loc[("Section 47 enquiry", "Initial conference"), "count"] == 1
    assert year.loc[("Initial conference", "Child protection plan"), "count"] == 1
    later = links[links["year"] == "2015-16"]
    assert later[["source", "target", "count"]].values.tolist() == [
        ["New referral", "Referral", 1], ["Referral", "Not yet decided", 1]]


def test_sankey_layout_stacks_nodes_and_bands_without_gaps():
    links = pd.DataFrame({"source": ["Referral", "Referral", "Assessment"],
                          "target": ["Assessment", "No further action at referral", "No further action"],
                          "count": [30, 10, 12]})
    nodes, bands = sankey_layout(links, list(NODES))
    at = nodes.set_index("name")
    assert at.loc["Referral", ["y0", "y1"]].tolist() == [0, 40]
    gap = NODE_GAP * 40  # the tallest column holds 40
    assert at.loc["Assessment", ["y0", "y1"]].tolist() == [0, 30]
    assert at.loc["No further action at referral", "y0"] == pytest.approx(30 + gap)
    assert len(bands) == 3 * SAMPLES
    first = bands[bands["link"] == 0]  # Referral -> Assessment: leaves from the top of Referral
    assert (first["y_bottom"] - first["y_top"]).eq(30).all()
    assert first["y_top"].iloc[0] == 0 and first["x"].iloc[0] == at.loc["Referral", "x1"]
    second = bands[bands["link"] == 1]  # leaves below the first, enters at its target's top
    assert second["y_top"].iloc[0] == 30 and second["y_top"].iloc[-1] == pytest.approx(30 + gap)
    assert second["x"].iloc[-1] == at.loc["No further action at referral", "x0"]


def test_a_year_without_a_full_years_look_back_is_marked_on_its_chart():
    # The data begin on 5 January 2015 (the fixture's first event): every referral of 2014-15
    # and those of 2015-16 before 5 January 2016 may have a previous referral the data miss.
    # A year whose first day has 365 days of data before it (2016-17) is not marked.
    from generator.build import render_pages
    from generator.pages import PAGE_KINDS

    rows = ROWS + [("x", "referral", "2016-05-02"), ("y", "referral", "2016-09-05"), ("y", "referral", "2017-02-01")]
    options = PAGE_KINDS["flows"].Options(kind="flows", slug="flows", title="Flows")
    _, [(_, page)] = render_pages([options], log=log_of(rows + [("z", "contact", "2017-03-31")]),
                                  period=Period.of("2015-01-01", "2017-03-31"))
    charts = {chart.id: chart for chart in page.charts}
    for year in ("2014-15", "2015-16"):
        assert charts[f"flows-{year}"].title.endswith("(re-referrals understated*)")
        assert f"* {year}: some referrals have less than 12 months of data before them" in charts[f"flows-{year}"].description
    assert "*" not in charts["flows-2016-17"].title + charts["flows-2016-17"].description


def test_sankey_labels_of_a_column_are_moved_apart_and_kept_inside_the_chart():
    from generator.charts.sankey import LINE_HEIGHT, label_lines, label_middles

    # Three nodes packed at the foot of one column (thin bands close together) and one at the top.
    nodes = pd.DataFrame({"column": [0, 1, 1, 1], "y0": [0.0, 0.0, 95.0, 97.0], "y1": [100.0, 1.0, 97.0, 100.0]})
    lines = [len(label_lines(name, 10)) for name in ["Referral", "Child protection plan", "No plan", "No section 47 enquiry"]]
    height, bottom = 400.0, 100.0
    firsts = [y * height / bottom for y in label_middles(nodes, lines, height, bottom)]  # px of each first line
    blocks = sorted((first - LINE_HEIGHT / 2, first + (n - 0.5) * LINE_HEIGHT) for first, n, column
                    in zip(firsts, lines, nodes["column"]) if column == 1)
    assert all(upper[1] <= lower[0] for upper, lower in zip(blocks, blocks[1:])), blocks
    assert blocks[0][0] >= 0 and blocks[-1][1] <= height
    assert lines == [2, 4, 2, 3]  # names wrap at 12 characters, then the count
