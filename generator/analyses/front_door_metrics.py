"""The headline figures the front-door analytics pages quote, for metrics.json.

Computed with the default linking windows (`LinkWindows()`), over the report period. Every
``<name>_pct`` comes with ``<name>_n`` and ``<name>_d`` (numerator and denominator), so the
privacy stage can suppress a rate with its small counts; keys are documented in README.md.
"""

from __future__ import annotations

import math

import pandas as pd

from generator.analyses.front_door import FrontDoorLinks, LinkWindows, completed_assessments, link_front_door
from generator.analyses.junctions import junction_decisions, junction_shares
from generator.analyses.interrupted import MEASURES, measure_fits
from generator.analyses.timeliness import (
    ASSESSMENT_LOOK_BACK_DAYS,
    ICPC_LOOK_BACK_DAYS,
    assessment_durations,
    conference_durations,
    with_look_back,
)
from generator.analyses.workload import STAGES, open_on, stage_intervals
from generator.analyses.period import Period
from generator.analyses.rereferral_curves import (
    PREVIOUS_GROUPS,
    cumulative_rereferral,
    nfa_by_previous_referrals,
    time_to_rereferral,
)
from generator.eventlog import EventLog


def _rate(metrics: dict, key: str, count: int, n: int) -> None:
    metrics[f"{key}_pct"] = None if n == 0 else round(100.0 * count / n, 1)
    metrics[f"{key}_n"], metrics[f"{key}_d"] = int(count), int(n)


