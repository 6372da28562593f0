"""The demo's PDF, as printed by Chromium (`carejourneys pdf`) and read back with PDFium.

Every page is rendered to pixels and its text read with its boxes and printed sizes
(tests/pdf_pages.py): no page is blank, a page is left mostly blank only where its section
ends, no text prints below 7 pt, no text prints over other text, and the comparison map prints
as the comparison.
"""

from __future__ import annotations

import pytest

from generator.pdf import print_pdf
from tests.pdf_pages import overlapping_runs, pages, text_runs, used_height

pytestmark = pytest.mark.slow

#: Smallest legible printed text (issue 20: every chart and the map at A4).
MIN_PT = 7.0
#: A page whose content spans less than this share of its height is "mostly blank".
MOSTLY_BLANK = 0.25
#: A page 1 % used is blank (a stray footer-less page, an empty heading's page).
BLANK = 0.02
#: Page titles (h1) print at 2 rem of 11 pt: 22 pt; h2 are 15 pt.
H1_PT = 20.0


@pytest.fixture(scope="module")
def printed(demo_build, tmp_path_factory):
    pdf = print_pdf(demo_build, tmp_path_factory.mktemp("pdf") / "demo.pdf")
    read = [(page, text_runs(page)) for page in pages(pdf)]
    return read


def _starts_section(runs) -> bool:
    return any(run.size >= H1_PT for run in runs)


def test_no_page_of_the_pdf_is_blank_or_mostly_blank_before_its_section_ends(printed):
    used = [used_height(page) for page, _ in printed]
    assert len(printed) > 40
    blank = [n for n, share in enumerate(used, 1) if share < BLANK]
    assert not blank, f"blank pages: {blank}"
    # Mostly blank is fine on a section's last page (the next page title starts a new page).
    sparse = [(n, round(share, 2)) for n, share in enumerate(used, 1)
              if share < MOSTLY_BLANK and n < len(printed) and not _starts_section(printed[n][1])]
    assert not sparse, f"pages mostly blank mid-section (page, share used): {sparse}"


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
