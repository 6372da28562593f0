"""Control charts against NHSRplotthedots, qicharts2 / Montgomery, and hand-worked examples."""

import numpy as np
import pandas as pd
import pytest

from generator.analyses.spc import (
    D2,
    c_chart,
    g_chart,
    laney_sigma_z,
    overdispersed,
    p_chart,
    t_chart,
    xmr_chart,
)
from generator.analyses.spc_rules import assurance, special_causes, variation

# NHSRplotthedots vignettes/deviations.Rmd (MIT): 18 daily values from 2021-03-22.
DEVIATIONS = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]

# NHSRplotthedots tests/testthat/test-ptd_spc_standard.R uses R's `set.seed(123); rnorm(20)`.
# These are those 20 numbers, derived here by re-implementing R's Mersenne-Twister seeding and
# inversion sampling (they agree with R's printed values to the 8 digits R shows).
RNORM_123 = [-0.5604756465522126, -0.23017748948328, 1.5587083141491243, 0.070508391424576, 0.1292877351609463,
             1.7150649868832817, 0.46091620598920247, -1.265061234606534, -0.686852851893526, -0.4456619700999582,
             1.224081797439462, 0.3598138270573639, 0.4007714505940522, 0.1106827159451197, -0.5558411347540749,
             1.7869131368030788, 0.4978504782292395, -1.966617156629638, 0.7013559015636855, -0.4727914077279341]


def months(n, start="2020-01-01"):
    return pd.date_range(start, periods=n, freq="MS")


def lines(chart, row=0):
    return chart.loc[row, ["mean", "lower", "upper"]].astype(float).tolist()


# --- XmR: limits -------------------------------------------------------------------------------

def test_xmr_screens_outlying_moving_ranges_by_default_as_nhsrplotthedots():
    chart = xmr_chart(pd.date_range("2021-03-22", periods=18), DEVIATIONS)
    # vignette caption: UPL 4.6, mean 1.94, LPL -0.72 (rounded to 2 decimals there)
    assert lines(chart) == pytest.approx([1.94, -0.72, 4.60], abs=0.005)


def test_xmr_without_screening_reproduces_the_making_data_count_excel_tool():
    chart = xmr_chart(pd.date_range("2021-03-22", periods=18), DEVIATIONS, screen_outliers=False)
    assert lines(chart) == pytest.approx([1.94, -3.06, 6.95], abs=0.005)


@pytest.mark.parametrize("screen", [True, False])
def test_deviations_example_has_one_special_cause_improvement_point(screen):
    # Both vignette charts: four common cause points, one special cause improvement, twelve common cause.
    chart = xmr_chart(pd.date_range("2021-03-22", periods=18), DEVIATIONS, screen_outliers=screen)
    assert chart["point_type"].tolist() == ["common_cause"] * 4 + ["special_cause_improvement"] + ["common_cause"] * 13
    assert chart.loc[4, "signal"] == "beyond_limits"


def test_xmr_limits_match_the_nhsrplotthedots_snapshot_to_six_decimals():
    # tests/testthat/_snaps/ptd_spc_standard.md, r1: mean 0.1416238, lpl -3.01138, upl 3.294627
    chart = xmr_chart(pd.date_range("2020-01-02", periods=20, freq="D"), RNORM_123)
    assert lines(chart) == pytest.approx([0.1416238, -3.01138, 3.294627], abs=1e-6)


def test_an_outlier_is_screened_from_the_limits_but_not_from_the_mean():
    # The same snapshot with y[15] = 10: r2 (screened) and r3 (screen_outliers = FALSE).
    values = list(RNORM_123)
    values[14] = 10
    days = pd.date_range("2020-01-02", periods=20, freq="D")
    assert lines(xmr_chart(days, values)) == pytest.approx([0.6694159, -2.383666, 3.722497], abs=1e-6)
    assert lines(xmr_chart(days, values, screen_outliers=False)) == pytest.approx([0.6694159, -4.596625, 5.935457],
                                                                                   abs=1e-6)


