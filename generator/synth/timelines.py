"""Referred children's histories: a chain of episodes, each new referral after the last closed.

Re-referral is what Kent's map made visible: about 23% of referrals follow another within 12
months, yet 60% within 36 months. So the gap between a child's episodes has two parts: a
quick return (the family was not helped enough) and a long one of one to three years (the
next crisis). Families already referred several times are the likeliest to come back, and
more so when their last episode closed with no further action.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from generator.synth.buffer import EventBuffer, Numbers
from generator.synth.contacts import contacts_between, contacts_without_referral, next_in_row
from generator.synth.days import defer_to_working_time, inspection_uplift
from generator.synth.episodes import EpisodeInputs, simulate_episodes
from generator.synth.population import REFERRED_AGE_SHARES, Children, draw_children

#: Chance of another referral after an episode, by previous referrals (0, 1, 2, 3+).
REREFERRAL_BY_PREVIOUS = np.array([0.62, 0.72, 0.78, 0.80])
REREFERRAL_AFTER_NFA_RISE = 0.04
#: Gap from one episode's close to the next referral: a quick return, or a long one.
QUICK_RETURN_SHARE = 0.40
QUICK_RETURN_MEAN_DAYS = 100
LONG_RETURN_MEDIAN_DAYS = 560
LONG_RETURN_SIGMA = 0.5
#: No new referral in a child's last month before 18: they go to adult or leaving care services.
LAST_REFERRAL_BEFORE_18_DAYS = 30
#: Contacts that go no further, before a first referral and between episodes.
CONTACTS_PER_YEAR_BEFORE_REFERRAL = 0.5
CONTACTS_PER_YEAR_BETWEEN_EPISODES = 0.5
YEARS_OF_CONTACTS_BEFORE_REFERRAL = 2


@dataclass
class Simulated:
    """Children of one batch and the events of their whole lives at the front door."""

    children: Children
    buffer: EventBuffer


def simulate_referred(
    rng: np.random.Generator,
    n: int,
    first_day: int,
    window: tuple[int, int],
    inspection_day: int,
    episode_numbers: Numbers,
    early_help_numbers: Numbers,
) -> Simulated:
    """Children first referred on a day drawn uniformly from ``first_day`` to the window end.

    Starting long before the extract (the burn-in) means the extract opens on a front door in
    its steady state: children arriving with referral histories, plans and care already under
    way, as a real extract does.
    """
    entry = rng.integers(first_day, window[1] + 1, n)
    children = draw_children(rng, entry, REFERRED_AGE_SHARES)
    entry = defer_to_working_time(rng, entry)
    buf = EventBuffer()
    last_referral_day = np.minimum(children.adult_day - LAST_REFERRAL_BEFORE_18_DAYS, window[1])

    child = np.flatnonzero(entry <= last_referral_day)
    referral = entry[child]
    def contacts(of_child, first, horizon, per_year):
        """Contacts that go no further, from ``first`` to the day before ``horizon``."""
        row, day = contacts_between(rng, first, horizon - 1, per_year, window)
        next_day = next_in_row(row, day, horizon[row])
        contacts_without_referral(rng, buf, early_help_numbers, of_child[row], day, next_day)

    years_before = int(YEARS_OF_CONTACTS_BEFORE_REFERRAL * 365.25)
    contacts(child, referral - years_before, referral, CONTACTS_PER_YEAR_BEFORE_REFERRAL)
    earliest_contact = referral - 3650
    previous = 0
    while len(child):
        inputs = EpisodeInputs(
            child=child,
            episode=episode_numbers.take(len(child)),
            referral_day=referral,
            previous_referrals=np.full(len(child), previous),
            earliest_contact_day=earliest_contact,
            uplift=inspection_uplift(referral, inspection_day),
            locality=children.locality[child],
            age_days=referral - children.birth_month[child],
        )
        end, closed_without_service = simulate_episodes(rng, buf, inputs)
        p_again = REREFERRAL_BY_PREVIOUS[min(previous, 3)]
        p_again = p_again + REREFERRAL_AFTER_NFA_RISE * closed_without_service
        again = rng.random(len(child)) < p_again
        next_referral = defer_to_working_time(rng, end + _return_gap(rng, len(child)))
        again &= next_referral <= last_referral_day[child]
        horizon = np.where(again, next_referral, children.adult_day[child])
        contacts(child, end + 1, horizon, CONTACTS_PER_YEAR_BETWEEN_EPISODES)
        child, referral, earliest_contact = child[again], next_referral[again], end[again] + 1
        previous += 1
    return Simulated(children, buf)


def _return_gap(rng: np.random.Generator, n: int) -> np.ndarray:
    quick = 7 + rng.exponential(QUICK_RETURN_MEAN_DAYS, n)
    long = LONG_RETURN_MEDIAN_DAYS * np.exp(LONG_RETURN_SIGMA * rng.standard_normal(n))
    return np.rint(np.where(rng.random(n) < QUICK_RETURN_SHARE, quick, long)).astype(np.int64)

