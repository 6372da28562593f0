"""The headline figures (metrics.json), defined once: key, label, kind, definition.

The overview's tiles and rates, the fidelity page's figure names and README's metrics
section all read from here; a test fails when a figure the build writes is not defined here,
or a definition here is not in README. The computation is in `generator.analyses.headline`
and `generator.analyses.front_door_metrics`.

Kinds, and how the privacy stage treats each (`generator.privacy.Privacy.metrics`):

* ``count``: a number of children, events or cases; 1 to 5 is shown as "c".
* ``rate``: ``<key>_pct`` with its numerator ``<key>_n`` and denominator ``<key>_d`` (and,
  for a junction, ``<key>_pending``: cases whose window is still open); hidden with a hidden
  count, or when it rests on fewer than 3 events.
* ``median``: a median of working days; hidden when its cases number 1 to 5.
* ``basis``: words naming the definition a figure uses.
* ``change``: the events page's model of a change around an annotation (per annotation and
  measure: ``event<i>_<measure>_level_change`` and the keys beside it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class MetricDefinition:
    """One headline figure."""

    key: str
    label: str
    kind: str
    definition: str


def _m(key: str, label: str, kind: str, definition: str) -> MetricDefinition:
    return MetricDefinition(key, label, kind, definition)


#: Every headline figure, in the order the overview and the fidelity page show them.
METRICS: tuple[MetricDefinition, ...] = (
    _m("children", "Children", "count", "children with any recorded event in the period"),
    _m("events", "Events", "count", "events in the period"),
    _m("contacts", "Contacts", "count", "contacts with the front door"),
    _m("referrals", "Referrals", "count", "referrals to children's social care"),
    _m("assessments", "Assessments", "count", "child and family assessments started"),
    _m("s47", "Section 47 enquiries", "count", "child protection enquiries started"),
    _m("icpc", "Initial child protection conferences", "count", "conferences held"),
    _m("cpp_starts", "Child protection plans", "count", "plans started"),
    _m("lac_starts", "Started to be looked after", "count", "periods of care started"),
    _m("lac_ends", "Ceased to be looked after", "count", "periods of care ended"),
    _m("lac_open_end", "Looked after at the end", "count", "children in care on the period's last day"),
    _m("rereferral_12m", "Re-referrals within 12 months", "rate",
       "of referrals with a year of data before them had a previous referral in the 365 days before (DfE definition)"),
    _m("rereferral_36m", "Re-referrals within 36 months", "rate",
       "of referrals with three years of data before them had a previous referral in the 1,095 days before"),
    _m("rereferral_12m_cumulative", "Referred again within 12 months of a referral", "rate",
       "of referrals were followed by another within 365 days (1 - Kaplan-Meier)"),
    _m("rereferral_36m_cumulative", "Referred again within 36 months of a referral", "rate",
       "of referrals were followed by another within 1,095 days (1 - Kaplan-Meier)"),
    _m("assessment_nfa", "Assessments ending in no further action", "rate",
       "of authorised assessments found the child not in need"),
    _m("assessment_nfa_prev0", "No further action after assessment, no previous referral", "rate",
       "of authorised assessments of children with no previous referral ended in no further action"),
    _m("assessment_nfa_prev1", "No further action after assessment, 1 previous referral", "rate",
       "of authorised assessments of children with one previous referral ended in no further action"),
    _m("assessment_nfa_prev2", "No further action after assessment, 2 previous referrals", "rate",
       "of authorised assessments of children with two previous referrals ended in no further action"),
    _m("assessment_nfa_prev3plus", "No further action after assessment, 3 or more previous referrals", "rate",
       "of authorised assessments of children with three or more previous referrals ended in no further action"),
    _m("referral_to_assessment", "Referrals going on to assessment", "rate", "of referrals whose next step is known"),
    _m("assessment_to_strategy", "Assessments going on to a strategy discussion", "rate",
       "of authorised assessments whose next step is known"),
    _m("strategy_to_s47", "Strategy discussions going on to a section 47 enquiry", "rate",
       "of strategy discussions whose next step is known"),
    _m("s47_to_icpc", "Section 47 enquiries going on to a conference", "rate",
       "of section 47 enquiries whose next step is known"),
    _m("s47_without_plan", "Section 47 enquiries ending without a plan", "rate",
       "of section 47 enquiries whose outcome is known"),
    _m("icpc_to_plan", "Conferences making a child protection plan", "rate", "of initial conferences"),
    _m("assessment_within_45wd", "Assessments within 45 working days", "rate",
       "of completed assessments were authorised within 45 working days of their start (DfE basis)"),
    _m("assessment_linked_within_45wd", "Assessments linked to a referral, within 45 working days", "rate",
       "of assessments linked to a referral were authorised within 45 working days of their start"),
    _m("icpc_within_15wd", "Conferences within 15 working days", "rate",
       "of initial conferences were held within 15 working days of the section 47 start (DfE basis)"),
    _m("icpc_from_strategy_within_15wd", "Conferences within 15 working days of the strategy discussion", "rate",
       "of initial conferences were held within 15 working days of the strategy discussion"),
    _m("assessment_median_working_days", "Median assessment (working days)", "median",
       "working days from an assessment's start to its authorisation, median (DfE basis)"),
    _m("assessment_linked_median_working_days", "Median assessment linked to a referral (working days)", "median",
       "working days from start to authorisation of assessments linked to a referral, median"),
    _m("icpc_median_working_days", "Median wait for a conference (working days)", "median",
       "working days from the section 47 start to the initial conference, median (DfE basis)"),
    _m("icpc_from_strategy_median_working_days", "Median wait for a conference from the strategy discussion (working days)",
       "median", "working days from the strategy discussion to the initial conference, median"),
    _m("assessment_timeliness_basis", "Basis of assessment timeliness", "basis", "the definition the assessment figures use"),
    _m("icpc_timeliness_basis", "Basis of conference timeliness", "basis", "the definition the conference figures use"),
    _m("open_early_help_at_end", "Early help assessments open at the end", "count", "open at the end of the period's last day"),
    _m("open_assessment_at_end", "Assessments open at the end", "count", "open at the end of the period's last day"),
    _m("open_cin_plan_at_end", "Child in need plans open at the end", "count", "open at the end of the period's last day"),
    _m("open_cp_plan_at_end", "Child protection plans open at the end", "count", "open at the end of the period's last day"),
)

BY_KEY: dict[str, MetricDefinition] = {m.key: m for m in METRICS}

#: metrics.json's other keys: the period, and the events page's figures around each annotation.
PERIOD_KEYS = ("period_start", "period_end")
_RATE_PART = re.compile(r"^(?P<key>.+)_(?P<part>pct|n|d|pending|missing)$")
_CHANGE = re.compile(r"^event\d+_(?P<measure>[a-z0-9_]+?)_(level_change|level_low|level_high|level_ratio|level_ratio_low|"
                     r"level_ratio_high|placebo_pct)$")


def definition_of(key: str) -> MetricDefinition | None:
    """The definition behind a metrics.json key (``rereferral_12m_n`` -> ``rereferral_12m``),
    or None for a key nobody defined."""
    if key in BY_KEY:
        return BY_KEY[key]
    rate = _RATE_PART.match(key)
    if rate and rate["key"] in BY_KEY and (BY_KEY[rate["key"]].kind == "rate" or rate["part"] == "missing"):
        return BY_KEY[rate["key"]]  # `<key>_missing`: why these data cannot give the figure
    change = _CHANGE.match(key)
    if change:
        return MetricDefinition(key, f"Change around an event: {change['measure'].replace('_', ' ')}", "change",
                                "the events page's model of the change just after the annotation")
    return None


#: What each part of a rate is, after the rate's name ("_pct" is the rate itself).
_PART_WORDS = {"pct": " (%)", "n": ": cases counted", "d": ": cases whose next step is known",
               "pending": ": cases still pending (window open at the end)", "missing": ": why not available"}


def label_of(key: str) -> str:
    """What a metrics.json key is called on a page: the rate's name with "(%)" after a rate,
    and with what the part counts after its other parts (``_pending`` is not the rate)."""
    found = definition_of(key)
    if found is None:
        return key
    part = _RATE_PART.match(key)
    if part and key != found.key:
        return found.label + _PART_WORDS[part["part"]]
    return found.label
