"""The front-door analytics pages build on a small county and on almost no data, and every
chart is a valid Vega-Lite spec with a title, a description with numbers and its data."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema.core import load_schema

from generator.analyses.period import Period
from generator.build import build_report
from generator.pages import PAGE_KINDS
from generator.build import render_pages
from generator.pages.base import Annotation
from generator.synth.demo import generate_demo
from tests.helpers import log_of, tiny_report

#: Whole builds or whole-demo fits: run by the README's test command, not by plain `pytest`.
pytestmark = pytest.mark.slow

KINDS = ["rereferrals", "junctions", "timeliness", "workload", "flows", "cohorts", "events"]
REGISTERED = [k for k in KINDS if k in PAGE_KINDS]
PERIOD = Period.of("2014-04-01", "2018-03-31")


@pytest.fixture(scope="module")
def small_county():
    return generate_demo(children=1500, seed=7)


def _build(kind, log, period=PERIOD, **options):
    page_kind = PAGE_KINDS[kind]
    _, [(_, page)] = render_pages([page_kind.Options(kind=kind, slug=kind.replace("_", "-"), title=kind, **options)], log=log, period=period,
                                  annotations=[Annotation(pd.Timestamp("2016-05-16"), "Ofsted inspection")])
    return page


@pytest.mark.parametrize("kind", REGISTERED)
def test_every_chart_is_valid_vega_lite_with_words_and_data(kind, small_county):
    schema = load_schema()
    page = _build(kind, small_county)
    assert page.template == "charts.html" and page.charts
    ids = [chart.id for chart in page.charts]
    assert len(ids) == len(set(ids)) and all(i.startswith(f"{kind}-") for i in ids)
    for chart in page.charts:
        validate_jsonschema(chart.spec, schema, rootschema=schema)
        json.dumps(chart.spec, allow_nan=False)  # NaN is not JSON: missing values must be null
        assert chart.spec["width"] == "container"
        assert chart.title and chart.description.endswith(".")
        assert any(ch.isdigit() for ch in chart.description), chart.id
        assert chart.spec["description"] == chart.description
        assert len(chart.data) > 0 and not chart.data.columns.duplicated().any()


@pytest.mark.parametrize("kind", REGISTERED)
def test_pages_build_on_almost_no_data(kind):
    log = log_of([("a", "referral", "2015-01-05"), ("a", "assessment_start", "2015-01-06"),
                  ("a", "assessment_authorised", "2015-02-10", "nfa"), ("b", "contact", "2015-03-01")])
    page = _build(kind, log, Period.of("2015-01-01", "2015-03-31"))
    for chart in page.charts:
        json.dumps(chart.spec, allow_nan=False)


def test_rates_show_their_denominators_in_the_csv(small_county):
    for kind in REGISTERED:
        for chart in _build(kind, small_county).charts:
            if any(c.startswith("pct") for c in chart.data.columns):
                assert any(c.endswith("_count") for c in chart.data.columns), chart.id


def test_linking_windows_are_page_options_with_defaults():
    for kind in ("rereferrals", "junctions", "timeliness"):
        options = PAGE_KINDS[kind].Options(kind=kind, slug="x", title="x")
        assert (options.referral_to_assessment_days, options.strategy_to_s47_days, options.strategy_to_icpc_days) == (30, 14, 60)
    with pytest.raises(ValueError):
        PAGE_KINDS["junctions"].Options(kind="junctions", slug="x", title="x", strategy_to_s47_days=-1)


def test_a_report_with_every_analytics_page_builds(tmp_path):
    pages = "\n  - {kind: overview, slug: index, title: Overview}\n" + "".join(
        f"  - {{kind: {kind}, slug: {kind.replace('_', '-')}, title: {kind}}}\n" for kind in REGISTERED)
    result = build_report(tiny_report(tmp_path, pages=pages), tmp_path / "out")
    assert result.pages == ["index"] + [k.replace("_", "-") for k in REGISTERED]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert {c["page"] for c in manifest["charts"]} >= {k.replace("_", "-") for k in REGISTERED}


@pytest.mark.parametrize("kind", REGISTERED)
def test_pages_build_on_a_log_with_no_front_door_events(kind):
    # An SSDA903 return alone: periods of care, no referrals, assessments or enquiries.
    log = log_of([("a", "lac_start", "2015-01-05", "C2"), ("a", "lac_end", "2015-09-10", "E11"),
                  ("b", "lac_start", "2015-04-01", "V2")])
    page = _build(kind, log, Period.of("2015-01-01", "2015-12-31"))
    for chart in page.charts:
        json.dumps(chart.spec, allow_nan=False)
