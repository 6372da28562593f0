"""Order trends: shares with Wilson intervals, the logistic slope against the log odds ratio by
hand, areas and all areas, orders never made, and bad rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
from statsmodels.stats.proportion import proportion_confint

from generator.analyses.orders import ALL_AREAS, order_shares, order_trends
from generator.errors import InputError


def proceedings_from(counts: dict[tuple[str, int, str], int]) -> pd.DataFrame:
    rows = []
    for (area, year, order), n in counts.items():
        rows += [{"area": area, "year": year, "final_order": order}] * n
    return pd.DataFrame(rows).assign(child_id=lambda f: range(len(f)))


TWO_YEARS = {("Kent", 2016, "supervision_order"): 10, ("Kent", 2016, "care_order"): 40,
             ("Kent", 2017, "supervision_order"): 20, ("Kent", 2017, "care_order"): 30}


def test_slope_over_two_years_is_the_log_odds_ratio_with_its_wald_interval():
    got = order_trends(proceedings_from(TWO_YEARS)).set_index("final_order").loc["supervision_order"]
    log_or = np.log((20 / 30) / (10 / 40))
    se = np.sqrt(1 / 10 + 1 / 40 + 1 / 20 + 1 / 30)
    assert got["slope"] == pytest.approx(log_or, rel=1e-8)
    # IRLS stops at statsmodels' tolerance (1e-8 on the deviance), so the standard error is
    # computed at a slightly unconverged estimate: agree to 1e-5.
    assert got["slope_lower"] == pytest.approx(log_or - norm.ppf(0.975) * se, abs=1e-5)
    assert got["slope_upper"] == pytest.approx(log_or + norm.ppf(0.975) * se, abs=1e-5)
    assert got["odds_ratio"] == pytest.approx(8 / 3, rel=1e-8)
    assert got["area"] == "Kent"  # one area: no "all areas" row


def test_shares_carry_wilson_intervals_and_sum_to_one_each_year():
    shares = order_shares(proceedings_from(TWO_YEARS))
    assert shares.groupby(["area", "year"])["share"].sum().tolist() == pytest.approx([1.0, 1.0])
    row = shares[(shares["year"] == 2016) & (shares["final_order"] == "supervision_order")].iloc[0]
    low, high = proportion_confint(10, 50, method="wilson")
    assert (row["children"], row["total"], row["share"]) == (10, 50, 0.2)
    assert (row["lower"], row["upper"]) == pytest.approx((low, high))
    # Two years: the logistic line is saturated and passes through both shares.
    assert shares["fitted"].tolist() == pytest.approx(shares["share"].tolist(), abs=1e-8)


def test_a_steady_rise_gives_a_positive_slope_whose_interval_excludes_zero():
    rng = np.random.default_rng(17)
    counts = {}
    for year in range(2010, 2019):
        so = rng.binomial(300, 0.10 + 0.03 * (year - 2010))
        counts[("North West", year, "supervision_order")] = so
        counts[("North West", year, "care_order")] = 300 - so
    got = order_trends(proceedings_from(counts)).set_index("final_order")
    assert got.loc["supervision_order", "slope_lower"] > 0
    assert got.loc["care_order", "slope_upper"] < 0
    assert got.loc["supervision_order", "years"] == 9


def test_several_areas_get_their_own_rows_and_all_areas_together():
    counts = dict(TWO_YEARS)
    counts.update({("London", 2016, "supervision_order"): 5, ("London", 2016, "care_order"): 5,
                   ("London", 2017, "sgo"): 4})
    shares = order_shares(proceedings_from(counts))
    assert sorted(shares["area"].unique()) == sorted(["Kent", "London", ALL_AREAS])
    pooled = shares[(shares["area"] == ALL_AREAS) & (shares["year"] == 2016)].set_index("final_order")
    assert pooled.loc["supervision_order", "children"] == 15 and pooled.loc["supervision_order", "total"] == 60
    london = shares[(shares["area"] == "London") & (shares["year"] == 2017)].set_index("final_order")
    assert london.loc["care_order", "children"] == 0 and london.loc["sgo", "share"] == 1.0


def test_an_order_never_made_in_an_area_has_no_trend():
    counts = dict(TWO_YEARS)
    counts[("London", 2016, "care_order")] = 6
    counts[("London", 2017, "care_order")] = 7
    trends = order_trends(proceedings_from(counts)).set_index(["area", "final_order"])
    assert np.isnan(trends.loc[("London", "supervision_order"), "slope"])
    assert np.isnan(trends.loc[("London", "care_order"), "slope"])  # always made: no trend either
    assert trends.loc[("London", "supervision_order"), "children"] == 0


def test_rows_without_a_year_or_order_are_reported():
    proceedings = pd.DataFrame({"child_id": [1, 2, 3], "year": [2016, "x", 2017], "final_order": ["sgo", "sgo", None]})
    with pytest.raises(InputError, match="proceedings.csv: rows 1, 2: each row needs a whole-number year"):
        order_shares(proceedings, source="proceedings.csv")
