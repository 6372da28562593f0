"""A bad legal spreadsheet on the command line (issue 16): findings naming its rows, or exit 2
naming the file and rows; never a traceback, never a child's name."""

from __future__ import annotations

import pandas as pd

from generator.cli import main
from generator.eventlog import EventLog
from generator.ingest.tidy import write_tidy
from tests.test_linkage import LEGAL


def _folder(tmp_path):
    children = pd.DataFrame({"child_id": ["A"], "sex": ["1"], "birth_month": pd.to_datetime(["2012-10-01"])})
    # A child in care through one set of proceedings, with events inside whole months.
    events = pd.DataFrame({"child_id": ["A", "A", "A"], "event": ["lac_start", "legal_status", "lac_end"],
                           "date": pd.to_datetime(["2015-12-20", "2016-01-10", "2016-11-06"]),
                           "record_id": ["A1", "A1", "A1"], "code": ["V2", "C1", "E45"]})
    write_tidy(EventLog.from_frames(events, children), tmp_path, "csv")
    return tmp_path


def _validate(capsys, folder):
    code = main(["validate", "--data", str(folder)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_missing_dates_and_impossible_orders_are_findings_naming_case_and_row(tmp_path, capsys):
    (_folder(tmp_path) / "legal.csv").write_text(LEGAL)
    code, out, err = _validate(capsys, tmp_path)
    assert code == 0, err
    assert "proceedings without a date of birth" in out and "ME16C00102, row 3" in out
    assert "orders the court cannot make at the child's age" in out and "ME16C00104, row 5" in out
    assert "proceedings ending before they start" in out and "ME16C00103, row 4" in out
    assert "SMITH" not in out and "JONES" not in out and "Traceback" not in err


def test_a_list_with_nothing_to_link_on_exits_2_naming_the_file(tmp_path, capsys):
    (_folder(tmp_path) / "legal.csv").write_text("Case No.,Date of application,Final order\nX1,02/01/2016,Care order\n")
    code, _, err = _validate(capsys, tmp_path)
    assert code == 2 and "legal.csv" in err and "names no child" in err and "Traceback" not in err


def test_a_clerical_decision_that_is_neither_match_nor_non_match_exits_2_naming_the_row(tmp_path, capsys):
    (_folder(tmp_path) / "legal.csv").write_text(LEGAL)
    (tmp_path / "decisions.csv").write_text("proceedings_id,child_id,decision\nP2,A,match\nP3,A,perhaps\n")
    code, _, err = _validate(capsys, tmp_path)
    assert code == 2 and "decisions.csv" in err and "row 3" in err and "non-match" in err


def test_a_pseudonymised_report_gives_the_person_list_the_logs_pseudonyms():
    from generator.ingest.proceedings import LegalInputs
    from generator.privacy.pseudonymise import pseudonym, pseudonymise_legal, pseudonymise_log

    key = b"k" * 32
    children = pd.DataFrame({"child_id": ["A", "B"], "sex": ["1", "2"], "birth_month": pd.to_datetime(["2012-10-01"] * 2)})
    events = pd.DataFrame({"child_id": ["A", "B"], "event": ["referral"] * 2, "date": pd.to_datetime(["2016-01-10"] * 2)})
    log, _ = pseudonymise_log(EventLog.from_frames(events, children), [], key)
    persons = pd.DataFrame({"child_id": ["A", "B"], "surname": ["SMITH", "JONES"]})
    decisions = pd.DataFrame({"proceedings_id": ["P2", "P3"], "child_id": ["A", pseudonym(key, "child", "B")],
                              "decision": ["match", "non-match"]})
    legal = pseudonymise_legal(LegalInputs(pd.DataFrame({"proceedings_id": ["P2"]}), persons, decisions), key)
    assert legal.persons["child_id"].tolist() == log.children["child_id"].tolist()
    # A decision copied from a pseudonymised review list already holds the pseudonym.
    assert legal.decisions["child_id"].tolist() == log.children["child_id"].tolist()


def test_a_review_list_put_back_partly_filled_in_reads_the_decisions_made(tmp_path):
    from generator.ingest.proceedings import claims, read_decisions

    path = tmp_path / "linkage-review.csv"
    path.write_text("proceedings_id,child_id,decision,probability,list_surname,record_surname\n"
                    "P115,D024558,,0.973,TAYLOR,COLE\nP115,D022677,match,0.884,TAYLOR,TAYLOR\nP189,D002104,,0.996,X,X\n")
    assert claims(path, path.name) == "decisions"
    decisions = read_decisions(path)
    assert decisions[["proceedings_id", "child_id", "decision"]].values.tolist() == [["P115", "D022677", "match"]]
