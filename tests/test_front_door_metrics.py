"""The analytics pages' headline figures in metrics.json, on the junction fixture by hand."""

import pandas as pd

from generator.analyses.headline import headline_metrics
from tests.helpers import log_of
from tests.test_junctions import PERIOD, ROWS


def test_junction_and_timeliness_figures_with_numerators_and_denominators():
    # an early contact gives the timeliness figures their look-back (180 days before an end)
    metrics = headline_metrics(log_of(ROWS + [("zz", "contact", "2014-01-01")]), PERIOD)
    expected = {
        "referral_to_assessment": (75.0, 3, 4),  # h's referral is still open
        "assessment_to_strategy": (33.3, 1, 3),
        "strategy_to_s47": (75.0, 3, 4),
        "s47_to_icpc": (66.7, 2, 3),
        "s47_without_plan": (66.7, 2, 3),
        "icpc_to_plan": (50.0, 1, 2),
        # a: Tue 6 Jan - Tue 10 Feb = 25; b: Mon 12 Jan - Fri 20 Feb = 29; d: Tue 10 Feb - Mon 2 Mar = 14
        "assessment_within_45wd": (100.0, 3, 3),
        # from the strategy discussion: a: Sat 10 Jan - Wed 28 Jan = 13; g: Mon 2 Mar - Fri 20 Mar = 14
        "icpc_from_strategy_within_15wd": (100.0, 2, 2),
        "assessment_nfa_prev0": (33.3, 1, 3),
    }
    for key, (pct, n, d) in expected.items():
        assert (metrics[f"{key}_pct"], metrics[f"{key}_n"], metrics[f"{key}_d"]) == (pct, n, d), key
    assert metrics["assessment_median_working_days"] == 25.0
    assert metrics["icpc_from_strategy_median_working_days"] == 13.5
    assert metrics["icpc_timeliness_basis"].startswith("DfE")
    assert metrics["assessment_nfa_prev1_d"] == 0 and metrics["assessment_nfa_prev1_pct"] is None


def test_cumulative_rereferral_figures_follow_referrals_to_the_end_of_the_data():
    rows = [("a", "referral", "2015-01-01"), ("a", "referral", "2015-03-01"), ("b", "referral", "2015-01-01"),
            ("z", "contact", "2018-12-31")]
    metrics = headline_metrics(log_of(rows), PERIOD.of("2015-01-01", "2015-12-31"))
    # 3 referrals; a's first is followed by another after 59 days; nobody else ever is
    assert (metrics["rereferral_12m_cumulative_pct"], metrics["rereferral_12m_cumulative_n"],
            metrics["rereferral_12m_cumulative_d"]) == (33.3, 1, 3)
    assert metrics["rereferral_36m_cumulative_pct"] == 33.3


def test_open_cases_at_the_end_of_the_period():
    rows = [("a", "cpp_start", "2015-01-05"), ("b", "cpp_start", "2015-02-01"), ("b", "cpp_end", "2015-06-30"),
            ("c", "lac_start", "2015-03-01"), ("c", "lac_end", "2015-07-01")]
    metrics = headline_metrics(log_of(rows), PERIOD)  # the period ends on 30 June 2015
    assert metrics["open_cp_plan_at_end"] == 1  # b's plan ended on the last day
    assert metrics["lac_open_end"] == 1 and metrics["open_assessment_at_end"] == 0


def test_children_looked_after_at_the_end_are_one_figure_under_one_key():
    # The twins page listed the same count twice, as lac_open_end and open_looked_after_at_end.
    from generator.metrics import METRICS

    rows = [("c", "lac_start", "2015-03-01"), ("d", "lac_start", "2015-04-01"), ("d", "lac_end", "2015-05-01")]
    metrics = headline_metrics(log_of(rows), PERIOD)
    assert metrics["lac_open_end"] == 1
    assert not [key for key in metrics if key.startswith("open_looked_after")]
    assert [m.key for m in METRICS if "looked after at the end" in m.label.lower()] == ["lac_open_end"]


def test_event_figures_come_with_their_interval_when_annotations_are_given():
    from generator.analyses.period import Period
    from generator.pages.base import Annotation

    rows = [("z", "contact", "2014-01-01")]
    # 3 referrals a month for two years, then 6 a month
    for month in pd.date_range("2014-01-01", "2015-12-01", freq="MS"):
        rows += [(f"r{month:%Y%m}{i}", "referral", month + pd.Timedelta(days=i)) for i in range(3 if month.year == 2014 else 6)]
    log = log_of(rows)
    period = Period.of("2014-01-01", "2015-12-31")
    metrics = headline_metrics(log, period, [Annotation(pd.Timestamp("2015-01-01"), "New front door")])
    assert metrics["event1_referrals_level_change"] == 3.0
    assert metrics["event1_referrals_level_low"] <= 3.0 <= metrics["event1_referrals_level_high"]
    assert "event1_referrals_level_change" not in headline_metrics(log, period)
