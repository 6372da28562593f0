"""The longitudinal view's inputs and pages: population estimates found by their content and
handed to pages beside the log; the incidence, sequences and timeline pages on the demo; a
public build refusing the timeline; and the demo's history calibrated as issue 18 asks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from generator.analyses.incidence import cumulative_incidence, first_entries, period_cumulative_incidence
from generator.analyses.period import Period
from generator.build import render_pages
from generator.cli import main
from generator.errors import InputError
from generator.ingest import read_inputs, read_sources
from generator.page_options import IncidenceOptions, SequencesOptions, TimelineOptions
from generator.privacy.publish import publish
from tests.helpers import TINY_CHILDREN, TINY_EVENTS, write_report

#: Whole builds or whole-demo fits: run by the README's test command, not by plain `pytest`.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "demo"  # the demo report's data, with its 903 history from 2002 (`synth demo --history`)
LONGITUDINAL = REPO / "data" / "longitudinal"  # the same events, history and estimates, without the court files
POPULATION = "la,year,age,sex,count\n" + "".join(f"E1,2015,{a},{s},100\n" for a in range(18) for s in (1, 2))


@pytest.fixture(scope="module")
def demo():
    return read_inputs([DEMO])


def _tiny(folder: Path, population: bool) -> Path:
    data = folder / "data"
    data.mkdir(parents=True)
    (data / "events.csv").write_text(TINY_EVENTS, encoding="utf-8")
    (data / "children.csv").write_text(TINY_CHILDREN, encoding="utf-8")
    if population:
        (data / "mid_year_estimates.csv").write_text(POPULATION, encoding="utf-8")
    return data


def test_population_estimates_are_found_by_content_and_kept_out_of_the_log(tmp_path):
    sources = read_inputs([_tiny(tmp_path, population=True)])
    assert sources.tables.population is not None
    assert sources.tables.population["count"].sum() == 36 * 100
    assert set(sources.log.children["child_id"]) == {"A1", "B2"}
    assert [f.format for f in sources.inputs if f.name == "mid_year_estimates.csv"] == ["population"]
    # The three-part read_sources is unchanged for its callers.
    assert len(read_sources([tmp_path / "data"])) == 3


def test_data_without_estimates_has_no_population_table(tmp_path):
    assert read_inputs([_tiny(tmp_path, population=False)]).tables.population is None


def test_estimates_alone_are_an_input_error_asking_for_events(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "pop.csv").write_text(POPULATION, encoding="utf-8")
    with pytest.raises(InputError, match="holds no events"):
        read_inputs([data])


def _render(pages, sources, audience="internal"):
    ctx, rendered = render_pages(pages, log=sources.log, period=Period.of("2014-04-01", "2018-03-31"),
                                 tables=sources.tables, audience=audience)
    assert ctx.tables is sources.tables
    return publish(rendered, dict(ctx.metrics), audience)[0]


def test_incidence_page_without_estimates_says_what_it_needs(demo):
    from generator.ingest import Sources, Tables

    bare = Sources(demo.log, demo.inputs, demo.findings, Tables())
    (_, page), = _render([IncidenceOptions(kind="incidence", slug="incidence", title="Incidence")], bare)
    assert any("needs population estimates" in note for note in page.context["notes"])
    assert not any(chart.id.endswith("by-cohort") for chart in page.charts)
    assert any(chart.id.endswith("return-age") for chart in page.charts)  # needs no population


def test_incidence_page_draws_a_line_per_cohort_and_says_first_means_first_here(demo):
    options = IncidenceOptions(kind="incidence", slug="incidence", title="Incidence")
    (_, page), = _render([options], demo)
    cohorts = next(c for c in page.charts if c.id == "incidence-by-cohort")
    assert cohorts.data["cohort"].nunique() >= 10
    assert "first in this local authority's records" in options.intro
    assert "born 2003" in cohorts.description


def test_public_incidence_and_sequences_pages_publish_no_count_from_1_to_5(demo):
    pages = [IncidenceOptions(kind="incidence", slug="incidence", title="Incidence"),
             SequencesOptions(kind="sequences", slug="histories", title="Histories")]
    for _, page in _render(pages, demo, audience="public"):
        frames = [c.data for c in page.charts] + [t["frame"] for t in page.context["tables"]]
        for frame in frames:
            for column in [c for c in frame.columns if c in ("count", "first_entries", "children")]:
                values = pd.to_numeric(frame[column], errors="coerce")
                assert not values.between(1, 5).any(), column


def test_sequences_page_publishes_groups_not_children(demo):
    (_, page), = _render([SequencesOptions(kind="sequences", slug="histories", title="Histories")], demo)
    sizes = next(t["frame"] for t in page.context["tables"] if t["id"] == "histories-groups")
    assert 2 <= len(sizes) <= 8
    chrono = next(c for c in page.charts if c.id == "histories-chronograms")
    assert set(chrono.data.columns) == {"group", "month", "state", "rank", "count", "share"}
    ids = set(demo.log.children["child_id"])
    text = repr([c.spec for c in page.charts]) + repr(page.context)
    assert not any(child in text for child in list(ids)[:2000])


def test_who_is_in_each_group_lists_ages_youngest_first(demo):
    # The bands were listed as text sorts them: "1 to 4", "10 to 15", "16 or 17", "5 to 9", "Under 1".
    (_, page), = _render([SequencesOptions(kind="sequences", slug="histories", title="Histories")], demo)
    traits = next(t["frame"] for t in page.context["tables"] if t["id"] == "histories-characteristics")
    ages = traits[(traits["characteristic"] == "Age at entry") & (traits["group"] == 1)]["value"].tolist()
    bands = ["Under 1", "1 to 4", "5 to 9", "10 to 15", "16 or 17"]
    assert [band for band in bands if band in ages] == [age for age in ages if age in bands] and len(ages) >= 3
    assert traits["characteristic"].drop_duplicates().tolist() == ["Sex", "Age at entry", "Ethnicity"]


def test_a_public_build_refuses_the_timeline_with_exit_2(tmp_path, capsys):
    data = _tiny(tmp_path, population=False)
    report = write_report(tmp_path, data="data", extra="audience: public", pages="""
  - {kind: overview, slug: index, title: Overview}
  - {kind: timeline, slug: child, title: A child, child_id: A1}
