"""What a reader sees on the demo's pages, as drawn in Chromium: labels that do not run into
each other, tables whose sentences have room, figures with their units and names rather than
codes and keys. Each test came from looking at every page in light and dark at 375 and 1366 px.
"""

from __future__ import annotations

import json
import re

import pytest

#: The visible upright labels of each axis of each chart, as [axis][label] = [text, left, right, top]
#: (slanted and upright-standing labels are left out: their boxes overlap by design).
AXIS_LABELS_JS = """() => [...document.querySelectorAll('.chart-canvas g.role-axis-label')].map(axis =>
  [...axis.querySelectorAll('text')].filter(t => t.getAttribute('opacity') !== '0' && t.textContent
      && !/rotate/.test(t.getAttribute('transform') || ''))
    .map(t => { const r = t.getBoundingClientRect(); return [t.textContent, r.left, r.right, r.top]; }))"""


def _pages(build):
    return [page["file"] for page in json.loads((build / "manifest.json").read_text())["pages"]]


@pytest.mark.parametrize("width", [375, 1366])
def test_no_two_labels_of_a_horizontal_axis_touch(demo_build, report_page, width):
    # "Apr 2014" flush with the axis start ran into "Jul 2014" with no gap ("Apr 2014Jul 2014")
    # on every monthly chart at 1366 px: Vega hides overlapping labels, not touching ones.
    touching = []
    for name in _pages(demo_build):
        page = report_page(demo_build / name, viewport={"width": width, "height": 900})
        for axis in page.evaluate(AXIS_LABELS_JS):
            if len({round(top) for *_, top in axis}) != 1:
                continue  # a vertical axis: labels stacked, not side by side
            ordered = sorted(axis, key=lambda label: label[1])
            touching += [f"{name}: {a[0]!r} and {b[0]!r} are {b[1] - a[2]:.1f} px apart"
                         for a, b in zip(ordered, ordered[1:]) if b[1] - a[2] < 2]
    assert touching == [], "\n".join(touching[:20])


@pytest.mark.parametrize("width", [375, 1366])
def test_data_quality_findings_have_room_to_read(demo_build, report_page, width):
    # The sentences were squeezed to one word a line beside the example ids (about 60 px).
    page = report_page(demo_build / "data-quality.html", viewport={"width": width, "height": 900})
    widths = page.evaluate("""() => [...document.querySelectorAll('#data-quality-findings tbody td.dq-found')]
                                  .map(td => td.getBoundingClientRect().width)""")
    assert widths and min(widths) >= 200, f"'What was found' is {min(widths):.0f} px wide at {width} px"
    sources = page.locator("#data-quality-findings td.dq-source").all_inner_texts()
    assert not any("/../" in source for source in sources), sources


def test_twins_page_states_the_unit_of_every_distance_and_names_pending_counts(demo_build, report_page):
    page = report_page(demo_build / "twins.html")
    unit = re.compile(r"^(c|not available|\d+(\.\d+)? (percentage points?|days?)|\d+(\.\d+)?% of the real (share|value))$")
    for table in ("#fidelity-junction-table", "#fidelity-duration-table"):
        cells = page.locator(f"{table} tbody tr td:nth-last-child(2)").all_inner_texts()
        assert cells, table
        bare = [cell for cell in cells if not unit.match(cell.strip())]
        assert bare == [], f"{table}: distances without their unit in words: {bare[:5]}"
    # A junction's pending cases are not the junction's rate: their row says so.
    pending = page.locator("tr[data-figure$='_pending'] th").all_inner_texts()
    assert pending and all("pending" in name for name in pending), pending


def test_ethnic_groups_are_named_not_coded(demo_build, report_page):
    codes = re.compile(r"\b(WBRI|WIRI|WOTH|MWBC|MWBA|MWAS|AIND|APKN|ABAN|AOTH|BCRB|BAFR|CHNE|OOTH|REFU|NOBT)\b")
    for name in ("incidence.html", "linkage.html", "care-histories.html"):
        page = report_page(demo_build / name)
        text = page.inner_text("main") + " ".join(page.locator(".chart-canvas svg text").all_text_contents())
        assert not codes.search(text), f"{name} shows a DfE ethnicity code: {codes.search(text).group(0)}"


#: Every visible text a chart draws that reaches more than 1 px past its chart's edge (an SVG
#: clips it there): [chart id, text, px cut].
CUT_TEXT_JS = """() => [...document.querySelectorAll('.chart-canvas svg')].flatMap(svg => {
  const box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim() && t.getAttribute('opacity') !== '0'
      && getComputedStyle(t).opacity !== '0')
    .map(t => { const r = t.getBoundingClientRect();
      return [svg.closest('.chart-canvas').id, t.textContent,
              Math.max(box.left - r.left, r.right - box.right, box.top - r.top, r.bottom - box.bottom)]; })
    .filter(([, , cut]) => cut > 1);
})"""


def test_no_chart_text_is_cut_off_at_the_chart_edge_on_a_phone(demo_build, report_page):
    # At 375 px "Assessment → Child in need, no strategy discussion" lost 14 px at the junctions'
    # edge, "Jan 2018" 3 to 8 px on every monthly chart, the groups' axis titles up to 58 px and the
    # twins' legend "Synthetic twins" 13 px.
    cut = []
    for name in _pages(demo_build):
        page = report_page(demo_build / name, viewport={"width": 375, "height": 800})
        cut += [f"{name} {chart}: {text!r} {round(px)} px" for chart, text, px in page.evaluate(CUT_TEXT_JS)]
    assert cut == [], "chart text cut off at 375 px:\n" + "\n".join(cut[:30])


def test_the_maps_data_quality_note_is_dark_in_the_dark_scheme(demo_build, report_page):
    from generator.charts.theme import contrast

    page = report_page(demo_build / "pathway.html", color_scheme="dark")
    colours = page.evaluate("""() => { const note = getComputedStyle(document.querySelector('.pathway-findings'));
        return [note.backgroundColor, note.color]; }""")
    background, text = ("#" + "".join(f"{int(v):02x}" for v in c[c.index("(") + 1:c.index(")")].split(",")[:3])
                        for c in colours)
    # A bright yellow panel (#fff7bf) on the dark page, as the banner above it is not.
    assert contrast(background, "#0b0c0c") < 2.0
    assert contrast(text, background) >= 4.5


#: Charts drawn narrower than their own width: [chart id, its width, as drawn] (a fixed-width
#: chart squeezed by `svg { max-width: 100% }` draws all its text smaller).
SQUEEZED_JS = """() => [...document.querySelectorAll('.chart-canvas svg')]
  .map(s => [s.closest('.chart-canvas').id, +s.getAttribute('width'), s.getBoundingClientRect().width])
  .filter(([, own, drawn]) => drawn < own - 1)"""


def test_no_chart_is_squeezed_below_its_own_width_on_a_phone(demo_build, report_page):
    # The placebo check's six panels (648 px) were drawn 343 px wide at 375 px: 11 px text at 6 px.
    # A chart that cannot be narrower scrolls in its box instead (usermeta min_width).
    squeezed = []
    for name in _pages(demo_build):
        page = report_page(demo_build / name, viewport={"width": 375, "height": 800})
        squeezed += [f"{name} {chart}: {own} px drawn at {round(drawn)}" for chart, own, drawn in page.evaluate(SQUEEZED_JS)]
    assert squeezed == []
