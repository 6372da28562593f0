"""Every committed example in data/ (README: "each builds with carejourneys build --data
data/<folder>") builds the demo report, data-quality page included, with exit code 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main

#: Whole builds or whole-demo fits: run by the README's test command, not by plain `pytest`.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("folder", ["events", "903", "cin", "annex_a"])
def test_the_committed_example_builds_a_report(folder, tmp_path, capsys):
    code = main(["build", "--data", str(REPO / "data" / folder), "--out", str(tmp_path / "out"), "-q"])
    assert code == 0, capsys.readouterr().err
    assert (tmp_path / "out" / "data-quality.html").is_file()


@pytest.mark.parametrize("folder", ["events", "903", "cin", "annex_a"])
def test_the_committed_example_builds_a_public_report_that_passes_the_audit(folder, tmp_path, capsys):
    code = main(["build", "--data", str(REPO / "data" / folder), "--audience", "public", "--out", str(tmp_path / "out"), "-q"])
    assert code == 0, capsys.readouterr().err
