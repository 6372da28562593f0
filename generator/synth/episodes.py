"""One front-door episode per referral: contact, referral, assessment, and what follows.

An episode is one CIN census CINdetails record: it opens with a referral and closes with
``cin_end`` (or with ``referral_nfa`` when the referral goes no further). Everything is
vectorised over many episodes at once; each call simulates one episode for each child given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from generator.synth.buffer import ASSESSMENT, CODE, EPISODE, EventBuffer, codes
from generator.synth.days import lognormal_days, next_working_day, short_lag
from generator.synth.population import LOCALITIES
from generator.synth.protection import child_protection
from generator.synth.services import cin_plan, closing_lag, looked_after

#: Referrals closed with no further action before any assessment, and how much less often that
#: happens at the height of the post-inspection push (a relative cut).
REFERRAL_NFA_SHARE = 0.10
REFERRAL_NFA_INSPECTION_CUT = 2.0
#: Child and family assessment length (DfE: median about 30 days; the standard is 45 working
#: days, which about one assessment in ten misses).
ASSESSMENT_MEDIAN_DAYS = 30
ASSESSMENT_SIGMA = 0.62
#: Assessments ending "not in need" by the child's number of previous referrals (0, 1, 2, 3+).
#: Kent's map showed NFA rising with previous referrals, against expectation.
NFA_BY_PREVIOUS_REFERRALS = np.array([0.17, 0.22, 0.26, 0.43])
#: District teams differ a little in their thresholds (the map prompted that question).
NFA_OFFSET_BY_LOCALITY = dict.fromkeys(LOCALITIES, 0.0) | {
    "Thanet": 0.03, "Swale": 0.02, "Sevenoaks": -0.03, "Dartford": -0.02, "Ashford": 0.01,
}  # fmt: skip
NFA_OFFSETS = np.array([NFA_OFFSET_BY_LOCALITY[name] for name in LOCALITIES])
#: Of children assessed as in need: child protection concerns, care without a child protection
#: plan (teenagers accommodated under section 20 most often), a CIN plan, or other support.
STRATEGY_SHARE = 0.30
CARE_SHARE_TEENAGER = 0.06
CARE_SHARE_CHILD = 0.025
CIN_PLAN_SHARE = 0.38
#: CIN census ReferralSource: police, schools, health, LA services and individuals lead.
REFERRAL_SOURCES = (
    ("6", "2A", "3B", "3E", "3F", "5A", "5C", "1A", "1C", "4", "7", "8", "9"),
    (0.29, 0.18, 0.05, 0.04, 0.05, 0.10, 0.04, 0.07, 0.01, 0.02, 0.03, 0.11, 0.01),
)


@dataclass
class EpisodeInputs:
    """One row per referral to simulate (all arrays of equal length)."""

    child: np.ndarray
    episode: np.ndarray  # episode number, unique across the simulation
    referral_day: np.ndarray
    previous_referrals: np.ndarray
    earliest_contact_day: np.ndarray  # the day after the child's previous episode closed
    uplift: np.ndarray  # inspection uplift on the referral day
    locality: np.ndarray
    age_days: np.ndarray  # age on the referral day, from the first day of the birth month
    #: How likely child protection concerns are, relative to the usual referral: referrals the
    #: front door would once have signposted elsewhere carry fewer.
    concern: np.ndarray | float = 1.0


def simulate_episodes(
    rng: np.random.Generator,
    buf: EventBuffer,
    e: EpisodeInputs,
    contact_day: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Add every event of each episode to ``buf``.

    Parameters
    ----------
    contact_day : ndarray, optional
        Day of the contact that led to each referral, when already known; otherwise a contact
        is placed on the referral day or a few days before it.

    Returns
    -------
    end_day : ndarray
        The day each episode closed (the last of its events).
    closed_without_service : ndarray of bool
        Episodes closed with no further action, at referral or after assessment.
    """
    n = len(e.child)
    child, episode, referral = e.child, e.episode, e.referral_day
    if contact_day is None:
        contact_day = np.maximum(referral - short_lag(rng, n, 0.55, 5), e.earliest_contact_day)
    # The contact belongs to the episode it opened: it is in the extract if the referral is.
    buf.add(child, "contact", contact_day, EPISODE, episode, CODE["referral"], referral)
    source = rng.choice(codes(*REFERRAL_SOURCES[0]), n, p=REFERRAL_SOURCES[1])
    buf.add(child, "referral", referral, EPISODE, episode, source)

    end = np.empty(n, dtype=np.int64)
    cut = np.clip(1 - REFERRAL_NFA_INSPECTION_CUT * e.uplift, 0.2, 1)
    referral_nfa = rng.random(n) < REFERRAL_NFA_SHARE * cut
    r = np.flatnonzero(referral_nfa)
    end[r] = next_working_day(referral[r] + short_lag(rng, len(r), 0.5, 7))
    buf.add(child[r], "referral_nfa", end[r], EPISODE, episode[r], anchor=referral[r])

    a = np.flatnonzero(~referral_nfa)
    start = next_working_day(referral[a] + short_lag(rng, len(a), 0.45, 7))
    length = lognormal_days(rng, len(a), ASSESSMENT_MEDIAN_DAYS, ASSESSMENT_SIGMA, 1, 250)
    authorised = next_working_day(start + length)
    p_nfa = NFA_BY_PREVIOUS_REFERRALS[np.minimum(e.previous_referrals[a], 3)]
    nfa = rng.random(len(a)) < p_nfa + NFA_OFFSETS[e.locality[a]]
    outcome = np.where(nfa, CODE["nfa"], CODE["in_need"])
    buf.add(child[a], "assessment_start", start, ASSESSMENT, episode[a])
    buf.add(child[a], "assessment_authorised", authorised, ASSESSMENT, episode[a], outcome,
            anchor=start)

    closed = a[nfa]
    end[closed] = authorised[nfa] + short_lag(rng, len(closed), 0.6, 10)
    buf.add(child[closed], "cin_end", end[closed], EPISODE, episode[closed], CODE["RC8"],
            anchor=referral[closed])

    need = a[~nfa]
    end[need] = _child_in_need(rng, buf, e, need, start[~nfa], authorised[~nfa])
    closed_without_service = referral_nfa.copy()
    closed_without_service[closed] = True
    return end, closed_without_service


