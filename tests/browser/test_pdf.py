"""The demo's PDF, as printed by Chromium (`carejourneys pdf`) and read back with PDFium.

Every page is rendered to pixels and its text read with its boxes and printed sizes
(tests/pdf_pages.py): no page is blank, a page is left mostly blank only where its section
ends, no text prints below 7 pt, no text prints over other text or past the page's margin, a
chart's title prints on the page its drawing starts, and the comparison map prints as the
comparison.
"""

from __future__ import annotations

import json

import pytest

from generator.pdf import print_pdf
from tests.pdf_pages import PT_PER_MM, overlapping_runs, pages, text_runs, used_height

pytestmark = pytest.mark.slow

#: Smallest legible printed text (issue 20: every chart and the map at A4).
MIN_PT = 7.0
#: A page whose content spans less than this share of its height is "mostly blank".
MOSTLY_BLANK = 0.25
#: A page 1 % used is blank (a stray footer-less page, an empty heading's page).
BLANK = 0.02
#: Page titles (h1) print at 2 rem of 11 pt: 22 pt; h2 are 15 pt.
H1_PT = 20.0
H2_PT = 14.0
#: Chart text prints at 7 to 10 pt; body text and descriptions at 11 pt.
CHART_TEXT_PT = 10.5
#: Below this the page's footer prints (print.html's bottom margin is 18 mm).
FOOTER_MM = 18.0
#: The print document's right margins (print.html's @page; the map's landscape pages, player.css).
RIGHT_MARGIN_MM = {"portrait": 14.0, "landscape": 10.0}


@pytest.fixture(scope="module")
def printed(demo_build, tmp_path_factory):
    pdf = print_pdf(demo_build, tmp_path_factory.mktemp("pdf") / "demo.pdf")
    read = [(page, text_runs(page)) for page in pages(pdf)]
    return read


def _starts_section(runs) -> bool:
    return any(run.size >= H1_PT for run in runs)


def _opens_with_heading(runs) -> bool:
    """Whether the page's first text is a heading (a chart kept whole with its title)."""
    body = [run for run in runs if run.bottom > FOOTER_MM * PT_PER_MM]
    return bool(body) and H2_PT <= max(body, key=lambda run: run.top).size < H1_PT


def test_no_page_of_the_pdf_is_blank_or_mostly_blank_before_its_section_ends(printed):
    used = [used_height(page) for page, _ in printed]
    assert len(printed) > 40
    blank = [n for n, share in enumerate(used, 1) if share < BLANK]
    assert not blank, f"blank pages: {blank}"
    # Mostly blank is fine on a section's last page (the next page title starts a new page),
    # and on a section's first page when its first chart, too tall to share the page with the
    # section's title and introduction, starts the next page whole with its own title.
    sparse = [(n, round(share, 2)) for n, share in enumerate(used, 1)
              if share < MOSTLY_BLANK and n < len(printed) and not _starts_section(printed[n][1])
              and not (_starts_section(printed[n - 1][1]) and _opens_with_heading(printed[n][1]))]
    assert not sparse, f"pages mostly blank mid-section (page, share used): {sparse}"


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _title_bottom(runs, title: str) -> float | None:
    """Where ``title`` ends on the page (the bottom of its last line), if it prints there as a heading."""
    text, spans = "", []
    for run in runs:
        if H2_PT <= run.size < H1_PT:
            spans.append((len(text), len(text) + len(_squeezed(run.text)), run))
            text += _squeezed(run.text)
    start = text.find(_squeezed(title))
    if start < 0:
        return None
    end = start + len(_squeezed(title))
    return min(run.bottom for first, last, run in spans if first < end and last > start)


def test_every_chart_title_prints_on_the_page_its_chart_starts(printed, demo_build):
    # The groups of children's first chart printed its title (and half its description) at the
    # foot of the page before its drawing.
    charts = json.loads((demo_build / "manifest.json").read_text())["charts"]
    alone, found = [], 0
    for chart in charts:
        for n, (_, runs) in enumerate(printed, 1):
            bottom = _title_bottom(runs, chart["title"])
            if bottom is None:
                continue
            found += 1
            if not any(run.size < CHART_TEXT_PT and FOOTER_MM * PT_PER_MM < run.bottom and run.top <= bottom for run in runs):
                alone.append((n, chart["title"]))
            break
    assert found > 0.8 * len(charts), "the chart titles should be found in the PDF"
    assert not alone, f"chart titles printed on a page without their chart (page, title): {alone}"


def test_no_text_of_the_pdf_prints_past_the_page_margin(printed):
    # A table wider than the page was cut at its right edge (the clerical-review pairs).
    past = []
    for n, (page, runs) in enumerate(printed, 1):
        width, height = page.get_size()
        edge = width - RIGHT_MARGIN_MM["landscape" if width > height else "portrait"] * PT_PER_MM
        past += [(n, run.text[:20], round(run.right - edge, 1)) for run in runs if run.right > edge + 1]
    assert not past, f"text past the right margin (page, text, pt): {past[:12]}"


def test_every_text_of_the_pdf_prints_at_7_pt_or_more(printed):
    small = [(n, run.text[:30], round(run.size, 1)) for n, (_, runs) in enumerate(printed, 1)
             for run in runs if run.size < MIN_PT - 0.05]
    assert not small, f"text under {MIN_PT} pt (page, text, pt): {small[:12]}"


def test_no_text_of_the_pdf_prints_over_other_text(printed):
    over = [(n, a.text[:25], b.text[:25]) for n, (_, runs) in enumerate(printed, 1) for a, b in overlapping_runs(runs)]
    assert not over, f"overlapping text (page, one, other): {over[:12]}"


def test_the_map_prints_on_landscape_pages_and_the_comparison_as_its_two_periods(printed):
    landscape = [(n, " ".join(r.text for r in runs)) for n, (page, runs) in enumerate(printed, 1)
                 if page.get_size()[0] > page.get_size()[1]]
    assert landscape, "the map prints on landscape pages"
    text = " ".join(t for _, t in landscape)
    # content/report.yaml compares 16 May 2015 to 15 May 2016 with 16 May 2016 to 15 May 2017.
    for side in ("16May2015to15May2016:", "16May2016to15May2017:"):
        assert side in text.replace(" ", ""), f"the printed comparison shows {side}"
    # The comparison page prints its two sides, not the main map's four dates again.
    squeezed = text.replace(" ", "")
    assert squeezed.count("Childrenateachstationonfourdates") == 1 and squeezed.count("Thetwomapscompared") == 1
