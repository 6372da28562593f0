"""Court orders, funnel plots and problem profiles (issue 17): the area-aggregates and
assessment-factors readers, the derivations from the proceedings list, the multi-LA synthetic
data, and the three pages rendered and published."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator.analyses import competing_risks, court, funnel
from generator.analyses.period import Period
from generator.build import render_pages
from generator.cli import main
from generator.errors import InputError
from generator.ingest import read_inputs
from generator.ingest.area_aggregates import looks_like_area_aggregates, read_area_aggregates
from generator.ingest.assessment_factors import read_factors, split_factors
from generator.page_options import ORDER_KEYS, CourtOrdersOptions, FunnelOptions, ProfilesOptions
from generator.privacy.publish import publish
from generator.synth.court_areas import court_areas, write_court_areas

REPO = Path(__file__).resolve().parents[1]
T = pd.Timestamp


@pytest.fixture(scope="module")
def court_data(tmp_path_factory):
    """Six synthetic LAs as exported (one subfolder each, area aggregates beside them), read."""
    folder = tmp_path_factory.mktemp("court")
    write_court_areas(folder, las=6, per_year=25, seed=7)
    return read_inputs([folder])


def _render(sources, *options):
    events = sources.log.events
    return render_pages(list(options), log=sources.log, period=Period(events["date"].min(), events["date"].max()),
                        tables=sources.tables)


# -- readers -----------------------------------------------------------------------------------

def test_area_aggregates_are_read_by_their_columns_whatever_they_are_called(tmp_path):
    path = tmp_path / "published.csv"
    path.write_text("DFJ area,Region,Year,Numerator,Denominator\nKent,South East,2019,\"1,204\",3000\n"
                    "Sussex,South East,2019,30,120\n", encoding="utf-8")
    table = read_area_aggregates(path)
    assert table.columns.tolist() == ["measure", "area", "region", "period", "numerator", "denominator"]
    assert table["numerator"].tolist() == [1204, 30]
    assert table["measure"].unique().tolist() == ["rate"]
    assert table["period"].tolist() == ["2019", "2019"]


def test_a_child_level_table_is_never_taken_for_area_aggregates():
    assert looks_like_area_aggregates(["area", "period", "numerator", "denominator"])
    assert not looks_like_area_aggregates(["child_id", "area", "period", "numerator", "denominator"])
    assert not looks_like_area_aggregates(["area", "period", "numerator"])


def test_bad_area_aggregates_name_every_bad_row(tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text("area,period,numerator,denominator\nA,2019,12,10\nB,2019,x,10\n,2019,1,10\nC,2019,1,10\n"
                    "C,2019,2,10\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_area_aggregates(path)
    text = str(error.value)
    assert "row 2" in text and "exceeds denominator" in text
    assert "row 3" in text and "'x' is not a whole number" in text
    assert "row 4" in text and "area is blank" in text


def test_duplicated_areas_are_refused_with_their_rows(tmp_path):
    path = tmp_path / "areas.csv"
    path.write_text("area,period,numerator,denominator\nC,2019,1,10\nC,2019,2,10\n", encoding="utf-8")
    with pytest.raises(InputError, match="rows 2, 3"):
        read_area_aggregates(path)


def test_assessment_factors_are_split_into_one_row_per_code(tmp_path):
    assert split_factors("1b, 3A;21") == ["1B", "3A", "21"]
    path = tmp_path / "factors.csv"
    path.write_text("child_id,assessment_date,factors\n7,2019-03-01,\"1B,3A\"\n8,2019-04-01,21\n", encoding="utf-8")
    table = read_factors(path)
    assert table[["child_id", "factor"]].values.tolist() == [["7", "1B"], ["7", "3A"], ["8", "21"]]
    path.write_text("child_id,date,factors\n7,2019-03-01,\"1B,99Z\"\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 2.*99Z"):
        read_factors(path)


def test_several_las_proceedings_carry_their_la_and_prefixed_ids(court_data):
    proceedings = court_data.tables.legal.proceedings
    assert set(proceedings["la"]) == {f"la{i:02d}" for i in range(1, 7)}
    assert all(child.startswith(la + "/") for child, la in zip(proceedings["child_id"], proceedings["la"]))
    assert proceedings["proceedings_id"].is_unique
    # The same ids as the event log's and the assessment factors', so the three join.
    assert set(proceedings["child_id"]) <= set(court_data.log.children["child_id"])
    assert court_data.tables.factors["child_id"].str.match(r"^la\d\d/").all()
    assert court_data.tables.areas is not None and len(court_data.tables.areas)
    formats = {f.name: f.format for f in court_data.inputs}
    assert formats["area_aggregates.csv"] == "areas" and formats["la01/assessment_factors.csv"] == "factors"


# -- derivations -------------------------------------------------------------------------------

def _listing(rows):
    return pd.DataFrame(rows, columns=["child_id", "birth_date", "application_date", "final_date", "final_order"]).assign(
        **{c: lambda f, c=c: pd.to_datetime(f[c]) for c in ("birth_date", "application_date", "final_date")})


def test_return_to_court_ends_at_new_proceedings_at_18_or_at_the_end_of_the_records():
    proceedings = _listing([
        ("A", "2010-01-01", "2014-06-01", "2015-01-01", "supervision_order"),
        ("A", "2010-01-01", "2016-01-01", "2016-09-01", "care_order"),  # A back in court 365 days on
        ("B", "1997-07-01", "2014-01-01", "2014-07-01", "sgo"),  # B turns 18 on 2015-07-01
        ("C", "2012-01-01", "2016-01-01", "2017-01-01", "care_order"),  # C followed to the end
    ])
    follow = court.return_to_court(proceedings, end=T("2018-01-01"))
    rows = follow.sort_values(["group", "days"]).values.tolist()
    assert rows == [["care_order", 365.0, 0], ["care_order", 487.0, 0], ["sgo", 365.0, 2],
                    ["supervision_order", 365.0, 1]]


def test_profile_points_read_the_nearest_assessment_and_keep_only_children_seen_at_all_three():
    proceedings = _listing([("A", "2008-01-01", "2012-01-10", "2012-10-01", "care_order"),
                            ("B", "2008-01-01", "2012-01-10", "2012-10-01", "care_order")])
    factors = pd.DataFrame({"child_id": ["A", "A", "A", "A", "B", "B"],
                            "date": pd.to_datetime(["2011-12-20", "2012-10-15", "2016-09-01", "2016-12-31",
                                                    "2011-12-20", "2012-10-15"]),
                            "factor": ["1B", "1B", "4A", "1B", "1B", "1B"]})
    points = court.profile_points(proceedings, factors, follow_up_years=4, window_days=90)
    # B has no assessment near the follow-up point: left out. A's follow-up is the assessment
    # of 2016-09-01 (30 days from 2016-10-01), not the one of 2016-12-31 (91 days).
    assert points.values.tolist() == [["A", "1B", 1, 1, 0], ["A", "4A", 0, 0, 1]]


def test_carer_problems_are_counted_at_the_start():
    points = pd.DataFrame({"child_id": ["A", "A", "A", "B"], "factor": ["1B", "3B", "16A", "1B"],
                           "start": [1, 1, 1, 0], "end": [0, 0, 0, 1], "follow_up": [0, 0, 0, 0]})
    table = court.carer_problems_and_abuse(points, ["1B", "3B"], ["16A"])
    assert table.values.tolist() == [["A", 2, 1], ["B", 0, 0]]


def test_the_court_pages_count_the_orders_the_analyses_count():
    assert ORDER_KEYS == court.SIX_ORDERS


# -- synthetic LAs -----------------------------------------------------------------------------

def test_synthetic_las_have_the_patterns_the_pages_are_built_to_show():
    data = court_areas(las=12, per_year=60, seed=11)
    proceedings = data.proceedings
    made = proceedings[proceedings["final_order"].notna()]
    so = made.assign(so=made["final_order"] == "supervision_order").groupby("region")["so"].mean()
    assert so["London"] > so["North West"] + 0.05
    follow = court.return_to_court(proceedings.assign(child_id=proceedings["la"] + "/" + proceedings["child_id"]))
    five = competing_risks.cumulative_incidence(follow, times=[5 * 365.25]).set_index("group")["estimate"]
    assert five.idxmax() == "supervision_order" and five.idxmin() == "placement_order"
    areas = court.funnel_areas(proceedings, ["supervision_order"], by="la")
    assert funnel.proportion_overdispersion(areas["numerator"], areas["denominator"]).significant


def test_the_same_seed_gives_the_same_las():
    first, second = court_areas(las=3, per_year=10, seed=5), court_areas(las=3, per_year=10, seed=5)
    pd.testing.assert_frame_equal(first.proceedings, second.proceedings)
    pd.testing.assert_frame_equal(first.factors, second.factors)


def test_synth_court_writes_one_folder_per_la(tmp_path):
    assert main(["synth", "court", "--las", "3", "--per-year", "5", "--out", str(tmp_path), "-q"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["area_aggregates.csv", "la01", "la02", "la03"]
    assert sorted(p.name for p in (tmp_path / "la02").iterdir()) == [
        "assessment_factors.csv", "children.csv", "events.csv", "proceedings.csv"]
    assert main(["synth", "court", "--las", "0", "--out", str(tmp_path)]) == 2


# -- pages -------------------------------------------------------------------------------------

PAGES = (CourtOrdersOptions(kind="court_orders", slug="orders", title="Orders"),
         FunnelOptions(kind="funnel", slug="funnel", title="Funnel", highlight="la02", method="exact"),
         FunnelOptions(kind="funnel", slug="dfj", title="DFJ", source="areas", period="2019"),
         ProfilesOptions(kind="profiles", slug="profiles", title="Profiles"))


@pytest.fixture(scope="module")
def rendered(court_data):
    return _render(court_data, *PAGES)


def test_each_page_publishes_the_columns_the_issue_names(rendered):
    _, pages = rendered
    charts = {chart.id: chart for _, page in pages for chart in page.charts}
    assert charts["orders-return-to-court"].data.columns.tolist() == ["group", "days", "estimate", "lower", "upper",
                                                                      "at_risk"]
    downloads = {name: table for _, page in pages for name, table in page.downloads.items()}
    assert downloads["funnel-funnel-table"].frame.columns.tolist() == funnel.COLUMNS
    assert downloads["dfj-funnel-table"].frame.columns.tolist() == funnel.COLUMNS
    assert set(charts) >= {"orders-order-shares", "orders-order-shares-by-area", "funnel-funnel", "dfj-funnel", "profiles-profiles",
                           "profiles-abuse-by-carer-problems"}


def test_return_to_court_curves_are_the_aalen_johansen_of_the_follow_up(rendered, court_data):
    _, pages = rendered
    chart = next(c for _, p in pages for c in p.charts if c.id == "orders-return-to-court")
    follow = court.return_to_court(court_data.tables.legal.proceedings)
    direct = competing_risks.cumulative_incidence(follow, times=[364.0])
    shown = chart.data[chart.data["days"] == 364.0].reset_index(drop=True)
    np.testing.assert_allclose(shown["estimate"], direct["estimate"], atol=1e-12)


def test_return_to_court_by_area_is_each_area_s_aalen_johansen_at_five_years(rendered, court_data):
    _, pages = rendered
    page = next(page for options, page in pages if options.kind == "court_orders")
    table = next(t for t in page.context["tables"] if t["id"] == "orders-return-by-area")["frame"].frame
    follow_up = court.return_to_court(court_data.tables.legal.proceedings, by="la")
    assert table["area"].tolist() == sorted(follow_up["la"].unique())
    horizon = 5 * 365.25
    for row in table.itertuples():
        own = follow_up[follow_up["la"] == row.area].assign(group="all")
        curve = competing_risks.cumulative_incidence(own, times=[horizon]).iloc[0]
        assert row.estimate == pytest.approx(round(100 * curve["estimate"], 1), abs=1e-9)
        assert (row.lower, row.upper) == pytest.approx((round(100 * curve["lower"], 1), round(100 * curve["upper"], 1)))
        assert row.followed == len(own) and row.still_followed == curve["at_risk"]
        assert row.returned == int(((own["event"] == court.NEW_PROCEEDINGS) & (own["days"] <= horizon)).sum())
    assert table["returned"].sum() > 0 and table["estimate"].nunique() > 1


def test_a_public_build_hides_a_small_area_s_return_to_court_with_its_counts(court_data):
    legal = court_data.tables.legal
    proceedings = legal.proceedings
    # la02 cut to six proceedings: too few orders followed to be named with a figure.
    few = proceedings[(proceedings["la"] != "la02") | proceedings.index.isin(proceedings.index[proceedings["la"] == "la02"][:6])]
    tables = court_data.tables.__class__(legal=legal.__class__(few))
    ctx, pages = render_pages([PAGES[0]], log=court_data.log, period=Period(T("2010-01-01"), T("2020-12-31")),
                              tables=tables)
    published, _ = publish(pages, ctx.metrics, "public")
    table = next(t for t in published[0][1].context["tables"] if t["id"] == "orders-return-by-area")["frame"]
    small = table[table["area"] == "la02"].iloc[0]
    assert {str(small[c]) for c in ("followed", "returned", "still_followed", "estimate", "lower", "upper")} == {"c"}
    assert (table["estimate"].astype(str) != "c").sum() >= 4  # the other LAs' figures are shown


def test_the_funnel_page_highlights_the_la_and_names_outliers_from_its_own_limits(rendered, court_data):
    _, pages = rendered
    page = next(p for o, p in pages if o.slug == "funnel")
    table = page.downloads["funnel-funnel-table"].frame
    areas = court.funnel_areas(court_data.tables.legal.proceedings, ["supervision_order"], by="la")
    pd.testing.assert_frame_equal(table.drop(columns=[]), funnel.proportion_funnel(areas, "exact"), check_like=True)
    chart = page.charts[0]
    dots = next(layer for layer in chart.spec["layer"] if layer["mark"]["type"] == "point")["data"]["values"]
    assert [d["area"] for d in dots if d["you"] == "yes"] == ["la02"]
    described = chart.describe(table.drop(columns="outlier"))
    for area in table.loc[table["outlier"], "area"]:
        assert area in described


def test_profiles_mark_significant_changes_with_the_seed_daggers(rendered):
    _, pages = rendered
    page = next(p for o, p in pages if o.slug == "profiles")
    labels = page.charts[0].data["factor"].unique()
    # The synthetic carers' problems fall sharply from the start to the end of proceedings.
    assert any(label.startswith("Domestic abuse: parent or carer (3B)") and "\u2020" in label for label in labels)
    trend = page.charts[1].describe(page.charts[1].data)
    assert "Cochran-Armitage" in trend and "rising" in trend


def test_a_public_build_suppresses_small_counts_on_the_court_pages(court_data):
    # One LA's proceedings alone: yearly counts per order are small, so some are hidden.
    sources = court_data
    legal = sources.tables.legal
    one = legal.proceedings[legal.proceedings["la"] == "la01"]
    tables = sources.tables.__class__(legal=legal.__class__(one), areas=sources.tables.areas,
                                      factors=sources.tables.factors)
    ctx, pages = render_pages([PAGES[0]], log=sources.log, period=Period(T("2010-01-01"), T("2020-12-31")),
                              tables=tables)
    published, _ = publish(pages, ctx.metrics, "public")
    shares = published[0][1].charts[0].data
    assert (shares["children"].astype(str) == "c").any()
    hidden = shares["children"].astype(str) == "c"
    assert (shares.loc[hidden, "share"].astype(str) == "c").all()


def test_pages_without_their_inputs_say_what_they_need(court_data):
    empty = court_data.tables.__class__()
    _, pages = render_pages(list(PAGES), log=court_data.log, period=Period(T("2010-01-01"), T("2020-12-31")),
                            tables=empty)
    notes = [page.context["notes"][0] for _, page in pages]
    assert all(not page.charts for _, page in pages)
    assert "list of care proceedings" in notes[0] and "list of care proceedings" in notes[1]
    assert "area-aggregates table" in notes[2]
    assert "list of care proceedings" in notes[3]


@pytest.mark.slow
@pytest.mark.parametrize("audience", ["internal", "public"])
def test_the_court_report_builds(audience, tmp_path, capsys):
    code = main(["build", str(REPO / "content" / "court_report.yaml"), "--audience", audience,
                 "--out", str(tmp_path / "out"), "-q"])
    assert code == 0, capsys.readouterr().err
    for page in ("court-orders", "supervision-orders", "supervision-orders-dfj", "problem-profiles"):
        assert (tmp_path / "out" / f"{page}.html").is_file()
    assert (tmp_path / "out" / "downloads" / "court-orders-return-to-court.csv").is_file()


def test_a_funnel_of_area_aggregates_with_several_measures_asks_which(court_data):
    areas = pd.DataFrame({"measure": ["rereferrals", "rereferrals", "so_share", "so_share"], "area": ["A", "B", "A", "B"],
                          "region": pd.NA, "period": "2019", "numerator": [20, 30, 5, 9], "denominator": [100, 120, 40, 50]})
    tables = court_data.tables.__class__(areas=areas)
    page = FunnelOptions(kind="funnel", slug="f", title="F", source="areas")
    _, pages = render_pages([page], log=court_data.log, period=Period(T("2010-01-01"), T("2020-12-31")), tables=tables)
    assert "rereferrals, so_share" in pages[0][1].context["notes"][0] and not pages[0][1].charts
    chosen = page.model_copy(update={"measure": "so_share"})
    _, pages = render_pages([chosen], log=court_data.log, period=Period(T("2010-01-01"), T("2020-12-31")), tables=tables)
    assert pages[0][1].downloads["f-funnel-table"].frame["numerator"].tolist() == [5, 9]


def test_profile_factors_must_be_cin_codes():
    assert ProfilesOptions(kind="profiles", slug="p", title="P", factors=["1b", " 21"]).factors == ["1B", "21"]
    with pytest.raises(ValueError, match="not CIN assessment factor codes: 'alcohol'"):
        ProfilesOptions(kind="profiles", slug="p", title="P", factors=["alcohol"])
