"""Segmented regression around an event, checked against series built to known answers."""

import re

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


def test_the_placebo_summary_counts_the_dates_where_the_model_finds_a_change():
    # 24 months before the event: 300 a month, then 450 from month 12 on (a real step, a year
    # before the event). The placebo date at month 12 finds it; the summary counts what the
    # placebo fits found and carries the event's own change beside it.
    from generator.analyses.interrupted import placebo_summary

    rng = np.random.default_rng(11)
    t = np.arange(36)
    values = rng.poisson(np.where(t >= 12, 450, 300)).astype(float)
    fit = segmented_regression(_series(values), pd.Timestamp("2017-01-01"), before=24, after=12, rate=False)
    at_step = fit.placebo.set_index("month").loc[MONTHS[12]]
    assert at_step["excludes_no_change"] and at_step["level_low"] > 0
    [row] = placebo_summary({"referrals": fit}).to_dict("records")
    assert row["placebo_dates"] == len(fit.placebo) == 19
    assert row["changes_found"] == int(fit.placebo["excludes_no_change"].sum()) >= 1
    assert row["found_pct"] == pytest.approx(100 * row["changes_found"] / 19)
    assert (row["event_change"], row["event_low"], row["event_high"]) == (fit.level_change, fit.level_low, fit.level_high)


def _monthly_referrals_log():
    # three years of referrals, 40 a month (60 from 2016 on), a quarter of them closed with no
    # further action at referral the next day
    rows = [("z", "contact", "2014-01-01")]
    for month in pd.date_range("2014-01-01", "2016-12-01", freq="MS"):
        for i in range(40 if month.year < 2016 else 60):
            child = f"c{month:%Y%m}{i}"
            rows.append((child, "referral", month + pd.Timedelta(days=i % 28)))
            if i % 4 == 0:
                rows.append((child, "referral_nfa", month + pd.Timedelta(days=i % 28 + 1)))
    return log_of(rows + [("z", "contact", "2017-03-31")])


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_the_events_page_publishes_its_placebo_check_as_a_chart_and_a_table(audience):
    from generator.build import render_pages
    from generator.pages import PAGE_KINDS
    from generator.pages.base import Annotation
    from generator.privacy.publish import publish

    options = PAGE_KINDS["events"].Options(kind="events", slug="events", title="Events", measures=["referrals", "referral_nfa"])
    annotation = Annotation(pd.Timestamp("2016-01-01"), "New front door")
    log = _monthly_referrals_log()
    ctx, rendered = render_pages([options], log=log, period=Period.of("2014-01-01", "2016-12-31"), annotations=[annotation])
    [(_, page)], _ = publish(rendered, ctx.metrics, audience)
    placebo = next(chart for chart in page.charts if chart.id == "events-1-placebo")
    assert list(placebo.data.columns) == ["measure", "unit", "month", "level_change", "level_low", "level_high", "change_found"]
    assert set(placebo.data["measure"]) == {"Referrals per month", "Referrals closed with no further action at referral"}
    [table] = page.context["tables"]
    assert table["after"] == "events-1-placebo" and isinstance(table["frame"], pd.DataFrame)
    shown = table["frame"].set_index("Measure")
    # the table says what the chart's rows say: dates tried and changes found, per measure
    for measure, rows in placebo.data.groupby("measure"):
        assert shown.loc[measure, "Placebo dates tried"] == len(rows)
        assert shown.loc[measure, "Change found at"] == (rows["change_found"] == "yes").sum()
    # the event's own change, worded with its interval: 20 more referrals a month
    referrals = shown.loc["Referrals per month", "Change in level at the event (95% interval)"]
    change, low, high = (float(x) for x in re.fullmatch(r"(\S+) referrals a month \((\S+) to (\S+)\)", referrals).groups())
    assert low < 20 < high and abs(change - 20) < 5
    assert "events-1-placebo-summary" in page.downloads
    assert "1 in 20 is expected by chance" in placebo.description