def test_fix_after_takes_the_limits_from_the_first_points_only():
    values = [3, 5, 4, 6, 5, 4, 30, 40, 50]
    chart = xmr_chart(months(9), values, fix_after=6)
    # mean of the first six = 4.5; their moving ranges 2, 1, 2, 1, 1 -> mean 1.4
    assert lines(chart, 8) == pytest.approx([4.5, 4.5 - 2.66 * 1.4, 4.5 + 2.66 * 1.4])
    assert (chart.loc[6:, "signal"] == "beyond_limits").all()


def test_rebase_recalculates_the_limits_from_the_named_date():
    values = [10, 11, 9, 10, 12, 8, 10, 11, 9, 10, 11, 9, 20, 21, 19, 20, 22, 18, 20, 21, 19, 20, 21, 19]
    plain = xmr_chart(months(24), values)
    assert (plain["signal"] != "").sum() > 0  # one process: the step is a special cause
    # A date inside a month: the new process starts with the first month that begins on or after it.
    rebased = xmr_chart(months(24), values, rebase=["2021-01-15"])
    assert rebased["process"].tolist() == [0] * 13 + [1] * 11
    rebased = xmr_chart(months(24), values, rebase=["2021-01-01"])
    assert rebased["process"].tolist() == [0] * 12 + [1] * 12
    assert rebased.loc[0, "mean"] == pytest.approx(np.mean(values[:12]))
    assert rebased.loc[23, "mean"] == pytest.approx(np.mean(values[12:]))
    assert (rebased["signal"] == "").all()


def test_a_month_without_a_value_keeps_its_row_without_limits_or_signal():
    chart = p_chart(months(4), [1, 0, 2, 1], [10, 0, 10, 10])
    assert np.isnan(chart.loc[1, "value"]) and np.isnan(chart.loc[1, "upper"])
    assert chart.loc[1, "signal"] == ""
    assert chart.loc[0, "mean"] == pytest.approx(4 / 30)


# --- special-cause rules: NHSRplotthedots tests/testthat/test-ptd_calculate_point_type.R ----------

def rules_on(y, centre=0.0, limit=3.0):
    n = len(y)
    full = np.ones(n)
    return special_causes(np.asarray(y, float), centre * full, -limit * full, limit * full,
                          -2 * limit / 3 * full, 2 * limit / 3 * full)


def test_seven_points_on_one_side_of_the_mean_are_a_shift():
    # ptd_seven_point_one_side_mean(c(rep(1, 8), -1)) flags points 7 and 8 as run ends: 8 in the run
    signal, direction = rules_on([0.5] * 8 + [-0.5])
    assert signal.tolist() == ["shift"] * 8 + [""]
    assert direction.tolist() == [1] * 8 + [0]
    assert rules_on([-0.5] * 8 + [0.5])[1].tolist() == [-1] * 8 + [0]


def test_six_points_on_one_side_or_a_point_on_the_mean_are_not_a_shift():
    assert (rules_on([0.5] * 6)[0] == "").all()
    assert (rules_on([0.5] * 6 + [-0.5])[0] == "").all()
    assert (rules_on([0.5] * 3 + [0.0] + [0.5] * 4)[0] == "").all()


def test_a_run_weighed_by_even_chances_each_side_is_the_seven_point_run():
    y = [0.5] * 7 + [-0.5] + [0.5] * 6 + [-0.5]
    half = np.full(len(y), 0.5)
    n = len(y)
    full = np.ones(n)
    weighed, _ = special_causes(np.asarray(y), 0 * full, -3 * full, 3 * full, -2 * full, 2 * full,
                                side_probability=(half, half))
    assert weighed.tolist() == rules_on(y)[0].tolist() == ["shift"] * 7 + [""] * 8


