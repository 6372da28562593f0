"""The public demo report in a real browser: every page opens cleanly, and the map says, and
shows, that its dots are synthetic twins."""

from __future__ import annotations

import json

import pytest

from tests.test_twins import HEADLINE_COUNTS, WITHIN_2_POINTS

PAGES = ["index.html", "pathway.html", "pathway-inspection.html", "twins.html", "activity.html", "junctions.html",
         "rereferrals.html", "timeliness.html", "workload.html", "data-quality.html"]


@pytest.mark.parametrize("name", PAGES)
def test_every_public_page_opens_with_no_console_errors(report_page, demo_public_build, name):
    page = report_page(demo_public_build / name)
    assert page.console_errors == []
    assert page.blocked == []
    assert "Published report" in page.inner_text("footer")


def test_the_public_map_says_its_dots_are_synthetic_twins_and_draws_them(report_page, demo_public_build):
    page = report_page(demo_public_build / "pathway.html")
    intro = page.inner_text(".pathway-intro")
    assert "The dots are synthetic twins, not real children" in intro
    state = page.evaluate("""async () => {
        const player = window.carejourneys.players[0];
        player.pause();
        player.seek("2016-06-30");
        await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
        return player.state();
    }""")
    assert state["date"] == "2016-06-30"
    assert state["dotsDrawn"] > 100
    assert page.console_errors == []


def test_the_public_metrics_and_twins_page_show_no_small_counts(report_page, demo_public_build):
    metrics = json.loads((demo_public_build / "metrics.json").read_text())
    assert not [k for k, v in metrics.items() if isinstance(v, int) and not isinstance(v, bool) and 0 < v < 6]
    page = report_page(demo_public_build / "twins.html")
    assert page.inner_text("section[aria-labelledby=fidelity-privacy] strong").strip() == "0"


def test_the_twins_page_shows_the_headline_figures_within_tolerance(report_page, demo_public_build):
    # The figures the issue holds the twins to: every percentage within 2 points, the counts
    # of events within 10% (tests/test_twins.py checks the same on the data).
    page = report_page(demo_public_build / "twins.html")
    rows = dict(page.eval_on_selector_all(
        ".fidelity-headline-table tbody tr",
        "rows => rows.map(r => [r.dataset.figure, r.querySelector('td:last-child').innerText.trim()])"))
    held = WITHIN_2_POINTS + HEADLINE_COUNTS
    assert set(held) <= set(rows)
    assert {key: rows[key] for key in held if rows[key] != "yes"} == {}
    assert "Re-referrals within 36 months (%)" in page.inner_text("section[aria-labelledby=fidelity-headlines]")
    assert "rereferral_36m_pct" not in page.inner_text("main")  # labels, not metrics.json's keys
