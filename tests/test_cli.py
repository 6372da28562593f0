"""The command line, in-process: exit codes and messages the user reads."""

from __future__ import annotations

import json

import pytest

from generator.cli import main
from tests.helpers import TINY_CHILDREN, TINY_EVENTS, tiny_report


def run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_build_of_a_tidy_folder_succeeds(tmp_path, capsys):
    report = tiny_report(tmp_path)
    code, _, err = run(capsys, "build", report, "--out", tmp_path / "out", "-q")
    assert code == 0, err
    assert (tmp_path / "out" / "index.html").is_file()


def test_missing_report_file_exits_2_naming_it(tmp_path, capsys):
    code, _, err = run(capsys, "build", tmp_path / "nope.yaml", "--out", tmp_path / "out")
    assert code == 2
    assert "nope.yaml" in err and "no such report file" in err
    assert "Traceback" not in err


def test_malformed_yaml_exits_2_with_line_and_column(tmp_path, capsys):
    report = tiny_report(tmp_path)
    report.write_text("title: [unclosed\npages: x\n")
    code, _, err = run(capsys, "build", report, "--out", tmp_path / "out")
    assert code == 2
    assert "report.yaml: line" in err and "column" in err and "not valid YAML" in err


def test_unknown_key_exits_2_with_key_path_and_suggestion(tmp_path, capsys):
    report = tiny_report(tmp_path, extra="titel: oops")
    code, _, err = run(capsys, "build", report, "--out", tmp_path / "out")
    assert code == 2
    assert "titel: unknown key" in err and "did you mean 'title'" in err


def test_wrong_type_exits_2_naming_key_expected_and_found(tmp_path, capsys):
    report = tiny_report(tmp_path, pages="\n  - {kind: overview, slug: index, title: [1, 2]}\n")
    code, _, err = run(capsys, "build", report, "--out", tmp_path / "out")
    assert code == 2
    assert "pages[0].title" in err and "valid string" in err


def test_every_config_problem_is_reported_at_once(tmp_path, capsys):
    report = tiny_report(tmp_path, extra="colour: red\naudience: everyone",
                         pages="\n  - {kind: overview, slug: index, title: O}\n  - {kind: nosuch, slug: x, title: X}\n")
    code, _, err = run(capsys, "build", report, "--out", tmp_path / "out")
    assert code == 2
    assert "colour: unknown key" in err
    assert "audience" in err and "everyone" in err
    assert "pages[1]" in err and "unknown page kind 'nosuch'" in err
    assert "3 problems" in err


def test_empty_data_exits_2(tmp_path, capsys):
    report = tiny_report(tmp_path, events="child_id,event,date\n", children=None)
    code, _, err = run(capsys, "build", report, "--out", tmp_path / "out")
    assert code == 2
    assert "events.csv" in err and "no rows" in err


def test_zero_byte_file_exits_2(tmp_path, capsys):
    report = tiny_report(tmp_path, events="", children=None)
    code, _, err = run(capsys, "build", report, "--out", tmp_path / "out")
    assert code == 2
    assert "events.csv" in err and "empty" in err


def test_unknown_event_name_exits_2_with_row_and_suggestion(tmp_path, capsys):
    report = tiny_report(tmp_path, events=TINY_EVENTS.replace("A1,referral,2015-09-01", "A1,referal,2015-09-01"))
    code, _, err = run(capsys, "build", report, "--out", tmp_path / "out")
    assert code == 2
    assert "events.csv: row 6, column 'event'" in err and "'referal' is not an event name" in err
    assert "did you mean 'referral'" in err


def test_impossible_date_exits_2_with_file_row_and_column(tmp_path, capsys):
    report = tiny_report(tmp_path, events=TINY_EVENTS.replace("2015-04-22", "2015-02-30"))
    code, _, err = run(capsys, "build", report, "--out", tmp_path / "out")
    assert code == 2
    assert "events.csv: row 12, column 'date'" in err