def _child_in_need(
    rng: np.random.Generator,
    buf: EventBuffer,
    e: EpisodeInputs,
    i: np.ndarray,
    start: np.ndarray,
    authorised: np.ndarray,
) -> np.ndarray:
    """Services for the children assessed as in need (rows ``i`` of ``e``); returns end days."""
    n = len(i)
    child, episode, referral, age = e.child[i], e.episode[i], e.referral_day[i], e.age_days[i]
    # By convention a child is in need from the referral date (CIN census CINreferralDate).
    buf.add(child, "cin_start", referral, EPISODE, episode, anchor=referral)

    draw = rng.random(n)
    p_strategy = STRATEGY_SHARE * np.broadcast_to(e.concern, e.child.shape)[i]
    p_care = np.where(age >= 13 * 365, CARE_SHARE_TEENAGER, CARE_SHARE_CHILD)
    strategy = draw < p_strategy
    care = ~strategy & (draw < p_strategy + p_care)
    plan = ~strategy & ~care & (draw < p_strategy + p_care + CIN_PLAN_SHARE)
    other = ~(strategy | care | plan)

    closure = np.empty(n, dtype=np.int64)
    code = np.full(n, CODE["RC7"], dtype=np.int16)
    s = np.flatnonzero(strategy)
    closure[s], code[s] = child_protection(
        rng, buf, child[s], episode[s], referral[s], authorised[s], age[s]
    )
    c = np.flatnonzero(care)
    care_day = start[c] + (rng.random(len(c)) * (authorised[c] - start[c])).astype(np.int64)
    age_in_care = age[c] + care_day - referral[c]
    closure[c], code[c] = looked_after(
        rng, buf, child[c], episode[c], care_day, age_in_care, "voluntary"
    )
    p = np.flatnonzero(plan)
    plan_end = cin_plan(
        rng, buf, child[p], episode[p], authorised[p] + short_lag(rng, len(p), 0.5, 14)
    )
    closure[p] = plan_end + closing_lag(rng, len(p))
    o = np.flatnonzero(other)
    closure[o] = authorised[o] + lognormal_days(rng, len(o), 30, 0.8, 0, 365)
    code[o] = rng.choice(codes("RC7", "RC5", "RC9"), len(o), p=[0.86, 0.06, 0.08])

    closure = np.maximum(closure, authorised)
    buf.add(child, "cin_end", closure, EPISODE, episode, code, anchor=referral)
    return closure