def test_a_run_signals_when_its_points_are_together_as_unlikely_as_seven_coin_tosses():
    # Chances 0.56 above and 0.44 below: 8 above (0.56^8 = 0.0097) are not yet as unlikely as
    # 0.5^7 = 0.0078, 9 are (0.0054); 6 below are (0.44^6 = 0.0073), 5 are not.
    def weighed(y):
        full = np.ones(len(y))
        return special_causes(np.asarray(y, float), 0 * full, -3 * full, 3 * full, -2 * full, 2 * full,
                              side_probability=(0.56 * full, 0.44 * full))[0]

    assert (weighed([0.5] * 8 + [-0.5])[:8] == "").all()
    assert (weighed([0.5] * 9 + [-0.5])[:9] == "shift").all()
    assert weighed([0.5] + [-0.5] * 6 + [0.5]).tolist() == [""] + ["shift"] * 6 + [""]
    assert (weighed([0.5] + [-0.5] * 5 + [0.5]) == "").all()


def test_a_p_chart_of_few_breaches_weighs_its_runs_by_their_binomial_chances():
    # 16 occasions a month, 20 breaches in 25 months: p-bar = 0.05, n x p-bar = 0.8, so a month
    # is below the centre only with no breach, P = 0.95^16 = 0.440, and above with 1 or more,
    # 0.560. Seven months of 1 breach (0.560^7 = 0.017) are common cause; six without a breach
    # (0.440^6 = 0.0073 <= 1/128) are a shift, though the plain rule would say the opposite.
    breaches = [1] * 7 + [0] * 6 + [2, 0] * 5 + [2, 1]
    assert sum(breaches) == 20 and len(breaches) == 25
    chart = p_chart(months(25), breaches, [16] * 25, limits="probability", laney=False)
    assert chart["mean"].iloc[0] == pytest.approx(0.05)
    assert chart["signal"].tolist() == [""] * 7 + ["shift"] * 6 + [""] * 12
    # sigma limits keep the plain 7-point rule (no distribution behind the points is assumed)
    plain = p_chart(months(25), breaches, [16] * 25, laney=False)
    assert plain["signal"].tolist()[:13] == ["shift"] * 7 + [""] * 6


def test_a_c_chart_weighs_its_runs_by_their_poisson_chances():
    # c-bar = 28 / 20 = 1.4: P(X < 1.4) = P(X <= 1) = 0.592 and P(X > 1.4) = 0.408. Nine months
    # of 0 or 1 (0.592^9 = 0.0090) are common cause, though the plain rule calls 7 a shift;
    # seven months of 2 (0.408^7 = 0.0019) are a shift, with the 3 that extends the run.
    counts = [1, 0, 1, 0, 1, 0, 1, 0, 1] + [2] * 7 + [3, 1, 3, 2]
    chart = c_chart(months(20), counts)
    assert chart["mean"].iloc[0] == pytest.approx(1.4)
    assert chart["signal"].tolist() == [""] * 9 + ["shift"] * 8 + [""] * 3
    assert rules_on(np.asarray(counts) - 1.4)[0].tolist()[:9] == ["shift"] * 9


def test_seven_points_rising_are_a_trend_and_six_are_not():
    # ptd_seven_point_trend(1:7) flags, 1:6 does not; a tie (c(1:3, 3:6)) breaks the trend
    scale = 0.1  # keep every point inside the two-sigma lines
    signal, direction = rules_on(scale * (np.arange(1, 8) - 4))
    assert signal.tolist() == ["trend"] * 7 and direction.tolist() == [1] * 7
    assert (rules_on(scale * (np.arange(1, 7) - 3))[0] == "").all()
    assert (rules_on(scale * (np.array([1, 2, 3, 3, 4, 5, 6]) - 3))[0] == "").all()


def test_a_trend_inside_a_series_marks_only_its_own_points():
    # ptd_seven_point_trend(c(2, 1:7, 3)) and c(2, 7:1, 3): points 2 to 8 of 9
    y = 0.1 * (np.array([2, 1, 2, 3, 4, 5, 6, 7, 3]) - 4)
    signal, direction = rules_on(y)
    assert signal.tolist() == [""] + ["trend"] * 7 + [""]
    assert direction[1:8].tolist() == [1] * 7
    y = 0.1 * (np.array([2, 7, 6, 5, 4, 3, 2, 1, 3]) - 4)
    signal, direction = rules_on(y)
    assert signal.tolist() == [""] + ["trend"] * 7 + [""]
    assert direction[1:8].tolist() == [-1] * 7


