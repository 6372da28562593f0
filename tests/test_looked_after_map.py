"""The looked-after map: 903 journeys with known answers, and the page's automatic choice of map."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from generator.cli import main
from generator.eventlog import VOCABULARY, EventLog
from generator.pathway.frames import station_stock
from generator.ingest import read_sources
from generator.pathway.replay import OPEN, build_journeys
from generator.pathway.process_map import ProcessMap
from generator.page_options import FRONT_DOOR_MAP, LOOKED_AFTER_MAP
from generator.pages.pathway_map import default_map
from tests.helpers import stations_of

REPO = Path(__file__).resolve().parents[1]
MAP = REPO / "content" / "maps" / "looked_after.yaml"
EXITS = ["home", "child_arrangements", "special_guardianship", "adopted", "independent_living",
         "eighteen_plus", "other"]


@pytest.fixture(scope="module")
def looked_after() -> ProcessMap:
    return ProcessMap.load(MAP)


def log_of(rows, last_day="2018-03-31") -> EventLog:
    """An EventLog of (child, event, date[, code]) rows; a far-off child sets the last day."""
    rows = list(rows) + [("ZZ-end", "lac_start", last_day, "V2")]
    events = pd.DataFrame([(r[0], r[1], r[2], r[3] if len(r) > 3 else None) for r in rows],
                          columns=["child_id", "event", "date", "code"])
    return EventLog.from_frames(events)


def test_the_map_validates_with_the_issues_stations_and_areas(looked_after):
    assert looked_after.title == "Children looked after"
    assert {a.label for a in looked_after.areas} == {"Entering care", "Legal status", "Leaving care"}
    ids = set(looked_after.station_ids)
    assert {"s20", "police_protection", "interim_care_order", "remand", "care_order", "placement_order",
            "placed_for_adoption"} <= ids
    assert set(EXITS) <= ids
    assert all(looked_after.station(e).kind == "exit" for e in EXITS)
    assert set(looked_after.events) == set(VOCABULARY)
    assert looked_after.cycle_starts_at == "lac_start"


@pytest.mark.parametrize("code, station", [
    ("V2", "s20"), ("V3", "short_breaks"), ("V4", "short_breaks"), ("L1", "police_protection"),
    ("L2", "police_protection"), ("L3", "police_protection"), ("C1", "interim_care_order"),
    ("C2", "care_order"), ("E1", "placement_order"), ("D1", "placement_order"), ("J1", "remand"),
    ("J2", "remand"), ("J3", "remand"), ("ZZ", "s20"),
])
def test_a_period_of_care_enters_by_its_legal_status(looked_after, code, station):
    j = build_journeys(log_of([("A", "lac_start", "2017-01-05", code)]), looked_after)
    assert stations_of(j, "A")[0] == [station]
    assert j.findings == []  # every station a period can start at is an entry


@pytest.mark.parametrize("code, exit_station", [
    ("E4A", "home"), ("E4B", "home"), ("E13", "home"), ("E41", "child_arrangements"),
    ("E43", "special_guardianship"), ("E45", "special_guardianship"), ("E48", "special_guardianship"),
    ("E11", "adopted"), ("E12", "adopted"), ("E5", "independent_living"), ("E6", "independent_living"),
    ("E7", "eighteen_plus"), ("E15", "eighteen_plus"), ("E17", "eighteen_plus"), ("E2", "other"),
    ("E3", "other"), ("E8", "other"), ("E9", "other"), ("E14", "other"), ("E16", "other"), ("E99", "other"),
])
def test_a_period_of_care_leaves_by_its_reason_episode_ceased(looked_after, code, exit_station):
    j = build_journeys(log_of([("A", "lac_start", "2017-01-05", "V2"), ("A", "lac_end", "2017-06-01", code)]),
                       looked_after)
    names, visits = stations_of(j, "A")
    assert names == ["s20", exit_station, "off"]
    assert visits["day"][2] - visits["day"][1] == looked_after.exit_linger_days


def test_section_20_to_care_order_to_adoption(looked_after):
    j = build_journeys(log_of([
        ("A", "lac_start", "2015-01-05", "V2"),
        ("A", "placement", "2015-01-05", "U4"),  # foster care: no move
        ("A", "legal_status", "2015-03-01", "C1"),
        ("A", "missing_start", "2015-05-01", "M"),  # missing episodes: no move
        ("A", "missing_end", "2015-05-03"),
        ("A", "legal_status", "2015-09-01", "C2"),
        ("A", "legal_status", "2016-01-10", "E1"),
        ("A", "placement", "2016-03-01", "A5"),
        ("A", "lac_end", "2016-10-01", "E11"),
    ]), looked_after)
    names, visits = stations_of(j, "A")
    assert names == ["s20", "interim_care_order", "care_order", "placement_order", "placed_for_adoption",
                     "adopted", "off"]
    assert [f"{pd.Timestamp('1970-01-01') + pd.Timedelta(days=int(d)):%Y-%m-%d}" for d in visits["day"][:6]] == [
        "2015-01-05", "2015-03-01", "2015-09-01", "2016-01-10", "2016-03-01", "2016-10-01"]
    assert set(visits["cycle"]) == {1}
    assert j.findings == []
    assert station_stock(j, "2016-05-01")["placed_for_adoption"] == 1
    assert station_stock(j, "2016-10-15")["adopted"] == 1


def test_police_protection_then_section_20_then_home(looked_after):
    j = build_journeys(log_of([
        ("B", "lac_start", "2016-02-01", "L1"),
        ("B", "legal_status", "2016-02-04", "V2"),
        ("B", "lac_end", "2016-04-20", "E4A"),
    ]), looked_after)
    assert stations_of(j, "B")[0] == ["police_protection", "s20", "home", "off"]


def test_a_child_coming_back_into_care_starts_a_second_cycle(looked_after):
    j = build_journeys(log_of([
        ("D", "lac_start", "2015-02-01", "V2"),
        ("D", "lac_end", "2015-04-20", "E4A"),
        ("D", "lac_start", "2016-01-10", "C1"),
    ]), looked_after)
    names, visits = stations_of(j, "D")
    assert names == ["s20", "home", "off", "interim_care_order"]
    assert list(visits["cycle"]) == [1, 1, 1, 2]


def test_a_child_still_in_care_at_the_end_stays_at_their_station(looked_after):
    j = build_journeys(log_of([
        ("C", "lac_start", "2017-11-01", "L2"),
        ("C", "legal_status", "2017-11-08", "C1"),
    ], last_day="2018-03-31"), looked_after)
    names, visits = stations_of(j, "C")
    assert names == ["police_protection", "interim_care_order"]
    assert visits["end_tick"].iloc[-1] == OPEN
    assert station_stock(j, "2018-03-31")["interim_care_order"] == 1


def test_the_903_reader_and_the_map_agree_on_a_hand_made_return(tmp_path, looked_after):
    (tmp_path / "header_2018.csv").write_text(
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nK1,2,01/06/2014,WBRI,,,\nK2,1,01/02/2003,WBRI,,,\n")
    (tmp_path / "episodes_2018.csv").write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
        "K1,05/01/2015,S,V2,N1,U4,PR1,01/03/2015,X1,,,,\n"
        "K1,01/03/2015,L,C1,N1,U4,PR1,01/09/2015,X1,,,,\n"
        "K1,01/09/2015,L,C2,N1,U4,PR1,10/01/2016,X1,,,,\n"
        "K1,10/01/2016,L,E1,N1,U4,PR1,01/03/2016,X1,,,,\n"
        "K1,01/03/2016,P,E1,N1,A5,PR1,01/10/2016,E11,,,,\n"
        "K2,01/02/2017,S,J1,N1,K2,PR1,15/03/2017,E14,,,,\n"
        "K2,20/11/2017,S,V2,N1,U1,PR1,,,,,,\n")
    log = read_sources([tmp_path])[0]
    assert default_map(log) == LOOKED_AFTER_MAP
    j = build_journeys(log, looked_after)
    assert stations_of(j, "K1")[0] == ["s20", "interim_care_order", "care_order", "placement_order",
                                       "placed_for_adoption", "adopted", "off"]
    names, visits = stations_of(j, "K2")
    assert names == ["remand", "other", "off", "s20"] and list(visits["cycle"]) == [1, 1, 1, 2]
    assert j.findings == []


def test_the_page_chooses_the_looked_after_map_for_903_data_alone():
    assert default_map(read_sources([REPO / "data" / "903"])[0]) == LOOKED_AFTER_MAP
    assert default_map(read_sources([REPO / "data" / "demo"])[0]) == FRONT_DOOR_MAP
    # Front-door events alongside periods of care: the front-door map (it has a looked-after station).
    assert default_map(log_of([("A", "referral", "2017-01-01"), ("A", "lac_start", "2017-03-01", "C1")])) \
        == FRONT_DOOR_MAP
    # Nothing to draw of care either: the front door stays the default.
    assert default_map(log_of([("A", "referral", "2017-01-01")])) == FRONT_DOOR_MAP


def test_building_the_903_example_draws_the_looked_after_map(tmp_path):
    assert main(["build", "--data", str(REPO / "data" / "903"), "--out", str(tmp_path / "build"), "-q"]) == 0
    html = (tmp_path / "build" / "pathway.html").read_text(encoding="utf-8")
    for label in ("Children looked after", "Interim care order", "Placement order", "Special", "guardianship",
                  "Leaving care"):
        assert label in html, label
    assert "Child and family assessment" not in html


def test_an_explicit_map_always_wins(tmp_path):
    report = tmp_path / "report.yaml"
    report.write_text(f"""title: Explicit map
