"""Re-referral rates by year, time to re-referral and NFA by previous referrals, by hand."""

import numpy as np
import pandas as pd
import pytest

from generator.analyses.front_door import referral_episodes
from generator.analyses.intervals import median_interval, wilson_interval, with_rate
from generator.analyses.period import Period
from generator.analyses.referrals import rereferral_rate
from generator.analyses.rereferral_curves import (
    cumulative_rereferral,
    nfa_by_previous_referrals,
    rereferral_rates_by_year,
    reporting_years,
    time_to_rereferral,
)
from tests.helpers import log_of


def test_wilson_interval_matches_the_published_formula():
    # 2 of 10: centre (0.2 + 1.96^2/20) / (1 + 1.96^2/10), half-width 1.96 sqrt(.016 + 1.96^2/400) / (1 + 1.96^2/10)
    low, high = wilson_interval([2, 0], [10, 0])
    assert low[0] == pytest.approx(0.05668, abs=1e-5) and high[0] == pytest.approx(0.50984, abs=1e-5)
    assert np.isnan(low[1]) and np.isnan(high[1])
    table = with_rate(pd.DataFrame({"count": [2], "n": [10]}))
    assert table.loc[0, ["pct", "pct_low", "pct_high"]].tolist() == [20.0, 5.67, 50.98]


def test_median_interval_uses_order_statistics():
    # n = 10: P(B <= 1) = 11/1024 < 0.025 <= P(B <= 2), so the 2nd and 9th values.
    assert median_interval([10, 1, 9, 2, 8, 3, 7, 4, 6, 5]) == (5.5, 2.0, 9.0)
    median, low, high = median_interval([1, 2, 3])
    assert median == 2 and np.isnan(low) and np.isnan(high)


def test_reporting_years_run_april_to_march_clipped_to_the_period():
    years = reporting_years(Period.of("2015-01-01", "2016-06-30"))
    assert [(y, f"{s:%Y-%m-%d}", f"{e:%Y-%m-%d}") for y, s, e in years] == [
        ("2014-15", "2015-01-01", "2015-03-31"),
        ("2015-16", "2015-04-01", "2016-03-31"),
        ("2016-17", "2016-04-01", "2016-06-30"),
    ]


def _three_years():
    return log_of([
        ("z", "contact", "2014-04-01"),  # the data starts here
        ("a", "referral", "2014-06-01"),
        ("a", "referral", "2015-05-01"),  # 334 days: a 12-month re-referral in 2015-16
        ("b", "referral", "2015-06-01"),
        ("b", "referral", "2017-05-01"),  # 700 days: a 36-month but not a 12-month re-referral
        ("c", "referral", "2017-06-01"),  # a first referral with three years of data before it
        ("z", "contact", "2018-03-31"),
    ])


def test_rates_by_year_count_each_window_and_only_referrals_with_enough_history_for_36_months():
    log = _three_years()
    table = rereferral_rates_by_year(log, Period.of("2014-04-01", "2018-03-31")).set_index(["year", "window_days"])
    assert table.loc[("2014-15", 365), ["count", "n"]].tolist() == [0, 1]
    assert table.loc[("2015-16", 365), ["count", "n"]].tolist() == [1, 2]
    assert table.loc[("2017-18", 365), ["count", "n"]].tolist() == [0, 2]
    assert table.loc[("2017-18", 1095), ["count", "n"]].tolist() == [1, 2]
    assert table.loc[("2015-16", 1095), "n"] == 0 and np.isnan(table.loc[("2015-16", 1095), "pct"])
    assert not table.loc[("2014-15", 365), "complete"] and table.loc[("2015-16", 365), "complete"]


