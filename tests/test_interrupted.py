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


def test_a_noiseless_count_series_gives_back_its_rate_ratio_and_absolute_change():
    # 24 months before: 200 a month growing 1% a month, with a month-of-year pattern (August
    # 30% down); from month 24 on, 25% more: level ratio 1.25, absolute change 0.25 x the
    # expected count in month 24 without the change.
    t = np.arange(36)
    season = np.where(MONTHS.month == 8, 0.7, 1.0)[:36]
    expected = 200 * np.exp(0.01 * t) * season
    values = expected * np.where(t >= 24, 1.25, 1.0)
    fit = segmented_regression(_series(values), pd.Timestamp("2017-01-01"), before=24, after=12, rate=False)
    assert fit.family == "Poisson" and fit.seasonal == "month of year"
    assert fit.level_ratio == pytest.approx(1.25, rel=1e-6)
    assert fit.level_change == pytest.approx(0.25 * expected[24], rel=1e-6)
    assert fit.slope_ratio == pytest.approx(1.0, abs=1e-6)  # the trend did not change
    assert fit.level_ratio_low < 1.25 < fit.level_ratio_high and fit.clear
    assert (fit.months_before, fit.months_after) == (24, 12)
    after = fit.fitted[fit.fitted["side"] == "after"]
    assert after["counterfactual"].iloc[0] == pytest.approx(expected[24], rel=1e-6)  # the trend before, carried on
    assert fit.fitted[fit.fitted["side"] == "before"]["counterfactual"].isna().all()


def test_a_rate_is_a_binomial_fit_on_its_numerators_and_denominators():
    # 40% of 500 a month for 24 months, then 30%: 10 percentage points down, ratio 0.75
    t = np.arange(36)
    n = np.full(36, 500)
    count = np.where(t >= 24, 150, 200)
    series = pd.DataFrame({"month": MONTHS, "value": 100 * count / n, "count": count, "n": n})
    fit = segmented_regression(series, pd.Timestamp("2017-01-01"), before=24, after=12)
    assert fit.family == "binomial"
    assert fit.level_change == pytest.approx(-10, abs=1e-4) and fit.level_ratio == pytest.approx(0.75, abs=1e-5)
    assert fit.level_high < 0


def test_intervals_are_never_narrower_than_the_independent_ones():
    # Alternating residuals (negative autocorrelation) narrow Newey-West errors; ours keep the
    # quasi-Poisson width.
    rng = np.random.default_rng(3)
    t = np.arange(36)
    values = rng.poisson(300, 36) + np.where(t % 2 == 0, 25, -25)
    fit = segmented_regression(_series(values.astype(float)), pd.Timestamp("2017-01-01"), before=24, after=12,
                               lags=3, rate=False)
    from generator.analyses import interrupted

    model, X, _ = interrupted._fit(_series(values.astype(float)), pd.Timestamp("2017-01-01"), False, 3)
    independent, hac, _ = model.covariances
    assert hac[2, 2] < independent[2, 2]  # the case the rule guards against
    _, low, high, se = model.estimate(lambda b: float(b[2]))
    assert se == pytest.approx(max(np.sqrt(c[2, 2]) for c in model.covariances))
    assert fit.lags == 3 and fit.level_low < fit.level_change < fit.level_high


def test_the_placebo_check_fits_every_month_before_the_date():
    rng = np.random.default_rng(7)
    values = rng.poisson(300, 36).astype(float)
    fit = segmented_regression(_series(values), pd.Timestamp("2017-01-01"), before=24, after=12, rate=False)
    # 24 months before; placebo dates leave at least 3 months on each side: months 4 to 22
    assert len(fit.placebo) == 19 and fit.placebo["month"].iloc[0] == MONTHS[3]
    assert 0 <= fit.placebo_share <= 1


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
