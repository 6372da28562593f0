"""Re-referral definitions on hand-made fixtures with known answers."""

import pandas as pd

from generator.analyses.headline import headline_metrics
from generator.analyses.period import Period
from generator.analyses.referrals import referral_history, rereferral_rate
from tests.helpers import log_of


def test_referral_within_365_days_counts_as_rereferral():
    # the data start a year earlier, so both referrals have their 365-day look-back
    log = log_of([("z", "contact", "2014-01-01"), ("a", "referral", "2015-01-01"), ("a", "referral", "2016-01-01")])  # 365 days apart
    assert rereferral_rate(log, pd.Timestamp("2014-01-01"), pd.Timestamp("2017-01-01"), 365) == (1, 2)


def test_referral_366_days_later_is_not_a_twelve_month_rereferral():
    log = log_of([("z", "contact", "2014-01-01"), ("a", "referral", "2015-01-01"), ("a", "referral", "2016-01-02")])
    assert rereferral_rate(log, pd.Timestamp("2014-01-01"), pd.Timestamp("2017-01-01"), 365) == (0, 2)


def test_two_referrals_on_the_same_day_are_not_each_others_previous_referral():
    log = log_of([("a", "referral", "2015-01-01"), ("a", "referral", "2015-01-01"), ("a", "referral", "2015-02-01")])
    history = referral_history(log)
    assert history["previous_referrals"].tolist() == [0, 0, 1]
    assert history["days_since_previous"].fillna(-1).tolist() == [-1, -1, 31]


def test_previous_referral_outside_the_period_still_counts_as_history():
    log = log_of([("z", "contact", "2013-05-01"), ("a", "referral", "2014-01-10"), ("a", "referral", "2014-06-01")])
    assert rereferral_rate(log, pd.Timestamp("2014-04-01"), pd.Timestamp("2015-03-31"), 365) == (1, 1)


def test_twelve_month_rate_counts_only_referrals_with_a_year_of_data_before_them():
    # the data start on 1 January 2015: a referral in 2015 cannot see its previous year
    log = log_of([("a", "referral", "2015-01-01"), ("a", "referral", "2015-06-01"), ("b", "referral", "2016-01-01"),
                  ("b", "referral", "2016-03-01")])
    assert rereferral_rate(log, pd.Timestamp("2015-01-01"), pd.Timestamp("2016-12-31"), 365) == (1, 2)


def test_36_month_rate_counts_only_referrals_with_three_years_of_history():
    rows = [
        ("a", "contact", "2014-01-01"),  # the data starts here
        ("a", "referral", "2015-01-01"),  # too early: under 1095 days of data before it
        ("b", "referral", "2016-06-01"),
        ("b", "referral", "2017-06-01"),  # 365 days after b's previous: a re-referral
        ("c", "referral", "2017-02-01"),  # first referral, with full history: not a re-referral
    ]
    log = log_of(rows)
    assert rereferral_rate(log, pd.Timestamp("2014-01-01"), pd.Timestamp("2018-01-01"), 1095) == (1, 2)


def test_headline_metrics_count_the_period_and_give_numerators_and_denominators():
    log = log_of([
        ("a", "contact", "2015-01-01"),
        ("a", "referral", "2015-01-02"),
        ("a", "assessment_start", "2015-01-03"),
        ("a", "assessment_authorised", "2015-02-03", "nfa"),
        ("b", "referral", "2015-03-01"),
        ("b", "assessment_start", "2015-03-02"),
        ("b", "assessment_authorised", "2015-04-01", "in_need"),
        ("b", "assessment_authorised", "2015-05-01", "in_need"),
        ("c", "referral", "2019-01-01"),  # outside the period
    ])
    metrics = headline_metrics(log, Period.of("2015-01-01", "2015-12-31"))
    assert metrics["children"] == 2
    assert metrics["events"] == 8
    assert metrics["contacts"] == 1 and metrics["referrals"] == 2 and metrics["assessments"] == 2
    assert (metrics["assessment_nfa_n"], metrics["assessment_nfa_d"]) == (1, 3)
    assert metrics["assessment_nfa_pct"] == 33.3
    # the data start in January 2015: no referral in the period has a year of data before it
    assert (metrics["rereferral_12m_pct"], metrics["rereferral_12m_d"]) == (None, 0)
