"""The headline figures the front-door analytics pages quote, for metrics.json.

Computed with the default linking windows (`LinkWindows()`), over the report period. Every
``<name>_pct`` comes with ``<name>_n`` and ``<name>_d`` (numerator and denominator), so the
privacy stage can suppress a rate with its small counts; keys are documented in README.md.
"""

from __future__ import annotations

import pandas as pd

from generator.analyses.front_door import FrontDoorLinks, LinkWindows, link_front_door
from generator.analyses.junctions import junction_decisions, junction_shares
from generator.analyses.interrupted import MEASURES, monthly_measures, segmented_regression
from generator.analyses.timeliness import assessment_durations, conference_durations
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
        conferences whose next step is known); ``assessment_within_45wd_pct`` and
        ``icpc_within_15wd_pct`` (assessments authorised within 45 working days of their
        start; conferences within 15 working days of the strategy discussion) with
        ``assessment_median_working_days`` and ``icpc_median_working_days``;
        ``open_<stage>_at_end`` (cases open on the last day of the period, for each stage of
        `workload.STAGES`); and for the i-th annotation (1, 2, ...) and each measure of
        `interrupted.MEASURES`, ``event<i>_<measure>_level_change`` with ``_level_low`` and
        ``_level_high`` (its 95% interval; 24 months before, 12 after, Newey-West lag 3), null
        when there are too few months for a fit.
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

    for key, table in (("assessment", assessment_durations(episodes, period)), ("icpc", conference_durations(enquiries, period))):
        standard = "45wd" if key == "assessment" else "15wd"
        _rate(metrics, f"{key}_within_{standard}", int(table["within"].sum()), len(table))
        metrics[f"{key}_median_working_days"] = float(table["working_days"].median()) if len(table) else None

    last_day = pd.DatetimeIndex([period.end])
    for key, _, start, end in STAGES:
        metrics[f"open_{key}_at_end"] = int(open_on(stage_intervals(log, start, end), last_day)[0])

    if annotations:
        monthly = monthly_measures(log, period, episodes, enquiries)
        for number, annotation in enumerate(annotations, start=1):
            for key, *_ in MEASURES:
                fit = segmented_regression(monthly[monthly["measure"] == key], pd.Timestamp(annotation.date))
                for part in ("level_change", "level_low", "level_high"):
                    metrics[f"event{number}_{key}_{part}"] = None if fit is None else round(getattr(fit, part), 2)
    return metrics
