"""Every screen the report is read on: light and dark, phone to projector widths.

The contrast check reads every text the charts (Vega SVG) and the pathway map draw, as rendered,
and compares its fill with the background actually under it (tests/browser/contrast.js): axe
does not look inside SVG, so this is the check that dark mode keeps chart text readable.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

CONTRAST_JS = (Path(__file__).parent / "contrast.js").read_text()
#: Where the report draws text in SVG: Vega charts and the pathway map's stages.
DRAWN = ".chart-canvas, .pathway-stage"


def _pages(build):
    return [page["file"] for page in json.loads((build / "manifest.json").read_text())["pages"]]


def low_contrast(page) -> list[dict]:
    """Every drawn text on ``page`` below WCAG AA (4.5:1, large text 3:1)."""
    measured = page.evaluate(CONTRAST_JS, DRAWN)
    return measured, [m for m in measured if m["ratio"] < m["need"]]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_in_charts_and_maps_meets_aa_contrast_and_no_page_warns(demo_build, report_page, scheme):
    failures, texts = [], 0
    for name in _pages(demo_build):
        page = report_page(demo_build / name, color_scheme=scheme)
        measured, low = low_contrast(page)
        texts += len(measured)
        failures += [f"{name}: console warning: {w}" for w in page.console_warnings]
        failures += [f"{name}: {m['text']!r} {m['ratio']}:1 < {m['need']} ({m['fill']} on {m['background']})" for m in low]
    assert texts > 200, "the charts and maps should draw their labels as SVG text"
    assert failures == [], f"{len(failures)} texts below AA in {scheme}:\n" + "\n".join(failures[:40])


def test_charts_are_drawn_again_when_the_reader_switches_to_dark(demo_build, report_page):
    page = report_page(demo_build / "flows.html", color_scheme="light")
    assert page.locator(".chart-canvas[data-scheme='light']").count() >= 1
    page.emulate_media(color_scheme="dark")
    page.wait_for_function("document.querySelectorAll('.chart-canvas[data-scheme=\"light\"]').length === 0")
    measured, low = low_contrast(page)
    assert measured and low == []


WIDTHS = [320, 375, 768, 1366, 1920]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_is_wider_than_the_screen(demo_build, report_page, width):
    wide = []
    for name in _pages(demo_build):
        page = report_page(demo_build / name, viewport={"width": width, "height": 900})
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            wide.append(f"{name}: {overflow} px wider than {width} px")
    assert wide == []


def test_the_navigation_groups_pages_by_question_and_is_a_menu_button_on_a_phone(demo_build, report_page):
    wide = report_page(demo_build / "flows.html", viewport={"width": 1366, "height": 900})
    groups = wide.locator(".site-nav-group-title").all_inner_texts()
    assert groups[:3] == ["The report", "Front door", "Protection"] and "Quality" in groups
    assert wide.locator(".site-nav a[aria-current='page']").is_visible()
    assert not wide.locator(".site-menu > summary").is_visible()

    phone = report_page(demo_build / "flows.html", viewport={"width": 375, "height": 800})
    button = phone.locator(".site-menu > summary")
    assert button.is_visible()
    header = phone.locator(".site-header").bounding_box()["height"]
    assert header < 160, f"the closed menu should leave the screen to the page, header is {header} px"
    assert not phone.locator(".site-nav a", has_text="Re-referrals").is_visible()
    button.click()
    assert phone.locator(".site-nav a", has_text="Re-referrals").is_visible()


def test_the_menu_button_works_without_javascript(demo_build, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort())
    page.goto((demo_build / "flows.html").resolve().as_uri())
    link = page.locator(".site-nav a", has_text="Re-referrals")
    assert not link.is_visible()
    page.locator(".site-menu > summary").click()
    assert link.is_visible()
    context.close()


def test_comparison_map_labels_are_at_least_11_px_on_a_laptop(demo_build, report_page):
    page = report_page(demo_build / "pathway-inspection.html", viewport={"width": 1366, "height": 768})
    sizes = page.evaluate("""() => Array.from(document.querySelectorAll('.pathway-views .pathway-overlay text'))
        .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)""")
    assert len(sizes) > 10 and min(sizes) >= 11, f"smallest station label {min(sizes):.1f} px"


def test_map_lines_stand_out_from_the_dark_map_at_3_to_1(demo_build, report_page):
    from generator.charts.theme import contrast

    page = report_page(demo_build / "pathway.html", color_scheme="dark")
    strokes = page.evaluate("""() => Array.from(document.querySelectorAll('.pathway-views .map-line, .pathway-legend .map-line'))
        .map(l => getComputedStyle(l).stroke)""")
    colours = {"#" + "".join(f"{int(v):02x}" for v in s[s.index("(") + 1:s.index(")")].split(",")[:3]) for s in strokes}
    assert len(strokes) > 6 and len(colours) >= 4
    low = {c: round(contrast(c, "#1d1f20"), 2) for c in colours if contrast(c, "#1d1f20") < 3}
    assert low == {}, f"map lines below 3:1 on the dark map panel: {low}"


def test_sankey_labels_on_a_phone_are_11_px_and_never_cover_each_other(demo_build, report_page):
    page = report_page(demo_build / "flows.html", viewport={"width": 375, "height": 800})
    boxes = page.evaluate("""() => Array.from(document.querySelectorAll('.chart-canvas'))
        .map(c => Array.from(c.querySelectorAll('text[aria-roledescription="text mark"]')).map(t => {
            const r = t.getBoundingClientRect();
            return {text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize), l: r.left, r: r.right, t: r.top, b: r.bottom};
        }))""")
    labels = [chart for chart in boxes if chart]
    assert len(labels) == 4 and all(len(chart) >= 10 for chart in labels)
    assert min(label["size"] for chart in labels for label in chart) >= 11
    over = [(a["text"], b["text"]) for chart in labels for i, a in enumerate(chart) for b in chart[i + 1:]
            if min(a["r"], b["r"]) - max(a["l"], b["l"]) > 1 and min(a["b"], b["b"]) - max(a["t"], b["t"]) > 1]
    assert over == [], f"Sankey labels over each other at 375 px: {over[:8]}"
