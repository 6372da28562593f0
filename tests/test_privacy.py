"""Disclosure control: suppression (primary and secondary), curves, charts, metrics, pseudonyms.

Hand-made tables with known answers (DfE practice: counts 1-5 are "c"; a hidden cell that a
shown total would give back takes a second cell with it; rates on fewer than 3 events are
not shown)."""

from __future__ import annotations

import hashlib
import hmac

import altair as alt
import pandas as pd
import pytest

from generator.charts import Chart
from generator.errors import InputError
from generator.privacy import SUPPRESSED, Privacy
from generator.privacy.charts import inline_datasets, month_precision, public_chart
from generator.privacy.curves import cut_curve
from generator.privacy.pseudonymise import key_from_environment, pseudonym, pseudonymise_log
from generator.privacy.suppression import secondary_suppression, suppress
from generator.quality import Finding
from tests.helpers import log_of

C = SUPPRESSED


def test_counts_from_one_to_five_are_shown_as_c_and_zero_and_six_are_shown():
    table = pd.DataFrame({"month": ["a", "b", "c", "d", "e"], "count": [0, 1, 5, 6, 120]})
    shown = suppress(table, counts=["count"], groups=[]).table
    assert shown["count"].tolist() == [0, C, C, 6, 120]


def test_a_lone_hidden_cell_takes_the_smallest_other_cell_of_its_group_with_it():
    # The three branches add up to the junction's total, which is shown: 3 = 60 - 40 - 17.
    table = pd.DataFrame({"branch": ["plan", "no plan", "none"], "count": [40, 3, 17]})
    shown = suppress(table, counts=["count"], groups=[()]).table
    assert shown["count"].tolist() == [40, C, C]


def test_secondary_suppression_prefers_a_non_zero_cell():
    table = pd.DataFrame({"branch": ["a", "b", "c", "d"], "count": [2, 0, 9, 30]})
    shown = suppress(table, counts=["count"], groups=[()]).table
    assert shown["count"].tolist() == [C, 0, C, 30]


def test_two_hidden_cells_in_a_group_need_no_more():
    table = pd.DataFrame({"branch": ["a", "b", "c"], "count": [2, 4, 30]})
    shown = suppress(table, counts=["count"], groups=[()]).table
    assert shown["count"].tolist() == [C, C, 30]


def test_secondary_suppression_in_a_table_with_totals_both_ways_pairs_up_rows_and_columns():
    # Months by branch, with month totals and branch totals shown. Small cells in two months
    # and two branches: the known answer hides a rectangle, so no row or column has one "c".
    table = pd.DataFrame({
        "month": ["m1", "m1", "m2", "m2", "m3", "m3"],
        "branch": ["x", "y", "x", "y", "x", "y"],
        "count": [3, 50, 40, 60, 70, 80],
    })
    shown = suppress(table, counts=["count"], groups=["month", "branch"]).table
    assert shown["count"].tolist() == [C, C, C, C, 70, 80]
    hidden = shown["count"] == C
    for column in ("month", "branch"):
        assert (hidden.groupby(table[column]).sum() != 1).all()


def test_secondary_suppression_repeats_until_no_group_has_one_hidden_cell():
    values = pd.Series([3, 10, 11, 12, 13, 14]).to_numpy(dtype=float)
    month = pd.Series([0, 0, 1, 1, 2, 2]).to_numpy()
    branch = pd.Series([0, 1, 0, 1, 0, 1]).to_numpy()
    hidden = secondary_suppression(values, values < 6, [month, branch])
    assert hidden.tolist() == [True, True, True, True, False, False]


def test_a_rate_goes_with_its_hidden_numerator_and_is_not_shown_on_fewer_than_three_events():
    table = pd.DataFrame({
        "group": ["a", "b", "c"],
        "events_count": [4, 2, 0], "cases_count": [400, 900, 50],
        "pct": [1.0, 0.2, 0.0],
    })
    result = suppress(table, counts=["events_count", "cases_count"], groups=[],
                      rates={"pct": ("events_count", "cases_count")})
    assert result.table["events_count"].tolist() == [C, C, 0]
    assert result.table["pct"].tolist() == [C, C, C]  # 0 events: fewer than 3
    assert result.table["cases_count"].tolist() == [400, 900, 50]
    assert result.hidden_rows.tolist() == [True, True, True]


def test_statistics_of_a_row_with_a_hidden_count_are_hidden_too():
    table = pd.DataFrame({"month": ["a", "b"], "assessments_count": [4, 40], "median": [12.0, 20.0]})
    shown = suppress(table, groups=[]).table
    assert shown["median"].tolist() == [C, 20.0]


def test_suppressing_twice_changes_nothing_more():
    table = pd.DataFrame({"branch": ["a", "b", "c", "d"], "count": [3, 8, 9, 40]})
    once = suppress(table, counts=["count"], groups=[()]).table
    twice = suppress(once, counts=["count"], groups=[()]).table
    assert once["count"].tolist() == twice["count"].tolist() == [C, C, 9, 40]


def test_a_curve_stops_before_fewer_than_ten_remain_at_risk_and_at_risk_is_rounded():
    curve = pd.DataFrame({"days": [0, 30, 60, 90, 120], "pct": [0.0, 5.0, 9.0, 20.0, 60.0],
                          "at_risk": [1234, 315, 12, 9, 2]})
    cut = cut_curve(curve, "at_risk")
    assert cut["days"].tolist() == [0, 30, 60]
    assert cut["at_risk"].tolist() == [1230, 320, 10]


