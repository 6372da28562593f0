"""Journeys over the default front-door map, on hand-made children with known answers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from generator.eventlog import EventLog
from generator.pathway.replay import OPEN, TICKS_PER_DAY, build_journeys, day_number
from tests.helpers import stations_of
from generator.pathway.process_map import ProcessMap

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def front_door() -> ProcessMap:
    return ProcessMap.load(REPO / "content" / "maps" / "front_door.yaml")


def journeys_of(pmap, rows, last_day="2020-12-31"):
    """Journeys of (child, event, date[, code]) rows; a far-off child sets the data's last day."""
    rows = list(rows) + [("ZZ-end", "contact", last_day, "referral")]
    events = pd.DataFrame([(r[0], r[1], r[2], r[3] if len(r) > 3 else None) for r in rows],
                          columns=["child_id", "event", "date", "code"])
    return build_journeys(EventLog.from_frames(events), pmap)


def test_a_same_day_transition_is_two_moves_within_the_day(front_door):
    j = journeys_of(front_door, [
        ("A", "contact", "2020-01-06", "referral"),
        ("A", "referral", "2020-01-06"),
        ("A", "assessment_start", "2020-01-10"),
    ])
    names, visits = stations_of(j, "A")
    assert names == ["contact", "referral", "assessment"]
    day = day_number("2020-01-06")
    # The contact half a day before the referral; the referral at the end of its day.
    assert list(visits["tick"][:2]) == [day * TICKS_PER_DAY - TICKS_PER_DAY // 2, day * TICKS_PER_DAY]
    assert visits["end_tick"][0] == visits["tick"][1] > visits["tick"][0]


def test_three_moves_on_one_day_keep_vocabulary_order(front_door):
    j = journeys_of(front_door, [
        ("A", "assessment_start", "2020-01-06"),  # listed first, happens after the referral
        ("A", "contact", "2020-01-06", "referral"),
        ("A", "referral", "2020-01-06"),
    ])
    names, visits = stations_of(j, "A")
    assert names == ["contact", "referral", "assessment"]
    assert visits["tick"].is_monotonic_increasing and visits["tick"].is_unique


def test_a_rereferral_starts_cycle_two_with_the_contact_that_led_to_it(front_door):
    j = journeys_of(front_door, [
        ("B", "contact", "2020-01-06", "referral"),
        ("B", "referral", "2020-01-07"),
        ("B", "assessment_start", "2020-01-08"),
        ("B", "assessment_authorised", "2020-02-10", "nfa"),
        ("B", "contact", "2020-06-01", "referral"),
        ("B", "referral", "2020-06-03"),
        ("B", "assessment_start", "2020-06-04"),
    ])
    names, visits = stations_of(j, "B")
    assert names == ["contact", "referral", "assessment", "nfa_closed", "off",
                     "contact", "referral", "assessment"]
    assert list(visits["cycle"]) == [1, 1, 1, 1, 1, 2, 2, 2]
    # NFA shows for exit_linger_days, then the child leaves the map.
    assert visits["day"][4] - visits["day"][3] == front_door.exit_linger_days


def test_a_child_open_at_the_end_stays_at_their_station(front_door):
    j = journeys_of(front_door, [
        ("C", "contact", "2020-12-01", "referral"),
        ("C", "referral", "2020-12-01"),
        ("C", "assessment_start", "2020-12-02"),
    ])
    names, visits = stations_of(j, "C")
    assert names[-1] == "assessment"
    assert visits["end_tick"].iloc[-1] == OPEN


def test_moves_after_the_end_of_the_data_do_not_happen(front_door):
    # NFA on the last day: still there at the end (the linger would end after the data).
    j = journeys_of(front_door, [("D", "referral", "2020-12-30"), ("D", "referral_nfa", "2020-12-30")])
    names, visits = stations_of(j, "D")
    assert names == ["referral", "nfa_closed"] and visits["end_tick"].iloc[-1] == OPEN


def test_a_contacts_recorded_outcome_moves_the_child_the_next_day(front_door):
    j = journeys_of(front_door, [("E", "contact", "2020-03-02", "information_advice")])
    names, visits = stations_of(j, "E")
    assert names == ["contact", "information_advice", "off"]
    assert list(visits["day"] - visits["day"][0]) == [0, 1, 1 + front_door.exit_linger_days]


def test_a_contact_without_outcome_times_out_to_information_and_advice(front_door):
    j = journeys_of(front_door, [("F", "contact", "2020-03-02")])
    names, visits = stations_of(j, "F")
    assert names == ["contact", "information_advice", "off"]
    assert visits["day"][1] - visits["day"][0] == 5


def test_a_referral_within_the_timeout_wins(front_door):
    j = journeys_of(front_door, [("G", "contact", "2020-03-02"), ("G", "referral", "2020-03-07")])
    assert stations_of(j, "G")[0] == ["contact", "referral"]


def test_step_down_from_cp_plan_to_cin_plan_on_one_day(front_door):
    j = journeys_of(front_door, [
        ("H", "referral", "2020-01-01"),
        ("H", "cpp_start", "2020-02-01"),
        ("H", "cpp_end", "2020-08-01"),
        ("H", "cin_plan_start", "2020-08-01"),  # happens first within the day
    ])
    names, _ = stations_of(j, "H")
    assert names == ["referral", "cp_plan", "cin_plan"]
    assert not [f for f in j.findings if "out of order" in f.check]


def test_an_ending_event_without_its_start_is_a_finding_not_a_move(front_door):
    j = journeys_of(front_door, [("I", "referral", "2020-01-01"), ("I", "cpp_end", "2020-02-01")])
    assert stations_of(j, "I")[0] == ["referral"]
    (finding,) = [f for f in j.findings if "out of order" in f.check]
    assert finding.count == 1 and finding.severity == "warning"
    assert finding.examples == ["I cpp_end 2020-02-01"]


def test_an_unknown_event_is_a_finding(front_door):
    j = journeys_of(front_door, [("J", "referral", "2020-01-01"), ("J", "home_visit", "2020-01-02")])
    (finding,) = [f for f in j.findings if "does not place" in f.check]
    assert finding.count == 1 and "home_visit" in finding.examples[0]


def test_a_child_is_not_closed_twice(front_door):
    j = journeys_of(front_door, [
        ("K", "referral", "2020-01-01"),
        ("K", "assessment_start", "2020-01-02"),
        ("K", "assessment_authorised", "2020-02-01", "nfa"),
        ("K", "cin_end", "2020-02-01", "RC8"),
    ])
    names, _ = stations_of(j, "K")
    assert names.count("nfa_closed") == 1


def test_a_journey_starting_mid_map_is_kept_and_reported(front_door):
    j = journeys_of(front_door, [("L", "lac_start", "2020-01-01")])
    assert stations_of(j, "L")[0] == ["looked_after"]
    (finding,) = [f for f in j.findings if "mid-map" in f.check]
    assert finding.action.startswith("kept")


def test_early_help_completion_leaves_the_map_not_through_nfa(front_door):
    j = journeys_of(front_door, [
        ("M", "contact", "2020-01-01", "early_help"),
        ("M", "early_help_assessment_start", "2020-01-20"),
        ("M", "early_help_assessment_completion", "2020-04-01"),
    ])
    names, _ = stations_of(j, "M")
    assert names == ["contact", "early_help", "off"]
