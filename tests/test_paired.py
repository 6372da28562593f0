"""Problem profiles: McNemar on Agresti's table, Cochran's Q and the trend test by hand, Holm
and the seed's marks, prevalence of the same children at three points."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest, chi2

from generator.analyses.paired import (
    abuse_by_carer_problems, change_tests, holm_adjusted, paired_change, prevalence_by_point, trend_test,
)
from generator.errors import InputError


def agresti_pairs():
    # Agresti's presidential approval table [[794, 150], [86, 570]] as 1,600 paired answers.
    before = np.r_[np.ones(944), np.zeros(656)]
    after = np.r_[np.ones(794), np.zeros(150), np.ones(86), np.zeros(570)]
    return before, after


def test_mcnemar_reproduces_agresti_chi_squared_17_356():
    statistic, p_value = paired_change(*agresti_pairs(), exact=False, correction=False)
    assert statistic == pytest.approx(17.356, abs=5e-4)
    assert p_value == pytest.approx(chi2.sf(17.356, 1), rel=1e-3)


def test_exact_mcnemar_is_the_binomial_test_on_discordant_pairs():
    statistic, p_value = paired_change(*agresti_pairs())
    assert statistic == 86
    assert p_value == pytest.approx(binomtest(86, 236, 0.5).pvalue, rel=1e-9)


def profiles_fixture():
    # 40 children: neglect falls from 30 to 10 by the end and stays; housing rises only at
    # follow-up (4 -> 4 -> 20); alcohol never changes.
    rows = []
    for child in range(40):
        rows.append({"child_id": child, "factor": "neglect", "start": int(child < 30), "end": int(child < 10),
                     "follow_up": int(child < 10)})
        rows.append({"child_id": child, "factor": "housing", "start": int(child < 4), "end": int(child < 4),
                     "follow_up": int(child < 20)})
        rows.append({"child_id": child, "factor": "alcohol", "start": int(child < 5), "end": int(child < 5),
                     "follow_up": int(child < 5)})
    return pd.DataFrame(rows)


def test_prevalence_counts_the_same_children_at_each_point():
    profiles = profiles_fixture()
    profiles.loc[len(profiles)] = {"child_id": 99, "factor": "neglect", "start": 1, "end": np.nan, "follow_up": 1}
    got = prevalence_by_point(profiles).set_index(["factor", "point"])
    assert got.loc[("neglect", "start"), "children"] == 40  # the child not seen at the end is left out
    assert got.loc[("neglect", "start"), "prevalence"] == pytest.approx(0.75)
    assert got.loc[("housing", "follow_up"), "present"] == 20
    assert (got["lower"] <= got["prevalence"]).all() and (got["prevalence"] <= got["upper"]).all()


def test_cochrans_q_matches_the_formula_by_hand():
    profiles = profiles_fixture()
    got = change_tests(profiles).drop_duplicates("factor").set_index("factor")
    x = profiles.loc[profiles["factor"] == "neglect", ["start", "end", "follow_up"]].to_numpy()
    k, columns, rows = 3, x.sum(axis=0), x.sum(axis=1)
    q = (k - 1) * (k * (columns ** 2).sum() - columns.sum() ** 2) / (k * rows.sum() - (rows ** 2).sum())
    assert got.loc["neglect", "q_statistic"] == pytest.approx(q, rel=1e-12)
    assert got.loc["neglect", "q_p_value"] == pytest.approx(chi2.sf(q, 2), rel=1e-9)


def test_significant_changes_carry_the_seeds_dagger_and_double_dagger():
    got = change_tests(profiles_fixture()).set_index(["factor", "pair_from", "pair_to"])
    assert got.loc[("neglect", "start", "end"), "mark"] == "\u2020"
    assert got.loc[("neglect", "end", "follow_up"), "mark"] == ""  # no change after the end
    assert got.loc[("housing", "start", "end"), "mark"] == ""
    assert got.loc[("housing", "end", "follow_up"), "mark"] == "\u2021"
    assert got.loc[("housing", "start", "follow_up"), "significant"]
    assert got.loc[("housing", "start", "follow_up"), "mark"] == ""  # tested, not marked in the seed
    assert np.isnan(got.loc[("alcohol", "start", "end"), "q_statistic"])
    assert not got.loc[("alcohol", "start", "end"), "significant"]


def test_holm_adjusts_the_pairwise_p_values_within_a_factor():
    got = change_tests(profiles_fixture())
    housing = got[got["factor"] == "housing"].dropna(subset=["mcnemar_p_value"])
    raw = housing["mcnemar_p_value"].to_numpy()
    order = np.argsort(raw)
    m = len(raw)
    expected = np.maximum.accumulate(np.minimum(1, raw[order] * (m - np.arange(m))))
    assert housing["holm_p_value"].to_numpy()[order] == pytest.approx(expected)


def test_trend_test_reproduces_agresti_malformation_example():
    # Agresti (2002), table 3.7: M^2 = 6.57 with scores 0, 0.5, 1.5, 4.0, 7.0 (P = 0.01).
    counts = [[17066, 48], [14464, 38], [788, 5], [126, 1], [37, 1]]
    got = trend_test(counts, [0, 0.5, 1.5, 4.0, 7.0])
    assert got["statistic"] == pytest.approx(6.57, abs=0.005)
    assert got["p_value"] == pytest.approx(0.0104, abs=5e-4)


def test_abuse_trend_with_carer_problems_equals_n_minus_1_times_r_squared():
    rng = np.random.default_rng(7)
    problems = rng.integers(0, 6, 300)
    abused = (rng.random(300) < 0.15 + 0.1 * problems).astype(int)
    children = pd.DataFrame({"carer_problems": problems, "abused": abused})
    table, trend = abuse_by_carer_problems(children)
    r = np.corrcoef(problems, abused)[0, 1]
    assert trend["statistic"] == pytest.approx((len(children) - 1) * r ** 2, rel=1e-9)
    assert trend["z"] > 0 and trend["p_value"] < 0.001
    assert table["children"].sum() == 300
    assert table["proportion"].tolist() == pytest.approx((table["abused"] / table["children"]).tolist())


def test_trend_test_keeps_empty_cells_empty():
    # statsmodels' Table would replace the zero by 0.5; the test must use the counts as they are.
    counts = np.array([[10, 0], [8, 2], [5, 5]])
    x = np.repeat([0, 1, 2, 0, 1, 2], counts.T.ravel())
    y = np.repeat([0, 0, 0, 1, 1, 1], counts.T.ravel())
    r = np.corrcoef(x, y)[0, 1]
    assert trend_test(counts, [0, 1, 2])["statistic"] == pytest.approx((len(x) - 1) * r ** 2, rel=1e-12)


def test_bad_profile_values_are_reported():
    profiles = profiles_fixture()
    profiles.loc[3, "end"] = 2
    with pytest.raises(InputError, match="column end, rows 3: expected 0 or 1"):
        change_tests(profiles, source="factors.csv")
    with pytest.raises(InputError, match="missing column\\(s\\) follow_up"):
        prevalence_by_point(profiles.drop(columns="follow_up"))


def test_holm_adjustment_equals_statsmodels_multipletests():
    from statsmodels.stats.multitest import multipletests
    rng = np.random.default_rng(11)
    for m in (1, 2, 3, 7):
        p = rng.random(m) ** 3
        assert holm_adjusted(p) == pytest.approx(multipletests(p, method="holm")[1], rel=1e-12)
