"""Cumulative incidence with competing events: the BMT reference, a hand-worked example, the
Aalen-Johansen identities, determinism with ties, and the cause-specific log-rank test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from generator.analyses.competing_risks import COLUMNS, cause_specific_logrank, cumulative_incidence
from generator.errors import InputError


@pytest.fixture(scope="module")
def bmt():
    datasets = pytest.importorskip("sksurv.datasets")
    X, y = datasets.load_bmt()
    return pd.DataFrame({"group": X["dis"].astype(str).to_numpy(), "days": y["ftime"], "event": y["status"]})


def test_bmt_relapse_incidence_matches_scikit_survival_at_12_months(bmt):
    # shared/REFERENCES.md: scikit-survival 0.28.0 on its BMT data, relapse 0.2728 at 12 months.
    got = cumulative_incidence(bmt.assign(group="all"), times=[12], cause=1)
    assert got["estimate"].tolist() == pytest.approx([0.2728], abs=5e-5)


def test_bmt_other_causes_incidence_matches_scikit_survival_at_12_24_60_months(bmt):
    got = cumulative_incidence(bmt.assign(group="all"), times=[12, 24, 60], cause=2)
    assert got["estimate"].tolist() == pytest.approx([0.3408, 0.4461, 0.4813], abs=5e-5)


def test_incidences_of_all_causes_add_up_to_one_minus_kaplan_meier_of_any_event(bmt):
    from lifelines import KaplanMeierFitter
    times = np.arange(0, 80, 3.0)
    relapse = cumulative_incidence(bmt, times, cause=1)
    other = cumulative_incidence(bmt, times, cause=2)
    for name, rows in bmt.groupby("group"):
        km = KaplanMeierFitter().fit(rows["days"], rows["event"] > 0)
        total = (relapse.loc[relapse["group"] == name, "estimate"].to_numpy()
                 + other.loc[other["group"] == name, "estimate"].to_numpy())
        assert total == pytest.approx(1 - km.survival_function_at_times(times).to_numpy(), abs=1e-12)


def test_incidence_is_below_one_minus_kaplan_meier_that_censors_the_competing_event(bmt):
    from lifelines import KaplanMeierFitter
    times = np.arange(0, 80, 3.0)
    relapse = cumulative_incidence(bmt.assign(group="all"), times, cause=1)
    naive = 1 - KaplanMeierFitter().fit(bmt["days"], bmt["event"] == 1).survival_function_at_times(times).to_numpy()
    assert (relapse["estimate"].to_numpy() <= naive + 1e-12).all()
    assert (relapse["estimate"].to_numpy() < naive).any()


def test_hand_worked_example_with_a_competing_event_and_a_censored_child():
    # Four children: returned at 1, turned 18 at 2, censored at 3, returned at 4.
    # F(1) = 1/4; S(2) = 3/4 * 2/3 = 1/2 and one of the one at risk returns at 4: F(4) = 1/4 + 1/2.
    follow_up = pd.DataFrame({"group": "SO", "days": [1, 2, 3, 4], "event": [1, 2, 0, 1]})
    got = cumulative_incidence(follow_up, times=[0, 1, 2, 3, 4, 10])
    assert list(got.columns) == COLUMNS
    assert got["estimate"].tolist() == pytest.approx([0, 0.25, 0.25, 0.25, 0.75, 0.75])
    assert got["at_risk"].tolist() == [4, 4, 3, 2, 1, 0]
    competing = cumulative_incidence(follow_up, times=[4], cause=2)
    assert competing["estimate"].tolist() == pytest.approx([0.25])


def test_tied_times_give_the_same_answer_in_any_row_order():
    rng = np.random.default_rng(5)
    follow_up = pd.DataFrame({"group": rng.choice(["SO", "CO"], 400), "days": rng.integers(0, 60, 400) * 30,
                              "event": rng.choice([0, 1, 2], 400, p=[0.5, 0.3, 0.2])})
    first = cumulative_incidence(follow_up, times=[180, 365, 730, 1825])
    shuffled = cumulative_incidence(follow_up.sample(frac=1, random_state=1), times=[180, 365, 730, 1825])
    pd.testing.assert_frame_equal(first, shuffled)


def test_intervals_hold_the_estimate_and_stay_within_0_and_1(bmt):
    got = cumulative_incidence(bmt, times=[6, 12, 24])
    ok = got.dropna()
    assert len(ok) == len(got)
    assert ((ok["lower"] <= ok["estimate"]) & (ok["estimate"] <= ok["upper"])).all()
    assert ((ok["lower"] >= 0) & (ok["upper"] <= 1)).all()


def test_a_group_without_the_event_has_zero_incidence():
    follow_up = pd.DataFrame({"group": ["A", "A", "B", "B"], "days": [5, 9, 3, 8], "event": [1, 0, 2, 0]})
    got = cumulative_incidence(follow_up, times=[10])
    assert got.set_index("group")["estimate"].to_dict() == {"A": 0.5, "B": 0.0}


def test_cause_specific_logrank_agrees_with_lifelines(bmt):
    from lifelines.statistics import multivariate_logrank_test
    got = cause_specific_logrank(bmt, cause=2)
    lifelines = multivariate_logrank_test(bmt["days"], bmt["group"], bmt["event"] == 2)
    assert got["test"] == "cause-specific log-rank" and got["df"] == 1
    assert got["statistic"] == pytest.approx(lifelines.test_statistic, rel=1e-9)
    assert got["p_value"] == pytest.approx(lifelines.p_value, rel=1e-9)


def test_logrank_with_one_group_has_no_statistic():
    got = cause_specific_logrank(pd.DataFrame({"group": "A", "days": [1, 2], "event": [1, 0]}))
    assert np.isnan(got["statistic"]) and got["df"] == 0


def test_bad_follow_up_rows_are_reported():
    follow_up = pd.DataFrame({"group": "A", "days": [1, -2, 3], "event": [1, 0, 1.5]})
    with pytest.raises(InputError) as caught:
        cumulative_incidence(follow_up, source="return_to_court.csv")
    text = str(caught.value)
    assert "return_to_court.csv: rows 1: days must be a number >= 0" in text
    assert "rows 2: event must be 0 (censored)" in text
