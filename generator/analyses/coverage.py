"""What these data can and cannot measure: each source of events, and what is missing without it.

A council's data rarely holds every return. A 903 alone has no referrals; a CIN census has no
contacts; an Annex A has no placement history. A count of an event the data never records is
not 0, it is unknown: the headline figures say "not in these data" with the reason, pages that
measure only such events are left out of the report, and the overview lists what these data
cannot show and why. The reasons name the return (or the Annex A list) that would bring the
events, so a reader knows what to add.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.eventlog import EventLog


@dataclass(frozen=True)
class Measure:
    """A kind of activity, the events that record it, and the returns that bring them."""

    name: str
    events: tuple[str, ...]
    missing: str  # why these data cannot show it, naming what would


#: The activities a report measures, in the order the overview lists them.
MEASURES: tuple[Measure, ...] = (
    Measure("contacts", ("contact",), "no Annex A list 1 (contacts): the CIN census and the SSDA903 do not record contacts"),
    Measure("early help", ("early_help_assessment_start",), "no Annex A list 2 (early help assessments)"),
    Measure("referrals", ("referral",), "no CIN census and no Annex A list 3 (referrals)"),
    Measure("assessments", ("assessment_start",), "no CIN census and no Annex A list 4 (assessments)"),
    Measure("strategy discussions", ("strategy_discussion",),
            "no Annex A list 5 (strategy discussions): the CIN census does not record them"),
    Measure("section 47 enquiries", ("s47",), "no CIN census and no Annex A list 5 (section 47 enquiries)"),
    Measure("initial child protection conferences", ("icpc",), "no CIN census and no Annex A list 5"),
    Measure("child protection plans", ("cpp_start",), "no CIN census and no Annex A list 7 (child protection)"),
    Measure("children in need", ("cin_start", "cin_plan_start"), "no CIN census and no Annex A list 6 (children in need)"),
    Measure("periods of care", ("lac_start",), "no SSDA903 and no Annex A list 8 (children looked after)"),
    Measure("placements and legal statuses", ("placement", "legal_status"),
            "no SSDA903 (Annex A list 8 gives a child's latest placement and legal status only)"),
)
#: Headline count keys (metrics.json) and the measure each belongs to.
HEADLINE_MEASURE = {"contacts": "contacts", "referrals": "referrals", "assessments": "assessments", "s47": "section 47 enquiries",
                    "icpc": "initial child protection conferences", "cpp_starts": "child protection plans",
                    "lac_starts": "periods of care", "lac_ends": "periods of care", "lac_open_end": "periods of care",
                    "rereferral_12m": "referrals", "rereferral_36m": "referrals", "assessment_nfa": "assessments"}


def events_held(log: EventLog) -> frozenset[str]:
    """The event names the data holds at all (in any period)."""
    return log.event_names


def unmeasured(held: frozenset[str] | set[str]) -> list[Measure]:
    """The measures none of whose events the data holds, in `MEASURES` order."""
    return [m for m in MEASURES if not any(e in held for e in m.events)]


def missing_reason(key: str, held: frozenset[str] | set[str]) -> str | None:
    """Why the headline ``key`` cannot be measured from these data, or None when it can."""
    name = HEADLINE_MEASURE.get(key)
    for measure in unmeasured(held):
        if measure.name == name:
            return measure.missing
    return None
