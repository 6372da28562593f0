"""Issue 14: numbers in CSVs (and the tables under the charts) carry the precision the page
shows: counts whole, other numbers to their declared decimals, no float artefacts."""

from __future__ import annotations

import csv
import io
import json
import re

from types import SimpleNamespace

import pandas as pd
import pytest

from generator.charts.chart import Chart
from generator.privacy.publish import publish
from generator.published import PROPORTION_DECIMALS, Table, round_to_shown, shown_decimals
from generator.site.assemble import _table_of, csv_bytes


def _decimals_of(text: str) -> int:
    """Decimals written in a CSV cell (0 for a whole number or text)."""
    match = re.fullmatch(r"-?[\d,]*\.(\d+)", text.strip())
    return len(match.group(1)) if match else 0


def _rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def test_float_artefacts_are_rounded_to_the_decimals_shown_and_counts_are_whole():
    frame = pd.DataFrame({"referrals_count": [3.0, None, 12.0], "pct": [333.50000000000006, 2 / 3, 44.099999999999994],
                          "share": [0.35714285714285715, 0.2, -0.00001], "label": ["a", "b", "c"]})
    decimals = shown_decimals(frame, ["referrals_count"])
    assert decimals == {"referrals_count": 0, "pct": 1, "share": PROPORTION_DECIMALS}
    rows = _rows(csv_bytes(round_to_shown(frame, decimals)))
    assert [r["referrals_count"] for r in rows] == ["3", "", "12"]  # never 3.0
    assert [r["pct"] for r in rows] == ["333.5", "0.7", "44.1"]
    assert [r["share"] for r in rows] == ["0.357", "0.2", "0.0"]  # no "-0.0"
    assert [r["label"] for r in rows] == ["a", "b", "c"]


def test_declared_decimals_win_and_a_public_tables_c_stays():
    frame = pd.DataFrame({"rate_ratio": [3.807142857142857, "c"], "low": [0.9115839022482513, "c"]}, dtype=object)
    decimals = shown_decimals(frame, [], {"rate_ratio": 2, "low": 2})
    rounded = round_to_shown(frame, decimals)
    assert rounded["rate_ratio"].tolist() == [3.81, "c"] and rounded["low"].tolist() == [0.91, "c"]


def test_the_privacy_stage_rounds_every_chart_table_and_download_once_for_csv_and_table():
    data = pd.DataFrame({"month": ["2015-01", "2015-02"], "referrals_count": [120, 130], "n": [400, 401],
                         "pct": [30.000000000000004, 32.41895261845387], "rate_ratio": [1.2345678, 0.9876543]})
    chart = Chart("x-rates", "Rates", "Words.", {"mark": "point"}, data, counts=["referrals_count", "n"],
                  decimals={"rate_ratio": 2})
    download = Table(pd.DataFrame({"group": ["a", "b"], "children": [10, 20], "mean": [333.50000000000006, 1 / 3 * 100]}),
                     counts=["children"])
    for audience in ("internal", "public"):
        [(_, page)], _ = publish([(SimpleNamespace(slug="x"), _Page(chart, {"x-summary": download}))], {}, audience)
        [published] = page.charts
        rows = _rows(csv_bytes(published.data))
        assert [r["pct"] for r in rows] == ["30.0", "32.4"] and [r["rate_ratio"] for r in rows] == ["1.23", "0.99"]
        # the table under the chart shows the CSV's digits
        table = _table_of(published.data, None, published.decimals)
        assert [row[3:] for row in table["rows"]] == [[r["pct"], r["rate_ratio"]] for r in rows]
        assert [r["mean"] for r in _rows(csv_bytes(page.downloads["x-summary"]))] == ["333.5", "33.3"]


class _Page:
    """The least a rendered page holds for the privacy stage."""

    def __init__(self, chart, downloads):
        self.template, self.context, self.data_scripts, self.scripts = "charts.html", {}, {}, []
        self.charts, self.downloads = [chart], downloads


@pytest.mark.slow
def test_no_csv_of_the_demo_carries_more_decimals_than_its_page_shows(demo_build):
    manifest = json.loads((demo_build / "manifest.json").read_text())
    declared = {chart["csv"]: chart["decimals"] for chart in manifest["charts"]}
    files = sorted(demo_build.glob("downloads/*.csv"))
    assert len(files) > 50
    too_long = []
    for path in files:
        decimals = declared.get(f"downloads/{path.name}", {})
        for number, row in enumerate(_rows(path.read_bytes()), start=2):
            for column, text in row.items():
                # a chart's CSV: its declared decimals; any other download: the most any page shows
                allowed = decimals.get(column, 0) if decimals else PROPORTION_DECIMALS
                if _decimals_of(text) > allowed:
                    too_long.append(f"{path.name} row {number} {column}: {text}")
    assert too_long == []


@pytest.mark.slow
def test_a_rate_in_a_csv_is_its_counts_rounded_once_as_metrics_json_rounds_it(demo_build):
    # Rounded from the exact rate, never from a rate already rounded to two decimals:
    # 14,518 of 15,998 is 90.749%, 90.7 (via 90.75 it would read 90.8).
    metrics = json.loads((demo_build / "metrics.json").read_text())
    rows = _rows((demo_build / "downloads" / "junctions-summary.csv").read_bytes())
    for row in rows:
        count, n = int(row["branch_count"]), int(row["junction_count"])
        assert float(row["pct"]) == round(100 * count / n, 1), row
    assignment = next(r for r in rows if r["step"] == "Referral → Assessment")
    assert float(assignment["pct"]) == metrics["referral_to_assessment_pct"]
    cohorts = _rows((demo_build / "downloads" / "cohorts-rereferral-12m.csv").read_bytes())
    assert {float(r["overall_pct"]) for r in cohorts} == {metrics["rereferral_12m_pct"]} == {24.5}
