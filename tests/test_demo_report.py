"""The demo report definition agrees with the demo data it ships with."""

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