def close_pattern(close, side):
    """Values that are beyond two sigma (2.5 of limit 3) where ``close`` is 1, inside elsewhere."""
    return [s * (2.5 if c else 0.5) for c, s in zip(close, side)]


@pytest.mark.parametrize("close, flagged", [
    ([1, 0, 1], [1, 0, 1]),
    ([0, 1, 1], [0, 1, 1]),
    ([1, 1, 0], [1, 1, 0]),
    ([0, 0, 1, 0, 1, 0, 0], [0, 0, 1, 0, 1, 0, 0]),
    ([0, 0, 1, 1, 0, 0, 0], [0, 0, 1, 1, 0, 0, 0]),
    ([1, 0, 0, 1], [0, 0, 0, 0]),
    ([1, 0, 0, 1, 1], [0, 0, 0, 1, 1]),
])
def test_two_of_three_beyond_two_sigma_on_one_side_mark_the_points_beyond(close, flagged):
    # ptd_part_of_two_in_three cases (all on one side of the mean)
    signal, _ = rules_on(close_pattern(close, [1] * len(close)))
    assert (signal == "two_of_three").astype(int).tolist() == flagged


def test_two_of_three_needs_all_three_points_on_the_same_side():
    for close, side in (([1, 0, 1], [1, -1, 1]), ([0, 1, 1], [1, -1, 1]), ([1, 1, 0], [1, -1, 1]),
                        ([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1])):
        assert (rules_on(close_pattern(close, side))[0] == "").all()


def test_two_points_close_to_opposite_limits_are_common_cause():
    # test-ptd_spc_standard.R: symmetrical data, then 5.5 and -5.5 as the last two points
    values = [1, -1] * 8
    values[14], values[15] = 5.5, -5.5
    chart = xmr_chart(pd.date_range("2020-01-02", periods=16), values)
    assert chart["point_type"].tail(2).tolist() == ["common_cause", "common_cause"]


def test_a_point_beyond_the_limits_outranks_the_run_it_is_part_of():
    # Precedence as ptd_special_cause_type: beyond limits, then trend, then 2 of 3, then shift.
    signal, direction = rules_on([0.5] * 6 + [4.0, 0.5])
    assert signal.tolist() == ["shift"] * 6 + ["beyond_limits", "shift"]
    assert direction.tolist() == [1] * 8


def test_a_point_beyond_the_limits_does_not_count_towards_two_of_three():
    assert rules_on([0.5, 2.5, 4.0])[0].tolist() == ["", "", "beyond_limits"]


# --- variation and assurance ---------------------------------------------------------------------

def test_variation_is_the_latest_point_type_oriented_by_the_improvement_direction():
    rising = [5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 30]
    assert variation(xmr_chart(months(12), [4, 6] * 6)) == "common_cause"
    assert variation(xmr_chart(months(12), rising, improvement="increase")) == "special_cause_improvement"
    assert variation(xmr_chart(months(12), rising, improvement="decrease")) == "special_cause_concern"
    assert variation(xmr_chart(months(12), rising, improvement="neutral")) == "special_cause_neutral_high"


def test_assurance_is_pass_fail_or_hit_and_miss_against_the_target():
    chart = xmr_chart(months(12), [4, 6] * 6)  # mean 5, limits 5 +/- 2.66 x 2
    assert assurance(chart, 12, "decrease") == "pass"
    assert assurance(chart, 12, "increase") == "fail"
    assert assurance(chart, -1, "decrease") == "fail"
    assert assurance(chart, -1, "increase") == "pass"
    assert assurance(chart, 5, "decrease") == "hit_and_miss"
    assert assurance(chart, None, "decrease") is None
    assert assurance(chart, 5, "neutral") is None


# --- p, p', g and t charts -------------------------------------------------------------------------

