"""SSDA903: CSV tables and XML, several years merged, periods of care and their events."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from generator.cli import main
from generator.ingest import read_sources
from tests.helpers import log_of

FIXTURES = Path(__file__).parent / "fixtures"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"


def events_of(log, child):
    rows = log.events[log.events["child_id"] == child]
    return [(r.event, f"{r.date:%Y-%m-%d}", r.code) for r in rows.itertuples()]


def checks(findings):
    return {f.check: f for f in findings}


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return folder


def test_two_years_of_returns_become_one_history_per_child():
    log, _, findings = read_sources([FIXTURES / "903"])
    assert events_of(log, "101") == [
        ("lac_start", "2016-06-01", "V2"), ("placement", "2016-06-01", "U1"), ("legal_status", "2016-09-01", "C1"),
        ("missing_start", "2017-03-03", "M"), ("missing_end", "2017-03-05", "M"),
        ("legal_status", "2018-02-05", "C2"), ("placement", "2018-02-05", "U4"), ("lac_end", "2018-03-20", "E11"),
    ]
    assert events_of(log, "102") == [("lac_start", "2017-01-10", "L2"), ("placement", "2017-01-10", "U3"),
                                     ("lac_end", "2017-01-20", "E4A")]
    # The episode open on 31 March 2017 is in both returns: merged, counted, not an error.
    assert checks(findings)["episodes in more than one return"].count == 1
    assert log.children.set_index("child_id").loc["101", "sex"] == "1"


def test_lac_start_and_end_share_a_record_id():
    log, _, _ = read_sources([FIXTURES / "903"])
    ends = log.of_event("lac_start", "lac_end")
    assert ends.groupby("record_id")["event"].apply(sorted).to_dict() == {
        "101:2016-06-01": ["lac_end", "lac_start"], "102:2017-01-10": ["lac_end", "lac_start"]}


def test_the_xml_return_reads_like_the_csv_tables():
    log, inputs, _ = read_sources([FIXTURES / "903xml"])
    assert inputs[0].format == "ssda903"
    assert events_of(log, "201") == [
        ("lac_start", "2017-05-01", "V2"), ("placement", "2017-05-01", "U1"), ("missing_start", "2017-06-01", "M"),
        ("missing_end", "2017-06-02", "M"), ("placement", "2017-08-01", "U3"), ("lac_end", "2018-01-10", "E4A")]


def test_open_episode_in_an_earlier_return_is_closed_as_the_sector_cleaner_does(tmp_path):
    folder = write(tmp_path / "d", {
        "episodes_2016.csv": EPISODES + "1,01/05/2015,S,V2,N1,U1,,,,,,,\n2,01/05/2015,S,C2,N1,U1,,,,,,,\n",
        "episodes_2017.csv": EPISODES + "1,01/06/2016,S,C1,N1,U1,,01/07/2016,E4A,,,,\n",
    })
    log, _, findings = read_sources([folder])
    # Child 1 re-entered care (RNE S): the old period ended the day before, reason unknown.
    assert ("lac_end", "2016-03-31", "E99") in events_of(log, "1")
    # Child 2 is not in the later return: ceased on 31 March of its own return.
    assert ("lac_end", "2016-03-31", "E99") in events_of(log, "2")
    assert checks(findings)["open episode in an earlier return"].count == 2


def test_overlapping_episodes_are_cut_at_the_next_start(tmp_path):
    folder = write(tmp_path / "d", {
        "episodes_2017.csv": EPISODES + "1,01/05/2016,S,V2,N1,U1,,01/09/2016,X1,,,,\n1,01/08/2016,P,V2,N1,U3,,01/12/2016,E4A,,,,\n",
    })
    log, _, findings = read_sources([folder])
    assert checks(findings)["overlapping episodes"].count == 1
    assert events_of(log, "1")[-1] == ("lac_end", "2016-12-01", "E4A")


def test_codes_outside_the_list_for_the_year_are_kept_and_counted(tmp_path):
    folder = write(tmp_path / "d", {
        # E43 is a special guardianship code only up to the 2014 return (E45-E48 from 2015).
        "episodes_2017.csv": EPISODES + "1,01/05/2016,S,ZZ,N1,U1,,01/09/2016,E43,,,,\n",
    })
    log, _, findings = read_sources([folder])
    found = [f for f in findings if f.check == "codes outside the code list"]
    assert {f.message.split(" codes")[0] for f in found} == {"legal status (LS)", "reason episode ceased (REC)"}
    assert ("lac_start", "2016-05-01", "ZZ") in events_of(log, "1")


def test_the_special_guardianship_codes_follow_the_return_year():
    from generator.ingest.codelists import reason_episode_ceased

    assert {"E43", "E44"} <= reason_episode_ceased(2014) and not {"E45", "E48"} & reason_episode_ceased(2014)
    assert {"E45", "E46", "E47", "E48"} <= reason_episode_ceased(2015) and not {"E43", "E44"} & reason_episode_ceased(2018)


def test_an_unreadable_start_date_drops_the_episode_and_counts_it(tmp_path):
    folder = write(tmp_path / "d", {"episodes_2017.csv": EPISODES + "1,31/02/2016,S,V2,N1,U1,,,,,,,\n2,01/05/2016,S,V2,N1,U1,,,,,,,\n"})
    log, _, findings = read_sources([folder])
    assert sorted(log.events["child_id"].unique()) == ["2"]
    assert checks(findings)["unparseable dates"].count == 1
    assert "dropped" in checks(findings)["unparseable dates"].action


@pytest.mark.parametrize("encode", [
    pytest.param(lambda t: b"\xef\xbb\xbf" + t.encode(), id="utf8-bom"),
    pytest.param(lambda t: t.encode("cp1252"), id="windows-1252"),
    pytest.param(lambda t: t.replace(",", ";").encode(), id="semicolons"),
    pytest.param(lambda t: t.replace(",", "\t").encode(), id="tabs"),
    pytest.param(lambda t: t.replace("CHILD,DECOM", "CHILD ,DECOM ").encode(), id="trailing-spaces"),
])
def test_903_tables_as_excel_writes_them_load(tmp_path, encode):
    text = EPISODES + "1,01/05/2016,S,V2,N1,U1,,2016-09-01,E4A,,,,\n"
    folder = write(tmp_path / "d", {"episodes_2017.csv": encode(text)})
    log, _, _ = read_sources([folder])
    assert events_of(log, "1")[-1] == ("lac_end", "2016-09-01", "E4A")


def test_a_missing_required_column_exits_2_naming_the_file_and_column(tmp_path, capsys):
    folder = write(tmp_path / "d", {"episodes_2017.csv": "CHILD,DECOM,RNE,LS,PLACE,DEC\n1,01/05/2016,S,V2,U1,\n"})
    code = main(["validate", "--data", str(folder)])
    err = capsys.readouterr().err
    assert code == 2 and "episodes_2017.csv: header" in err and "no REC column" in err and "Traceback" not in err


def test_tables_without_an_episodes_table_exit_2(tmp_path, capsys):
    folder = write(tmp_path / "d", {"header_2017.csv": HEADER + "1,1,01/01/2010,WBRI,,,\n"})
    code = main(["validate", "--data", str(folder)])
    err = capsys.readouterr().err
    assert code == 2 and "no episodes table" in err


def test_a_header_only_episodes_table_exits_2(tmp_path, capsys):
    folder = write(tmp_path / "d", {"episodes_2017.csv": EPISODES})
    code = main(["validate", "--data", str(folder)])
    err = capsys.readouterr().err
    assert code == 2 and "episodes_2017.csv" in err and "no rows" in err


def test_903_and_cin_of_two_las_build_one_report_with_matched_ids(tmp_path, capsys):
    data = tmp_path / "returns"
    for la in ("northshire", "southshire"):
        shutil.copytree(FIXTURES / "903", data / la / "903")
        shutil.copytree(FIXTURES / "cin", data / la / "cin")
    log, _, findings = read_sources([data])
    assert sorted(log.children["la"].unique()) == ["northshire", "southshire"]
    assert "northshire/101" in set(log.children["child_id"])
    matched = [f for f in findings if f.check == "903 and CIN census matched on child id"]
    assert len(matched) == 2 and all(f.count == 1 for f in matched)  # child 101 is in both returns
    assert "1 of 2 children in the 903 (northshire)" in matched[0].message
    code = main(["build", "--data", str(data), "--out", str(tmp_path / "out"), "-q"])
    assert code == 0, capsys.readouterr().err


def _care_log():
    log = log_of([("C1", "lac_start", "2015-06-01", "V2"), ("C1", "placement", "2015-06-01", "U1"),
                  ("C1", "legal_status", "2016-02-01", "C2"), ("C1", "placement", "2016-07-01", "U4"),
                  ("C1", "missing_start", "2016-08-01", "M"), ("C1", "missing_end", "2016-08-03", "M"),
                  ("C1", "lac_end", "2017-05-01", "E11"), ("C2", "lac_start", "2017-01-01", "L1")])
    log.events["record_id"] = log.events["child_id"] + "-" + log.events["event"].str.split("_").str[0]
    return log


@pytest.mark.parametrize("writer", ["write_903", "write_903_xml"])
def test_round_trip_of_the_903_writers(writer, tmp_path):
    from generator.export import ssda903

    log = _care_log()
    getattr(ssda903, writer)(log, tmp_path)
    back, _, findings = read_sources([tmp_path])
    keys = ["child_id", "event", "date", "code"]
    assert back.events[keys].astype(str).values.tolist() == log.events[keys].astype(str).values.tolist()
    if writer == "write_903":
        assert pd.read_csv(tmp_path / "episodes_2016.csv", dtype=str)["DEC"].isna().tolist() == [False, True]
    else:
        assert sorted(p.name for p in tmp_path.iterdir()) == [f"ssda903_{y}.xml" for y in (2016, 2017, 2018)]


def test_the_903_xml_writer_gives_what_the_csv_writer_gives_for_the_demo(tmp_path):
    from generator.export.ssda903 import write_903, write_903_xml
    from generator.synth.demo import generate_demo

    log = generate_demo(children=2500, seed=4)
    write_903(log, tmp_path / "csv")
    write_903_xml(log, tmp_path / "xml")
    keys = ["child_id", "event", "date", "code"]
    from_csv = read_sources([tmp_path / "csv"])[0].events[keys].reset_index(drop=True)
    from_xml = read_sources([tmp_path / "xml"])[0].events[keys].reset_index(drop=True)
    assert len(from_csv) > 50 and from_xml.equals(from_csv)
    assert {"legal_status", "placement"} <= set(from_xml["event"])
