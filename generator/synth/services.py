"""Services that follow an assessment: a child in need plan, or care.

Each function adds the events of one service for many children at once and returns the day
the child's CIN episode can close and its CIN census ReasonForClosure code.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, ndtri

from generator.synth.buffer import CARE, CIN_PLAN, EventBuffer, codes
from generator.synth.days import lognormal_days, next_working_day, short_lag

#: Child in need plans run for months (DfE: most close within a year).
CIN_PLAN_MEDIAN_DAYS = 170
CIN_PLAN_SIGMA = 0.6

#: SSDA903 legal status at entry to care by the route into care, and their shares.
LEGAL_STATUS_BY_ROUTE = {
    # accommodated with parents' agreement; older teenagers also on remand
    "voluntary": (("V2", "C1", "J1", "L1"), (0.74, 0.14, 0.05, 0.07)),
    # removed at a crisis: police protection, emergency protection order, interim order
    "emergency": (("L1", "L2", "C1"), (0.45, 0.30, 0.25)),
    # from a child protection plan, mostly through care proceedings
    "protection": (("C1", "V2", "L2", "C2"), (0.62, 0.25, 0.10, 0.03)),
}

#: How long a period of care lasts depends on how the child came in (SSDA903 legal status at
#: entry) and the child's age. DfE "Children looked after in England" national tables (children
#: who ceased to be looked after, by legal status and duration of their latest period) show the
#: two shapes: a period that starts on an interim or full care order (C1, C2) runs through the
#: proceedings (26 weeks at best, Children and Families Act 2014 s.14) and usually well beyond,
#: ending in adoption, special guardianship or a long stay; section 20 accommodation (V2) is
#: where the short periods are, many teenagers going home within weeks, while the rest stay
#: as long as children on orders. Police protection and emergency protection (L1, L2) lead to
#: an interim care order for most children (`generator.synth.legal`), so their stays lie
#: between. Each cell is a two-part lognormal: a share going home within weeks, the rest a
#: long stay. The medians are set so that the demo reproduces the seed's leaving-care curves
#: (section 5, North Yorkshire: 70% of children with proceedings at entry still looked after
#: 50 weeks later, 50% of those without; tests/test_demo_proceedings.py holds the bands).
#: Keys: (legal status class, age band at entry) -> (short share, short median days,
#: long median days).
CARE_STAY = {
    ("order", "under 5"): (0.05, 40, 1000),
    ("order", "5 to 12"): (0.07, 40, 900),
    ("order", "13+"): (0.12, 40, 700),
    ("emergency", "under 5"): (0.15, 21, 900),
    ("emergency", "5 to 12"): (0.20, 21, 800),
    ("emergency", "13+"): (0.25, 21, 600),
    ("voluntary", "under 5"): (0.25, 21, 800),
    ("voluntary", "5 to 12"): (0.30, 21, 800),
    ("voluntary", "13+"): (0.35, 21, 700),
}
STATUS_CLASS = {"C1": "order", "C2": "order", "L1": "emergency", "L2": "emergency"}  # others voluntary
#: Spread (sigma of log days) of the short and the long part.
CARE_SHORT_SIGMA = 0.8
CARE_LONG_SIGMA = 0.9
#: Age bands of CARE_STAY (days at entry), and under 5 for the permanence reasons below.
AGE_BANDS = ((5 * 365, "under 5"), (13 * 365, "5 to 12"))
YOUNG_AT_ENTRY_DAYS = 5 * 365
PERMANENCE_REASONS = (("E11", "E45", "E41", "E4A", "E8"), (0.36, 0.24, 0.10, 0.20, 0.10))
OTHER_REASONS = (("E4A", "E13", "E45", "E41", "E3", "E8"), (0.58, 0.08, 0.09, 0.07, 0.06, 0.12))
#: CIN census reason for closing the CIN episode when care ends this way.
CLOSURE_FOR_REASON = {"E11": "RC1", "E41": "RC3", "E45": "RC4", "E3": "RC5", "E7": "RC6"}
#: Share of children returned home who then stay on a child in need plan for a while.
STEP_DOWN_AFTER_RETURN_HOME = 0.35


def cin_plan(
    rng: np.random.Generator,
    buf: EventBuffer,
    child: np.ndarray,
    episode: np.ndarray,
    start_day: np.ndarray,
) -> np.ndarray:
    """A child in need plan from ``start_day``; returns the day it ends."""
    start = next_working_day(np.asarray(start_day, dtype=np.int64))
    end = next_working_day(
        start + lognormal_days(rng, len(start), CIN_PLAN_MEDIAN_DAYS, CIN_PLAN_SIGMA, 28, 1500)
    )
    buf.add(child, "cin_plan_start", start, CIN_PLAN, episode)
    buf.add(child, "cin_plan_end", end, CIN_PLAN, episode, anchor=start)
    return end


def closing_lag(rng: np.random.Generator, n: int) -> np.ndarray:
    """Days between the last service ending and the CIN episode being closed on the system."""
    return short_lag(rng, n, same_day=0.5, longest=28)


def care_stay(z: np.ndarray, legal_status: np.ndarray, age_days: np.ndarray) -> np.ndarray:
    """Days in care for standard normal draws ``z``, by legal status code and age at entry.

    Each child's cell of `CARE_STAY` is a mixture of two lognormals. One normal draw per
    child picks both the part and the place within it (composition: u = Phi(z) below the
    short share is rescaled into the short part, the rest into the long part), so the stream
    of random numbers is the same whatever the cell.

    Parameters
    ----------
    z : ndarray
        Standard normal draws, one per period of care.
    legal_status : ndarray
        The `codes` of each period's legal status at entry.
    age_days : ndarray
        The child's age at entry in days.

    Returns
    -------
    ndarray
        Days in care (float, not rounded).
    """
    kinds = ("order", "emergency", "voluntary")
    bands = tuple(name for _, name in AGE_BANDS) + ("13+",)
    table = np.array([[CARE_STAY[(kind, band)] for band in bands] for kind in kinds])
    kind = np.full(len(z), kinds.index("voluntary"))
    for code, name in STATUS_CLASS.items():
        kind[legal_status == codes(code)[0]] = kinds.index(name)
    band = np.searchsorted(np.array([limit for limit, _ in AGE_BANDS]), age_days, side="right")
    share, short, long = table[kind, band].T
    u = np.clip(ndtr(z), 1e-12, 1 - 1e-12)
    in_short = u < share
    within = np.where(in_short, u / share, (u - share) / (1 - share))
    median = np.where(in_short, short, long)
    sigma = np.where(in_short, CARE_SHORT_SIGMA, CARE_LONG_SIGMA)
    return median * np.exp(sigma * ndtri(np.clip(within, 1e-12, 1 - 1e-12)))


def looked_after(
    rng: np.random.Generator,
    buf: EventBuffer,
    child: np.ndarray,
    episode: np.ndarray,
    start_day: np.ndarray,
    age_days: np.ndarray,
    route: str,
) -> tuple[np.ndarray, np.ndarray]:
    """A period of care from ``start_day``; returns the CIN closure day and its code."""
    start = np.asarray(start_day, dtype=np.int64)
    age_days = np.asarray(age_days)
    n = len(start)
    statuses, shares = LEGAL_STATUS_BY_ROUTE[route]
    legal_status = rng.choice(codes(*statuses), n, p=shares)
    # Remand (J1) is for young people of 10 and over; younger children are accommodated.
    legal_status[(legal_status == codes("J1")[0]) & (age_days < 10 * 365)] = codes("V2")[0]
    buf.add(child, "lac_start", start, CARE, episode, legal_status)

    young = age_days < YOUNG_AT_ENTRY_DAYS
    stay = np.clip(np.rint(care_stay(rng.standard_normal(n), legal_status, age_days)), 1, 6000)
    end = start + stay.astype(np.int64)

    permanence = young & (stay >= 300)
    reason = rng.choice(codes(*OTHER_REASONS[0]), n, p=OTHER_REASONS[1])
    reason[permanence] = rng.choice(
        codes(*PERMANENCE_REASONS[0]), int(permanence.sum()), p=PERMANENCE_REASONS[1]
    )
    buf.add(child, "lac_end", end, CARE, episode, reason, anchor=start)

    closure_code = np.full(n, codes("RC7")[0])
    for care_reason, cin_reason in CLOSURE_FOR_REASON.items():
        closure_code[reason == codes(care_reason)[0]] = codes(cin_reason)[0]
    closure = end + closing_lag(rng, n)

    home = np.isin(reason, codes("E4A", "E13"))
    step_down = np.flatnonzero(home & (rng.random(n) < STEP_DOWN_AFTER_RETURN_HOME))
    plan_end = cin_plan(
        rng,
        buf,
        np.asarray(child)[step_down],
        np.asarray(episode)[step_down],
        end[step_down] + short_lag(rng, len(step_down), 0.4, 7),
    )
    closure[step_down] = plan_end + closing_lag(rng, len(step_down))
    return closure, closure_code
