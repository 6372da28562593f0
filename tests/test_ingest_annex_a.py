"""Ofsted Annex A: workbooks as LAs fill them in, per-list CSVs, and templates left empty."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from generator.cli import main
from generator.ingest import read_sources
from generator.ingest.annex_a import strip_prefix

FIXTURES = Path(__file__).parent / "fixtures"
COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]


def workbook(path: Path, sheets: dict[str, list[list]], title: bool = True) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        if title:  # the official template: a title row and a blank row above the header
            ws.append([f"Annex A - {name}"])
            ws.append([])
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


def events_of(log, child):
    rows = log.events[log.events["child_id"] == child]
    return [(r.event, f"{r.date:%Y-%m-%d}", None if str(r.code) == "<NA>" else r.code) for r in rows.itertuples()]


@pytest.mark.parametrize("value, expected", [("a) Male", "Male"), ("a) 1A: Individual", "1A"), ("C2: Full care order", "C2"),
                                             ("E4A: Returned home", "E4A"), ("b) No", "No"), ("WBRI", "WBRI")])
def test_value_prefixes_are_stripped(value, expected):
    assert strip_prefix(value) == expected


def test_a_workbook_as_the_template_has_it_loads_every_list(tmp_path):
    path = workbook(tmp_path / "annex_a.xlsx", {
        "List 1 - Contacts": [COMMON + ["Date of Contact", "Contact Source"],
                              ["A1", "a) Male", "a) WBRI: White British", dt.datetime(2010, 3, 4), 4, dt.datetime(2015, 1, 5), "a) 1A: Individual"],
                              [None] * 7,  # a blank row inside the list
                              [1002, "b) Female", "BAFR", "2012-07-01", 2, 42100, "5A"]],  # a numeric id, an Excel serial date
        "List 2": [COMMON + ["Assessment start date", "Assessment completion date"], ["A1", "a) Male", "WBRI", None, 4, "2014-11-01", "20/11/2014"]],
        "List 3": [["Child Unique ID ", "Gender", "Date of referral", "Referral Source", "Referral NFA?"],  # trailing space
                   ["A1", "a) Male", "05/01/2015", "a) 1A: Individual", "a) Yes"]],
        "List 4": [COMMON + ["Continuous Assessment Start Date", "Continuous Assessment Date of Authorisation",
                             "Was the child assessed as requiring LA children\u2019s social care support?"],  # curly apostrophe
                   ["A1", "a) Male", "WBRI", None, 4, "2015-01-06", "10/02/2015", "b) No"]],
        "List 5": [COMMON + ["Strategy discussion initiating Section 47 Enquiry Start Date",
                             "Date of Initial Child Protection Conference", "Did the ICPC result in a Child Protection Plan"],
                   ["A1", "a) Male", "WBRI", None, 4, "2015-03-01", "2015-03-15", "a) Yes"]],
        "List 6": [COMMON + ["CIN Plan Start Date", "CIN Plan End Date"], ["A1", "a) Male", "WBRI", None, 4, "2015-02-10", None]],
        "List 7": [COMMON + ["Child Protection Plan Start Date", "Initial Category of Abuse", "Child Protection Plan End Date"],
                   ["A1", "a) Male", "WBRI", None, 4, "2015-03-15", "a) NEG: Neglect", "2015-09-01"]],
        "List 8": [COMMON + ["Date Started to be Looked After", "Legal Status", "Date Ceased to be Looked After", "Reason Ceased to be Looked After"],
                   ["A1", "a) Male", "WBRI", None, 4, "2015-10-01", "C1: Interim care order", None, None]],
    })
    log, inputs, _ = read_sources([path])
    assert inputs[0].format == "annex_a"
    assert events_of(log, "1002") == [("contact", "2015-04-06", "5A")]
    assert events_of(log, "A1") == [
        ("early_help_assessment_start", "2014-11-01", None), ("early_help_assessment_completion", "2014-11-20", None),
        ("contact", "2015-01-05", "1A"), ("referral", "2015-01-05", "1A"), ("referral_nfa", "2015-01-05", None),
        ("assessment_start", "2015-01-06", None), ("assessment_authorised", "2015-02-10", "nfa"),
        ("cin_plan_start", "2015-02-10", None), ("strategy_discussion", "2015-03-01", None), ("s47", "2015-03-01", None),
        ("icpc", "2015-03-15", "cpp"), ("cpp_start", "2015-03-15", "NEG"), ("cpp_end", "2015-09-01", None),
        ("lac_start", "2015-10-01", "C1")]
    kids = log.children.set_index("child_id")
    assert kids.loc["A1", "sex"] == "1" and kids.loc["1002", "sex"] == "2"
    assert kids.loc["A1", "ethnicity"] == "WBRI"


def test_per_list_csvs_load_and_join_on_the_child(tmp_path):
    log, inputs, _ = read_sources([FIXTURES / "annex_a"])
    assert {i.format for i in inputs} == {"annex_a"}
    assert events_of(log, "B2") == [("contact", "2015-03-01", "5A"), ("referral", "2015-03-02", "5A"), ("referral_nfa", "2015-03-02", None)]


def test_a_missing_required_column_exits_2_naming_the_sheet(tmp_path, capsys):
    workbook(tmp_path / "annex_a.xlsx", {"List 3": [COMMON + ["Referral Source"], ["A1", "a) Male", "WBRI", None, 4, "1A"]]})
    code = main(["validate", "--data", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "annex_a.xlsx: sheet 'List 3'" in err and "referrals date column" in err and "Traceback" not in err


def test_a_template_with_no_rows_exits_2(tmp_path, capsys):
    workbook(tmp_path / "annex_a.xlsx", {"List 1": [COMMON + ["Date of Contact", "Contact Source"]],
                                         "List 3": [COMMON + ["Date of referral", "Referral Source"]]})
    code = main(["validate", "--data", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "annex_a.xlsx" in err and "no rows" in err


def test_a_renamed_pdf_exits_2(tmp_path, capsys):
    (tmp_path / "annex_a.xlsx").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    code = main(["validate", "--data", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "annex_a.xlsx: is a PDF document" in err


def test_a_sheet_without_a_header_row_exits_2(tmp_path, capsys):
    workbook(tmp_path / "annex_a.xlsx", {"List 1": [["Date of Contact"], ["2015-01-01"]]})
    code = main(["validate", "--data", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "sheet 'List 1'" in err and "no header row" in err


def test_round_trip_of_the_annex_a_writer(tmp_path):
    from generator.export import CARRIES, WRITERS
    from generator.synth.demo import generate_demo

    log = generate_demo(300, 5)
    WRITERS["annex_a"](log, tmp_path)
    back, _, _ = read_sources([tmp_path])
    # Annex A carries a contact's source, not the front door's decision, and dates an NFA at
    # its referral: compare contacts without code and NFAs by child.
    def rows(frame):
        frame = frame[frame["event"].isin(CARRIES["annex_a"])].copy()
        frame.loc[frame["event"] == "contact", "code"] = None
        frame.loc[frame["event"] == "referral_nfa", "date"] = None
        return sorted(map(tuple, frame[["child_id", "event", "date", "code"]].astype(str).replace("<NA>", "None").values))
    assert rows(back.events) == rows(log.events)


def test_an_old_excel_97_workbook_loads(tmp_path):
    # tests/fixtures/annex_a/annex_a_2015.xls was written with xlwt (Excel 97-2003 format):
    # a title row, date cells, prefixed values, as LAs still send them.
    log, inputs, _ = read_sources([FIXTURES / "annex_a" / "annex_a_2015.xls"])
    assert inputs[0].format == "annex_a"
    assert events_of(log, "X1") == [("contact", "2015-01-05", "1A"), ("referral", "2015-01-05", "1A")]
    assert log.children.set_index("child_id").loc["X1", "sex"] == "1"
