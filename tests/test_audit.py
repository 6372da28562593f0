"""The output audit: a public build of the demo passes it; each planted leak fails it.

Planted leaks go into the files a public build would write (read back from the demo public
build, changed in memory, audited again), and, end to end, into a build whose privacy stage
is sabotaged: the build then exits 2 and the previous build stays as it was.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator.build import build_report
from generator.cli import main
from generator.errors import InputError
from generator.eventlog import EventLog
from generator.pathway.frames import data_script, pack_frames
from generator.ingest import read_sources
from generator.pathway.replay import build_journeys
from generator.pathway.process_map import ProcessMap
from generator.privacy.audit import audit_site, secrets_of
from generator.privacy.fingerprints import RealJourneys
from generator.pathway.tube_layout import layout
from tests.conftest import REPO
from tests.helpers import tiny_report, write_report

#: Whole builds or whole-demo fits: run by the README's test command, not by plain `pytest`.
pytestmark = pytest.mark.slow

FRONT_DOOR = REPO / "content" / "maps" / "front_door.yaml"
REPORT_DATES = ["2014-04-01", "2018-03-31", "2016-05-16", "2015-05-16", "2015-05-15", "2016-05-15", "2017-05-15"]  # report.yaml's dates


@pytest.fixture(scope="module")
def demo_log() -> EventLog:
    """The demo's log, its children given the identifying columns a real extract may carry."""
    log, _, _ = read_sources([REPO / "data" / "demo"])
    rng = np.random.default_rng(0)
    children = log.children.copy()
    children["dob"] = children["birth_month"] + pd.to_timedelta(rng.integers(1, 27, len(children)), unit="D")
    children["upn"] = [f"A{n:012d}" for n in rng.integers(0, 10**12, len(children))]
    children["home_post"] = [f"ME{n % 20 + 1} {n % 9}AB" for n in range(len(children))]
    return EventLog.from_frames(log.events, children)


@pytest.fixture(scope="module")
def front_door() -> ProcessMap:
    return ProcessMap.load(FRONT_DOOR)


@pytest.fixture(scope="module")
def secrets(demo_log, front_door):
    journeys = {tuple(front_door.station_ids): RealJourneys(build_journeys(demo_log, front_door))}
    return secrets_of(demo_log, report_dates=REPORT_DATES, journeys=journeys)


@pytest.fixture(scope="module")
def public_files(demo_public_build) -> dict[str, bytes]:
    return {p.relative_to(demo_public_build).as_posix(): p.read_bytes()
            for p in demo_public_build.rglob("*") if p.is_file()}


def _messages(problems) -> str:
    return "\n".join(str(p) for p in problems)


def test_a_public_build_of_the_demo_passes_the_audit(demo_public_build, public_files, secrets):
    manifest = json.loads((demo_public_build / "manifest.json").read_text())
    assert manifest["audience"] == "public"
    assert "data/pathway.js" in public_files  # the map animates (twins)
    # Audited again with dates of birth, UPNs and postcodes in the children table: no hit.
    assert audit_site(public_files, secrets, public=True) == []


def test_an_id_in_a_chart_label_fails_the_audit(public_files, secrets, demo_log):
    child = str(demo_log.children["child_id"].iloc[123])
    files = dict(public_files)
    html = files["activity.html"].decode()
    files["activity.html"] = html.replace("Ofsted inspection", f"Ofsted inspection ({child})", 1).encode()
    problems = audit_site(files, secrets, public=True)
    assert problems and all(p.file == "activity.html" for p in problems)
    assert child in _messages(problems)


def test_a_record_id_or_upn_in_a_download_fails_the_audit(public_files, secrets, demo_log):
    record = str(demo_log.events["record_id"].dropna().iloc[500])
    upn = str(demo_log.children["upn"].iloc[7])
    files = dict(public_files)
    files["downloads/extra.csv"] = f"label,count\n{record},10\nsee {upn},12\n".encode()
    text = _messages(audit_site(files, secrets, public=True))
    assert record in text and upn in text


def test_a_count_of_3_in_a_csv_fails_the_audit(public_files, secrets):
    files = dict(public_files)
    lines = files["downloads/activity-referral.csv"].decode().splitlines()
    month = lines[1].split(",")[0]
    lines[1] = f"{month},3"
    files["downloads/activity-referral.csv"] = ("\n".join(lines) + "\n").encode()
    problems = audit_site(files, secrets, public=True)
    assert len(problems) == 1
    assert problems[0].file == "downloads/activity-referral.csv"
    assert "row 2, column 'count'" in problems[0].where and "count of 3" in problems[0].message


