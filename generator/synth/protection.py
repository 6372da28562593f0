"""Child protection: strategy discussion, section 47 enquiry, conference and plan.

Shares are the national ones (DfE "Characteristics of children in need" 2015-18) and what
Kent's map showed: most strategy discussions lead to a section 47 enquiry, most enquiries
close without a conference, and most conferences make a plan.
"""

from __future__ import annotations

import numpy as np

from generator.synth.buffer import CODE, CP_PLAN, PROTECTION, EventBuffer, codes
from generator.synth.days import lognormal_days, next_working_day, short_lag
from generator.synth.services import closing_lag, cin_plan, looked_after

S47_AFTER_STRATEGY = 0.88
#: Children removed at the enquiry (police protection, EPO) go into care instead of waiting
#: for a conference.
EMERGENCY_CARE_AT_S47 = 0.05
#: DfE 2015-16: 172,290 section 47 enquiries, 73,050 initial conferences (42%).
ICPC_AFTER_S47 = 0.40
PLAN_AT_ICPC = 0.86
#: A conference is due within 15 working days of the strategy discussion.
ICPC_DAYS_AFTER_STRATEGY = (8, 24)
CP_PLAN_MEDIAN_DAYS = 270
CP_PLAN_SIGMA = 0.6
CARE_DURING_CP_PLAN = 0.14
STEP_DOWN_AFTER_CP_PLAN = 0.5
CIN_PLAN_AFTER_NO_PLAN_ICPC = 0.55
CIN_PLAN_AFTER_S47_ONLY = 0.20
CIN_PLAN_AFTER_STRATEGY_ONLY = 0.30
#: CIN census InitialCategoryOfAbuse at the start of a plan (neglect is the largest).
ABUSE_CATEGORIES = (("NEG", "EMO", "PHY", "SAB", "MUL"), (0.47, 0.36, 0.08, 0.04, 0.05))


def child_protection(
    rng: np.random.Generator,
    buf: EventBuffer,
    child: np.ndarray,
    episode: np.ndarray,
    referral_day: np.ndarray,
    authorised_day: np.ndarray,
    age_days: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Child protection work during a child's assessment.

    Returns
    -------
    closure_day, closure_code : ndarray
        When the CIN episode can close, and its ReasonForClosure code.
    """
    n = len(child)
    gap = np.minimum(rng.geometric(0.22, n) - 1, np.maximum(authorised_day - referral_day, 0))
    strategy = referral_day + np.where(rng.random(n) < 0.4, 0, gap)
    buf.add(child, "strategy_discussion", strategy, PROTECTION, episode)
    # The enquiry and conference belong to the strategy discussion's record.
    anchor = strategy

    draw = rng.random((4, n))
    s47 = draw[0] < S47_AFTER_STRATEGY
    s47_day = strategy + short_lag(rng, n, 0.7, 7)
    buf.add(child[s47], "s47", s47_day[s47], PROTECTION, episode[s47], anchor=anchor[s47])
    emergency = s47 & (draw[1] < EMERGENCY_CARE_AT_S47)
    icpc = s47 & ~emergency & (draw[2] < ICPC_AFTER_S47 / (1 - EMERGENCY_CARE_AT_S47))
    plan = icpc & (draw[3] < PLAN_AT_ICPC)
    icpc_day = next_working_day(strategy + rng.integers(*ICPC_DAYS_AFTER_STRATEGY, n))
    icpc_code = np.where(plan, CODE["cpp"], CODE["no_plan"])
    buf.add(child[icpc], "icpc", icpc_day[icpc], PROTECTION, episode[icpc], icpc_code[icpc],
            anchor=anchor[icpc])

    closure = authorised_day + lognormal_days(rng, n, 25, 0.8, 0, 400)
    closure_code = np.full(n, CODE["RC7"], dtype=np.int16)

    def plan_after(mask: np.ndarray, share: float, start: np.ndarray) -> None:
        chosen = np.flatnonzero(mask & (rng.random(n) < share))
        end = cin_plan(rng, buf, child[chosen], episode[chosen], start[chosen])
        closure[chosen] = end + closing_lag(rng, len(chosen))

    plan_after(~s47, CIN_PLAN_AFTER_STRATEGY_ONLY, authorised_day + short_lag(rng, n, 0.5, 14))
    plan_after(s47 & ~icpc & ~emergency, CIN_PLAN_AFTER_S47_ONLY, authorised_day + 1)
    plan_after(icpc & ~plan, CIN_PLAN_AFTER_NO_PLAN_ICPC, icpc_day + short_lag(rng, n, 0.6, 7))

    e = np.flatnonzero(emergency)
    removed = s47_day[e] + short_lag(rng, len(e), 0.6, 3)
    age_removed = age_days[e] + removed - referral_day[e]
    closure[e], closure_code[e] = looked_after(
        rng, buf, child[e], episode[e], removed, age_removed, "emergency"
    )

    p = np.flatnonzero(plan)
    age_at_plan = age_days[p] + icpc_day[p] - referral_day[p]
    closure[p], closure_code[p] = _cp_plan(
        rng, buf, child[p], episode[p], icpc_day[p], age_at_plan
    )
    # The episode cannot close before the last piece of child protection work on it.
    latest = np.where(icpc, icpc_day, np.where(s47, s47_day, strategy))
    return np.maximum(closure, np.maximum(latest, authorised_day)), closure_code


def _cp_plan(
    rng: np.random.Generator,
    buf: EventBuffer,
    child: np.ndarray,
    episode: np.ndarray,
    start: np.ndarray,
    age_days: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """A child protection plan from the conference, ending in care, a CIN plan or closure."""
    n = len(child)
    category = rng.choice(codes(*ABUSE_CATEGORIES[0]), n, p=ABUSE_CATEGORIES[1])
    buf.add(child, "cpp_start", start, CP_PLAN, episode, category)
    length = lognormal_days(rng, n, CP_PLAN_MEDIAN_DAYS, CP_PLAN_SIGMA, 42, 1500)
    into_care = rng.random(n) < CARE_DURING_CP_PLAN
    # A plan usually ends on the day the child becomes looked after, at any point in it.
    care_day = start + (length * rng.uniform(0.05, 0.9, n)).astype(np.int64)
    end = np.where(into_care, care_day, next_working_day(start + length))
    buf.add(child, "cpp_end", end, CP_PLAN, episode, anchor=start)

    closure = end + closing_lag(rng, n)
    closure_code = np.full(n, CODE["RC7"], dtype=np.int16)
    c = np.flatnonzero(into_care)
    age_in_care = age_days[c] + care_day[c] - start[c]
    closure[c], closure_code[c] = looked_after(
        rng, buf, child[c], episode[c], care_day[c], age_in_care, "protection"
    )
    s = np.flatnonzero(~into_care & (rng.random(n) < STEP_DOWN_AFTER_CP_PLAN))
    plan_end = cin_plan(rng, buf, child[s], episode[s], end[s] + short_lag(rng, len(s), 0.3, 7))
    closure[s] = plan_end + closing_lag(rng, len(s))
    return closure, closure_code