# Montgomery, Introduction to Statistical Quality Control, Table 7.4: 25 samples of varying size
# (nonconforming units, sample size); reference limits from qicharts2's tests/testthat/tbl_7.4_1.rds.
TABLE_7_4_COUNTS = [12, 8, 6, 9, 10, 12, 11, 16, 10, 6, 20, 15, 9, 8, 6, 8, 10, 7, 5, 8, 5, 8, 10, 6, 9]
TABLE_7_4_SIZES = [100, 80, 80, 100, 110, 110, 100, 100, 90, 90, 110, 120, 120, 120, 110, 80, 80, 80, 90, 100, 100,
                   100, 100, 90, 90]


def test_p_chart_reproduces_montgomery_table_7_4_as_qicharts2():
    chart = p_chart(months(25), TABLE_7_4_COUNTS, TABLE_7_4_SIZES)
    assert chart["mean"].iloc[0] == pytest.approx(0.0955102041, abs=1e-9)
    by_size = {80: (0.0, 0.1940934205), 90: (0.0025650563, 0.1884553519), 100: (0.0073346947, 0.1836857134),
               110: (0.0114381546, 0.1795822535), 120: (0.0150173449, 0.1760030632)}
    for size, (lower, upper) in by_size.items():
        row = chart[chart["denominator"] == size].iloc[0]
        assert (row["lower"], row["upper"]) == pytest.approx((lower, upper), abs=1e-9)
    # qicharts2's sigma.signal: only sample 11 (20 of 110) is beyond the limits
    assert chart.index[chart["signal"] == "beyond_limits"].tolist() == [10]


def test_table_7_4_is_not_overdispersed_so_the_p_chart_is_kept():
    assert not overdispersed(TABLE_7_4_COUNTS, TABLE_7_4_SIZES)
    assert p_chart(months(25), TABLE_7_4_COUNTS, TABLE_7_4_SIZES)["upper"].equals(
        p_chart(months(25), TABLE_7_4_COUNTS, TABLE_7_4_SIZES, laney=False)["upper"])


def test_laney_p_prime_widens_the_limits_by_sigma_z():
    # By hand: p-bar = 60/300 = 0.2, sigma_i = sqrt(0.2 x 0.8 / 100) = 0.04, z = -2.5, 0, 2.5,
    # moving ranges 2.5 and 2.5, sigma_z = 2.5 / 1.128; upper = 0.2 + 3 x 0.04 x sigma_z.
    numerator, denominator = [10, 20, 30], [100, 100, 100]
    assert laney_sigma_z(numerator, denominator) == pytest.approx(2.5 / 1.128)
    assert overdispersed(numerator, denominator)  # sum z^2 = 12.5 > chi2(0.95, 2) = 5.99
    chart = p_chart(months(3), numerator, denominator)
    # the lower limit, 0.2 - 0.266, is kept at 0
    assert lines(chart) == pytest.approx([0.2, 0.0, 0.2 + 0.12 * 2.5 / D2])
    plain = p_chart(months(3), numerator, denominator, laney=False)
    assert lines(plain) == pytest.approx([0.2, 0.08, 0.32])
    # 0.1 and 0.3 are beyond two sigma (0.12, 0.28) but on opposite sides: no signal on either chart
    assert (plain["signal"] == "").all() and (chart["signal"] == "").all()


def test_g_chart_sigma_limits_from_the_mean_and_centre_at_the_median():
    # By hand: g-bar = 25, sigma = sqrt(25 x 26) = 25.495; upper = 25 + 3 x 25.495 = 101.485.
    chart = g_chart(months(5), [10, 20, 30, 40, 25], limits="sigma")
    assert lines(chart) == pytest.approx([25, 0, 25 + 3 * np.sqrt(650)])
    chart = g_chart(months(4), [1, 2, 3, 100])
    assert chart["mean"].iloc[0] == pytest.approx(2.5)  # the median, not the mean of 26.5


