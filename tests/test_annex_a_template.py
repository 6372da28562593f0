"""Annex A as Ofsted publishes it: every list of the 2019-onward template read or knowingly
skipped with a note, the title and guidance sheets left aside, and lists 6-9 read into the
dated practice events (visits, reviews) and the children's attributes.

Column headings are the template's own wording (lists 6-11 as in Ofsted's 2019 template)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from openpyxl import load_workbook

from generator.cli import main
from generator.ingest import read_sources
from tests.test_ingest_annex_a import COMMON, events_of, workbook
import pytest

#: Whole builds or whole-demo fits: run by the README's test command, not by plain `pytest`.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
D = dt.datetime
DIS = ["Does the Child have a Disability"]

LIST_6 = COMMON + DIS + ["CIN Start Date", "Primary Need Code", "Date Child Was Last Seen", "CIN Closure Date",
                         "Reason for Closure", "Case Status", "Allocated Team", "Allocated Worker"]
LIST_7 = COMMON + DIS + ["Child Protection Plan Start Date", "Initial Category of Abuse", "Latest Category of Abuse",
                         "Date of the Last Statutory Visit", "Was the Child Seen Alone?", "Date of latest review conference",
                         "Child Protection Plan End Date", "Number of Previous Child Protection Plans"]
LIST_8 = COMMON + ["Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)"] + DIS + [
    "Date Started to be Looked After", "Child's Category of Need", "Start date of current legal status", "Child's Legal Status",
    "Date of Latest Statutory Review", "Date of Last Social Work Visit", "Date Ceased to be Looked After",
    "Reason Ceased to be Looked After", "Start Date of Most Recent Placement", "Placement Type",
    "Was the child offered a Return Interview after their last missing episode (Y/N)?",
    "Did the child accept a Return Interview after their last missing episode (Y/N)?"]
LIST_9 = COMMON + DIS + ["Allocated Team", "Allocated Worker", "Eligibility Category", "LA in Touch", "Type of Accommodation",
                         "Suitability of Accommodation", "Activity Status"]
LIST_10 = COMMON + ["Family identifier"] + DIS + ["Date the Child Entered Care", "Date of Decision that Child Should be Placed for Adoption",
                                                  "Date of Placement Order", "Date Placed for Adoption", "Date of Adoption Order"]
LIST_11 = ["Individual adopter identifier", "Family identifier", "Gender", "Ethnicity", "Disability", "Date enquiry received",
           "Date application approved"]
KID = ["A1", "a) Male", "WBRI", D(2010, 3, 1), 7]


def later_lists() -> dict:
    return {
        "List 6 - Children in Need": [LIST_6, KID + ["a) No", D(2017, 1, 10), "N1", D(2017, 6, 1), None, None, "a) Open", "T", "W"]],
        "List 7 - Child Protection": [LIST_7, KID + ["a) No", D(2017, 2, 1), "NEG", "NEG", D(2017, 6, 5), "a) Yes", D(2017, 5, 1),
                                                     None, 0]],
        "List 8 - Children in Care": [LIST_8, KID + ["b) No", "a) No", D(2017, 3, 1), "N1", D(2017, 4, 2), "C2: Interim care order",
                                                     D(2017, 5, 20), D(2017, 6, 10), None, None, D(2017, 3, 1), "U1",
                                                     "a) Yes", "b) No"]],
        "List 9 - Care Leavers": [LIST_9, ["B7", "b) Female", "WBRI", D(1999, 1, 1), 18, "a) No", "T", "W", "a) Relevant",
                                           "a) Yes", "b) Independent living", "a) Suitable", "a) In education"]],
        "List 10 - Adoption": [LIST_10, ["C3", "a) Male", "WBRI", D(2015, 1, 1), 2, "F1", "a) No", D(2016, 1, 1), D(2016, 6, 1),
                                         D(2016, 9, 1), D(2017, 1, 1), None]],
        "List 11 - Adopters": [LIST_11, ["AD1", "F9", "b) Female", "WBRI", "b) No", D(2016, 1, 1), D(2016, 9, 1)]],
    }


def test_lists_6_to_8_of_the_2019_template_give_visits_reviews_placements_and_attributes(tmp_path):
    path = workbook(tmp_path / "annex_a.xlsx", later_lists())
    log, _, findings = read_sources([path])
    assert events_of(log, "A1") == [
        ("cin_start", "2017-01-10", "N1"),
        ("cpp_start", "2017-02-01", "NEG"),
        ("lac_start", "2017-03-01", "C2"),
        ("placement", "2017-03-01", "U1"),
        ("legal_status", "2017-04-02", "C2"),
        ("cpp_review", "2017-05-01", None),
        ("lac_review", "2017-05-20", None),
        ("statutory_visit", "2017-06-01", "cin"),
        ("statutory_visit", "2017-06-05", "cp"),
        ("statutory_visit", "2017-06-10", "cla"),
    ]
    kids = log.children.set_index("child_id")
    assert bool(kids.loc["A1", "return_interview_offered"]) is True
    assert bool(kids.loc["A1", "return_interview_accepted"]) is False
    assert kids.loc["B7", "care_leaver_in_touch"] == "Yes"
    assert kids.loc["B7", "care_leaver_eligibility"] == "Relevant"
    notes = {f.message.split(":")[0]: f for f in findings if f.check == "Annex A lists not read"}
    assert set(notes) == {"rows of list 10 (adoption)", "rows of list 11 (adopters)"}
    assert all(f.count == 1 and f.severity == "info" for f in notes.values())


def test_a_workbook_with_lists_1_to_11_and_the_templates_title_and_guidance_sheets_builds(tmp_path, capsys):
    """The shipped Annex A example with the template's title and guidance sheets and lists 9-11
    added (lists 9-11 hold children the other lists do not, as a real return would)."""
    data = tmp_path / "data"
    data.mkdir()
    path = data / "annex_a.xlsx"
    shutil.copyfile(REPO / "data" / "annex_a" / "annex_a.xlsx", path)
    book = load_workbook(path)
    title = book.create_sheet("Title", 0)
    title.append(["Annex A: data for inspection"])
    title.append(["Local authority:", "Demo County"])
    guidance = book.create_sheet("Guidance", 1)
    guidance.append(["Please complete each list for the six months before the inspection."])
    for name, rows in list(later_lists().items())[3:]:
        sheet = book.create_sheet(name)
        sheet.append([f"Annex A - {name}"])
        for row in rows:
            sheet.append(row)
    book.save(path)

    log, _, findings = read_sources([data])
    assert {"Annex A sheets that are not lists", "Annex A lists not read"} <= {f.check for f in findings}
    assert "'Title', 'Guidance'" in next(f.message for f in findings if f.check == "Annex A sheets that are not lists")
    code = main(["build", "--data", str(data), "--out", str(tmp_path / "out"), "-q"])
    assert code == 0, capsys.readouterr().err
    page = (tmp_path / "out" / "data-quality.html").read_text(encoding="utf-8")
    assert "list 11 (adopters)" in page and "list 10 (adoption)" in page


def test_an_adopters_list_on_its_own_as_csv_is_read_as_a_list_to_skip(tmp_path):
    (tmp_path / "list11.csv").write_text(",".join(LIST_11) + "\nAD1,F9,b) Female,WBRI,b) No,01/01/2016,01/09/2016\n",
                                         encoding="utf-8")
    (tmp_path / "list3.csv").write_text("Child Unique ID,Date of referral,Referral Source\nA1,05/01/2015,1A\n", encoding="utf-8")
    log, _, findings = read_sources([tmp_path])
    assert list(log.events["event"]) == ["referral"]
    assert any(f.check == "Annex A lists not read" and "adopters" in f.message for f in findings)
