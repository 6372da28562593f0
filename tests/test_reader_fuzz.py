"""Property: whatever bytes arrive, every reader either loads an EventLog or raises our own
InputError (exit 2 with a message), never anything else (a traceback)."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import InputError
from generator.eventlog import EventLog
from generator.ingest import read_sources

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = [
    ("episodes_2017.csv", (FIXTURES / "903" / "episodes_2017.csv").read_bytes()),
    ("header_2017.csv", (FIXTURES / "903" / "header_2017.csv").read_bytes()),
    ("ssda903_2018.xml", (FIXTURES / "903xml" / "ssda903_2018.xml").read_bytes()),
    ("cin_2018.xml", (FIXTURES / "cin" / "cin_2018.xml").read_bytes()),
    ("list_3_referrals.csv", (FIXTURES / "annex_a" / "list_3_referrals.csv").read_bytes()),
    ("events.csv", b"child_id,event,date,code\nA1,referral,2015-01-05,\nA1,assessment_start,2015-01-06,\n"),
]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def load(tmp_path: Path, name: str, data: bytes) -> None:
    folder = tmp_path / "fuzz"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    (folder / name).write_bytes(data)
    try:
        log, _, _ = read_sources([folder])
    except InputError as error:
        assert error.problems and all(p.file for p in error.problems)
        return
    assert isinstance(log, EventLog)


@st.composite
def mutated(draw):
    name, data = draw(st.sampled_from(SEEDS))
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        action = draw(st.sampled_from(["flip", "cut", "insert", "delete", "duplicate"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if action == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif action == "cut":
            data = data[:at]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[at: at + draw(st.integers(1, 20))]
        elif action == "duplicate":
            data[at:at] = data[at: at + draw(st.integers(1, 40))]
    return name, bytes(data)


@FAST
@given(st.sampled_from([name for name, _ in SEEDS] + ["annex_a.xlsx", "data.xml", "events.xlsx", "events.parquet", "list_1.xls"]),
       st.binary(max_size=300))
def test_random_bytes_load_or_raise_input_error(tmp_path, name, data):
    load(tmp_path, name, data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(mutated())
def test_mutated_valid_files_load_or_raise_input_error(tmp_path, case):
    load(tmp_path, *case)


@FAST
@given(st.integers(0, 3), st.binary(max_size=64))
def test_mutated_workbooks_load_or_raise_input_error(tmp_path, where, junk):
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "List 1"
    ws.append(["Child Unique ID", "Date of Contact", "Contact Source"])
    ws.append(["A1", "2015-01-01", "1A"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    data = bytearray(path.read_bytes())
    cut = [len(data), len(data) // 2, 200, 30][where]
    load(tmp_path, "annex_a.xlsx", bytes(data[:cut]) + junk)
