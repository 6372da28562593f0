"""Rates and medians by group of children, counted by hand."""

import pandas as pd
import pytest

from generator.analyses.cohorts import (
    DIMENSIONS,
    NOT_RECORDED,
    age_band,
    child_groups,
    measure_cases,
    medians_by_group,
    rates_by_group,
)
from generator.analyses.front_door import protection_enquiries, referral_episodes
from generator.analyses.period import Period
from generator.eventlog import EventLog
from generator.pages.cohorts import CohortPage
from generator.build import render_pages


def test_age_band_counts_completed_years_from_the_first_of_the_birth_month():
    birth = pd.to_datetime(pd.Series(["2010-03-01"] * 6 + ["2015-08-01", None]))
    on = pd.to_datetime(pd.Series(["2011-02-28", "2011-03-01", "2015-03-01", "2020-02-29", "2026-03-01", "2010-03-15",
                                   "2015-06-01", "2015-06-01"]))
    assert age_band(birth, on).tolist() == ["Under 1", "1-4", "5-9", "5-9", "16 and over", "Under 1", "Unborn", NOT_RECORDED]


def _log(first_contact: str | None = "2014-01-01"):
    # z's early contact gives the rates their look-back (a year before the first referral)
    early = [("z", "contact", first_contact, None)] if first_contact else []
    events = pd.DataFrame(early + [
        # p (male, White British, disabled): referred twice within 12 months; assessed, NFA
        ("p", "referral", "2015-01-05", None),
        ("p", "assessment_start", "2015-01-05", None),
        ("p", "assessment_authorised", "2015-02-02", "nfa"),
        ("p", "referral", "2015-06-01", None),
        # q (female, Black African, not disabled): one referral, assessed in need
        ("q", "referral", "2015-03-02", None),
        ("q", "assessment_start", "2015-03-02", None),
        ("q", "assessment_authorised", "2015-03-16", "in_need"),
        # r (female, no ethnicity): one referral, NFA after assessment
        ("r", "referral", "2015-04-01", None),
        ("r", "assessment_start", "2015-04-01", None),
        ("r", "assessment_authorised", "2015-04-08", "nfa"),
        ("z", "contact", "2015-12-31", None),
    ], columns=["child_id", "event", "date", "code"])
    children = pd.DataFrame({
        "child_id": ["p", "q", "r", "z"], "sex": ["1", "2", "2", "1"],
        "birth_month": ["2014-06", "2008-01", "2001-05", "2010-01"],
        "ethnicity": ["WBRI", "BAFR", None, "WBRI"], "disability": [True, False, None, False],
        "locality": ["North", "South", None, "North"],
    })
    return EventLog.from_frames(events, children)


PERIOD = Period.of("2015-01-01", "2015-12-31")


def _cases(log):
    return measure_cases(log, PERIOD, referral_episodes(log), protection_enquiries(log))


def test_groups_are_labelled_as_the_dfe_does():
    log = _log()
    groups = child_groups(log, _cases(log)["assessment_nfa"], ["locality"]).set_index("child_id")
    assert groups.loc["p", ["sex", "age_band", "ethnic_group", "disability", "locality"]].tolist() == [
        "Male", "Under 1", "White", "Disabled", "North"]
    assert groups.loc["q", ["sex", "age_band", "ethnic_group", "disability"]].tolist() == [
        "Female", "5-9", "Black or Black British", "Not disabled"]
    assert groups.loc["r", ["age_band", "ethnic_group", "disability", "locality"]].tolist() == ["10-15"] + [NOT_RECORDED] * 3


def test_rates_by_group_count_each_group_with_the_overall_rate():
    log = _log()
    cases = child_groups(log, _cases(log)["assessment_nfa"], [])
    table = rates_by_group(cases, list(DIMENSIONS)).set_index(["dimension", "group"])
    assert table.loc[("Sex", "Female"), ["count", "n", "pct"]].tolist() == [1, 2, 50.0]
    assert table.loc[("Sex", "Male"), ["count", "n"]].tolist() == [1, 1]
    assert table["overall_pct"].iloc[0] == pytest.approx(200 / 3)
    assert list(table.loc["Age"].index) == ["Under 1", "5-9", "10-15"]  # age bands in age order
    assert list(table.loc["Ethnic group"].index)[-1] == NOT_RECORDED  # "Not recorded" last


def test_rereferral_and_median_measures():
    log = _log()
    cases = _cases(log)
    rates = rates_by_group(child_groups(log, cases["rereferral_12m"], []), [("sex", "Sex")]).set_index("group")
    assert rates.loc["Male", ["count", "n"]].tolist() == [1, 2]  # p's second referral
    medians = medians_by_group(child_groups(log, cases["assessment_days"], []), [("sex", "Sex")]).set_index("group")
    # p 20 working days (Mon 5 Jan - Mon 2 Feb 2015); q 10 (Mon 2 - Mon 16 Mar); r 3 (Wed 1 - Wed
    # 8 Apr: Good Friday 3 April and Easter Monday 6 April are bank holidays): female median 6.5
    assert medians.loc["Male", "median"] == 20 and medians.loc["Female", "median"] == 6.5
    assert medians["overall_median"].iloc[0] == 10


def test_rates_that_look_back_count_only_cases_with_a_complete_look_back():
    # The same county with its data beginning on 5 January 2015: no referral of 2015 has a
    # year of data before it (p's second referral would read as a first one if the history
    # before the data were missing), and no assessment ended 180 days after the data begin.
    cases = _cases(_log(first_contact=None))
    assert len(cases["rereferral_12m"]) == 0 and len(cases["assessment_late"]) == 0
    assert len(cases["assessment_nfa"]) == 3  # outcomes do not look back
    full = _cases(_log())
    assert (len(full["rereferral_12m"]), len(full["assessment_late"])) == (4, 3)


def test_an_attribute_the_data_lacks_is_said_on_the_page_not_an_error():
    # The demo report names `locality`; built with --data on another LA's files it must still build.
    log = _log()
    options = CohortPage.Options(kind="cohorts", slug="cohorts", title="Cohorts", attributes=["team", "locality"])
    _, [(_, page)] = render_pages([options], log=log, period=PERIOD)
    assert "no team column" in page.context["intro"]
    assert "Locality: North" in page.charts[0].data["row"].tolist()
