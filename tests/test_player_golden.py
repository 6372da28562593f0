"""The golden JSON the node tests replay: a small EventLog's packed payload and its stock.

tests/js/golden/frames.json holds the format constants (`generator.pathway.codec.FORMAT`), the
payload `pack_frames` writes for a hand-made EventLog, and `station_stock` on dates chosen
where something happens (same-day moves, a plan ending, the period's ends). tests/js/
model.test.js loads codec.js and model.js in node and asserts the model's counts() equal that
stock on every date, so the player's stock invariant is checked without a browser. The file
is committed; regenerate it after a change to the format, the map or the layout with

    CAREJOURNEYS_WRITE_GOLDEN=1 python -m pytest tests/test_player_golden.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from generator.eventlog import EventLog
from generator.pathway.frames import pack_frames, station_stock
from generator.pathway.codec import FORMAT, decode_frames
from generator.pathway.replay import build_journeys, day_number
from generator.pathway.process_map import ProcessMap
from generator.pathway.tube_layout import layout

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "js" / "golden" / "frames.json"
MAP = REPO / "content" / "maps" / "front_door.yaml"
PERIOD = ("2020-01-01", "2020-12-31")

ROWS = [
    # A: contact and referral on one day, assessment, NFA; re-referred in June (cycle 2), open.
    ("A", "contact", "2020-01-06", "referral"), ("A", "referral", "2020-01-06", None),
    ("A", "assessment_start", "2020-01-08", None), ("A", "assessment_authorised", "2020-02-10", "nfa"),
    ("A", "contact", "2020-06-01", "referral"), ("A", "referral", "2020-06-03", None),
    ("A", "assessment_start", "2020-06-04", None),
    # B: on a CIN plan from March, open at the end of the data.
    ("B", "referral", "2020-02-01", None), ("B", "assessment_start", "2020-02-02", None),
    ("B", "cin_plan_start", "2020-03-01", None),
    # C: information and advice. D: a contact on the period's last day.
    ("C", "contact", "2020-03-02", "information_advice"),
    ("D", "contact", "2020-12-31", "referral"),
    # E: on a CIN plan before the period begins; the plan and the case end in May.
    ("E", "referral", "2019-10-01", None), ("E", "assessment_start", "2019-10-03", None),
    ("E", "assessment_authorised", "2019-11-20", "in_need"), ("E", "cin_plan_start", "2019-12-01", None),
    ("E", "cin_plan_end", "2020-05-31", None), ("E", "cin_end", "2020-05-31", "RC7"),
    # F: strategy discussion, s47 and ICPC on a child protection plan that ends after the period.
    ("F", "referral", "2020-03-10", None), ("F", "strategy_discussion", "2020-03-10", None),
    ("F", "s47", "2020-03-11", None), ("F", "icpc", "2020-03-25", "cpp"), ("F", "cpp_start", "2020-03-25", None),
    ("F", "cpp_end", "2021-02-01", None), ("F", "cin_end", "2021-02-01", "RC8"),
    # G: early help. H: looked after from June to November. I: a contact with no further action.
    ("G", "contact", "2020-04-01", "early_help"), ("G", "early_help_assessment_start", "2020-04-15", None),
    ("G", "early_help_assessment_completion", "2020-07-01", None),
    ("H", "referral", "2020-05-05", None), ("H", "assessment_start", "2020-05-08", None),
    ("H", "lac_start", "2020-06-20", None), ("H", "lac_end", "2020-11-30", "E4A"), ("H", "cin_end", "2020-11-30", "RC7"),
    ("I", "contact", "2020-09-09", "nfa"),
    # J: strategy discussion and s47 on one day, then not assessed as in need.
    ("J", "referral", "2020-07-07", None), ("J", "strategy_discussion", "2020-07-09", None),
    ("J", "s47", "2020-07-09", None), ("J", "assessment_authorised", "2020-07-29", "nfa"),
]
CHILDREN = [
    ("A", "2", "2012-05", "WBRI", False, "North"), ("B", "1", "2019-11", "BAFR", True, "South"),
    ("C", "9", None, None, None, None), ("D", "1", "2004-01", "MWBC", False, "North"),
    ("E", "2", "2008-03", "APKN", False, "South"), ("F", "1", "2015-07", "WBRI", False, "North"),
    ("G", "2", "2017-02", "OOTH", False, "North"), ("H", "1", "2006-09", "REFU", True, "South"),
    ("I", "2", "2010-10", "WIRI", False, "North"), ("J", "1", "2003-12", "BCRB", False, "South"),
]
#: Dates where the stock changes in a telling way (same-day moves, plans ending, the edges).
DATES = ["2020-01-01", "2020-01-06", "2020-01-08", "2020-02-10", "2020-03-10", "2020-03-11", "2020-03-25",
         "2020-05-31", "2020-06-20", "2020-07-09", "2020-09-30", "2020-11-30", "2020-12-31"]


def golden() -> dict:
    """The golden record: format constants, the packed payload, and the stock on `DATES`."""
    pmap = ProcessMap.load(MAP)
    events = pd.DataFrame(ROWS, columns=["child_id", "event", "date", "code"])
    children = pd.DataFrame(CHILDREN, columns=["child_id", "sex", "birth_month", "ethnicity", "disability", "la"])
    journeys = build_journeys(EventLog.from_frames(events, children), pmap)
    start, end = (pd.Timestamp(d) for d in PERIOD)
    return {
        "about": "Written by tests/test_player_golden.py; read by tests/js/model.test.js.",
        "format": FORMAT,
        "period": list(PERIOD),
        "payload": pack_frames(journeys, layout(pmap), start, end),
        "stock": {date: station_stock(journeys, date) for date in DATES},
    }


def golden_text() -> str:
    return json.dumps(golden(), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_golden(path: Path = GOLDEN) -> Path:
    """Write the golden JSON to ``path`` (tests/js/golden/frames.json unless told)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(golden_text(), encoding="utf-8")
    return path


def test_the_golden_json_holds_a_payload_whose_stock_changes_on_its_dates(tmp_path):
    written = json.loads(write_golden(tmp_path / "frames.json").read_text(encoding="utf-8"))
    assert written["format"] == FORMAT and written["payload"]["version"] == FORMAT["version"]
    decoded = decode_frames(written["payload"])
    assert int(decoded.dot.max()) + 1 == len(CHILDREN)
    # Each date's stock is what the payload's own daily stock says (one source, two readers)...
    for date, stock in written["stock"].items():
        row = decoded.stock[day_number(date) - decoded.first_day]
        assert dict(zip(decoded.stations, row.tolist())) == stock, date
    # ...and the dates are worth replaying: the stock differs from one to the next.
    stocks = [tuple(s.values()) for s in written["stock"].values()]
    assert len(set(stocks)) == len(stocks)
    assert written["stock"]["2020-01-06"]["referral"] == 1  # A's same-day contact -> referral


REGENERATE = "CAREJOURNEYS_WRITE_GOLDEN=1 python -m pytest tests/test_player_golden.py"


def test_the_committed_golden_json_is_current():
    if os.environ.get("CAREJOURNEYS_WRITE_GOLDEN") == "1":
        write_golden()
    assert GOLDEN.is_file(), f"tests/js/golden/frames.json is missing: run {REGENERATE}"
    assert GOLDEN.read_text(encoding="utf-8") == golden_text(), (
        "tests/js/golden/frames.json is stale (the format, the map, its layout or station_stock changed): "
        f"run {REGENERATE} and commit the file")
