"""The looked-after map of the 903 example in real Chromium: offline, no errors, the Python stock.

The report names no `map:`: the page picks the looked-after map itself from 903 data alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import build_report, load
from generator.pathway.frames import station_stock
from generator.pathway.replay import build_journeys, day_number
from generator.pathway.process_map import ProcessMap

REPO = Path(__file__).resolve().parents[2]
MAP = REPO / "content" / "maps" / "looked_after.yaml"
DATES = ["2014-09-30", "2015-12-31", "2016-10-31", "2017-06-30", "2018-03-31"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("looked-after")
    report = folder / "report.yaml"
    report.write_text(f"""title: Children looked after
period: {{start: 2014-04-01, end: 2018-03-31}}
sources: [{{path: {REPO / "data" / "903"}}}]
pages:
  - {{kind: overview, slug: index, title: Overview}}
  - {{kind: pathway_map, slug: pathway, title: Children looked after, autoplay: false}}
""", encoding="utf-8")
    build_report(report, folder / "build")
    journeys = build_journeys(load(report).log, ProcessMap.load(MAP))
    return folder / "build", journeys


def test_the_903_map_opens_offline_and_counts_as_python_does(report_page, built):
    page = report_page(built[0] / "pathway.html")
    page.evaluate("window.carejourneys.players[0].pause()")
    stations = page.evaluate("[...document.querySelectorAll('[data-station]')].map(g => g.dataset.station)")
    assert stations == built[1].map.station_ids
    for date in DATES:
        page.evaluate(f"window.carejourneys.players[0].seek({date!r})")
        shown = page.evaluate("window.carejourneys.players[0].state()")
        assert shown["date"] == date
        assert shown["stationCounts"] == station_stock(built[1], date), date
        assert sum(shown["stationCounts"].values()) > 0
    assert page.console_errors == [] and page.blocked == []


def test_ticking_a_day_a_second_reaches_each_date_with_the_python_stock(report_page, built):
    page = report_page(built[0] / "pathway.html")
    player = "window.carejourneys.players[0]"
    page.evaluate(f"{player}.setSpeed(1)")
    page.evaluate(f"{player}.seek({DATES[0]!r})")
    for before, date in zip(DATES, DATES[1:]):
        page.evaluate(f"{player}.tick({(day_number(date) - day_number(before)) * 1000})")
        shown = page.evaluate(f"{player}.state()")
        assert (shown["date"], shown["playing"]) == (date, False)
        assert shown["stationCounts"] == station_stock(built[1], date), date
    assert page.console_errors == []