sources: [{{path: {REPO / "data" / "903"}}}]
pages:
  - {{kind: overview, slug: index, title: Overview}}
  - {{kind: pathway_map, slug: pathway, title: Pathway, map: {FRONT_DOOR_MAP}}}
""", encoding="utf-8")
    assert main(["build", str(report), "--out", str(tmp_path / "build"), "-q"]) == 0
    html = (tmp_path / "build" / "pathway.html").read_text(encoding="utf-8")
    assert "Child and family assessment" in html and "Interim care order" not in html


def test_a_page_without_map_asks_for_the_map_its_data_calls_for():
    from generator.analyses.period import Period
    from generator.pages.base import Plan
    from generator.page_options import PathwayMapOptions
    from generator.pages.pathway_map import PathwayMapPage

    period = Period.of("2014-04-01", "2018-03-31")
    unset = PathwayMapOptions(kind="pathway_map", slug="p", title="P")
    plan = Plan(report=None, log=read_sources([REPO / "data" / "903"])[0], period=period, report_dir=Path("."), public=True)
    PathwayMapPage().prepare(unset, plan)
    assert sorted(Path(file).name + ":" + whose for file, whose in plan.replays) == [
        "looked_after.yaml:real", "looked_after.yaml:twins"]
    assert [Path(file).name for file in plan.animated] == ["looked_after.yaml"]


def test_the_looked_after_map_names_its_cycles_periods_of_care(tmp_path):
    from generator.pathway.process_map import ProcessMap
    from generator.resources import resource_dir

    content = resource_dir("content") / "maps"
    assert ProcessMap.load(content / "looked_after.yaml").cycle_label == "Periods of care"
    assert ProcessMap.load(content / "front_door.yaml").cycle_label == "Times through the front door"