def test_curves_in_one_table_are_cut_each_on_its_own():
    curve = pd.DataFrame({"group": ["a", "a", "b", "b"], "days": [0, 10, 0, 10], "at_risk": [50, 8, 50, 40]})
    assert cut_curve(curve, "at_risk", by=["group"])["days"].tolist() == [0, 0, 10]


def test_public_tables_show_dates_at_month_precision_but_keep_weekly_series():
    table = pd.DataFrame({"date": ["2015-03-17", "2015-04-02"], "week": ["2015-03-16", "2015-03-23"], "count": [10, 12]})
    shown = month_precision(table)
    assert shown["date"].tolist() == ["2015-03", "2015-04"]
    assert shown["week"].tolist() == ["2015-03-16", "2015-03-23"]


def _bar_chart(counts: list[int]) -> Chart:
    data = pd.DataFrame({"branch": [f"b{i}" for i in range(len(counts))], "count": counts})
    shown = data.assign(label=[f"{c} cases" for c in counts])
    spec = alt.Chart(alt.Data(values=shown.to_dict("records"))).mark_bar().encode(x="branch:N", y="count:Q").to_dict()
    return Chart("bars", "Bars", "Bars of counts", spec, data.rename(columns={"count": "cases_count"}))


def test_a_public_chart_draws_no_record_of_a_hidden_row_and_its_csv_says_c():
    chart = _bar_chart([40, 3, 17, 90])
    table, spec = public_chart(chart)
    assert table["cases_count"].tolist() == [40, C, C, 90]  # 3 hidden, 17 with it (whole-table total)
    drawn = [r["branch"] for records in inline_datasets(spec) for r in records]
    assert drawn == ["b0", "b3"]
    assert "3 cases" not in str(spec) and "17 cases" not in str(spec)
    # Internal reports are untouched.
    assert Privacy("internal").chart(chart) == (chart.data, chart.spec)


def test_declared_groups_limit_secondary_suppression_to_the_totals_that_are_shown():
    chart = _bar_chart([40, 3, 17, 90])
    chart.groups = []  # no total of these bars is shown anywhere
    table, _ = public_chart(chart)
    assert table["cases_count"].tolist() == [40, C, 17, 90]


def test_public_metrics_hide_small_counts_and_the_rates_that_rest_on_them():
    metrics = {"referrals": 4, "contacts": 1200, "rereferral_12m_pct": 50.0, "rereferral_12m_n": 2,
               "rereferral_12m_d": 4, "assessment_nfa_pct": 1.0, "assessment_nfa_n": 2, "assessment_nfa_d": 200,
               "icpc_within_15wd_pct": 80.0, "icpc_within_15wd_n": 4, "icpc_within_15wd_d": 5,
               "icpc_median_working_days": 11.0}
    shown = Privacy("public").metrics(metrics)
    assert shown["referrals"] == C and shown["contacts"] == 1200
    assert shown["rereferral_12m_pct"] == C
    assert shown["assessment_nfa_pct"] == C  # 2 events of 200: fewer than 3
    assert shown["icpc_median_working_days"] == C  # the median of 5 conferences
    assert Privacy("internal").metrics(metrics) == metrics


def test_a_pseudonym_is_hmac_sha256_of_the_id_under_the_key_truncated():
    key = b"a long secret key for tests"
    expected = hmac.new(key, b"child:D000123", hashlib.sha256).hexdigest()[:16]
    assert pseudonym(key, "child", "D000123") == "C-" + expected
    assert pseudonym(key, "child", "D000123") != pseudonym(b"another key entirely!!", "child", "D000123")
    assert pseudonym(key, "record", "D000123") != pseudonym(key, "child", "D000123")


def test_pseudonymising_a_log_replaces_every_id_and_the_examples_of_findings():
    log = log_of([("A1", "referral", "2015-01-05"), ("B2", "contact", "2015-02-01")], [("A1", "1"), ("B2", "2")])
    finding = Finding("duplicate events", "warning", 1, "twice", examples=["A1 referral 2015-01-05"])
    key = b"a long secret key for tests"
    shown, findings = pseudonymise_log(log, [finding], key)
    assert set(shown.events["child_id"]) == {pseudonym(key, "child", "A1"), pseudonym(key, "child", "B2")}
    assert set(shown.children["child_id"]) == set(shown.events["child_id"])
    assert findings[0].examples == [f"{pseudonym(key, 'child', 'A1')} referral 2015-01-05"]
    assert finding.examples == ["A1 referral 2015-01-05"]


def test_the_key_comes_from_the_environment_variable_the_report_names(monkeypatch):
    monkeypatch.delenv("CAREJOURNEYS_TEST_KEY", raising=False)
    with pytest.raises(InputError, match="CAREJOURNEYS_TEST_KEY is not set"):
        key_from_environment("CAREJOURNEYS_TEST_KEY")
    monkeypatch.setenv("CAREJOURNEYS_TEST_KEY", "short")
    with pytest.raises(InputError, match="shorter than 16"):
        key_from_environment("CAREJOURNEYS_TEST_KEY")
    monkeypatch.setenv("CAREJOURNEYS_TEST_KEY", "x" * 32)
    assert key_from_environment("CAREJOURNEYS_TEST_KEY") == b"x" * 32


def test_an_undeclared_share_is_hidden_with_its_hidden_count_but_a_position_is_not():
    table = pd.DataFrame({"months": [0.5, 1.0], "value": [0.9, 12.5], "closed_count": [3, 40], "referrals_count": [327, 320]})
    shown = suppress(table, groups=[]).table
    assert shown["value"].tolist() == [C, 12.5]
    assert shown["months"].tolist() == [0.5, 1.0]
