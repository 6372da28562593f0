"""Every shipped example builds for a public audience: the privacy stage hides enough that the
output audit and the attacker's audit (linear programming over every published number and
declared relation, `generator.privacy.differencing`) find nothing, and the build exits 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import build_report

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["events", "903", "cin", "annex_a"])
def test_each_example_folder_builds_public_and_passes_the_audit(folder, tmp_path):
    result = build_report(out_dir=tmp_path / "site", data=ROOT / "data" / folder, audience="public")
    assert (tmp_path / "site" / "index.html").exists()
    if any(p == "events" for p in result.pages):
        assert (tmp_path / "site" / "events.html").exists()