def test_a_count_of_3_in_a_chart_table_or_drawn_in_a_chart_fails_the_audit(public_files, secrets):
    files = dict(public_files)
    html = files["activity.html"].decode()
    # The table under the chart: the first month's count.
    start = html.index('<td class="number">', html.index('<table class="data-table"'))
    end = html.index("</td>", start)
    planted = html[:start] + '<td class="number">3' + html[end:]
    files["activity.html"] = planted.encode()
    assert "shows a count of 3" in _messages(audit_site(files, secrets, public=True))
    # The data inside the chart's spec.
    spec_at = html.index('"count":', html.index('type="application/json"'))
    value_end = min(html.index(",", spec_at), html.index("}", spec_at))
    files["activity.html"] = (html[:spec_at] + '"count":3' + html[value_end:]).encode()
    assert "draws a count of 3" in _messages(audit_site(files, secrets, public=True))


def test_a_date_of_birth_in_a_tooltip_fails_the_audit(public_files, secrets, demo_log):
    births = demo_log.children["dob"]
    dob = next(f"{d:%Y-%m-%d}" for d in births if d.day not in (1,) and not d.is_month_end)
    files = dict(public_files)
    html = files["activity.html"].decode()
    files["activity.html"] = html.replace('"title":"Month"', f'"title":"Born {dob}"', 1).encode()
    assert f'"title":"Born {dob}"' in files["activity.html"].decode()
    problems = audit_site(files, secrets, public=True)
    assert any("date of birth" in p.message and dob in p.message for p in problems)
    # Written the British way it is found too.
    day = pd.Timestamp(dob)
    files["activity.html"] = html.replace('"title":"Month"', f'"title":"DOB {day:%d/%m/%Y}"', 1).encode()
    assert any(dob in p.message for p in audit_site(files, secrets, public=True))


def test_a_postcode_fails_the_audit(public_files, secrets, demo_log):
    files = dict(public_files)
    code = demo_log.children["home_post"].iloc[3]
    files["about.html"] = files["about.html"].replace(b"</main>", f"<p>Lives at {code}</p></main>".encode(), 1)
    assert any("postcode" in p.message for p in audit_site(files, secrets, public=True))


def test_a_real_journey_in_the_map_data_fails_the_audit(public_files, secrets, demo_log, front_door):
    files = dict(public_files)
    real = build_journeys(demo_log, front_door)
    frames = pack_frames(real, layout(front_door), pd.Timestamp("2014-04-01"), pd.Timestamp("2018-03-31"))
    files["data/pathway.js"] = data_script("pathway", {"frames": [frames], "views": [], "palettes": {}}).encode()
    problems = audit_site(files, secrets, public=True)
    assert [p.file for p in problems] == ["data/pathway.js"]
    assert "whose journey is a real child's" in problems[0].message


def test_map_data_for_a_map_the_audit_does_not_know_fails_closed(public_files, front_door):
    files = dict(public_files)
    problems = audit_site(files, secrets_of(read_sources([REPO / "data" / "demo"])[0]), public=True)
    assert problems and all("cannot tell twins from real children" in p.message for p in problems)


def test_short_numeric_ids_are_not_taken_for_counts_or_years(public_files):
    log = EventLog.from_frames(pd.DataFrame({"child_id": ["12", "2014", "345"], "event": "referral",
                                             "date": ["2015-01-05", "2015-02-05", "2015-03-05"]}))
    secrets = secrets_of(log)
    assert secrets.ids == set() and secrets.weak_ids == {"12", "2014", "345"}
    files = {"downloads/x.csv": b"month,count\n2014-04,12\n2015-04,345\n",
             "index.html": b"<p>In 2014, 12 children and 345 referrals.</p>"}
    assert audit_site(files, secrets, public=True) == []
    # Under a column named for ids, they are ids.
    files["downloads/y.csv"] = b"child_id,count\n345,10\n"
    assert "'345'" in _messages(audit_site(files, secrets, public=True))


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_leaking_public_build_exits_2_and_leaves_the_previous_build(tmp_path, monkeypatch, capsys):
    report = tiny_report(tmp_path)
    out = tmp_path / "out"
    assert main(["build", str(report), "--out", str(out), "--audience", "public", "-q"]) == 0
    before = _digest(out)
    # Sabotage the privacy stage: the public build publishes as an internal one, nothing hidden.
    from generator.privacy.publish import publish_report

    monkeypatch.setattr("generator.build.publish_report", lambda pages, metrics, audience: publish_report(pages, metrics, "internal"))
    assert main(["build", str(report), "--out", str(out), "--audience", "public", "-q"]) == 2
    err = capsys.readouterr().err
    assert "count of" in err and "must be 'c'" in err
    assert _digest(out) == before


