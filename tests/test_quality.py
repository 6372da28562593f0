"""The data-quality page lists every check's findings, with the right counts, on a fixture
built to contain each one; public reports show counts but never example ids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.checks import CHECKS
from generator.cli import main
from generator.ingest import read_sources
from generator.quality import check_event_log
from tests.helpers import write_report

EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
CIN = """<?xml version="1.0" encoding="utf-8"?>
<Message><Header><CollectionDetails><Year>2018</Year></CollectionDetails><Source><LEA>886</LEA></Source></Header><Children>
<Child><ChildIdentifiers><LAchildID>John Smith</LAchildID><PersonBirthDate>2010-01-01</PersonBirthDate><GenderCurrent>1</GenderCurrent></ChildIdentifiers>
 <CINdetails><CINreferralDate>2016-05-01</CINreferralDate><ReferralSource>1A</ReferralSource><ReferralNFA>0</ReferralNFA></CINdetails></Child>
<Child><ChildIdentifiers><LAchildID>8</LAchildID><PersonBirthDate>2011-01-01</PersonBirthDate><GenderCurrent>2</GenderCurrent></ChildIdentifiers>
 <CINdetails><CINreferralDate>2017-06-01</CINreferralDate><ReferralSource>1A</ReferralSource><ReferralNFA>0</ReferralNFA>
 <CINclosureDate>2018-01-01</CINclosureDate><ReasonForClosure>RC8</ReasonForClosure>
 <Assessments><AssessmentActualStartDate>2017-06-05</AssessmentActualStartDate><AssessmentAuthorisationDate>2017-06-01</AssessmentAuthorisationDate></Assessments>
 </CINdetails></Child>
<Child><ChildIdentifiers><LAchildID>03/05/2010</LAchildID><PersonBirthDate>2010-05-03</PersonBirthDate><GenderCurrent>2</GenderCurrent></ChildIdentifiers>
 <CINdetails><CINreferralDate>2017-09-01</CINreferralDate><ReferralSource>1A</ReferralSource><ReferralNFA>0</ReferralNFA>
 <CINclosureDate>2017-09-10</CINclosureDate><ReasonForClosure>RC1</ReasonForClosure></CINdetails></Child>
</Children></Message>
"""
EXPECTED = {
    "unparseable dates": 1,                 # child 3's DECOM 31/02/2016
    "dates after the extract": 1,           # child 5 starts after 31 March 2017
    "event before birth": 3,                # child 2's three events before their birth month
    "end before start": 1,                  # child 3's DEC before DECOM
    "assessments authorised before they started": 1,  # child 8
    "duplicate episodes": 1,                # child 6's episode twice in one return
    "overlapping episodes": 1,              # child 1
    "codes outside the code list": 1,       # child 1's LS ZZ
    "events for children missing from the children table": 3,  # child 7 has no header row
    "referrals with no outcome after a long time": 1,  # John Smith's referral
    "ids that look like names": 1,
    "ids that look like dates of birth": 1,
}


@pytest.fixture
def messy(tmp_path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "header_2017.csv").write_text(HEADER + "".join(f"{c},1,{dob},WBRI,,,\n" for c, dob in
                                                      [(1, "01/01/2012"), (2, "01/06/2016"), (3, "01/01/2010"), (5, "01/01/2010"), (6, "01/01/2010")]))
    (data / "episodes_2017.csv").write_text(EPISODES + (
        "1,01/05/2016,S,ZZ,N1,U1,,01/09/2016,X1,,,,\n"
        "1,01/08/2016,P,C2,N1,U3,,01/12/2016,E4A,,,,\n"
        "2,01/01/2016,S,V2,N1,U1,,01/02/2016,E4A,,,,\n"
        "3,31/02/2016,S,V2,N1,U1,,,,,,,\n"
        "3,01/03/2016,S,V2,N1,U1,,01/02/2016,E4A,,,,\n"
        "5,01/05/2017,S,V2,N1,U1,,,,,,,\n"
        "6,01/10/2016,S,V2,N1,U1,,01/11/2016,E4A,,,,\n"
        "6,01/10/2016,S,V2,N1,U1,,01/11/2016,E4A,,,,\n"
        "7,01/10/2016,S,V2,N1,U1,,01/11/2016,E4A,,,,\n"))
    (data / "cin_2018.xml").write_text(CIN)
    return tmp_path


def test_every_check_finds_its_rows_with_the_right_counts(messy):
    log, _, read = read_sources([messy / "data"])
    found: dict[str, int] = {}
    for f in read + check_event_log(log):
        found[f.check] = found.get(f.check, 0) + f.count
    assert {check: found.get(check, 0) for check in EXPECTED} == EXPECTED
    assert set(found) <= set(CHECKS), "a finding's check is not registered in generator/checks.py"


def _page_rows(html: str) -> dict[str, int]:
    rows = re.findall(r'<tr data-check="([^"]+)" data-severity="[^"]+">.*?<td class="number">([^<]+)</td>', html, re.S)
    counts: dict[str, int] = {}
    for check, count in rows:
        counts[check.replace("&#39;", "'")] = counts.get(check, 0) + (int(count.replace(",", "")) if count.strip().isdigit() else 0)
    return counts


def test_the_data_quality_page_lists_every_finding(messy, capsys):
    report = write_report(messy, pages="\n  - {kind: overview, slug: index, title: O}\n  - {kind: data_quality, slug: data-quality, title: Data quality}\n")
    code = main(["build", str(report), "--out", str(messy / "out"), "-q"])
    assert code == 0, capsys.readouterr().err
    html = (messy / "out" / "data-quality.html").read_text()
    assert {check: _page_rows(html).get(check, 0) for check in EXPECTED} == EXPECTED
    assert "<caption>" in html and '<th scope="col">' in html
    assert "J*** S****" in html  # a name-like id is masked even in internal reports
    assert (messy / "out" / "downloads" / "data_quality.csv").is_file()


def test_public_reports_show_no_example_ids_and_suppress_small_counts(messy, capsys):
    report = write_report(messy, pages="\n  - {kind: overview, slug: index, title: O}\n  - {kind: data_quality, slug: data-quality, title: Data quality}\n")
    code = main(["build", str(report), "--out", str(messy / "out"), "--audience", "public", "-q"])
    assert code == 0, capsys.readouterr().err
    html = (messy / "out" / "data-quality.html").read_text()
    assert "Examples (child ids)" not in html and "J*** S****" not in html
    assert '<td class="number">c</td>' in html
    assert "examples" not in (messy / "out" / "downloads" / "data_quality.csv").read_text().splitlines()[0]


def test_validate_prints_the_findings_and_exits_0_when_there_are_only_warnings(messy, capsys):
    code = main(["validate", "--data", str(messy / "data")])
    out = capsys.readouterr().out
    assert code == 0
    assert "warning: overlapping episodes: 1 row: " in out and "; repaired: ended when the next episode starts" in out
    assert "(s)" not in out and "[" not in out  # counted nouns; the action as a clause, never "expected [merged: ...]"
