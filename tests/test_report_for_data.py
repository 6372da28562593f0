"""A report made for an LA's own data lists every page the data can fill (issue 20: "`init`
writes a report with every page the data found can fill"): the court pages from a proceedings
list, the profiles from assessment factors, funnels from area aggregates or several LAs,
incidence from population estimates, and the sequences and forecast pages when the records are
long enough; never a page that could only say what it needs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from generator.cli import main
from generator.config import load_report
from generator.eventlog import EventLog
from generator.ingest import read_inputs
from generator.report_for_data import report_settings
from generator.report_for_tables import FEWEST_CHILDREN, _final_orders, _ids_of, cohort_entries, profiled_children

REPO = Path(__file__).resolve().parents[1]
COURT = ("linkage", "proceedings", "court_orders", "funnel", "profiles")
LONGITUDINAL = ("incidence", "sequences", "forecast")


@pytest.fixture(scope="module")
def demo():
    return read_inputs([REPO / "data" / "demo"])


def kinds_of(settings: dict) -> list[str]:
    return [page["kind"] for page in settings["pages"]]


def test_the_demo_data_get_every_court_and_longitudinal_page_in_the_demo_reports_order(demo):
    log, _, _, tables = demo
    settings = report_settings(log, REPO / "data" / "demo", tables)
    kinds = kinds_of(settings)
    for kind in COURT + LONGITUDINAL:
        assert kind in kinds, kind
    demo_order = [p["kind"] for p in yaml.safe_load((REPO / "content" / "report.yaml").read_text())["pages"]]
    added = [k for k in kinds if k in COURT + LONGITUDINAL]
    assert added == sorted(added, key=demo_order.index)
    assert kinds[-2:] == ["data_quality", "markdown"]
    pages = {page["kind"]: page for page in settings["pages"]}
    # The demo's four years allow the one-year follow-up its own report uses, not the seed's four.
    assert pages["profiles"]["follow_up_years"] == 1
    # Its area aggregates hold one measure, compared at the latest year, the county highlighted.
    assert pages["funnel"] | {"slug": None} == pages["funnel"] | {"slug": None, "source": "areas", "period": "2017",
                                                                   "highlight": "Demo County"}
    assert len({page["slug"] for page in settings["pages"]}) == len(settings["pages"])


def test_without_the_tables_only_the_pages_of_the_events_are_listed(demo):
    log, _, _, _ = demo
    kinds = kinds_of(report_settings(log, REPO / "data" / "demo"))
    assert not set(kinds) & set(COURT + ("incidence",))


def test_a_903_alone_gets_no_court_page_but_incidence_sequences_and_forecast():
    log, _, _, tables = read_inputs([REPO / "data" / "903"])
    kinds = kinds_of(report_settings(log, REPO / "data" / "903", tables))
    assert not set(kinds) & set(COURT)
    for kind in LONGITUDINAL:
        assert kind in kinds, kind


def test_twelve_las_proceedings_get_court_orders_funnels_and_profiles_but_no_care_pages():
    log, _, _, tables = read_inputs([REPO / "data" / "court"])
    settings = report_settings(log, REPO / "data" / "court", tables)
    kinds = kinds_of(settings)
    for kind in ("court_orders", "funnel", "profiles"):
        assert kind in kinds, kind
    # No period of care to link the lists to or follow, no population, no front door to forecast.
    for kind in ("linkage", "proceedings", "incidence", "sequences", "forecast"):
        assert kind not in kinds, kind
    funnels = [page for page in settings["pages"] if page["kind"] == "funnel"]
    assert {page["source"] for page in funnels} == {"proceedings", "areas"}
    assert next(p for p in funnels if p["source"] == "areas")["period"] == "2020"
    assert next(p for p in settings["pages"] if p["kind"] == "profiles")["follow_up_years"] == 4


def test_short_records_get_no_forecast_and_a_shorter_care_history():
    log, _, _, tables = read_inputs([REPO / "data" / "903"])
    # The 903 example's last 20 months: too short for a forecast's fit and backtest, and for
    # following children three years after entry.
    recent = log.events["date"] >= log.last_date - pd.DateOffset(months=20)
    short = EventLog.from_frames(log.events[recent], log.children)
    settings = report_settings(short, REPO / "data" / "903", tables)
    kinds = kinds_of(settings)
    assert "forecast" not in kinds
    # Children are followed for the longest span enough of them reach: 12 of the page's months.
    assert [p.get("months") for p in settings["pages"] if p["kind"] == "sequences"] == [12]


@pytest.mark.parametrize("folder, years", [("court", 4), ("court", 1), ("demo", 1), ("demo", 3)])
def test_the_children_counted_for_profiles_are_those_the_profiles_page_pairs(folder, years):
    from generator.analyses.court import profile_points

    _, _, _, tables = read_inputs([REPO / "data" / folder])
    made = _final_orders(tables)
    ids = _ids_of(tables, made)
    expected = profile_points(made.assign(child_id=ids), tables.factors, years, 183)["child_id"].nunique()
    assert profiled_children(made, ids, tables.factors, years, 183) == expected
    if folder == "demo" and years == 1:
        assert expected >= FEWEST_CHILDREN


@pytest.mark.parametrize("folder, event", [("903", "lac_start"), ("cin", "referral"), ("annex_a", "lac_start"),
                                           ("demo", "lac_start")])
def test_the_first_entries_counted_for_incidence_are_those_its_cohort_chart_counts(folder, event):
    from generator.analyses.incidence import cumulative_incidence, first_entries
    from generator.eventlog import CARE_EVENTS

    log, _, _, tables = read_inputs([REPO / "data" / folder])
    dates = log.events.loc[log.events["event"].isin(CARE_EVENTS) == (event == "lac_start"), "date"]
    table = cumulative_incidence(first_entries(log, event), tables.population, dates.min(), dates.max())
    assert cohort_entries(log, tables.population, event) == int(table["first_entries"].sum())


def test_incidence_counts_referrals_when_no_entry_to_care_falls_in_a_cohort_it_follows():
    # Annex A's eleven periods of care are of children born before the records start.
    log, _, _, tables = read_inputs([REPO / "data" / "annex_a"])
    assert cohort_entries(log, tables.population, "lac_start") == 0
    pages = report_settings(log, REPO / "data" / "annex_a", tables)["pages"]
    assert [p.get("event") for p in pages if p["kind"] == "incidence"] == ["referral"]
    # Without referrals there is no incidence page at all.
    care = EventLog.from_frames(log.events[log.events["event"] != "referral"], log.children)
    assert "incidence" not in kinds_of(report_settings(care, REPO / "data" / "annex_a", tables))


def test_init_with_the_demo_data_writes_a_report_that_validates_and_lists_the_court_pages(tmp_path, capsys):
    data = tmp_path / "export"
    shutil.copytree(REPO / "data" / "demo", data)
    assert main(["init", str(tmp_path / "report"), "--data", str(data)]) == 0
    report = load_report(tmp_path / "report" / "report.yaml")
    kinds = [page.kind for page in report.pages]
    for kind in COURT + LONGITUDINAL:
        assert kind in kinds, kind
    assert main(["validate", str(tmp_path / "report" / "report.yaml")]) == 0, capsys.readouterr().err


#: What a page says when it has nothing to draw (`generator.pages.legal_links.NEEDS_LIST`,
#: `court_orders.NEEDS_PROCEEDINGS`, `profiles.NEEDS_FACTORS`, `funnel.NEEDS_AREAS`,
#: `incidence.NEEDS_POPULATION`, the sequences and profiles pages' empty notes).
NOTHING_TO_SHOW = ("This page needs", "Cumulative incidence needs", "nothing to group",
                   "No child in proceedings was assessed", "A funnel plot compares areas")


def pages_hold_charts(out: Path, settings_pages: list[dict], kinds) -> None:
    for page in settings_pages:
        if page["kind"] not in kinds:
            continue
        html = (out / f"{page['slug']}.html").read_text(encoding="utf-8")
        assert 'class="chart-canvas"' in html or "<table" in html, page["slug"]
        for words in NOTHING_TO_SHOW:
            assert words not in html, (page["slug"], words)


@pytest.mark.slow
def test_a_build_of_the_demo_data_without_a_report_yaml_fills_every_page_it_adds(tmp_path, demo, capsys):
    data = tmp_path / "export"
    shutil.copytree(REPO / "data" / "demo", data)
    assert main(["build", "--data", str(data), "--out", str(tmp_path / "out"), "-q"]) == 0, capsys.readouterr().err
    log, _, _, tables = demo
    pages = report_settings(log, data, tables)["pages"]
    assert {p["kind"] for p in pages} >= set(COURT + LONGITUDINAL)
    pages_hold_charts(tmp_path / "out", pages, COURT + LONGITUDINAL)


@pytest.mark.slow
@pytest.mark.parametrize("audience", ["internal", "public"])
def test_a_build_of_twelve_las_court_data_fills_its_court_pages_and_passes_the_public_audit(tmp_path, audience, capsys):
    # A public build exits 2 when the privacy audit finds anything (generator.build).
    out = tmp_path / "out"
    assert main(["build", "--data", str(REPO / "data" / "court"), "--out", str(out), "--audience", audience,
                 "-q"]) == 0, capsys.readouterr().err
    log, _, _, tables = read_inputs([REPO / "data" / "court"])
    pages = report_settings(log, REPO / "data" / "court", tables)["pages"]
    assert {"court_orders", "funnel", "profiles"} <= {p["kind"] for p in pages}
    pages_hold_charts(out, pages, ("court_orders", "funnel", "profiles"))
