"""The demo report definition agrees with the demo data it ships with."""

import json
import re

import yaml

from generator.config import load_report
from generator.synth.demo import INSPECTION_DATE, INSPECTION_LABEL
from tests.conftest import DEMO_REPORT
import pytest

#: Whole builds or whole-demo fits: run by the README's test command, not by plain `pytest`.
pytestmark = pytest.mark.slow


def test_demo_report_marks_the_simulated_inspection_on_its_date():
    report = load_report(DEMO_REPORT)
    assert [(a.date.isoformat(), a.label) for a in report.annotations] == [
        (INSPECTION_DATE.date().isoformat(), INSPECTION_LABEL)
    ]


def test_demo_report_is_valid_yaml_with_an_index_page_first():
    raw = yaml.safe_load(DEMO_REPORT.read_text())
    assert raw["pages"][0]["slug"] == "index"


#: The court pages of the demo (issue 17) and the downloads each must carry.
COURT_PAGES = {"court-orders": ("court-orders-order-shares", "court-orders-return-to-court"),
               "supervision-orders": ("supervision-orders-funnel-table",),
               "problem-profiles": ("problem-profiles-profiles", "problem-profiles-abuse-by-carer-problems")}


@pytest.mark.parametrize("build", ["demo_build", "demo_public_build"])
def test_the_demo_report_carries_the_three_court_pages_with_data(build, request):
    import pandas as pd

    out = request.getfixturevalue(build)
    for slug, downloads in COURT_PAGES.items():
        assert (out / f"{slug}.html").exists(), slug
        for name in downloads:
            table = pd.read_csv(out / "downloads" / f"{name}.csv")
            assert len(table) > 0, name
    funnel = pd.read_csv(out / "downloads" / "supervision-orders-funnel-table.csv")
    assert "Demo County" in set(funnel["area"]) and len(funnel) == 21
    html = (out / "supervision-orders.html").read_text()
    assert "Demo County (highlighted)" in html


def test_the_demo_forecast_stays_near_the_level_its_stations_have_held(demo_build):
    # The demo carries a 903 history from 2002 before its front door's four years: a forecast
    # that counted those years as years without contacts grew to millions of children.
    import pandas as pd

    ahead = pd.read_csv(demo_build / "downloads" / "forecast-ahead.csv")
    for station, rows in ahead.groupby("station"):
        last_actual = rows.loc[rows["kind"] == "actual", "children"].iloc[-1]
        last_expected = rows["expected"].dropna().iloc[-1]
        assert 0.5 * last_actual <= last_expected <= 2 * last_actual, (station, last_actual, last_expected)


@pytest.mark.slow
def test_every_chart_of_the_demo_report_is_valid_vega_lite(demo_build):
    # Charts are drawn without Altair's checks (generator.charts.unchecked_while_built, and
    # to_dict(validate=False)): the whole specs are checked here, every page's.
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    schema = load_schema()
    specs = {}
    for page in sorted(demo_build.glob("*.html")):
        for match in re.finditer(r'<script type="application/json" data-chart="([^"]+)">(.*?)</script>', page.read_text(), re.S):
            specs[match.group(1)] = json.loads(match.group(2))
    assert len(specs) >= 60
    for name, spec in specs.items():
        validate_jsonschema(spec, schema, rootschema=schema)
