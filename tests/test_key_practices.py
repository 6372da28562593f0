"""Issue 19: the key-practices page, the readers' practice events, and the demo's drift."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema.core import load_schema

from generator.analyses.period import Period
from generator.analyses.practice_spc import choose_chart, practice_chart
from generator.analyses.practices import evaluate_practice
from generator.build import render_pages
from generator.charts.spc import SPC_COLUMNS
from generator.eventlog import EventLog
from generator.ingest import read_sources
from generator.page_options import KeyPracticesOptions
from generator.practice_rules import load_rules
from generator.privacy.publish import publish
from generator.synth.demo import generate_demo
from generator.synth.practice import CPP_DRIFT_START

#: Whole builds or whole-demo fits: run by the README's test command, not by plain `pytest`.
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
RULES = load_rules(REPO / "content" / "practices")
PERIOD = Period.of("2014-04-01", "2018-03-31")


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def of_event(log, event):
    rows = log.events[log.events["event"] == event]
    return [(r.child_id, f"{r.date:%Y-%m-%d}", r.code if pd.notna(r.code) else None) for r in rows.itertuples()]


# Readers


EPISODES = ("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
            "1,01/05/2016,S,C2,N1,U1,,,,,,,\n")


def test_903_reviews_become_lac_reviews_read_once_across_returns(tmp_path):
    folder = write(tmp_path / "d", {
        "episodes_2017.csv": EPISODES,
        "reviews_2017.csv": "CHILD,DOB,REVIEW,REVIEW_CODE\n1,01/01/2008,25/05/2016,PN1\n1,01/01/2008,20/08/2016,pn0\n",
        "reviews_2018.csv": "CHILD,DOB,REVIEW,REVIEW_CODE\n1,01/01/2008,20/08/2016,PN0\n1,01/01/2008,10/02/2017,PN1\n",
    })
    log, _, findings = read_sources([folder])
    assert of_event(log, "lac_review") == [("1", "2016-05-25", "PN1"), ("1", "2016-08-20", "PN0"), ("1", "2017-02-10", "PN1")]
    assert {f.check: f.count for f in findings}["duplicate reviews"] == 1
    assert "tables not used" not in {f.check for f in findings} or all("reviews" not in f.message for f in findings)


def test_903_missing_return_interview_column_gives_offered_events(tmp_path):
    folder = write(tmp_path / "d", {
        "episodes_2017.csv": EPISODES,
        "missing_2017.csv": ("CHILD,DOB,MISSING,MIS_START,MIS_END,MIS_RETURN_INTERVIEW\n"
                             "1,01/01/2004,M,01/06/2016,02/06/2016,04/06/2016\n"   # offered on a date
                             "1,01/01/2004,M,01/07/2016,03/07/2016,Y\n"            # offered, undated: at the end
                             "1,01/01/2004,A,01/08/2016,01/08/2016,N\n"            # not offered
                             "1,01/01/2004,M,01/09/2016,02/09/2016,\n"             # blank: nothing known
                             "1,01/01/2004,M,01/10/2016,02/10/2016,soon\n"),       # neither: counted
    })
    log, _, findings = read_sources([folder])
    assert [d for _, d, _ in of_event(log, "return_interview_offered")] == ["2016-06-04", "2016-07-03"]
    assert len(of_event(log, "missing_end")) == 5
    assert "unparseable dates" in {f.check for f in findings}


def test_cin_census_cp_plan_reviews_become_cpp_reviews(tmp_path):
    xml = """<?xml version="1.0" encoding="utf-8"?>
