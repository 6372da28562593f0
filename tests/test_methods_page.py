"""Issue 14: the methods page (content/pages/about.md) says what the figures rest on: look-back,
pending cases, which definitions are the DfE's, and the 60-day conference window as it is."""

from __future__ import annotations

import re

import pandas as pd

from generator.analyses.front_door import LinkWindows
from generator.analyses.timeliness import working_days_between
from tests.conftest import REPO

ABOUT = (REPO / "content" / "pages" / "about.md").read_text(encoding="utf-8")


def _section(heading: str) -> str:
    """The text from a ``## heading`` (or a bold paragraph title) to the next heading."""
    start = ABOUT.index(heading)
    end = ABOUT.find("\n## ", start + len(heading))
    return ABOUT[start: end if end > 0 else None]


def test_the_methods_page_explains_look_back_pending_cases_and_dfe_definitions():
    look_back = _section("## Look-back")
    assert "365 days of data before them" in look_back and "1,095" in look_back
    assert "metrics.json use complete look-backs only" in look_back
    pending = ABOUT[ABOUT.index("**Pending cases.**"):]
    assert "in no share" in pending[:600] and "even when its next step has" in pending[:600]
    dfe = ABOUT[ABOUT.index("**Which definitions are the DfE's.**"):][:1200]
    assert "all completed assessments" in dfe and "start of the section 47" in dfe
    assert "assessment_basis: linked" in dfe and "conference_clock: strategy" in dfe
    # the 12-month re-referral definition names its look-back too
    definition = next(line for line in ABOUT.splitlines() if line.startswith("| Re-referral within 12 months"))
    assert "365 days of data before them" in definition


def test_the_sixty_day_conference_window_is_described_as_it_measures():
    # 60 calendar days from a strategy discussion on each weekday of 2015: 38 to 44 working
    # days (median 41, bank holidays out), 2.5 to 2.9 times the 15-working-day standard:
    # "nearly three times", not four.
    window = LinkWindows().strategy_to_icpc
    starts = pd.Series(pd.date_range("2015-01-05", "2015-12-31", freq="B"))
    ratios = working_days_between(starts, starts + pd.Timedelta(days=window)) / 15
    assert window == 60 and 2.6 < ratios.median() < 3.0
    for text in (ABOUT, (REPO / "README.md").read_text(encoding="utf-8"),
                 (REPO / "generator" / "analyses" / "front_door.py").read_text(encoding="utf-8")):
        assert not re.search(r"four times the 15", text)
    row = next(line for line in ABOUT.splitlines() if line.startswith("| `strategy_to_icpc_days`"))
    assert "nearly three times the 15-working-day standard" in row
