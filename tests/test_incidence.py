"""Cumulative incidence of first entry by birth cohort, from a life table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter

from generator.analyses.incidence import age_at_first_entry, cumulative_incidence, observed_ages, rate_ratios

#: Known hazards of first entry by year of age (ages 0..5), per cohort and sex.
HAZARDS = {"1": [0.02, 0.01, 0.005, 0.004, 0.004, 0.002], "2": [0.01, 0.005, 0.004, 0.002, 0.002, 0.001]}
COHORT_SIZE = 250_000


def synthetic_county(cohorts=(2010, 2011, 2012)):
    """A closed population (no deaths or moves) with first entries drawn deterministically:
    at each age, round(hazard x children still at risk) of them enter, spread over the year."""
    children, population, expected = [], [], []
    for cohort in cohorts:
        for sex, hazards in HAZARDS.items():
            at_risk = COHORT_SIZE
            for age, hazard in enumerate(hazards):
                entries = int(round(hazard * at_risk))
                expected.append((cohort, sex, age, entries / at_risk))
                i = np.arange(entries)
                born = pd.Period(f"{cohort}-01", "M").ordinal + i % 12
                # Entered between the birthday and the next: the 15th of a month after it.
                entered = born + 12 * age + i % 11
                children.append(pd.DataFrame({
                    "child_id": [f"{cohort}{sex}{age}-{j}" for j in i],
                    "birth_month": pd.PeriodIndex.from_ordinals(born, freq="M").to_timestamp(),
                    "first_entry_date": pd.PeriodIndex.from_ordinals(entered, freq="M").to_timestamp() + pd.Timedelta(days=14),
                    "sex": sex}))
                at_risk -= entries
            for age in range(len(hazards)):
                population.append(("E10000016", cohort + age, age, sex, COHORT_SIZE))
    first = pd.concat(children, ignore_index=True)
    pop = pd.DataFrame(population, columns=["la", "year", "age", "sex", "count"])
    return first, pop, pd.DataFrame(expected, columns=["cohort", "sex", "age", "hazard"])


def test_life_table_recovers_known_hazards_from_a_synthetic_population_exactly():
    first, pop, expected = synthetic_county()
    table = cumulative_incidence(first, pop, "2010-01-01", "2016-12-31", by=["sex"])
    # Ages 0..5 complete for 2010 (to 31 Dec 2016), 0..4 for 2011, 0..3 for 2012.
    assert table.groupby("cohort")["age"].max().to_dict() == {2010: 5, 2011: 4, 2012: 3}
    merged = table.merge(expected, on=["cohort", "sex", "age"], suffixes=("", "_known"))
    assert len(merged) == len(table)
    assert (merged["hazard"] == merged["hazard_known"]).all()
    # CI(a) = 1 - prod (1 - h): the known hazards chained give the same numbers.
    for (cohort, sex), rows in merged.groupby(["cohort", "sex"]):
        known = 1 - np.cumprod(1 - np.array(HAZARDS[sex][: len(rows)]))
        np.testing.assert_allclose(rows["cumulative"], known, rtol=0, atol=2e-5)
        np.testing.assert_allclose(rows["cumulative"], 1 - np.cumprod(1 - rows["hazard_known"]), rtol=1e-12)


def test_interval_is_the_kaplan_meier_greenwood_log_log_interval_of_the_same_life_table():
    first, pop, _ = synthetic_county(cohorts=(2010,))
    first = first[first["sex"] == "1"]
    table = cumulative_incidence(first, pop[pop["sex"] == "1"], "2010-01-01", "2016-12-31")
    # The same cohort as individual survival data: entries at their age, the rest censored
    # at 6 (no one leaves the closed population).
    ages = age_at_first_entry(first)["age"].to_numpy()
    durations = np.concatenate([ages + 0.5, np.full(COHORT_SIZE - len(ages), 6.0)])
    observed = np.concatenate([np.ones(len(ages), bool), np.zeros(COHORT_SIZE - len(ages), bool)])
    km = KaplanMeierFitter().fit(durations, observed)
    at = table["age"].to_numpy() + 0.5
    np.testing.assert_allclose(table["cumulative"], 1 - km.survival_function_at_times(at).to_numpy(), rtol=1e-12)
    band = km.confidence_interval_survival_function_
    low = band.iloc[:, 0].reindex(at).to_numpy()
    high = band.iloc[:, 1].reindex(at).to_numpy()
    np.testing.assert_allclose(table["high"], 1 - low, rtol=1e-9)
    np.testing.assert_allclose(table["low"], 1 - high, rtol=1e-9)


def test_at_risk_is_the_population_less_earlier_first_entries_and_births_replace_age_zero():
    first, pop, _ = synthetic_county(cohorts=(2010,))
    births = pd.DataFrame({"year": [2010, 2010], "sex": ["1", "2"], "count": [COHORT_SIZE, COHORT_SIZE]})
    table = cumulative_incidence(first, pop[pop["age"] > 0], "2010-01-01", "2016-12-31", births=births, by=["sex"])
    boys = table[table["sex"] == "1"].set_index("age")
    assert boys.loc[0, "at_risk"] == COHORT_SIZE and boys.loc[0, "first_entries"] == 5000
    assert boys.loc[1, "at_risk"] == COHORT_SIZE - 5000


def test_cohorts_born_before_the_records_start_or_ages_not_yet_lived_are_left_out():
    cells = observed_ages([2008, 2010, 2015], "2010-01-01", "2017-03-31")
    # 2008: born before the records; 2015: age 0 complete only by 31 Dec 2016.
    assert cells.groupby("cohort")["age"].max().to_dict() == {2010: 5, 2015: 0}


def test_rate_ratio_of_boys_to_girls_with_poisson_interval():
    first, pop, _ = synthetic_county(cohorts=(2010,))
    table = cumulative_incidence(first, pop, "2010-01-01", "2016-12-31", by=["sex"])
    ratios = rate_ratios(table, "sex", reference="2").set_index("sex")
    boys, girls = table[table["sex"] == "1"], table[table["sex"] == "2"]
    expected = (boys["first_entries"].sum() / boys["at_risk"].sum()) / (girls["first_entries"].sum() / girls["at_risk"].sum())
    assert ratios.loc["1", "rate_ratio"] == pytest.approx(expected, rel=1e-12)
    se = np.sqrt(1 / boys["first_entries"].sum() + 1 / girls["first_entries"].sum())
    assert ratios.loc["1", "low"] == pytest.approx(expected * np.exp(-1.959963985 * se), rel=1e-8)
    assert ratios.loc["2", "rate_ratio"] == 1 and np.isnan(ratios.loc["2", "low"])
    with pytest.raises(ValueError, match="invalid reference"):
        rate_ratios(table, "sex", reference="9")


def test_first_entries_take_each_childs_earliest_entry_in_the_records():
    from generator.analyses.incidence import first_entries
    from generator.eventlog import EventLog

    events = pd.DataFrame({"child_id": ["a", "a", "b", "c"], "event": ["lac_start", "lac_start", "lac_start", "referral"],
                           "date": ["2015-05-01", "2012-03-01", "2016-01-01", "2016-01-01"]})
    children = pd.DataFrame({"child_id": ["a", "b", "c"], "birth_month": ["2010-01-01", None, "2011-01-01"],
                             "sex": ["1", "2", "1"], "ethnicity": ["WBRI", "WBRI", "WBRI"]})
    first = first_entries(EventLog.from_frames(events, children))
    # b has no birth month (no cohort); c never entered care.
    assert first["child_id"].tolist() == ["a"]
    assert first.loc[0, "first_entry_date"] == pd.Timestamp("2012-03-01")


def test_age_at_first_entry_from_birth_year_takes_a_birth_on_1_july():
    entries = pd.DataFrame({"child_id": ["a", "b"], "birth_year": [2010, 2010],
                            "first_entry_date": ["2013-06-30", "2013-07-01"]})
    aged = age_at_first_entry(entries)
    assert aged["age"].tolist() == [2, 3] and aged["cohort"].tolist() == [2010, 2010]