<Message><Header><CollectionDetails><Year>2017</Year></CollectionDetails></Header><Children><Child>
<ChildIdentifiers><LAchildID>7</LAchildID><PersonBirthDate>2010-01-01</PersonBirthDate></ChildIdentifiers>
<CINdetails><CINreferralDate>2016-04-01</CINreferralDate><ReferralNFA>false</ReferralNFA>
<ChildProtectionPlans><CPPstartDate>2016-05-01</CPPstartDate>
<Reviews><CPPreviewDate>2016-07-28</CPPreviewDate><CPPreviewDate>2017-01-20</CPPreviewDate></Reviews>
</ChildProtectionPlans></CINdetails></Child></Children></Message>"""
    (tmp_path / "cin.xml").write_text(xml)
    log, _, _ = read_sources([tmp_path / "cin.xml"])
    assert [d for _, d, _ in of_event(log, "cpp_review")] == ["2016-07-28", "2017-01-20"]


def test_903_writers_carry_reviews_and_return_interviews_both_ways(tmp_path):
    from generator.export.ssda903 import write_903, write_903_xml

    events = pd.DataFrame([
        ("C1", "lac_start", "2015-06-01", "V2", "C1-LA"), ("C1", "placement", "2015-06-01", "U1", "C1-LA"),
        ("C1", "lac_review", "2015-06-25", "PN1", None), ("C1", "lac_review", "2015-09-20", "PN1", None),
        ("C1", "missing_start", "2016-08-01", "M", "C1-M0"), ("C1", "missing_end", "2016-08-03", "M", "C1-M0"),
        ("C1", "return_interview_offered", "2016-08-05", None, "C1-M0"), ("C1", "lac_end", "2017-05-01", "E4A", "C1-LA"),
    ], columns=["child_id", "event", "date", "code", "record_id"])
    log = EventLog.from_frames(events)
    for writer, folder in ((write_903, tmp_path / "csv"), (write_903_xml, tmp_path / "xml")):
        writer(log, folder)
        back = read_sources([folder])[0]
        assert of_event(back, "lac_review") == [("C1", "2015-06-25", "PN1"), ("C1", "2015-09-20", "PN1")]
        assert of_event(back, "return_interview_offered") == [("C1", "2016-08-05", None)]


# Charts for rules


def test_rare_breaches_get_a_g_chart_of_occasions_between_them_and_rates_a_p_chart():
    rows = [("c", "missing_end", f"2016-{m:02d}-10") for m in range(1, 13)]
    rows += [("c", "return_interview_offered", f"2016-{m:02d}-11") for m in range(1, 13) if m not in (4, 9)]
    log = EventLog.from_frames(pd.DataFrame(rows, columns=["child_id", "event", "date"]))
    result = evaluate_practice(log, RULES["return_interviews"])
    assert choose_chart(result) == "g" and choose_chart(result, rare_allowed=False) == "p"
    g = practice_chart(result, "g")
    # breaches in April (the 4th occasion) and September (the 9th): 4 and 5 occasions apart
    assert g["value"].tolist() == [4.0, 5.0] and g["month"].dt.month.tolist() == [4, 9]
    p = practice_chart(result, "p")
    # December's 3 days had not passed by the data's last day (11 December): 11 occasions
    assert p["numerator"].sum() == 2 and p["denominator"].sum() == 11 and set(SPC_COLUMNS) <= set(p.columns)


# The page


@pytest.fixture(scope="module")
def small_county():
    return generate_demo(children=3000, seed=7)


def _render(log, audience="internal", **options):
    opts = KeyPracticesOptions(kind="key_practices", slug="key-practices", title="Key practices", **options)
    ctx, rendered = render_pages([opts], log=log, period=PERIOD, audience=audience)
    return ctx, rendered


def test_the_page_draws_one_valid_spc_chart_per_measurable_rule_and_lists_the_rest(small_county):
    _, [(_, page)] = _render(small_county)
    schema = load_schema()
    measurable = {k for k, r in RULES.items() if evaluate_practice(small_county, r, PERIOD.end).measurable}
    assert len(page.charts) == len(measurable) >= 5
    for chart in page.charts:
        validate_jsonschema(chart.spec, schema, rootschema=schema)
        json.dumps(chart.spec, allow_nan=False)
        assert list(chart.data.columns) == SPC_COLUMNS and chart.description.endswith(".")
    unmeasured = {u["name"]: u["why"] for u in page.context["unmeasured"]}
    # the demo's data end in 2018, before the rule's regulations came into force (2021)
    assert unmeasured[RULES["unregulated_under_16"].name] == "not measurable from these data: no occasion fell due"
    sections = page.context["sections"]
    assert all(s["breaches"] is not None for s in sections)
    assert any(name.endswith("-breaches") for name in page.downloads)


def test_rebase_recalculates_the_limits_from_the_date(small_county):
    _, [(_, page)] = _render(small_county, rebase=["2017-01-01"], charts={"cp_plan_reviews": "p"})
    chart = next(c for c in page.charts if c.id == "key-practices-cp-plan-reviews")
    # each process's lines are those of a chart drawn on its own months alone
    monthly = evaluate_practice(small_county, RULES["cp_plan_reviews"], PERIOD.end).monthly
    lines = ["mean", "lower", "upper"]
    for part in (monthly["month"] < "2017-01-01", monthly["month"] >= "2017-01-01"):
        alone = practice_chart(replace(evaluate_practice(small_county, RULES["cp_plan_reviews"], PERIOD.end),
                                       monthly=monthly[part].reset_index(drop=True)), "p")
        drawn = chart.data[part.to_numpy()].reset_index(drop=True)
        pd.testing.assert_frame_equal(drawn[lines].astype(float), alone[lines].astype(float))
    # the drift after January 2017 raised the breach rate of the new process
    rates = [monthly.loc[part, "breaches"].sum() / monthly.loc[part, "population"].sum()
             for part in (monthly["month"] < "2017-01-01", monthly["month"] >= "2017-01-01")]
    assert rates[1] > rates[0]


def test_a_public_page_lists_no_breach_and_suppresses_small_counts(small_county):
    ctx, rendered = _render(small_county, audience="public")
    page = rendered[0][1]
    assert all(s["breaches"] is None for s in page.context["sections"])
    assert not any(name.endswith("-breaches") for name in page.downloads)
    assert not any(c.description.startswith(("g-chart", "t-chart")) for c in page.charts)  # no point per breach
    [(_, published)], _ = publish(rendered, dict(ctx.metrics), "public")
    for chart in published.charts:
        counts = pd.to_numeric(chart.data["numerator"], errors="coerce")
        assert not counts.between(1, 5).any()
        hidden = chart.data["numerator"].astype(str) == "c"
        assert (chart.data.loc[hidden, "value"].astype(str) == "c").all()
    assert any((c.data["numerator"].astype(str) == "c").any() for c in published.charts)
    assert "child_id" not in json.dumps(published.context, default=str)


def test_a_chart_named_for_no_rule_is_a_clear_problem(tmp_path):
    opts = KeyPracticesOptions(kind="key_practices", slug="k", title="K", charts={"cp_plan_reveiws": "p"})
    [problem] = opts.file_problems(tmp_path, "[3]")
    assert problem.where == "pages [3].charts.cp_plan_reveiws" and "cp_plan_reviews" in problem.fix
    missing = KeyPracticesOptions(kind="key_practices", slug="k", title="K", rules="nowhere")
    assert "is not a folder" in missing.file_problems(tmp_path, "[3]")[0].message


# The demo's drift


def test_the_demo_cp_plan_review_drift_is_flagged_by_the_run_rule_within_8_months():
    log = EventLog.from_frames(pd.read_parquet(REPO / "data" / "demo" / "events.parquet"),
                               pd.read_parquet(REPO / "data" / "demo" / "children.parquet"))
    result = evaluate_practice(log, RULES["cp_plan_reviews"])
    kind = choose_chart(result)
    assert kind == "p"
    # The page's chart as it stood at the end of each month, as a manager would have seen it.
    flagged = {}
    for end in pd.date_range(CPP_DRIFT_START, periods=8, freq="MS"):
        chart = practice_chart(replace(result, monthly=result.monthly[result.monthly["month"] <= end]), kind)
        last = chart.iloc[-1]
        if last["point_type"] == "special_cause_concern":
            flagged.setdefault(last["signal"], end)
        # A run flags every point of it once long enough, though the newest point may carry
        # a stronger signal of its own (beyond the limits): the manager sees the shift too.
        if (chart.loc[chart["month"] >= CPP_DRIFT_START, "signal"] == "shift").any():
            flagged.setdefault("shift", end)
    assert "shift" in flagged and flagged["shift"] < CPP_DRIFT_START + pd.DateOffset(months=8)
    assert min(flagged.values()) == CPP_DRIFT_START  # the jump in its first month is beyond the limits


@pytest.fixture(scope="module")
def demo_log():
    return EventLog.from_frames(pd.read_parquet(REPO / "data" / "demo" / "events.parquet"),
                                pd.read_parquet(REPO / "data" / "demo" / "children.parquet"))


def test_the_demo_measures_visits_pathway_plans_and_needs_assessments_without_a_chance_signal(demo_log):
    # Stable by construction (generator.synth.practice): none of their charts may signal.
    for key, kind in (("cp_statutory_visits", "p"), ("pathway_plan_reviews", "g"), ("needs_assessment_16", "g")):
        result = evaluate_practice(demo_log, RULES[key])
        assert result.measurable, (key, result.reason)
        rate = result.monthly["breaches"].sum() / result.monthly["population"].sum()
        assert 0.05 < rate < 0.35, (key, rate)
        assert choose_chart(result) == kind
        assert (practice_chart(result, kind)["signal"] == "").all(), key


def test_the_demo_visits_children_on_plans_and_reviews_the_plans_of_care_leavers_and_assesses_them_at_16(demo_log):
    events, born = demo_log.events, demo_log.children.set_index("child_id")["birth_month"]

    def of(event):
        return events[events["event"] == event]

    # every statutory visit falls inside the child protection plan it carries the record of
    plans = of("cpp_start")[["record_id", "date"]].merge(of("cpp_end")[["record_id", "date"]], on="record_id",
                                                           how="left", suffixes=("", "_end"))
    visits = of("statutory_visit").merge(plans, on="record_id", suffixes=("", "_plan"))
    assert len(visits) == len(of("statutory_visit")) and (visits["code"] == "cp").all()
    assert ((visits["date"] > visits["date_plan"]) & ~(visits["date"] >= visits["date_end"])).all()
    # pathway plans: after leaving care aged 16 or over, before the 21st birthday
    left = of("lac_end")[["record_id", "date"]].rename(columns={"date": "left"})
    reviews = of("pathway_plan_review").merge(left, on="record_id")
    assert len(reviews) == len(of("pathway_plan_review"))
    birth = reviews["child_id"].map(born)
    assert (reviews["left"] >= birth + pd.DateOffset(years=16)).all()
    assert ((reviews["date"] > reviews["left"]) & (reviews["date"] < birth + pd.DateOffset(years=21))).all()
    # needs assessments: one a child, of a child in care on their 16th birthday, from 16
    needs = of("needs_assessment")
    assert needs["child_id"].is_unique
    periods = of("lac_start")[["record_id", "date"]].merge(of("lac_end")[["record_id", "date"]], on="record_id",
                                                             how="left", suffixes=("", "_end"))
    at_16 = needs.merge(periods, on="record_id", suffixes=("", "_care"))
    sixteen = at_16["child_id"].map(born) + pd.DateOffset(years=16)
    assert len(at_16) == len(needs) and (at_16["date"] >= sixteen).all()
    assert ((at_16["date_care"] <= sixteen) & ~(at_16["date_end"] <= sixteen)).all()


# The built page


def _missing_log(children: int = 12) -> str:
    """Events: each child goes missing on the 10th of every month of 2016; a return interview
    is offered the next day, except to the first child in April and September (2 breaches)."""
    rows = ["child_id,event,date,record_id,code"]
    for c in range(children):
        child = f"KPCHILD{c:02d}"
        rows.append(f"{child},lac_start,2015-12-01,{child}-L,")
        for m in range(1, 13):
            rows += [f"{child},missing_start,2016-{m:02d}-09,{child}-M{m},M", f"{child},missing_end,2016-{m:02d}-10,{child}-M{m},M"]
            if not (c == 0 and m in (4, 9)):
                rows.append(f"{child},return_interview_offered,2016-{m:02d}-11,{child}-M{m},")
    return "\n".join(rows) + "\n"


def _children(n: int = 12) -> str:
    return "child_id,sex,birth_month,ethnicity,disability\n" + "".join(
        f"KPCHILD{c:02d},1,2003-05,WBRI,no\n" for c in range(n))


def test_the_built_page_carries_the_review_prompt_the_csv_columns_and_lists_children_only_internally(tmp_path):
    from generator.build import build_report
    from generator.pages.key_practices import REVIEW_PROMPT
    from tests.helpers import tiny_report

    pages = ("\n  - {kind: overview, slug: index, title: Overview}"
             "\n  - {kind: key_practices, slug: key-practices, title: Key practices}\n")
    report = tiny_report(tmp_path, events=_missing_log(), children=_children(), pages=pages)
    out = {}
    for audience in ("internal", "public"):
        build_report(report, tmp_path / audience, audience=audience)
        out[audience] = tmp_path / audience
    html = (out["internal"] / "key-practices.html").read_text(encoding="utf-8")
    for question in REVIEW_PROMPT:
        assert question in html
    assert "Not measurable from these data" in html and RULES["cp_plan_reviews"].name in html
    # one CSV per chart with the columns, and the breaches listed by child internally
    chart_csv = pd.read_csv(out["internal"] / "downloads" / "key-practices-return-interviews.csv")
    assert list(chart_csv.columns) == ["month", "value", "numerator", "denominator", "mean", "lower", "upper", "signal"]
    # 2 breaches in 144 occasions: rare, so a g-chart, one row per breach: the 37th occasion (the
    # first child's in April, after 3 months of 12) and the 60th after it (4 months and 11 more)
    assert chart_csv["value"].tolist() == [37, 60] and chart_csv["numerator"].tolist() == [1, 1]
    breaches = pd.read_csv(out["internal"] / "downloads" / "key-practices-return-interviews-breaches.csv")
    assert breaches["child_id"].tolist() == ["KPCHILD00", "KPCHILD00"] and "KPCHILD00" in html
    # public: the prompt stays, no child and no breach list anywhere in what is written
    public_html = (out["public"] / "key-practices.html").read_text(encoding="utf-8")
    assert REVIEW_PROMPT[0] in public_html
    assert not list((out["public"] / "downloads").glob("*breaches*"))
    for path in out["public"].rglob("*"):
        if path.is_file() and path.suffix in (".html", ".csv", ".json", ".js"):
            assert "KPCHILD" not in path.read_text(encoding="utf-8", errors="replace"), path
