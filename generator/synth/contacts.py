"""Contacts that do not become referrals, and the early help assessments some lead to.

Most contacts with a front door end in information and advice, a signpost to early help, or
no further action. They come both from children who are never referred and from referred
children between their episodes.
"""

from __future__ import annotations

import numpy as np

from generator.synth.buffer import CODE, EARLY_HELP, EventBuffer, Numbers, codes
from generator.synth.days import lognormal_days, next_working_day

CONTACT_OUTCOMES = (("information_advice", "nfa", "early_help"), (0.50, 0.28, 0.22))
#: Share of contacts signposted to early help that lead to an early help assessment.
EARLY_HELP_ASSESSED = 0.55
EARLY_HELP_MEDIAN_DAYS = 42
EARLY_HELP_SIGMA = 0.6


def contacts_without_referral(
    rng: np.random.Generator,
    buf: EventBuffer,
    early_help_numbers: Numbers,
    child: np.ndarray,
    day: np.ndarray,
    next_day: np.ndarray,
) -> None:
    """Contacts on ``day`` that go no further than the front door.

    ``next_day`` is the child's next event after each contact (the next contact or referral,
    or the 18th birthday): an early help assessment is only started if it would be completed
    before then, so that a child's journey never doubles back on itself.
    """
    n = len(child)
    outcome = rng.choice(codes(*CONTACT_OUTCOMES[0]), n, p=CONTACT_OUTCOMES[1])
    buf.add(child, "contact", day, code=outcome)
    start = next_working_day(day + rng.integers(2, 22, n))
    completion = next_working_day(
        start + lognormal_days(rng, n, EARLY_HELP_MEDIAN_DAYS, EARLY_HELP_SIGMA, 7, 365)
    )
    assessed = (outcome == CODE["early_help"]) & (rng.random(n) < EARLY_HELP_ASSESSED)
    assessed &= completion < next_day
    number = early_help_numbers.take(int(assessed.sum()))
    c, s = child[assessed], start[assessed]
    buf.add(c, "early_help_assessment_start", s, EARLY_HELP, number, anchor=s)
    closed = completion[assessed]
    buf.add(c, "early_help_assessment_completion", closed, EARLY_HELP, number, anchor=s)


def contacts_between(
    rng: np.random.Generator,
    first: np.ndarray,
    last: np.ndarray,
    per_year: float,
    window: tuple[int, int],
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson contacts at ``per_year`` on the days ``first``..``last`` of each row.

    Only the part of each interval inside ``window`` (first and last day of the extract) is
    simulated: contacts outside it would be dropped anyway.

    Returns
    -------
    row, day : ndarray
        For each contact, the row of the interval it fell in, and its day.
    """
    low = np.maximum(first, window[0])
    high = np.minimum(last, window[1])
    length = np.clip(high - low + 1, 0, None)
    count = rng.poisson(per_year * length / 365.25)
    row = np.repeat(np.arange(len(first)), count)
    day = low[row] + (rng.random(len(row)) * length[row]).astype(np.int64)
    return row, day


def next_in_row(row: np.ndarray, day: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """For contacts grouped by ``row``, the day of the row's next contact, else ``limit``."""
    order = np.lexsort((day, row))
    following = np.empty(len(day), dtype=np.int64)
    sorted_row, sorted_day = row[order], day[order]
    nxt = np.append(sorted_day[1:], 0)
    same = np.append(sorted_row[1:] == sorted_row[:-1], False)
    following[order] = np.where(same, nxt, limit[order])
    return following