""")
    assert data.is_dir()
    code = main(["build", str(report), "--out", str(tmp_path / "out"), "-q"])
    assert code == 2
    assert "cannot be published" in capsys.readouterr().err


def test_an_internal_timeline_draws_every_record_of_the_child(demo):
    child = demo.log.of_event("lac_start")["child_id"].value_counts().index[0]
    (_, page), = _render([TimelineOptions(kind="timeline", slug="child", title="A child", child_id=child)], demo)
    lanes = page.charts[0].data
    assert (lanes["lane"] == "Periods of care").sum() == (demo.log.of_event("lac_start")["child_id"] == child).sum()


def test_the_demo_history_gives_ten_years_to_some_cohorts_and_about_3_percent_by_18(demo):
    first = first_entries(demo.log)
    table = cumulative_incidence(first, demo.tables.population, demo.log.first_date, demo.log.last_date)
    ages = table.groupby("cohort")["by_age"].max()
    assert (ages >= 10).sum() >= 3
    # Later cohorts enter earlier: by age 5, the cohorts born 2008-2012 above those born
    # 2003-2007 (measured on the committed demo: 0.57% against 0.47%).
    by5 = table[table["by_age"] == 5].set_index("cohort")["cumulative"]
    assert by5.loc[2008:2012].mean() > 1.1 * by5.loc[2003:2007].mean()
    period = period_cumulative_incidence(first, demo.tables.population, [2014, 2015, 2016, 2017])
    assert 0.025 <= period["cumulative"].iloc[-1] <= 0.035


@pytest.mark.parametrize("name", ["events.parquet", "children.parquet", "care_history_events.parquet",
                                  "care_history_children.parquet", "population.csv"])
def test_the_longitudinal_folder_holds_the_demos_events_history_and_estimates(name):
    assert (LONGITUDINAL / name).read_bytes() == (DEMO / name).read_bytes()


def test_the_demo_population_is_what_synth_demo_writes_and_holds_every_child(demo, tmp_path):
    from generator.synth.demo import generate_demo, generate_demo_history

    history, population = generate_demo_history(generate_demo())
    committed = pd.read_csv(DEMO / "population.csv", dtype={"sex": str})
    pd.testing.assert_frame_equal(population.reset_index(drop=True), committed)
    known = demo.log.children.dropna(subset=["birth_month"])
    per_cohort = known.groupby(known["birth_month"].dt.year).size()
    births = population[population["age"] == 0].set_index("year")["count"].groupby(level=0).sum()
    assert (per_cohort.reindex(births.index).fillna(0) < births).all()
    assert history.events["date"].max() <= pd.Timestamp("2018-03-31")
