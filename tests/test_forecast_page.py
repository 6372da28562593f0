"""The forecast page on a small synthetic county: valid charts with words, suppressed in public."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema.core import load_schema

from generator.analyses.period import Period
from generator.build import render_pages
from generator.pages import PAGE_KINDS
from generator.privacy.publish import publish
from generator.synth.demo import generate_demo

#: A whole-county fit: run by the README's test command, not by plain `pytest`.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def county():
    return generate_demo(children=2000, seed=11)


def _published(log, audience):
    options = PAGE_KINDS["forecast"].Options(kind="forecast", slug="forecast", title="Forecast", draws=400)
    ctx, rendered = render_pages([options], log=log, period=Period.of("2014-04-01", "2018-03-31"),
                                 report_dir=Path("content"), audience=audience)
    pages, _ = publish(rendered, dict(ctx.metrics), audience)
    return pages[0][1]


def test_the_forecast_page_draws_valid_charts_described_in_numbers(county):
    page = _published(county, "internal")
    schema = load_schema()
    assert [c.id for c in page.charts] == ["forecast-ahead", "forecast-backtest"]
    for chart in page.charts:
        validate_jsonschema(chart.spec, schema, rootschema=schema)
        json.dumps(chart.spec, allow_nan=False)
        assert chart.description.endswith(".") and any(ch.isdigit() for ch in chart.description)
    whatif = page.context["whatif"]
    assert {lever["key"] for lever in whatif["levers"]} == {"returning", "nfa_at_strategy", "time_in_care",
                                                             "s20_entries", "growth"}
    assert "legal status the stay began under" in page.context["legal_status"]
    rates = page.downloads["forecast-rates"]
    frame = rates.frame if hasattr(rates, "frame") else rates
    assert {"Section 20", "On an order (interim or full care, placement)"} <= set(frame["legal_status"])
    for lever in whatif["levers"]:
        neutral = lever["values"].index(lever["neutral"])
        assert all(v in (0, 0.0, None) for row in lever["effect"][neutral] for v in row)


def test_a_public_forecast_hides_small_counts_and_the_forecasts_beside_them(county):
    page = _published(county, "public")
    rates = page.downloads["forecast-rates"]
    frame = rates.frame if hasattr(rates, "frame") else rates
    hidden = frame[frame["events"].astype(str) == "c"]
    assert len(hidden) and (hidden["rate_per_year"].astype(str) == "c").all()
    shown = frame[frame["events"].astype(str) != "c"]
    assert (shown["events"].astype(int) >= 6).all()


def test_data_without_legal_status_codes_fall_back_and_the_page_says_so(county):
    from generator.eventlog import EventLog

    events = county.events.copy()
    events.loc[events["event"].isin(["lac_start", "legal_status"]), "code"] = pd.NA
    page = _published(EventLog.from_frames(events, county.children), "internal")
    assert "s20_entries" not in {lever["key"] for lever in page.context["whatif"]["levers"]}
    assert "no legal status" in page.context["legal_status"]
