"""The DfE code lists by return year (generator.ingest.codelists): every committed example reads
with no false code finding; a code of another year is flagged and named with its years; the
writers code each return as its own year did.

Year changes tested here, as the sources in codelists' docstring give them: special guardianship
E43/E44 to the 2018 903 return, E45-E48 from 2019 (liia-tools SSDA903 schemas 2018 and 2019);
placement K3 from 2025, H5/P2/Z1 to 2025 and Z11-Z14 from 2026 (data-to-insight's 903 validator
rule 146); CIN census RC9 and referral source 5D from 2023 (the DfE census schemas of 2022 and
2023)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from generator.ingest import codelists, read_sources
from tests.helpers import log_of

REPO = Path(__file__).resolve().parents[1]
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
CODE_CHECK = "codes outside the code list"


def code_findings(findings) -> list[str]:
    return [f.message for f in findings if f.check == CODE_CHECK]


def episodes(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        (folder / name).write_text(EPISODES + rows, encoding="utf-8")
    return folder


def census(year: int, closure: str, reason: str, source: str = "1A") -> str:
    """A one-child CIN census: a referral, an authorised assessment, a closure."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Message><Header><CollectionDetails><Collection>CIN</Collection><Year>{year}</Year></CollectionDetails>
<Source><LEA>886</LEA></Source></Header><Children><Child>
<ChildIdentifiers><LAchildID>7</LAchildID><PersonBirthDate>2012-01-01</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>
<CINdetails><CINreferralDate>{year - 1}-06-01</CINreferralDate><ReferralSource>{source}</ReferralSource>
<CINclosureDate>{closure}</CINclosureDate><ReasonForClosure>{reason}</ReasonForClosure><ReferralNFA>false</ReferralNFA>
<Assessments><AssessmentActualStartDate>{year - 1}-06-02</AssessmentActualStartDate>
<AssessmentAuthorisationDate>{year - 1}-07-01</AssessmentAuthorisationDate></Assessments></CINdetails>
</Child></Children></Message>
"""


@pytest.mark.parametrize("folder", ["events", "903", "cin", "annex_a"])
def test_every_committed_example_reads_with_no_code_finding(folder):
    _, _, findings = read_sources([REPO / "data" / folder])
    assert code_findings(findings) == []


def test_a_special_guardianship_code_of_another_year_is_flagged_with_its_years(tmp_path):
    folder = episodes(tmp_path / "d", {
        "episodes_2017.csv": "1,01/05/2016,S,C2,N1,U1,,01/09/2016,E45,,,,\n",
        "episodes_2019.csv": "2,01/05/2018,S,C2,N1,U1,,01/09/2018,E43,,,,\n3,01/05/2018,S,C2,N1,U1,,01/10/2018,E47,,,,\n",
    })
    log, _, findings = read_sources([folder])
    (message,) = code_findings(findings)
    assert "E45 (in the 2017 return; valid in returns from 2019)" in message
    assert "E43 (in the 2019 return; valid in returns to 2018)" in message
    assert "E47" not in message
    assert ("1", "lac_end", "E45") in set(log.events[["child_id", "event", "code"]].itertuples(index=False, name=None))


def test_the_shipped_903_example_would_be_flagged_with_the_codes_of_later_returns(tmp_path):
    # The examples' returns run to 2018: E45 there is the false finding issue 11 saw, E43 the fix.
    shifted = tmp_path / "903"
    shifted.mkdir()
    for path in (REPO / "data" / "903").glob("episodes_*.csv"):
        (shifted / path.name).write_text(path.read_text().replace(",E43,", ",E45,"))
    _, _, findings = read_sources([shifted])
    (message,) = code_findings(findings)
    assert message.startswith("reason episode ceased (REC)") and "valid in returns from 2019" in message


@pytest.mark.parametrize("year, place, valid", [
    (2024, "K3", False), (2025, "K3", True), (2025, "H5", True), (2026, "H5", False), (2026, "P2", False),
    (2025, "Z11", False), (2026, "Z11", True), (2026, "Z1", False), (2018, "U1", True),
])
def test_placement_types_follow_the_return_year(year, place, valid):
    assert (place in codelists.PLACEMENT.in_year(year)) is valid


def test_a_placement_code_of_a_later_year_is_flagged_with_its_years(tmp_path):
    folder = episodes(tmp_path / "d", {"episodes_2024.csv": "1,01/05/2023,S,V2,N1,K3,,,,,,,\n"})
    _, _, findings = read_sources([folder])
    assert code_findings(findings) == [
        "placement type (PLACE) codes not in the DfE list for their return's year: "
        "K3 (in the 2024 return; valid in returns from 2025)"]


def test_a_freeing_order_after_2005_is_flagged_by_the_episode_start(tmp_path):
    folder = episodes(tmp_path / "d", {"episodes_2017.csv": "1,01/05/2016,S,D1,N1,U1,,,,,,,\n"
                                                            "2,01/05/2016,S,E1,N1,U1,,,,,,,\n"})
    _, _, findings = read_sources([folder])
    (message,) = code_findings(findings)
    assert message.startswith("legal status (LS) codes not in use when the episode started")
    assert [f.count for f in findings if f.check == CODE_CHECK] == [1]


def test_a_census_code_of_a_later_year_is_flagged_with_its_years(tmp_path):
    (tmp_path / "cin_2018.xml").write_text(census(2018, "2017-08-01", "RC9", source="5D"))
    _, _, findings = read_sources([tmp_path])
    messages = " | ".join(code_findings(findings))
    assert "RC9 (in the 2018 return; valid in returns from 2023)" in messages
    assert "5D (in the 2018 return; valid in returns from 2023)" in messages


def test_rc9_in_a_2023_census_closes_the_case_after_assessment_without_a_finding(tmp_path):
    (tmp_path / "cin_2023.xml").write_text(census(2023, "2022-07-02", "RC9", source="5D"))
    log, _, findings = read_sources([tmp_path])
    assert code_findings(findings) == []
    events = log.events.set_index("event")["code"]
    assert "cin_start" not in events.index  # referred to early help after assessment: not in need
    assert events["assessment_authorised"] == "nfa" and events["cin_end"] == "RC9"


def test_the_903_writer_codes_special_guardianship_as_the_return_year_did(tmp_path):
    from generator.export.ssda903 import write_903

    log = log_of([("A", "lac_start", "2016-05-01", "C2"), ("A", "placement", "2016-05-01", "U1"),
                  ("A", "lac_end", "2017-01-10", "E47"),
                  ("B", "lac_start", "2018-05-01", "C2"), ("B", "placement", "2018-05-01", "U1"),
                  ("B", "lac_end", "2018-12-01", "E47")])
    log.events["record_id"] = log.events["child_id"] + "-" + log.events["event"].str.split("_").str[0]
    write_903(log, tmp_path)
    rec = {year: pd.read_csv(tmp_path / f"episodes_{year}.csv", dtype=str)["REC"].tolist() for year in (2017, 2019)}
    assert rec == {2017: ["E44"], 2019: ["E47"]}  # E47/E48 (not former foster carers) were E44
    _, _, findings = read_sources([tmp_path])
    assert code_findings(findings) == []


def test_the_cin_writer_codes_rc9_as_rc7_before_the_2023_census(tmp_path):
    from generator.export.cin_census import write_cin

    rows = []
    for child, year in (("A", 2017), ("B", 2023)):
        rows += [(child, "referral", f"{year - 1}-06-01", "1A"), (child, "cin_start", f"{year - 1}-06-01"),
                 (child, "cin_end", f"{year - 1}-09-01", "RC9")]
    log = log_of(rows)
    log.events["record_id"] = log.events["child_id"] + ":r"
    write_cin(log, tmp_path)
    assert "<ReasonForClosure>RC7</ReasonForClosure>" in (tmp_path / "cin_census_2017.xml").read_text()
    assert "<ReasonForClosure>RC9</ReasonForClosure>" in (tmp_path / "cin_census_2023.xml").read_text()


def test_annex_a_codes_are_checked_against_the_list_of_their_collection_year(tmp_path):
    # Ofsted's template writes a code with its words ("a) E11: Adopted - ..."): read as E11.
    (tmp_path / "list8.csv").write_text(
        "Child Unique ID,Date Started to be Looked After,Legal Status,Date Ceased to be Looked After,"
        "Reason Ceased to be Looked After\n"
        "1,01/05/2016,C2,01/02/2017,E45\n"
        "2,01/05/2018,C2,01/02/2019,E45\n"
        "3,01/05/2016,C2,01/02/2017,a) E11: Adopted - application unopposed\n", encoding="utf-8")
    log, _, findings = read_sources([tmp_path])
    assert code_findings(findings) == [
        "reason episode ceased (REC) codes not in the DfE list for their year: "
        "E45 (in the 2017 collection year; valid in returns from 2019)"]
    assert [f.count for f in findings if f.check == CODE_CHECK] == [1]
    assert set(log.of_event("lac_end")["code"]) == {"E45", "E11"}


def test_the_annex_a_writer_codes_a_reason_ceased_as_its_year_did(tmp_path):
    from openpyxl import load_workbook

    from generator.export.annex_a import write_annex_a

    log = log_of([("A", "lac_start", "2016-05-01", "C2"), ("A", "lac_end", "2017-01-10", "E46"),
                  ("B", "lac_start", "2018-05-01", "C2"), ("B", "lac_end", "2018-12-01", "E46")])
    log.events["record_id"] = log.events["child_id"] + "-lac"
    (path,) = write_annex_a(log, tmp_path)
    rows = list(load_workbook(path, read_only=True)["List 8 - Children Looked After"].iter_rows(values_only=True))[1:]
    reasons = {row[0]: row[rows[0].index("Reason Ceased to be Looked After")] for row in rows[1:]}
    assert reasons == {"A": "E43", "B": "E46"}  # E45/E46 (former foster carers) were E43
