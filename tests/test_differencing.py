"""Differencing: each way a hidden count can be worked out from a public report, planted in a
hand-made report. For each pattern the attacker's audit (linear programming over every
published number and declared relation) catches it when the report is published table by
table, as before (the stage bypassed), and the privacy stage publishes it so that the audit
finds nothing and the hidden numbers stay hidden."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest

from generator.charts import Chart
from generator.privacy import SUPPRESSED
from generator.privacy.differencing import MIN_RANGE, Ledger, narrowed
from generator.privacy.publish import Prose, audit_report, publish_report, quoted_hidden, small_group_problems
from generator.privacy.relations import add_table
from generator.privacy.suppression import count_columns, suppress
from generator.published import Count, Derived, Table
from generator.pages.base import RenderedPage

C = SUPPRESSED


@dataclass
class _Options:
    slug: str
    min_group_size: int = 10


def _bypassed(tables: dict[str, Table], counts: dict[str, tuple[int, str]] | None = None) -> Ledger:
    """The ledger of a report published table by table with the old per-table rules (no
    rate rests, no report-wide relations): what the audit sees when the stage is bypassed."""
    ledger = Ledger()
    for name, table in tables.items():
        frame = table.frame.reset_index(drop=True)
        cols = table.counts or count_columns(frame)
        result = suppress(frame, counts=cols, groups=table.groups)
        add_table(ledger, name, frame, list(range(len(frame))), result.hidden_cells, groups=table.groups,
                  rates=table.rates, names=table.names, totals=table.totals)
    for label, (value, name) in (counts or {}).items():
        ledger.variable(label, value, shown=not 0 < value < 6, key=name, owner=("count", label))
    return ledger


def _published(tables: dict[str, Table], context: dict | None = None):
    page = RenderedPage(template="x.html", context={**{name: t for name, t in tables.items()}, **(context or {})})
    return publish_report([(_Options("p"), page)], {}, "public")


def _assert_safe(report, expected_hidden: dict[str, list]) -> None:
    assert audit_report(report) == []
    for name, (column, rows) in expected_hidden.items():
        shown = report.pages[0][1].context[name]
        for row in rows:
            assert shown.at[row, column] == C, (name, column, row)


def test_a_branch_given_by_the_total_minus_the_other_branch_is_caught_and_prevented():
    # Two branches, only the first published with the month's total (the junction page).
    table = Table(pd.DataFrame({"month": ["2016-04", "2016-05", "2016-06"], "count": [17, 30, 40], "n": [20, 41, 52],
                                "pct": [85.0, 73.2, 76.9]}), counts=["count", "n"], groups=[], rates={"pct": ("count", "n")})
    found = narrowed(_bypassed({"junction": table}))
    assert [f.value for f in found] == [3.0] and found[0].high - found[0].low < MIN_RANGE
    assert "and the rest make" in found[0].relation
    report = _published({"junction": table})
    _assert_safe(report, {"junction": ("count", [0])})
    assert report.pages[0][1].context["junction"].at[0, "pct"] == C


def test_two_hidden_cells_adding_up_to_less_than_five_are_caught_and_prevented():
    # A margin: the total is shown, 3 + 1 hidden, so each is between 0 and 4.
    table = Table(pd.DataFrame({"branch": ["a", "b", "c", "d"], "count": [3, 1, 40, 60]}), counts=["count"], groups=[()])
    found = narrowed(_bypassed({"branches": table}))
    assert sorted(f.value for f in found) == [1.0, 3.0] and all(f.high == 4 for f in found)
    report = _published({"branches": table})
    _assert_safe(report, {"branches": ("count", [0, 1])})
    shown = report.pages[0][1].context["branches"]["count"].tolist()
    assert shown.count(C) == 3 and shown[3] == 60  # the cheapest third cell, not the largest


def test_a_cohort_row_whose_rest_is_small_is_caught_and_prevented():
    # "9 of 13" gives the 4 with a plan.
    table = Table(pd.DataFrame({"group": ["girls", "boys", "unknown"], "without_plan_count": [9, 40, 30],
                                "enquiries_count": [13, 60, 45], "pct": [69.2, 66.7, 66.7]}),
                  rates={"pct": ("without_plan_count", "enquiries_count")}, groups=[()])
    found = narrowed(_bypassed({"cohort": table}))
    assert [f.value for f in found] == [4.0]
    report = _published({"cohort": table})
    _assert_safe(report, {"cohort": ("without_plan_count", [0])})


def test_the_same_counts_by_month_and_by_quarter_are_caught_and_prevented():
    months = pd.DataFrame({"month": ["2016-04", "2016-05", "2016-06", "2016-07", "2016-08", "2016-09"],
                           "quarter": ["Q1"] * 3 + ["Q2"] * 3, "referrals_count": [3, 30, 12, 8, 30, 40]})
    by_month = Table(months, counts=["referrals_count"], groups=[()],
                     totals={("quarter",): "referrals {quarter}"})
    by_quarter = Table(pd.DataFrame({"quarter": ["Q1", "Q2"], "referrals_count": [45, 78]}), counts=["referrals_count"],
                       groups=[()], names={"referrals_count": "referrals {quarter}"})
    # Table by table: the months hide 3 and 8 (the smallest other), the quarters show 45 = 3 + 30 + 12.
    found = narrowed(_bypassed({"months": by_month, "quarters": by_quarter}))
    assert 3.0 in [f.value for f in found]
    assert any("quarter Q1" in f.relation for f in found)
    report = _published({"months": by_month, "quarters": by_quarter})
    assert audit_report(report) == []
    assert report.pages[0][1].context["months"].at[0, "referrals_count"] == C


def test_a_data_quality_total_against_the_pages_counts_is_caught_and_prevented():
    findings = pd.DataFrame({"check": ["a", "b", "c"], "severity": ["error"] * 3, "count": [30, 3, 0]})
    table = Table(findings, counts=["count"], groups=[], totals={("severity",): "findings {severity}"})
    # The overview shows the errors (33); the page hides the 3: 33 - 30 - 0 gives it back.
    found = narrowed(_bypassed({"findings": table}, {"overview errors": (33, "findings error")}))
    assert [f.value for f in found] == [3.0]
    report = _published({"findings": table}, {"errors": Count(33, name="findings error")})
    assert audit_report(report) == []
    context = report.pages[0][1].context
    assert context["findings"].at[1, "count"] == C and (context["errors"] == C or context["findings"].at[0, "count"] == C)


def test_a_hidden_number_quoted_in_words_is_caught_and_the_stage_writes_other_words():
    data = pd.DataFrame({"month": ["2016-09", "2016-10", "2016-11"], "count": [4, 40, 38]})
    chart = Chart("arrivals", "Arrivals by month", "Bar chart: the fewest in September 2016 (4).", {}, data,
                  counts=["count"], groups=[])
    hidden = {"4"}
    assert quoted_hidden(Prose("arrivals", chart.description, hidden, {"40", "38"})) == ["4"]
    page = RenderedPage(template="x.html", charts=[chart])
    report = publish_report([(_Options("p"), page)], {}, "public")
    published = report.pages[0][1].charts[0]
    assert "4)" not in published.description and "(4" not in published.description
    assert published.data.at[0, "count"] == C
    assert audit_report(report) == []

    def words(table):
        shown = table[table["count"] != C]
        return f"The most in one month: {shown['count'].max()}."

    described = Chart("arrivals2", "Arrivals", "", {}, data, counts=["count"], groups=[], describe=words)
    report = publish_report([(_Options("p"), RenderedPage(template="x.html", charts=[described]))], {}, "public")
    assert report.pages[0][1].charts[0].description == "The most in one month: 40."


def test_a_small_group_is_not_named_with_a_figure_and_a_public_report_asking_for_one_is_refused():
    table = Table(pd.DataFrame({"group": ["a", "b", "c"], "plan_count": [6, 30, 25], "children_count": [7, 60, 50]}),
                  counts=["plan_count", "children_count"], groups=[], group_size="children_count")
    report = _published({"groups": table})
    shown = report.pages[0][1].context["groups"]
    assert shown.at[0, "plan_count"] == C and shown.at[0, "children_count"] == C
    assert audit_report(report) == []
    problems = small_group_problems([_Options("cohorts", min_group_size=1)])
    assert problems and "min_group_size" in problems[0].where and "10" in problems[0].message
    assert small_group_problems([_Options("cohorts", min_group_size=10)]) == []


def test_the_audit_gives_a_hidden_number_with_no_relation_unlimited_room():
    ledger = Ledger()
    a = ledger.variable("a", 3, shown=False)
    b = ledger.variable("b", 40, shown=True)
    assert narrowed(ledger) == []
    total = ledger.variable("total", 43, shown=True)
    ledger.relate("a and b make the total", [(total, 1.0), (a, -1.0), (b, -1.0)])
    [found] = narrowed(ledger)
    assert (found.low, found.high, found.relation) == (3, 3, "a and b make the total")


def test_a_derived_table_and_its_download_are_one_table():
    table = Table(pd.DataFrame({"branch": ["a", "b", "c"], "count": [3, 10, 40]}), counts=["count"], groups=[()])
    page = RenderedPage(template="x.html", context={"rows": Derived(table, lambda t: t["count"].tolist())},
                        downloads={"branches": table})
    report = publish_report([(_Options("p"), page)], {}, "public")
    assert report.pages[0][1].context["rows"] == report.pages[0][1].downloads["branches"]["count"].tolist()
    assert audit_report(report) == []


@pytest.mark.parametrize("value", [1, 5])
def test_a_hidden_count_is_never_quoted_even_as_a_share(value):
    prose = Prose("x", f"{value} of 40 (12.5%)", {str(value), "12.5"}, {"40"})
    assert quoted_hidden(prose) == sorted({str(value), "12.5"}, key=float)


def _junction_months(whole_by):
    # Two months of a junction's three branches; in May one branch is 2 and the month's total
    # is shown: with May's other branches published, total minus them gives the 2 back.
    data = pd.DataFrame({"month": ["2016-04"] * 3 + ["2016-05"] * 3 + ["2016-06"] * 3,
                         "branch": ["plan", "no plan", "no conference"] * 3,
                         "branch_count": [20, 14, 30, 2, 25, 33, 18, 22, 27],
                         "junction_count": [64] * 3 + [60] * 3 + [67] * 3})
    return Chart("junction-months", "A junction by month", "", {}, data, counts=["branch_count", "junction_count"],
                 groups=[], names={"junction_count": "junction {month}"},
                 totals={("month",): {"branch_count": "junction {month}"}}, whole_by=whole_by)


def test_a_junction_month_is_published_with_all_its_branches_or_none():
    def published(whole_by):
        page = RenderedPage(template="x.html", charts=[_junction_months(whole_by)])
        report = publish_report([(_Options("p"), page)], {}, "public")
        assert audit_report(report) == []
        data = report.pages[0][1].charts[0].data
        return data[data["month"] == "2016-05"], data[data["month"] != "2016-05"]

    # Cell by cell, May shows its third branch beside two hidden ones.
    may, _ = published(None)
    assert (may["branch_count"] == C).sum() == 2
    # As a junction: May is one unit, hidden whole; the other months are shown whole.
    may, others = published(["month"])
    assert (may["branch_count"] == C).all() and (may["junction_count"] == C).all()
    assert (others["branch_count"] != C).all() and (others["junction_count"] != C).all()


def test_a_junction_month_bypassing_the_stage_gives_its_hidden_branch_back():
    chart = _junction_months(None)
    frame = chart.data
    result = suppress(frame, counts=chart.counts, groups=chart.groups)
    ledger = Ledger()
    add_table(ledger, "junction", frame, list(range(len(frame))), result.hidden_cells, groups=chart.groups,
              names=chart.names, totals=chart.totals)
    found = narrowed(ledger)
    assert [f.value for f in found] == [2.0] and found[0].low == found[0].high == 2


def test_words_quoting_a_share_whose_rest_is_small_are_caught_and_replaced():
    # "30 of 31" quotes no hidden cell of a table that shows 30 and 31 elsewhere, but gives the
    # 1 late conference; "(2 of 16)" names a small count outright.
    from generator.privacy.publish import small_in_words
    assert small_in_words("from 96.8% (Oct 2016, 30 of 31) to 97.0% (Nov 2016, 32 of 33)") == ["30 of 31", "32 of 33"]
    assert small_in_words("12.5% (2 of 16)") == ["2 of 16"]
    assert small_in_words("19.6% (31 of 158); 1,200 of 1,300") == []
    assert small_in_words("signal: 2 of 3 points in a row beyond two sigma") == []  # an SPC rule, not a count
    data = pd.DataFrame({"month": ["2016-10", "2016-11", "2016-12"], "count": [30, 31, 40], "n": [31, 40, 52]})
    words = "Share within 15 working days: highest in October 2016 (30 of 31)."
    chart = Chart("within", "Within the standard", words, {}, data, counts=["count", "n"], groups=[])
    bypassed = Prose("within", words, set(), {"30", "31", "40", "52"})
    assert quoted_hidden(bypassed) == [] and small_in_words(bypassed.text)  # the old check alone let it pass
    report = publish_report([(_Options("p"), RenderedPage(template="x.html", charts=[chart]))], {}, "public")
    assert "30 of 31" not in report.pages[0][1].charts[0].description
    assert audit_report(report) == []


def test_a_public_build_asking_for_groups_under_ten_children_exits_2_with_the_reason(tmp_path, capsys):
    from generator.cli import main
    from tests.helpers import tiny_report

    report = tiny_report(tmp_path, pages="""
  - {kind: overview, slug: index, title: Overview}
  - {kind: cohorts, slug: cohorts, title: Groups, min_group_size: 1}
""")
    assert main(["build", str(report), "--out", str(tmp_path / "out"), "--audience", "public", "-q"]) == 2
    err = capsys.readouterr().err
    assert "min_group_size" in err and "fewer than 10" in err
    assert not (tmp_path / "out").exists()
    # The same report for an internal audience builds.
    assert main(["build", str(report), "--out", str(tmp_path / "internal"), "-q"]) == 0
