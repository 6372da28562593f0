"""Shared fixtures: small hand-made event logs and a built demo report."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DEMO_REPORT = REPO / "content" / "report.yaml"


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory) -> Path:
    """The demo report, built once per test session."""
    from generator.build import build_report

    out = tmp_path_factory.mktemp("demo") / "build"
    build_report(DEMO_REPORT, out)
    return out


@pytest.fixture(scope="session")
def demo_single_file_build(tmp_path_factory) -> Path:
    """The demo report as single-file pages, built once per test session."""
    from generator.build import build_report

    out = tmp_path_factory.mktemp("demo-single") / "build"
    build_report(DEMO_REPORT, out, single_file=True)
    return out


@pytest.fixture(scope="session")
def demo_public_build(tmp_path_factory) -> Path:
    """The demo report built for publication (twins on the map, audit passed), once per session."""
    from generator.build import build_report

    out = tmp_path_factory.mktemp("demo-public") / "build"
    build_report(DEMO_REPORT, out, audience="public")
    return out
