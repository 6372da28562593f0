"""axe-core on every page of the demo report: no serious or critical violation (WCAG 2.2 AA).

Run just this check with: .venv/bin/pytest tests/browser/test_accessibility.py
"""

from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def _page_files(build):
    pages = [p["file"] for p in json.loads((build / "manifest.json").read_text())["pages"]]
    return pages + ["print.html"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_or_critical_axe_violations_on_any_page(demo_build, report_page, scheme):
    axe = Axe()
    found = []
    for name in _page_files(demo_build):
        page = report_page(demo_build / name)
        page.emulate_media(color_scheme=scheme)
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        for violation in results.response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"][:3]]
                found.append(f"{name} ({scheme}): {violation['id']}: {violation['help']} at {targets}")
    assert found == []


def test_keyboard_reaches_the_skip_link_first_and_it_moves_focus_to_main(demo_build, report_page):
    page = report_page(demo_build / "index.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


def test_every_page_has_one_h1_and_landmarks(demo_build, report_page):
    for name in _page_files(demo_build)[:-1]:
        page = report_page(demo_build / name)
        assert page.locator("h1").count() == 1, name
        assert page.locator("main").count() == 1 and page.locator("header").count() >= 1
        assert page.locator("nav[aria-label]").count() == 1