def test_g_chart_probability_limits_are_geometric_quantiles_at_the_normal_tails():
    # By hand: g-bar = 25 failures before an event, p = 1/26. Upper: the smallest u with
    # P(X > u) = (25/26)^(u + 1) <= 0.0013499 (the normal tail beyond 3 sigma): u + 1 >=
    # log(0.0013499) / log(25/26) = 168.48, so u = 168; two sigma (0.02275): u + 1 >= 96.4, u = 96.
    # Lower: P(X = 0) = 1/26 is already above 0.00135 and 0.02275, so both lower lines are 0.
    chart = g_chart(months(5), [10, 20, 30, 40, 25])
    assert lines(chart) == [25, 0, 168]
    # counted up to and including the event (Benneyan's shift a = 1): the same lines, one higher
    shifted = g_chart(months(5), [11, 21, 31, 41, 26], minimum=1)
    assert lines(shifted) == [26, 1, 169]
    # after those five (limits fixed on them), 169 is beyond the limit and 168 is not
    later = [g_chart(months(6), [10, 20, 30, 40, 25, last], fix_after=5) for last in (169, 168)]
    assert [chart["signal"].iloc[-1] for chart in later] == ["beyond_limits", ""]


def test_p_chart_probability_limits_are_binomial_quantiles():
    # p-bar = 10 / 100 = 0.1 with 10 children a month: P(X >= 5 | 10, 0.1) = 0.0016 > 0.00135 and
    # P(X >= 6) = 0.00015, so the upper limit is 5 of 10 (a month needs 6 to be beyond it); the
    # 3-sigma limit, 0.1 + 3 x sqrt(0.09 / 10) = 0.385, puts 4 of 10 (a 1.3% chance) beyond.
    first = [1, 0, 2, 1, 1, 0, 2, 1, 1, 1]
    chart = p_chart(months(10), first, [10] * 10, limits="probability", laney=False)
    assert chart.loc[0, "upper"] == pytest.approx(0.5) and chart.loc[0, "lower"] == 0
    # the same months with 4 of 10 after them, limits fixed on the first ten
    bad = p_chart(months(11), first + [4], [10] * 11, laney=False, fix_after=10)
    assert bad.loc[0, "upper"] == pytest.approx(0.1 + 3 * np.sqrt(0.009))
    assert bad["signal"].iloc[-1] == "beyond_limits"
    assert p_chart(months(11), first + [4], [10] * 11, limits="probability", laney=False,
                   fix_after=10)["signal"].iloc[-1] == ""


def test_t_chart_reproduces_montgomery_example_7_6_as_qicharts2():
    # Montgomery Table 7.14: hours between failures of a valve; qicharts2 ex_7.6_1.rds:
    # cl 430.0409517898, lcl 0, ucl 6937.9334881666 (I chart with 3 / 1.128 and no screening).
    hours = [286, 948, 536, 124, 816, 729, 4, 143, 431, 8, 2837, 596, 81, 227, 603, 492, 1199, 1214, 2831, 96]
    chart = t_chart(months(20), hours, screen_outliers=False, xmr_factor=3 / D2)
    assert lines(chart) == pytest.approx([430.0409517898, 0.0, 6937.9334881666], abs=1e-6)
    assert (chart["signal"] == "").all()
    # Making Data Count's rounded 2.66 gives a slightly wider upper limit
    assert t_chart(months(20), hours, screen_outliers=False)["upper"].iloc[0] > 6937.94


def test_t_chart_refuses_times_of_zero():
    with pytest.raises(ValueError, match="greater than zero"):
        t_chart(months(3), [5, 0, 3])


def test_c_chart_probability_limits_are_poisson_quantiles_and_sigma_limits_are_montgomerys():
    # c-bar = 2 from the first four months: P(X >= 8 | 2) = 0.0011 <= 0.00135 < P(X >= 7) = 0.0045,
    # so 7 is within the probability limit and 8 beyond; c-bar + 3 sqrt(2) = 6.24 puts 7 beyond.
    first = [1, 2, 3, 2]
    for last, signal in ((7, ""), (8, "beyond_limits")):
        chart = c_chart(months(5), first + [last], fix_after=4)
        assert lines(chart) == [2.0, 0.0, 7.0] and chart["signal"].iloc[-1] == signal
    sigma = c_chart(months(5), first + [7], fix_after=4, limits="sigma")
    assert lines(sigma) == pytest.approx([2.0, 0.0, 2 + 3 * np.sqrt(2)])
    assert sigma["signal"].iloc[-1] == "beyond_limits"
