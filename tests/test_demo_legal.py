"""The demo's orders and placements within periods of care (`generator.synth.legal`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator.analyses.headline import headline_metrics
from generator.analyses.period import Period
from generator.pathway.frames import station_stock
from generator.ingest import read_sources
from generator.pathway.replay import build_journeys
from generator.pathway.process_map import ProcessMap
from generator.synth import demo as demo_module
from generator.synth.legal import _steps

#: Whole builds or whole-demo fits: run by the README's test command, not by plain `pytest`.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def small_demo():
    return demo_module.generate_demo(children=4000, seed=11)


def test_steps_follow_the_courts_order_and_stay_inside_the_period():
    rng = np.random.default_rng(0)
    for _ in range(200):
        steps = _steps(rng, "V2", "E11", 500, 2.0)
        days = [day for day, _, _ in steps]
        assert days == sorted(days) and len(set(days)) == len(days) and days[-1] < 500
        assert steps[0][:2] == (0, "placement")
        orders = [code for _, event, code in steps if event == "legal_status"]
        assert orders == ["C1", "C2", "E1"]
        assert steps[-1][1:] in {("placement", "A5"), ("placement", "A6")}
    # Police protection lasts three days at most; a remand has no orders.
    assert all(_steps(rng, "L1", "E4A", 90, 8.0)[1][0] <= 3 for _ in range(50))
    assert all([e for _, e, _ in _steps(rng, "J1", "E8", 400, 15.0)] == ["placement"] for _ in range(20))
    # A stay too short for the steps keeps what fits.
    assert all(day < 3 for day, _, _ in _steps(rng, "V2", "E11", 3, 1.0))


def test_every_step_is_inside_its_period_of_care(small_demo):
    events = small_demo.events
    periods = events[events["event"] == "lac_start"][["record_id", "date"]].merge(
        events[events["event"] == "lac_end"][["record_id", "date"]], on="record_id", how="left", suffixes=("", "_end"))
    steps = events[events["event"].isin(["legal_status", "placement"])].merge(periods, on="record_id", suffixes=("", "_start"))
    assert len(steps) == int(events["event"].isin(["legal_status", "placement"]).sum()) > 0
    assert (steps["date"] >= steps["date_start"]).all()
    assert (steps["date_end"].isna() | (steps["date"] < steps["date_end"])).all()
    assert (steps["date"] <= demo_module.DEMO_END).all()


def test_the_steps_change_no_front_door_figure(small_demo, monkeypatch):
    monkeypatch.setattr(demo_module, "add_legal_journeys", lambda log, rng, last_day: log)
    without = demo_module.generate_demo(children=4000, seed=11)
    period = Period.of(without.first_date, without.last_date)
    a, b = headline_metrics(without, period), headline_metrics(small_demo, period)
    assert {key for key in a if a[key] != b[key]} == {"events"}


def test_the_903_example_has_children_on_orders_and_placed_for_adoption():
    log = read_sources([REPO / "data" / "903"])[0]
    journeys = build_journeys(log, ProcessMap.load(REPO / "content" / "maps" / "looked_after.yaml"))
    seen = pd.DataFrame([station_stock(journeys, f"{year}-{month:02d}-01") for year in (2015, 2016, 2017)
                         for month in (1, 4, 7, 10)])
    for station in ("interim_care_order", "care_order", "placement_order", "placed_for_adoption"):
        assert seen[station].max() > 0, station