def front_door_metrics(log: EventLog, period: Period, annotations: list | None = None,
                       links: FrontDoorLinks | None = None) -> dict:
    """Headline figures of the re-referral, junction and timeliness pages.

    Returns
    -------
    dict
        ``rereferral_12m_cumulative_pct`` and ``rereferral_36m_cumulative_pct`` (1 - Kaplan-
        Meier at 365 and 1,095 days after a referral; ``_n`` re-referrals seen by then, ``_d``
        referrals followed; null when no referral was followed that long);
        ``assessment_nfa_prev0_pct``, ``_prev1_pct``, ``_prev2_pct``, ``_prev3plus_pct``
        (assessments ending in NFA by the child's previous referrals);
        ``referral_to_assessment_pct``, ``assessment_to_strategy_pct``, ``strategy_to_s47_pct``,
        ``s47_to_icpc_pct``, ``s47_without_plan_pct``, ``icpc_to_plan_pct`` (the junctions'
        shares: of referrals, assessments, strategy discussions, section 47 enquiries and
        conferences whose window is complete; pending cases are in none);
        ``assessment_within_45wd_pct`` (all completed assessments within 45 working days of
        their start: DfE) and ``assessment_linked_within_45wd_pct`` (only those linked to a
        referral); ``icpc_within_15wd_pct`` (conferences within 15 working days of the section
        47 start: DfE) and ``icpc_from_strategy_within_15wd_pct`` (of the strategy
        discussion); each with its ``..._median_working_days``, over steps ended once the
        look-back is complete; ``assessment_timeliness_basis`` and ``icpc_timeliness_basis``
        name the default basis;
        ``open_<stage>_at_end`` (cases open on the last day of the period, for each stage of
        `workload.STAGES` but periods of care, whose figure is `headline_metrics`'s
        ``lac_open_end``); and for the i-th annotation (1, 2, ...) and each measure of
        `interrupted.MEASURES`, ``event<i>_<measure>_level_change`` with ``_level_low`` and
        ``_level_high`` (its 95% interval; 24 months before, 12 after; counts a month or
        percentage points), ``_level_ratio`` with ``_level_ratio_low`` and ``_level_ratio_high``
        (the same change as a ratio to the trend before) and ``_placebo_pct`` (the share of
        placebo dates before the event where the model finds a change), null when there are
        too few months for a fit.
    """
    metrics: dict = {}
    if log.events.empty:
        return metrics
    links = links if links is not None else link_front_door(log, LinkWindows())
    episodes, enquiries = links.episodes, links.enquiries

    durations = time_to_rereferral(log, period)
    curve = cumulative_rereferral(durations, [365, 1095]).set_index("days")
    for key, day in (("rereferral_12m_cumulative", 365), ("rereferral_36m_cumulative", 1095)):
        if day in curve.index:
            metrics[f"{key}_pct"] = round(float(curve.loc[day, "pct"]), 1)
            metrics[f"{key}_n"] = int(curve.loc[day, "rereferred"])
        else:
            metrics[f"{key}_pct"], metrics[f"{key}_n"] = None, 0
        metrics[f"{key}_d"] = int(len(durations))

    nfa = nfa_by_previous_referrals(episodes, period).set_index("previous_referrals")
    for group in PREVIOUS_GROUPS:
        key = "assessment_nfa_prev" + group.replace("+", "plus")
        _rate(metrics, key, int(nfa.loc[group, "count"]), int(nfa.loc[group, "n"]))

    shares = junction_shares(junction_decisions(episodes, enquiries), period)
    shares = shares.set_index(["junction", "branch"])
    for key, junction, branches in (
        ("referral_to_assessment", "referral", ["Assessment"]),
        ("assessment_to_strategy", "assessment", ["Strategy discussion"]),
        ("strategy_to_s47", "strategy", ["Section 47 enquiry"]),
        ("s47_to_icpc", "s47", ["Conference and plan", "Conference, no plan"]),
        ("s47_without_plan", "s47", ["Conference, no plan", "No conference"]),
        ("icpc_to_plan", "icpc", ["Child protection plan"]),
    ):
        rows = shares.loc[[(junction, b) for b in branches]]
        _rate(metrics, key, int(rows["count"].sum()), int(rows["n"].iloc[0]))
        metrics[f"{key}_pending"] = int(rows["pending"].iloc[0])

    # DfE's basis by default (all completed assessments; conferences from the section 47
    # start), the local alternatives under their own keys; each over steps ended once the
    # look-back is complete (timeliness module docstring).
    first = log.front_door_first_date
    timed = (
        ("assessment_within_45wd", "assessment_median_working_days",
         assessment_durations(completed_assessments(log), period), ASSESSMENT_LOOK_BACK_DAYS),
        ("assessment_linked_within_45wd", "assessment_linked_median_working_days",
         assessment_durations(episodes, period), ASSESSMENT_LOOK_BACK_DAYS),
        ("icpc_within_15wd", "icpc_median_working_days", conference_durations(enquiries, period), ICPC_LOOK_BACK_DAYS),
        ("icpc_from_strategy_within_15wd", "icpc_from_strategy_median_working_days",
         conference_durations(enquiries, period, clock="strategy"), ICPC_LOOK_BACK_DAYS),
    )
    for key, median_key, table, look_back in timed:
        table = with_look_back(table, first, look_back)
        _rate(metrics, key, int(table["within"].sum()), len(table))
        metrics[median_key] = float(table["working_days"].median()) if len(table) else None
    metrics["assessment_timeliness_basis"] = "DfE: all completed assessments, from their start"
    metrics["icpc_timeliness_basis"] = "DfE: from the start of the section 47 enquiry"

    last_day = pd.DatetimeIndex([period.end])
    for key, _, start, end in STAGES:
        if key == "looked_after":
            continue  # `lac_open_end` already counts these: one figure, one key (it was shown twice)
        metrics[f"open_{key}_at_end"] = int(open_on(stage_intervals(log, start, end), last_day)[0])

    if annotations:
        for number, annotation in enumerate(annotations, start=1):
            _, fits = measure_fits(log, period, links, LinkWindows(), annotation.date)
            for key, _, _, _, _ in MEASURES:
                fit = fits[key]
                for part in ("level_change", "level_low", "level_high", "level_ratio", "level_ratio_low", "level_ratio_high"):
                    value = None if fit is None else getattr(fit, part)
                    finite = value is not None and math.isfinite(value)  # an infinite ratio limit is no limit
                    metrics[f"event{number}_{key}_{part}"] = round(value, 3 if "ratio" in part else 2) if finite else None
                share = None if fit is None else fit.placebo_share
                metrics[f"event{number}_{key}_placebo_pct"] = None if share is None else round(100 * share, 1)
    return metrics
