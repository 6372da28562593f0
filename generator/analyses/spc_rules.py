"""Special-cause rules of statistical process control, and the variation and assurance verdicts.

This module owns the "plot the dots" logic of NHS England's *Making Data Count*, as the
NHSRplotthedots R package implements it (nhs-r-community, MIT; ``R/ptd_calculate_point_type.R``
and ``R/ptd_calculate_assurance_type.R``, read at commit 050b07d). Given a series and its
centre line and limits (computed by `generator.analyses.spc` for any chart type) it marks each
point with the rule that makes it special, the direction, and whether that is improvement or
concern; and it gives a process its variation icon and, against a target, its assurance icon.

The four rules, in the order NHSRplotthedots gives them precedence when a point breaks several:

1. ``beyond_limits``: a point above the upper or below the lower process limit (strictly);
2. ``trend``: 7 points in a row each higher (or each lower) than the one before, i.e. 6
   rises or falls in a row. The issue says "6 rising or falling" and DOMAIN.md "7
   rising/falling": NHSRplotthedots' ``ptd_seven_point_trend`` takes 7 points and requires
   their 6 differences to share a sign, which is both, so that is what we do. A tie ends it;
3. ``two_of_three``: 2 of 3 points in a row between the two-sigma and three-sigma lines, all 3
   on the same side of the centre line; only the points beyond two sigma are marked (a point
   beyond the limits is not "close to the limits" and does not count towards this rule);
4. ``shift``: 7 points in a row on the same side of the centre line; a point on the line ends it.

Every point of a run or trend is marked, not only the seventh, as NHSRplotthedots does.

The run rule's 7 points stand for a chance of 0.5^7 = 1/128 that a stable process puts that many
points on one side: each point falls above or below the centre line with probability 1/2, as for
the symmetric, continuous values the rules were designed on (Western Electric, *Statistical
Quality Control Handbook*, 1956; Nelson 1984, *J. Quality Technology* 16(4):237-9). Counts of a
few breaches a month are neither: with 16 occasions at 5%, 44% of months have no breach and fall
below p-bar, 56% above it, and a run of 7 above has more than twice that chance. A chart that
knows its points' distribution under the stable process (binomial or Poisson probability limits,
`generator.analyses.spc`) passes each point's chance of falling above and of falling below the
centre line (``side_probability``), and a run then signals when its points' joint chance of
being on that side, the product of those chances, is at most 1/128: the rule's own probability,
kept as the probability limits keep the 3-sigma limits' tail probability (Montgomery,
*Introduction to Statistical Quality Control*, 6th ed., section 7.2.1). With a chance of 1/2 on
every point that is exactly the 7-point run, so XmR charts are unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Rule name -> what a reader is told it means. The keys are the ``signal`` column's values.
RULES: dict[str, str] = {
    "beyond_limits": "a point beyond the process limits",
    "trend": "7 points in a row rising or falling (6 rises or falls in a row)",
    "two_of_three": "2 of 3 points in a row beyond two sigma, on one side of the centre line",
    "shift": "7 points in a row on one side of the centre line",
}

#: The direction in which the measure gets better, as NHSRplotthedots' ``improvement_direction``.
IMPROVEMENT = {"increase": 1, "neutral": 0, "decrease": -1}

RUN_LENGTH = 7
TREND_LENGTH = 7


def _runs_ending_at(ok: np.ndarray, length: int) -> np.ndarray:
    """True where ``ok`` holds at this point and the ``length - 1`` points before it."""
    out = np.zeros(len(ok), bool)
    if len(ok) >= length:
        window = np.lib.stride_tricks.sliding_window_view(ok, length).all(axis=1)
        out[length - 1:] = window
    return out


def _part_of_run(ends: np.ndarray, length: int) -> np.ndarray:
    """Mark the ``length`` points of every run that ``ends`` marks by its last point."""
    out = np.zeros(len(ends), bool)
    for end in np.flatnonzero(ends):
        out[end - length + 1:end + 1] = True
    return out


def _runs_as_unlikely_as(side: np.ndarray, chance: np.ndarray, run_length: int) -> np.ndarray:
    """True on every point of a run on one side of the centre line whose points' joint chance of
    being on that side (the product of ``chance``) is at most 0.5 ** ``run_length``."""
    out = np.zeros(len(side), bool)
    start = 0
    for end in range(1, len(side) + 1):
        if end == len(side) or side[end] != side[start]:
            # The longest run ends at end - 1; a point on the centre line (side 0) is never in one.
            if side[start] != 0 and np.prod(chance[start:end]) <= 0.5 ** run_length:
                out[start:end] = True
            start = end
    return out


def special_causes(y, centre, lower, upper, lower_2sigma, upper_2sigma, *, run_length: int = RUN_LENGTH,
                   trend_length: int = TREND_LENGTH, side_probability=None) -> tuple[np.ndarray, np.ndarray]:
    """The special-cause rule each point breaks, and the direction of that signal.

    Method: NHSRplotthedots ``ptd_special_cause_type`` (see the module docstring), applied to
    one process (one stretch between rebase dates) without missing values.

    Parameters
    ----------
    y, centre, lower, upper, lower_2sigma, upper_2sigma : array-like of float
        The values and, per point, the centre line, the process limits and the two-sigma lines.
    run_length, trend_length : int
        Points in a run on one side (7) and in a trend (7 points: 6 rises or falls).
    side_probability : (array-like, array-like), optional
        Each point's chance, under the stable process, of falling above and of falling below the
        centre line. Given, a run signals when its points' joint chance of being on its side is
        at most 0.5 ** ``run_length`` (see the module docstring); by default every point has
        a chance of 1/2 each side, i.e. ``run_length`` points in a row.

    Returns
    -------
    (ndarray of str, ndarray of int)
        The rule name from `RULES` or ``""`` per point; +1 for a signal upwards (above the
        centre, rising), -1 downwards, 0 for none.
    """
    y, centre = np.asarray(y, float), np.asarray(centre, float)
    n = len(y)
    if n == 0:
        return np.array([], dtype=object), np.array([], dtype=int)
    outside = (y > np.asarray(upper, float)) | (y < np.asarray(lower, float))
    side = np.sign(y - centre).astype(int)
    close = ~outside & ((y < np.asarray(lower_2sigma, float)) | (y > np.asarray(upper_2sigma, float)))

    steps = np.sign(np.diff(y)).astype(int)
    rising = _runs_ending_at(np.concatenate([[False], steps == 1]), trend_length - 1)
    falling = _runs_ending_at(np.concatenate([[False], steps == -1]), trend_length - 1)
    in_trend = _part_of_run(rising | falling, trend_length)
    # A point in a trend takes the slope on its right when its right neighbour is in the trend
    # too, else the slope on its left, so the peak between two trends goes with the later one.
    right = np.concatenate([steps, steps[-1:]]) if n > 1 else np.zeros(1, int)
    left = np.concatenate([[0], steps])
    right_in_trend = np.concatenate([in_trend[1:], [False]]) & in_trend
    trend_direction = np.where(right_in_trend, right, left)

    # Two of three: a point beyond two sigma in any window of 3 consecutive points that holds
    # at least 2 such points, all 3 on the same side of the centre line.
    in_two_of_three = np.zeros(n, bool)
    for start in range(n - 2):
        window = slice(start, start + 3)
        if close[window].sum() >= 2 and abs(side[window].sum()) == 3:
            in_two_of_three[window] |= close[window]

    if side_probability is None:
        above = _runs_ending_at(side == 1, run_length)
        below = _runs_ending_at(side == -1, run_length)
        in_shift = _part_of_run(above | below, run_length)
    else:
        p_above, p_below = (np.asarray(p, float) for p in side_probability)
        chance = np.where(side > 0, p_above, np.where(side < 0, p_below, 1.0))
        in_shift = _runs_as_unlikely_as(side, chance, run_length)

    signal = np.full(n, "", dtype=object)
    direction = np.zeros(n, int)
    for rule, mask, sign in (("shift", in_shift, side), ("two_of_three", in_two_of_three, side),
                             ("trend", in_trend, trend_direction), ("beyond_limits", outside, side)):
        # Later rules overwrite earlier ones: beyond_limits has the highest precedence.
        signal[mask] = rule
        direction[mask] = np.where(sign[mask] > 0, 1, -1)
    return signal, direction


def point_types(direction: np.ndarray, improvement: str) -> np.ndarray:
    """Each point's type: ``common_cause``, ``special_cause_improvement`` or
    ``special_cause_concern`` (``special_cause_neutral_high`` / ``_low`` when neither direction
    is better), as NHSRplotthedots ``ptd_point_type``."""
    sense = IMPROVEMENT[improvement]
    direction = np.asarray(direction, int)
    if sense == 0:
        return np.select([direction > 0, direction < 0], ["special_cause_neutral_high", "special_cause_neutral_low"],
                         "common_cause").astype(object)
    oriented = direction * sense
    return np.select([oriented > 0, oriented < 0], ["special_cause_improvement", "special_cause_concern"],
                     "common_cause").astype(object)


def _last_point(chart: pd.DataFrame) -> pd.Series | None:
    valid = chart[chart["value"].notna()]
    return None if valid.empty else valid.iloc[-1]


def variation(chart: pd.DataFrame) -> str | None:
    """The variation icon of the current process: the point type of its latest point.

    As NHSRplotthedots' ``summary()`` (``variation_type``): common cause, or special cause
    improvement / concern (neutral high / low). None for a chart without values.
    """
    last = _last_point(chart)
    return None if last is None else str(last["point_type"])


def assurance(chart: pd.DataFrame, target: float | None, improvement: str) -> str | None:
    """The assurance icon: will the process meet the target?

    As NHSRplotthedots ``ptd_calculate_assurance_type``, against the limits of the latest point:
    ``pass`` when the whole band between the limits is on the good side of the target (the
    process will consistently meet it), ``fail`` when the whole band is on the bad side, and
    ``hit_and_miss`` when the target lies between the limits. None without a target or when
    neither direction is better.
    """
    last = _last_point(chart)
    if target is None or last is None or IMPROVEMENT[improvement] == 0:
        return None
    increasing = IMPROVEMENT[improvement] > 0
    if target > last["upper"]:
        return "fail" if increasing else "pass"
    if target < last["lower"]:
        return "pass" if increasing else "fail"
    return "hit_and_miss"