def test_missing_data_folder_exits_2(tmp_path, capsys):
    report = tiny_report(tmp_path)
    code, _, err = run(capsys, "build", report, "--data", tmp_path / "missing", "--out", tmp_path / "out")
    assert code == 2 and "missing: does not exist" in err


def test_a_file_no_reader_claims_is_named(tmp_path, capsys):
    report = tiny_report(tmp_path)
    (tmp_path / "data" / "notes.csv").write_text("foo,bar\n1,2\n")
    code, _, err = run(capsys, "build", report, "--out", tmp_path / "out")
    assert code == 2 and "notes.csv: is not a format carejourneys can read" in err


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"), id="utf8-bom"),
        pytest.param(lambda text: text.encode("cp1252"), id="windows-1252"),
        pytest.param(lambda text: text.replace(",", ";").encode("utf-8"), id="semicolons"),
        pytest.param(lambda text: text.replace("\n", "\r\n").encode("utf-8"), id="crlf"),
    ],
)
def test_files_as_excel_writes_them_load(tmp_path, capsys, encode):
    report = tiny_report(tmp_path)
    children = TINY_CHILDREN + "C3,1,2011-01,WBRI,no\n"
    events = TINY_EVENTS + "C3,contact,2015-05-05,,\n"
    children = children.replace("child_id,sex", "child_id,sex").replace("WBRI,no\n", "WBRI,no\n", 1)
    (tmp_path / "data" / "events.csv").write_bytes(encode(events))
    (tmp_path / "data" / "children.csv").write_bytes(encode(children + "D4,2,2013-02,WOTH,no\n"))
    (tmp_path / "data" / "localities.csv").unlink(missing_ok=True)
    code, _, err = run(capsys, "validate", report)
    assert code == 0, err


def test_accented_names_survive_windows_1252(tmp_path):
    from generator.ingest import read_data

    data = tmp_path / "data"
    data.mkdir()
    (data / "events.csv").write_bytes(TINY_EVENTS.encode("cp1252"))
    (data / "children.csv").write_bytes("child_id,sex,locality\nA1,1,Sainte-Hélène\nB2,2,Zoë Town\n".encode("cp1252"))
    log, _ = read_data([data])
    assert sorted(log.children["locality"].tolist()) == ["Sainte-Hélène", "Zoë Town"]


def test_excel_workbook_of_events_loads(tmp_path, capsys):
    import io

    import pandas as pd

    report = tiny_report(tmp_path, children=None)
    events = pd.read_csv(io.StringIO(TINY_EVENTS), dtype=str)
    (tmp_path / "data" / "events.csv").unlink()
    events.to_excel(tmp_path / "data" / "events.xlsx", index=False)
    code, _, err = run(capsys, "build", report, "--out", tmp_path / "out", "-q")
    assert code == 0, err


def test_synth_demo_then_build_with_data(tmp_path, capsys):
    code, _, err = run(capsys, "synth", "demo", "--children", 300, "--seed", 3, "--out", tmp_path / "x", "-q")
    assert code == 0, err
    assert (tmp_path / "x" / "events.csv").is_file() and (tmp_path / "x" / "children.csv").is_file()
    code, _, err = run(capsys, "build", "--data", tmp_path / "x", "--out", tmp_path / "out", "-q")
    assert code == 0, err
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert metrics["referrals"] > 0


def test_schema_prints_the_report_json_schema(capsys):
    code, out, _ = run(capsys, "schema")
    assert code == 0
    schema = json.loads(out)
    assert "title" in schema["properties"] and "pages" in schema["properties"]


def test_validate_reports_counts_and_exits_0_on_clean_data(tmp_path, capsys):
    report = tiny_report(tmp_path)
    code, out, _ = run(capsys, "validate", report)
    assert code == 0
    assert "11 events for 2 children" in out


def test_no_command_prints_help_and_exits_2(capsys):
    code, out, _ = run(capsys)
    assert code == 2 and "build" in out
