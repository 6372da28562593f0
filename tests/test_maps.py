"""Process maps: the default map is whole, and a wrong map is one clear InputError."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from generator.errors import InputError
from generator.eventlog import VOCABULARY
from generator.pathway.process_map import ProcessMap
from generator.pathway.tube_layout import layout, octilinear, wrap_label

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MAP = REPO / "content" / "maps" / "front_door.yaml"


def small_map() -> dict:
    events = {event: "stay" for event in VOCABULARY}
    events.update({"contact": "contact", "referral": "referral", "cin_end": "closed"})
    return {
        "stations": [
            {"id": "contact", "label": "Contact", "at": [0, 0], "kind": "entry"},
            {"id": "referral", "label": "Referral", "at": [2, 0]},
            {"id": "closed", "label": "Closed", "at": [4, 1], "kind": "exit"},
        ],
        "lines": [{"name": "Main", "colour": "#112233", "stations": ["contact", "referral", "closed"]}],
        "events": events,
    }


def problems_of(data: dict) -> list:
    with pytest.raises(InputError) as caught:
        ProcessMap.from_dict(data, file="maps/broken.yaml")
    return caught.value.problems


def test_default_map_has_the_seed_reports_stations():
    pmap = ProcessMap.load(DEFAULT_MAP)
    labels = {s.id: s.label for s in pmap.stations}
    for station in ("contact", "information_advice", "early_help", "referral", "assessment", "strategy",
                    "section47", "icpc", "cin_plan", "cp_plan", "looked_after", "nfa_closed", "other"):
        assert station in labels
    assert {a.label for a in pmap.areas} == {"Front door team", "District teams"}
    assert set(pmap.events) == set(VOCABULARY)


def test_a_small_valid_map_loads():
    pmap = ProcessMap.from_dict(small_map())
    assert pmap.station_ids == ["contact", "referral", "closed"]
    assert pmap.events["contact"].target(None) == "contact"


def test_unknown_station_in_a_line_names_the_key_path_and_the_fix():
    data = small_map()
    data["lines"][0]["stations"][1] = "refferal"
    problems = problems_of(data)
    where = {p.where: p for p in problems}
    assert "lines[0].stations[1]" in where
    problem = where["lines[0].stations[1]"]
    assert problem.file == "maps/broken.yaml"
    assert "unknown station 'refferal'" in problem.message and "referral" in problem.message
    assert problem.fix


def test_an_event_mapped_nowhere_is_an_error_listing_it():
    data = small_map()
    del data["events"]["s47"]
    del data["events"]["icpc"]
    (problem,) = [p for p in problems_of(data) if p.where == "events"]
    assert "s47" in problem.message and "icpc" in problem.message
    assert "stay" in problem.fix


def test_overlapping_stations_are_an_error():
    data = small_map()
    data["stations"][1]["at"] = [0.5, 0]
    (problem,) = problems_of(data)
    assert problem.where == "stations[1].at"
    assert "overlaps station 'contact'" in problem.message


def test_every_problem_is_reported_at_once():
    data = small_map()
    data["lines"][0]["stations"].append("nowhere")
    data["events"]["referral"] = "refer"
    data["events"]["not_an_event"] = "contact"
    data["lines"][0]["colour"] = "blue"
    problems = problems_of(data)
    # The schema error (colour) stops before the cross-checks: fix it, then see the rest.
    assert [p.where for p in problems] == ["lines[0].colour"]
    data["lines"][0]["colour"] = "#0000ff"
    wheres = {p.where for p in problems_of(data)}
    assert {"lines[0].stations[3]", "events.referral.to", "events.not_an_event"} <= wheres


def test_schema_errors_name_the_key_path():
    data = small_map()
    del data["lines"]
    data["stations"][0]["kind"] = "start"
    wheres = {p.where: p.message for p in problems_of(data)}
    assert "lines" in wheres and "missing" in wheres["lines"]
    assert "stations[0].kind" in wheres


def test_unreached_station_and_station_on_no_line():
    data = small_map()
    data["stations"].append({"id": "orphan", "label": "Orphan", "at": [9, 9]})
    messages = [p.message for p in problems_of(data)]
    assert any("'orphan' is on no line" in m for m in messages)
    assert any("no event puts a child at station 'orphan'" in m for m in messages)


def test_a_bend_between_stations_that_are_not_neighbours():
    data = small_map()
    data["lines"][0]["bends"] = [{"between": ["contact", "closed"], "via": [[1, 1]]}]
    (problem,) = problems_of(data)
    assert problem.where == "lines[0].bends[0].between"


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "map.yaml"
    path.write_text("stations:\n  - id: a\n   label: [oops\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        ProcessMap.load(path)
    (problem,) = caught.value.problems
    assert problem.file == str(path) and problem.where.startswith("line ")


def test_missing_map_file_says_which_setting_to_fix(tmp_path):
    with pytest.raises(InputError) as caught:
        ProcessMap.load(tmp_path / "nope.yaml")
    assert "map:" in caught.value.problems[0].fix


def test_octilinear_routes_are_straight_or_45_degrees():
    assert octilinear((0, 0), (3, 0)) == [(0, 0), (3, 0)]
    assert octilinear((0, 0), (2, 2)) == [(0, 0), (2, 2)]
    assert octilinear((0, 0), (4, 1)) == [(0, 0), (3, 0), (4, 1)]
    assert octilinear((0, 0), (1, -3)) == [(0, 0), (0, -2), (1, -3)]


def test_layout_of_the_default_map():
    pmap = ProcessMap.load(DEFAULT_MAP)
    tube = layout(pmap)
    by_id = {s.id: s for s in tube.stations}
    assert by_id["contact"].interchange and not by_id["icpc"].interchange
    assert by_id["icpc"].tick is not None
    # Every pair of stations has a route; a dot's route starts and ends at its stations.
    n = len(pmap.stations)
    assert len(tube.routes) == n * n
    a, b = pmap.index_of("referral"), pmap.index_of("cp_plan")
    route = tube.routes[(a, b)]
    assert route[0] == pytest.approx((by_id["referral"].x, by_id["referral"].y), abs=0.1)
    assert route[-1] == pytest.approx((by_id["cp_plan"].x, by_id["cp_plan"].y), abs=0.1)
    # Line paths only use straight runs, 45-degree runs and rounded (quadratic) corners.
    for line in tube.lines:
        assert line.d.startswith("M") and set(line.d) & set("LQ")


def test_labels_wrap_at_spaces():
    assert wrap_label("Child and family assessment") == ["Child and family", "assessment"]
    assert wrap_label("ICPC") == ["ICPC"]


def test_map_labels_are_data_not_markup():
    data = copy.deepcopy(small_map())
    data["stations"][0]["label"] = "</script><script>alert(1)</script>"
    pmap = ProcessMap.from_dict(data)
    assert layout(pmap).stations[0].label_lines == ["</script><script>alert(1)</script>"]


#: The events a CIN census gives (no contacts, early help, strategy discussions or care).
CIN_EVENTS = {"referral", "referral_nfa", "cin_start", "assessment_start", "assessment_authorised", "s47", "icpc",
              "cin_plan_start", "cin_plan_end", "cpp_start", "cpp_end", "cpp_review", "cin_end"}


def test_stations_no_event_of_the_data_reaches_are_the_ones_it_cannot_measure():
    pmap = ProcessMap.load(DEFAULT_MAP)
    reached = pmap.stations_reached_by(CIN_EVENTS)
    # Early help is reached only by a CIN closure's RC9 (a code of the 2023 census on).
    assert set(pmap.station_ids) - reached == {"contact", "information_advice", "strategy", "looked_after"}
    codes = {"cin_end": {"RC4", "RC5", "RC7", "RC8"}, "assessment_authorised": {"nfa", "in_need"}}
    assert set(pmap.station_ids) - pmap.stations_reached_by(CIN_EVENTS, codes) == {
        "contact", "information_advice", "early_help", "strategy", "looked_after"}
    # A contact reaches information and advice by its time limit, with no event of its own.
    assert {"contact", "information_advice"} <= pmap.stations_reached_by({"contact"})
