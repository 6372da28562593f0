"""Segmented regression around an event, checked against series built to known answers."""

import numpy as np
import pandas as pd
import pytest

from generator.analyses.front_door import protection_enquiries, referral_episodes
from generator.analyses.interrupted import event_months, monthly_measures, segmented_regression
from generator.analyses.period import Period
from tests.helpers import log_of

MONTHS = pd.date_range("2015-01-01", "2017-12-01", freq="MS")


def _series(values):
    return pd.DataFrame({"month": MONTHS[: len(values)], "value": values})


def test_the_event_month_is_left_out_unless_the_event_is_on_its_first_day():
    pre, post = event_months(pd.Timestamp("2016-05-16"), MONTHS, 3, 2)
    assert [f"{m:%Y-%m}" for m in pre] == ["2016-02", "2016-03", "2016-04"]
    assert [f"{m:%Y-%m}" for m in post] == ["2016-06", "2016-07"]
    pre, post = event_months(pd.Timestamp("2016-05-01"), MONTHS, 1, 1)
    assert ([f"{m:%Y-%m}" for m in pre], [f"{m:%Y-%m}" for m in post]) == (["2016-04"], ["2016-05"])


def test_a_noiseless_series_gives_back_its_level_and_slope_change():
    # 12 months before: 10 + 0.5 t; from month 12 on: + 5 in level and + 0.2 a month in slope
    t = np.arange(24)
    values = 10 + 0.5 * t + np.where(t >= 12, 5 + 0.2 * (t - 12), 0)
    fit = segmented_regression(_series(values), pd.Timestamp("2016-01-01"), before=12, after=12)
    assert fit.level_change == pytest.approx(5) and fit.slope_change == pytest.approx(0.2) and fit.slope_before == pytest.approx(0.5)
    assert (fit.months_before, fit.months_after) == (12, 12)
    after = fit.fitted[fit.fitted["side"] == "after"]
    assert after["counterfactual"].iloc[0] == pytest.approx(10 + 0.5 * 12)  # the trend before, carried on
    assert fit.fitted[fit.fitted["side"] == "before"]["counterfactual"].isna().all()


def test_estimates_are_ordinary_least_squares_and_the_interval_contains_them():
    rng = np.random.default_rng(3)
    t = np.arange(36)
    values = 50 + 0.3 * t + np.where(t >= 24, -8, 0) + rng.normal(0, 2, 36)
    fit = segmented_regression(_series(values), pd.Timestamp("2017-01-01"), before=24, after=12, lags=3)
    post = (t >= 24).astype(float)
    X = np.column_stack([np.ones(36), t, post, (t - 24) * post])
    expected = np.linalg.lstsq(X, values, rcond=None)[0]
    assert fit.level_change == pytest.approx(expected[2]) and fit.slope_change == pytest.approx(expected[3])
    assert fit.level_low < fit.level_change < fit.level_high and fit.level_high < 0  # a clear drop
    assert fit.lags == 3


def test_too_few_months_on_one_side_gives_no_fit():
    # 14 months, January 2015 to February 2016: an event on 1 January 2016 leaves 2 months after it
    assert segmented_regression(_series(np.arange(14.0)), pd.Timestamp("2016-01-01"), before=24, after=12) is None
    assert segmented_regression(_series(np.arange(14.0)), pd.Timestamp("2015-12-01"), before=24, after=12) is not None


def test_monthly_measures_count_cases_in_their_month():
    rows = [("z", "contact", "2015-01-01")]
    for i, day in enumerate(["2015-06-01", "2015-06-10", "2015-06-20", "2015-07-01"]):
        rows += [(f"c{i}", "referral", day)]
    rows += [("c0", "referral_nfa", "2015-06-02"), ("c1", "assessment_start", "2015-06-11")]
    log = log_of(rows + [("z", "contact", "2015-12-31")])
    table = monthly_measures(log, Period.of("2015-01-01", "2015-12-31"), referral_episodes(log), protection_enquiries(log))
    june = table[table["month"] == pd.Timestamp("2015-06-01")].set_index("measure")
    assert june.loc["referrals", ["value", "count", "n"]].tolist() == [3, 3, 3]
    # c0 NFA at referral, c1 assessed, c2 no recorded next step: 1 of 3
    assert june.loc["referral_nfa", ["count", "n"]].tolist() == [1, 3]
    assert june.loc["referral_nfa", "value"] == pytest.approx(100 / 3)
    # re-referral rates need a year of data before the month: none yet
    assert june.loc["rereferral_12m", "n"] == 0 and np.isnan(june.loc["rereferral_12m", "value"])
