"""Headline figures for metrics.json and the overview page (keys fixed by DESIGN.md)."""

from __future__ import annotations

import pandas as pd

from generator.analyses.coverage import events_held, missing_reason
from generator.analyses.front_door_metrics import front_door_metrics
from generator.analyses.period import Period
from generator.analyses.referrals import DAYS_12_MONTHS, DAYS_36_MONTHS, rereferral_rate
from generator.analyses.workload import open_on, stage_intervals
from generator.eventlog import EventLog

#: metrics.json count keys and the events each counts.
COUNTED_EVENTS = {
    "contacts": "contact",
    "referrals": "referral",
    "assessments": "assessment_start",
    "s47": "s47",
    "icpc": "icpc",
    "cpp_starts": "cpp_start",
    "lac_starts": "lac_start",
    "lac_ends": "lac_end",
}


def percent(numerator: int, denominator: int) -> float | None:
    """A percentage 0-100 to one decimal, or None when there is nothing to divide by."""
    if denominator == 0:
        return None
    return round(100.0 * numerator / denominator, 1)


def headline_metrics(log: EventLog, period: Period, annotations: list | None = None, links=None) -> dict:
    """The figures DESIGN.md fixes for metrics.json, over the report period.

    ``children`` counts children with any event in the period; ``events`` all events in it.
    Each ``*_pct`` comes with its numerator and denominator (``*_n``, ``*_d``) so that every
    percentage can be checked and, in public mode, suppressed by the privacy stage.
    ``annotations`` (the report's dated events), when given, add the events page's figures.
    ``links`` (`generator.analyses.front_door.FrontDoorLinks` with the default windows), when
    given, saves linking the log again.

    A figure whose events the data never records (`generator.analyses.coverage`) is None, not
    0, with ``<key>_missing`` saying why ("no Annex A list 1 (contacts)"); a rate's
    ``_n``/``_d`` are None with it. ``lac_open_end`` counts children whose period of care is
    open on the period's last day, as the workload page's stock of periods of care does.
    """
    events = log.events[period.contains(log.events["date"])]
    metrics: dict = {
        "children": int(events["child_id"].nunique()),
        "events": int(len(events)),
    }
    counts = events["event"].value_counts()
    for key, event in COUNTED_EVENTS.items():
        metrics[key] = int(counts.get(event, 0))

    for key, window in (("rereferral_12m", DAYS_12_MONTHS), ("rereferral_36m", DAYS_36_MONTHS)):
        repeats, referrals = rereferral_rate(log, period.start, period.end, window)
        metrics[f"{key}_pct"] = percent(repeats, referrals)
        metrics[f"{key}_n"], metrics[f"{key}_d"] = repeats, referrals

    outcomes = events[events["event"] == "assessment_authorised"]["code"]
    nfa = int((outcomes.str.lower() == "nfa").sum())
    metrics["assessment_nfa_pct"] = percent(nfa, len(outcomes))
    metrics["assessment_nfa_n"], metrics["assessment_nfa_d"] = nfa, int(len(outcomes))
    care = stage_intervals(log, "lac_start", "lac_end")
    metrics["lac_open_end"] = int(open_on(care, pd.DatetimeIndex([period.end]))[0])
    metrics.update(front_door_metrics(log, period, annotations, links))  # the analytics pages' figures (README)
    held = events_held(log)
    for key in list(COUNTED_EVENTS) + ["lac_open_end", "rereferral_12m", "rereferral_36m", "assessment_nfa"]:
        reason = missing_reason(key, held)
        if reason is None:
            continue
        metrics[f"{key}_missing"] = reason
        for name in ([key] if key in COUNTED_EVENTS or key == "lac_open_end" else [f"{key}_pct", f"{key}_n", f"{key}_d"]):
            metrics[name] = None
    return metrics
