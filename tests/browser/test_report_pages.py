"""Every page of the demo report, opened from file:// in Chromium with the network blocked."""

from __future__ import annotations

import json

import pytest


def _pages(build):
    return [page["file"] for page in json.loads((build / "manifest.json").read_text())["pages"]]


def test_every_demo_page_opens_offline_with_no_console_errors(demo_build, report_page):
    for name in _pages(demo_build):
        page = report_page(demo_build / name)
        assert page.console_errors == [], f"{name}: {page.console_errors}"
        assert page.blocked == [], f"{name} asked the network for {page.blocked}"
        assert page.evaluate("document.documentElement.dataset.ready") == "true"


def test_every_chart_is_drawn_as_svg_with_its_description(demo_build, report_page):
    charts = json.loads((demo_build / "manifest.json").read_text())["charts"]
    assert charts, "the demo report should have charts"
    by_page: dict[str, list[str]] = {}
    for chart in charts:
        by_page.setdefault(chart["page"], []).append(chart["id"])
    for slug, ids in by_page.items():
        page = report_page(demo_build / f"{slug}.html")
        for chart_id in ids:
            canvas = page.locator(f"#chart-{chart_id}")
            assert canvas.get_attribute("data-drawn") == "true"
            assert canvas.locator("svg").count() == 1
            # marks were drawn, not just an empty frame
            assert canvas.locator("svg path").count() > 2
            assert canvas.get_attribute("aria-label")
            link = page.locator(f"#figure-{chart_id} a[href='downloads/{chart_id}.csv']")
            assert link.count() == 1
            assert (demo_build / "downloads" / f"{chart_id}.csv").is_file()


def test_activity_chart_marks_the_inspection(demo_build, report_page):
    page = report_page(demo_build / "activity.html")
    assert page.locator("svg text", has_text="Ofsted inspection").count() >= 1


@pytest.mark.parametrize("width", [375, 1920])
def test_pages_fit_phone_and_projector_widths_without_sideways_scrolling(demo_build, report_page, width):
    page = report_page(demo_build / "activity.html", viewport={"width": width, "height": 900})
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