def test_rates_by_year_with_a_complete_look_back_add_up_to_the_headline_rate():
    # The chart shows the first year's 12-month rate too, marked incomplete; the headline counts
    # only referrals with a year of data before them (issue 14), so the years that count are
    # the complete ones.
    log = _three_years()
    table = rereferral_rates_by_year(log, Period.of("2014-04-01", "2018-03-31"))
    for window in (365, 1095):
        rows = table[(table["window_days"] == window) & table["complete"]]
        assert (int(rows["count"].sum()), int(rows["n"].sum())) == rereferral_rate(
            log, pd.Timestamp("2014-04-01"), pd.Timestamp("2018-03-31"), window)


def test_time_to_rereferral_is_censored_at_the_last_date_in_the_data():
    log = _three_years()
    durations = time_to_rereferral(log, Period.of("2014-04-01", "2018-03-31")).set_index(["child_id", "date"])
    assert durations.loc[("a", pd.Timestamp("2014-06-01"))].tolist() == [334, True]
    # a's second referral is never followed: censored on 2018-03-31, 1,065 days later
    assert durations.loc[("a", pd.Timestamp("2015-05-01"))].tolist() == [1065, False]
    assert durations.loc[("c", pd.Timestamp("2017-06-01"))].tolist() == [303, False]


def test_cumulative_rereferral_is_one_minus_kaplan_meier_by_hand():
    # 4 referrals: re-referred at 10 and 30 days, censored at 20 and 40.
    # S(10) = 3/4; at 30, 2 at risk and 1 event: S(30) = 3/4 * 1/2 = 3/8.
    durations = pd.DataFrame({"days": [10, 20, 30, 40], "rereferred": [True, False, True, False]})
    table = cumulative_rereferral(durations, [0, 9, 10, 29, 30, 40, 41]).set_index("days")
    assert table["pct"].tolist() == [0.0, 0.0, 25.0, 25.0, 62.5, 62.5]  # 41 is past the last follow-up
    assert table["at_risk"].tolist() == [4, 4, 4, 2, 2, 1]
    assert table["rereferred"].tolist() == [0, 0, 1, 1, 2, 2]
    assert (table["pct_low"] <= table["pct"]).all() and (table["pct"] <= table["pct_high"]).all()


def test_cumulative_rereferral_reproduces_the_freireich_reference():
    # 6-MP arm of Freireich et al. (1963); DOMAIN.md: S(6) = 0.8571, S(23) = 0.4482.
    times = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
    events = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
    table = cumulative_rereferral(pd.DataFrame({"days": times, "rereferred": np.array(events, bool)}), [6, 23])
    assert table["pct"].tolist() == pytest.approx([100 * (1 - 0.8571), 100 * (1 - 0.4482)], abs=0.01)


def test_nfa_after_assessment_is_grouped_by_the_referrals_before_the_assessments_referral():
    rows = [("z", "contact", "2014-01-01")]
    # child p: four referrals, each assessed; outcomes nfa, in_need, nfa, nfa
    for i, (day, outcome) in enumerate([("2015-01-01", "nfa"), ("2015-04-01", "in_need"), ("2015-07-01", "nfa"), ("2015-10-01", "nfa")]):
        rows += [("p", "referral", day), ("p", "assessment_start", day), ("p", "assessment_authorised", pd.Timestamp(day) + pd.Timedelta(days=20), outcome)]
    rows += [("q", "referral", "2015-02-01"), ("q", "assessment_start", "2015-02-02"), ("q", "assessment_authorised", "2015-03-01", "in_need")]
    rows += [("r", "referral", "2015-02-01"), ("r", "assessment_start", "2015-02-02")]  # not authorised: not counted
    log = log_of(rows)
    table = nfa_by_previous_referrals(referral_episodes(log), Period.of("2015-01-01", "2015-12-31")).set_index("previous_referrals")
    assert table.loc["0", ["count", "n"]].tolist() == [1, 2]
    assert table.loc["1", ["count", "n"]].tolist() == [0, 1]
    assert table.loc["2", ["count", "n"]].tolist() == [1, 1]
    assert table.loc["3+", ["count", "n"]].tolist() == [1, 1]
    assert table.loc["0", "pct"] == 50.0
