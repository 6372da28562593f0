"""Pathway frames: stock on a date, the packed arrays, and the data script's safety."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator.eventlog import EventLog
from generator.pathway.frames import (
    daily_stock,
    data_script,
    monthly_stock,
    pack_frames,
    station_stock,
)
from generator.pathway.codec import FORMAT_VERSION, FormatError, decode_frames
from generator.pathway.replay import OFF, build_journeys, day_number
from generator.pathway.process_map import ProcessMap
from generator.pathway.tube_layout import layout

REPO = Path(__file__).resolve().parents[1]

ROWS = [
    # A: contact and referral on one day, assessment, NFA; re-referred in June (cycle 2).
    ("A", "contact", "2020-01-06", "referral"),
    ("A", "referral", "2020-01-06", None),
    ("A", "assessment_start", "2020-01-08", None),
    ("A", "assessment_authorised", "2020-02-10", "nfa"),
    ("A", "contact", "2020-06-01", "referral"),
    ("A", "referral", "2020-06-03", None),
    ("A", "assessment_start", "2020-06-04", None),
    # B: on a CIN plan from March, open at the end of the data.
    ("B", "referral", "2020-02-01", None),
    ("B", "assessment_start", "2020-02-02", None),
    ("B", "cin_plan_start", "2020-03-01", None),
    # C: a contact answered with information and advice.
    ("C", "contact", "2020-03-02", "information_advice"),
    # D: the data's last day.
    ("D", "contact", "2020-12-31", "referral"),
]
CHILDREN = [
    ("A", "2", "2012-05-01", "WBRI", False, "North"),
    ("B", "1", "2019-11-01", "BAFR", True, "South"),
    ("C", "9", None, None, None, None),
    ("D", "1", "2004-01-01", "MWBC", False, "North"),
]


@pytest.fixture(scope="module")
def journeys():
    pmap = ProcessMap.load(REPO / "content" / "maps" / "front_door.yaml")
    events = pd.DataFrame(ROWS, columns=["child_id", "event", "date", "code"])
    children = pd.DataFrame(CHILDREN, columns=["child_id", "sex", "birth_month", "ethnicity", "disability", "la"])
    return build_journeys(EventLog.from_frames(events, children), pmap)


def nonzero(stock: dict) -> dict:
    return {k: v for k, v in stock.items() if v}


def test_stock_on_known_dates(journeys):
    assert nonzero(station_stock(journeys, "2020-01-05")) == {}
    # End of 6 January: A moved contact -> referral that day, so is at referral.
    assert nonzero(station_stock(journeys, "2020-01-06")) == {"referral": 1}
    assert nonzero(station_stock(journeys, "2020-02-10")) == {"nfa_closed": 1, "assessment": 1}
    assert nonzero(station_stock(journeys, "2020-02-17")) == {"assessment": 1}  # A left NFA after 7 days
    assert nonzero(station_stock(journeys, "2020-03-02")) == {"contact": 1, "cin_plan": 1}
    assert nonzero(station_stock(journeys, "2020-03-03")) == {"information_advice": 1, "cin_plan": 1}
    assert nonzero(station_stock(journeys, "2020-12-31")) == {"assessment": 1, "cin_plan": 1, "contact": 1}


def test_daily_stock_agrees_with_station_stock(journeys):
    first, last = day_number("2020-01-01"), day_number("2020-12-31")
    table = daily_stock(journeys, first, last)
    ids = journeys.map.station_ids
    for date in pd.date_range("2020-01-01", "2020-12-31", freq="7D"):
        row = table[day_number(date) - first]
        assert dict(zip(ids, row.tolist())) == station_stock(journeys, date)


def test_monthly_stock_is_the_last_day_of_each_month(journeys):
    table = monthly_stock(journeys, pd.Timestamp("2020-01-01"), pd.Timestamp("2020-12-31"))
    assert list(table["month"])[:3] == ["2020-01", "2020-02", "2020-03"] and len(table) == 12
    march = table[table["month"] == "2020-03"].iloc[0]
    assert march["date"] == "2020-03-31" and march["CIN plan"] == 1 and march["Child and family assessment"] == 0
    june = table[table["month"] == "2020-06"].iloc[0]
    assert june["CIN plan"] == 1 and june["Child and family assessment"] == 1


def test_packed_visits_decode_back_to_the_journeys(journeys):
    tube = layout(journeys.map)
    frames = pack_frames(journeys, tube, pd.Timestamp("2020-01-01"), pd.Timestamp("2020-12-31"))
    decoded = decode_frames(frames)
    expected = journeys.visits
    assert frames["version"] == FORMAT_VERSION
    assert frames["childCount"] == 4 and int(decoded.dot.max()) + 1 == 4
    assert list(decoded.dot) == list(expected["child"])
    assert list(decoded.tick) == list(expected["tick"])
    assert list(np.where(decoded.station < 0, OFF, decoded.station)) == list(expected["station"])
    assert list(decoded.cycle) == list(expected["cycle"])
    assert decoded.stock.shape == (366, len(journeys.map.stations))
    assert (decoded.stock == daily_stock(journeys, decoded.first_day, decoded.last_day)).all()


def test_a_payload_of_another_format_version_is_refused(journeys):
    frames = pack_frames(journeys, layout(journeys.map), pd.Timestamp("2020-01-01"), pd.Timestamp("2020-12-31"))
    with pytest.raises(FormatError, match=f"invalid frames version: {FORMAT_VERSION + 1}"):
        decode_frames({**frames, "version": FORMAT_VERSION + 1})


def test_child_attributes_are_coded(journeys):
    tube = layout(journeys.map)
    frames = pack_frames(journeys, tube, pd.Timestamp("2020-01-01"), pd.Timestamp("2020-12-31"))
    attributes = frames["attributes"]
    children = decode_frames(frames).children
    assert [attributes["sex"][i] for i in children["sex"]] == ["Female", "Male", "Not known", "Male"]
    assert [attributes["ethnicity"][i] for i in children["ethnicity"]] == ["White", "Black", "Not known", "Mixed"]
    assert [attributes["disability"][i] for i in children["disability"]] == ["Not disabled", "Disabled", "Not known",
                                                                             "Not disabled"]
    assert [attributes["la"][i] for i in children["la"]] == ["North", "South", "Not known", "North"]
    birth = children["birth"]
    assert birth[0] + frames["originDay"] == day_number("2012-05-01") and birth[2] == -32768


def test_visits_before_the_period_are_left_out_but_open_ones_kept(journeys):
    tube = layout(journeys.map)
    frames = pack_frames(journeys, tube, pd.Timestamp("2020-07-01"), pd.Timestamp("2020-12-31"))
    # A (at assessment), B (on a CIN plan) and D (contact on the last day); C had left in March.
    assert frames["childCount"] == 3
    assert frames["firstDay"] == day_number("2020-07-01") - frames["originDay"]


def test_data_script_escapes_labels_that_could_end_the_script(journeys):
    frames = {"stations": ["a"], "stationLabels": ["</script><script>alert(1)</script>\u2028&"]}
    text = data_script("map", frames)
    assert "</script>" not in text and "<" not in text and "\u2028" not in text and "&" not in text
    assert text.startswith("window.carejourneysData = window.carejourneysData || {};")
    payload = text.split(" = ", 2)[-1].rstrip(";\n")
    assert json.loads(payload)["stationLabels"] == ["</script><script>alert(1)</script>\u2028&"]


def test_a_visit_costs_about_four_bytes(journeys):
    tube = layout(journeys.map)
    frames = pack_frames(journeys, tube, pd.Timestamp("2020-01-01"), pd.Timestamp("2020-12-31"))
    raw = sum(len(base64.b64decode(v)) for v in frames["visits"].values())
    assert raw == 4 * frames["visitCount"]