def test_animating_real_children_in_a_public_build_fails_it(tmp_path, monkeypatch):
    from generator.synth.demo import generate_demo
    from generator.ingest.tidy import write_tidy

    write_tidy(generate_demo(children=1500, seed=7), tmp_path / "demo")
    report = write_report(tmp_path, data="demo", pages="""
  - {kind: overview, slug: index, title: Overview}
  - {kind: pathway_map, slug: pathway, title: Map}
""")
    monkeypatch.setattr("generator.synth.twins.synthetic_twins", lambda log, seed=0: log)
    monkeypatch.setattr("generator.privacy.fingerprints.keep_twins_off_real_journeys",
                        lambda twins, real, a, b, seed=0: (twins, 0, None))
    with pytest.raises(InputError, match="whose journey is a real child's"):
        build_report(report, tmp_path / "out", audience="public")
    assert not (tmp_path / "out").exists()


def test_a_shared_internal_report_is_audited_with_warnings_and_still_written(tmp_path, capsys):
    from generator.progress import Progress

    report = tiny_report(tmp_path, extra="shared: true", events="child_id,event,date\nCHILD0001,referral,2015-01-05\n"
                         "CHILD0001,referral,2015-01-05\nCHILD0002,contact,2015-02-01\n", pages="""
  - {kind: overview, slug: index, title: Overview}
  - {kind: data_quality, slug: data-quality, title: Data quality}
""")
    build_report(report, tmp_path / "out", progress=Progress())
    err = capsys.readouterr().err
    assert "warning" in err and "CHILD0001" in err
    assert (tmp_path / "out" / "data-quality.html").is_file()


def test_a_pseudonymised_internal_report_shows_no_real_id(tmp_path, monkeypatch):
    monkeypatch.setenv("CAREJOURNEYS_TEST_KEY", "k" * 40)
    report = tiny_report(tmp_path, extra="shared: true\npseudonymise: {key_env: CAREJOURNEYS_TEST_KEY}",
                         events="child_id,event,date\nCHILD0001,referral,2015-01-05\nCHILD0001,referral,2015-01-05\n",
                         pages="""
  - {kind: overview, slug: index, title: Overview}
  - {kind: data_quality, slug: data-quality, title: Data quality}
""")
    build_report(report, tmp_path / "out")
    html = (tmp_path / "out" / "data-quality.html").read_text()
    assert "CHILD0001" not in html and "C-" in html


def test_a_pseudonymised_report_without_its_key_is_refused(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("CAREJOURNEYS_TEST_KEY", raising=False)
    report = tiny_report(tmp_path, extra="pseudonymise: {key_env: CAREJOURNEYS_TEST_KEY}")
    assert main(["build", str(report), "--out", str(tmp_path / "out"), "-q"]) == 2
    assert "CAREJOURNEYS_TEST_KEY is not set" in capsys.readouterr().err


def test_a_numeric_id_in_a_chart_description_or_aria_label_fails_the_audit():
    log = EventLog.from_frames(pd.DataFrame({"child_id": ["204518", "2014"], "event": "referral",
                                             "date": ["2015-01-05", "2015-02-05"]}))
    secrets = secrets_of(log)
    clean = {"index.html": b'<figure aria-label="Referrals: 12,345 in 2014"></figure>',
             "charts.json": b'{"description": "the most in 2014 (204,518 referrals)"}'}
    assert audit_site(clean, secrets, public=True) == []
    leaking = {"index.html": b'<figure aria-label="Child 204518 waited longest"></figure>',
               "x.json": b'{"title": "Journeys", "description": "as child 204518 did"}'}
    problems = audit_site(leaking, secrets, public=True)
    assert {p.file for p in problems} == {"index.html", "x.json"} and "204518" in _messages(problems)
