"""Single-file pages and the unpacked zip work offline in Chromium."""

from __future__ import annotations

import json
import zipfile

from generator.build import build_report
from tests.conftest import DEMO_REPORT


def test_single_file_pages_draw_every_chart_offline_with_no_console_errors(demo_single_file_build, report_page):
    out = demo_single_file_build
    assert not (out / "assets" / "report.js").exists(), "single-file pages must not need assets"
    charts = json.loads((out / "manifest.json").read_text())["charts"]
    for page_file in sorted(p.name for p in out.glob("*.html")):
        page = report_page(out / page_file)
        assert page.console_errors == [], f"{page_file}: {page.console_errors}"
        assert page.blocked == [], page.blocked
        for chart in (c for c in charts if f"{c['page']}.html" == page_file):
            assert page.locator(f"#chart-{chart['id']}").get_attribute("data-drawn") == "true"


def test_the_single_file_map_plays_with_every_player_script_inlined(demo_single_file_build, report_page):
    page = report_page(demo_single_file_build / "pathway.html")
    assert page.locator("script[src]").count() == 0
    modules = page.evaluate("Object.keys(window.carejourneys).sort()")
    assert {"codec", "geometry", "model", "painter", "controls", "recorder"} <= set(modules)
    page.evaluate("p => { p.pause(); p.setSpeed(1); p.seek('2016-06-30'); p.tick(2000); }",
                  page.evaluate_handle("window.carejourneys.players[0]"))
    shown = page.evaluate("window.carejourneys.players[0].state()")
    assert shown["date"] == "2016-07-02" and shown["dotsDrawn"] > 0
    assert page.console_errors == []


def test_single_file_pages_stay_under_10_mb(demo_single_file_build):
    for page in demo_single_file_build.glob("*.html"):
        assert page.stat().st_size < 10 * 1024 * 1024, page.name


def test_the_zip_unpacks_to_a_working_report(tmp_path, report_page):
    build_report(DEMO_REPORT, tmp_path / "build", zip_archive=True)
    archive = next((tmp_path / "build").glob("*.zip"))
    zipfile.ZipFile(archive).extractall(tmp_path / "unpacked")
    folder = next((tmp_path / "unpacked").iterdir())
    page = report_page(folder / "activity.html")
    assert page.console_errors == []
    assert page.locator(".chart-canvas[data-drawn='true']").count() >= 1


def test_print_document_shows_static_charts_and_no_controls(demo_build, report_page):
    page = report_page(demo_build / "print.html")
    page.emulate_media(media="print")
    assert page.console_errors == []
    statics = page.locator("img.chart-static")
    assert statics.count() >= 1
    assert all(statics.nth(i).evaluate("img => img.complete && img.naturalWidth > 0") for i in range(statics.count()))
    assert page.locator(".site-nav").count() == 0


def test_without_javascript_the_static_charts_show(demo_build, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort())
    page.goto((demo_build / "activity.html").resolve().as_uri())
    static = page.locator("img.chart-static").first
    static.wait_for(state="visible")
    assert static.evaluate("img => img.complete && img.naturalWidth > 0")
    context.close()
