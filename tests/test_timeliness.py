"""Working days and timeliness against the standards, counted by hand."""

import numpy as np
import pandas as pd

from generator.analyses.front_door import protection_enquiries, referral_episodes
from generator.analyses.period import Period
from generator.analyses.timeliness import (
    assessment_durations,
    conference_durations,
    duration_bins,
    timeliness_by_month,
    working_days_between,
)
from generator.analyses.front_door import completed_assessments
from tests.helpers import log_of


def _working_days(start, end):
    return working_days_between(pd.Series(pd.to_datetime([start])), pd.Series(pd.to_datetime([end]))).iloc[0]


def test_the_start_day_is_day_zero_and_the_end_day_counts():
    assert _working_days("2015-03-02", "2015-03-02") == 0  # same day
    assert _working_days("2015-03-02", "2015-03-03") == 1  # Monday to Tuesday
    assert _working_days("2015-03-06", "2015-03-09") == 1  # Friday to Monday: the weekend does not count
    assert _working_days("2015-03-07", "2015-03-09") == 1  # Saturday start: Monday is the first working day


def test_england_and_wales_bank_holidays_do_not_count():
    # 25 Dec 2015 (Fri) and 28 Dec 2015 (Boxing Day substitute, Mon) are bank holidays
    assert _working_days("2015-12-24", "2015-12-29") == 1
    # Easter 2016: Good Friday 25 March, Easter Monday 28 March
    assert _working_days("2016-03-24", "2016-03-29") == 1
    # 45 working days from Monday 2 March 2015: 9 weeks, plus Good Friday and Easter Monday (3 and 6 April)
    # and the May Day holiday (4 May) -> Thursday 7 May 2015 is the 45th working day
    assert _working_days("2015-03-02", "2015-05-07") == 45
    assert _working_days("2015-03-02", "2015-05-08") == 46


def test_missing_dates_give_no_working_days():
    out = working_days_between(pd.Series(pd.to_datetime(["2015-01-01", None])), pd.Series(pd.to_datetime([None, "2015-01-02"])))
    assert out.isna().all()


def _log():
    return log_of([
        # assessment started Monday 2 March 2015, authorised on its 45th working day: within
        ("a", "referral", "2015-02-27"),
        ("a", "assessment_start", "2015-03-02"),
        ("a", "assessment_authorised", "2015-05-07", "in_need"),
        # the next day is the 46th: over the standard
        ("b", "referral", "2015-03-02"),
        ("b", "assessment_start", "2015-03-02"),
        ("b", "assessment_authorised", "2015-05-08", "nfa"),
        # authorised in June, 10 working days
        ("c", "referral", "2015-06-01"),
        ("c", "assessment_start", "2015-06-01"),
        ("c", "assessment_authorised", "2015-06-15", "nfa"),
        # started but never authorised: not counted
        ("d", "referral", "2015-06-01"),
        ("d", "assessment_start", "2015-06-02"),
        # strategy discussion Monday 1 June; conference on the 15th and the 16th working day
        ("e", "strategy_discussion", "2015-06-01"),
        ("e", "s47", "2015-06-01"),
        ("e", "icpc", "2015-06-22", "cpp"),
        ("f", "strategy_discussion", "2015-06-01"),
        ("f", "s47", "2015-06-02"),
        ("f", "icpc", "2015-06-23", "no_plan"),
        ("z", "contact", "2015-12-31"),
    ])


PERIOD = Period.of("2015-01-01", "2015-12-31")


def test_assessments_are_timed_from_their_start_to_authorisation_against_45_working_days():
    table = assessment_durations(referral_episodes(_log()), PERIOD).set_index("child_id")
    assert table["working_days"].to_dict() == {"a": 45, "b": 46, "c": 10}
    assert table["within"].to_dict() == {"a": True, "b": False, "c": True}
    assert table.loc["a", "calendar_days"] == 66


def test_the_assessment_clock_can_start_at_the_referral():
    table = assessment_durations(referral_episodes(_log()), PERIOD, clock="referral").set_index("child_id")
    assert table.loc["a", "working_days"] == 46  # Friday 27 February adds one working day
    assert not table.loc["a", "within"]


def test_conferences_are_timed_from_the_strategy_discussion_on_the_local_basis():
    table = conference_durations(protection_enquiries(_log()), PERIOD, clock="strategy").set_index("child_id")
    assert table["working_days"].to_dict() == {"e": 15, "f": 16}
    assert table["within"].to_dict() == {"e": True, "f": False}


def test_conferences_are_timed_from_the_section_47_start_by_default_as_the_dfe_does():
    # f's enquiry started a day after its strategy discussion: 15 working days, within
    table = conference_durations(protection_enquiries(_log()), PERIOD).set_index("child_id")
    assert table["working_days"].to_dict() == {"e": 15, "f": 15}
    assert table["within"].all()


def test_assessment_timeliness_counts_every_completed_assessment_on_the_dfe_basis():
    log = log_of([("a", "referral", "2015-03-01"), ("a", "assessment_start", "2015-03-02"),
                  ("a", "assessment_authorised", "2015-03-20", "nfa"),
                  ("b", "assessment_start", "2015-03-02"),  # no referral before it (a transfer in)
                  ("b", "assessment_authorised", "2015-05-08", "in_need"), ("z", "contact", "2015-12-31")])
    assert len(assessment_durations(referral_episodes(log), PERIOD)) == 1
    every = assessment_durations(completed_assessments(log), PERIOD).set_index("child_id")
    assert every["working_days"].to_dict() == {"a": 14, "b": 46}


def test_months_without_a_complete_look_back_are_marked():
    table = timeliness_by_month(assessment_durations(referral_episodes(_log()), PERIOD), PERIOD,
                                first_date=pd.Timestamp("2015-02-27"), look_back_days=90).set_index("month")
    assert not table.loc[pd.Timestamp("2015-05-01"), "complete"] and table.loc[pd.Timestamp("2015-06-01"), "complete"]


def test_timeliness_by_month_counts_in_the_month_the_step_ended():
    table = timeliness_by_month(assessment_durations(referral_episodes(_log()), PERIOD), PERIOD).set_index("month")
    may, june = table.loc[pd.Timestamp("2015-05-01")], table.loc[pd.Timestamp("2015-06-01")]
    assert (may["count"], may["n"], may["pct"], may["median"]) == (1, 2, 50.0, 45.5)
    assert (june["count"], june["n"], june["median"]) == (1, 1, 10.0)
    assert table.loc[pd.Timestamp("2015-07-01"), "n"] == 0


def test_histogram_bins_end_on_the_standard():
    durations = pd.DataFrame({"working_days": [0, 1, 5, 6, 45, 46, 120, 121, 300]})
    bins = duration_bins(durations, width=5, cap=120, standard=45).set_index("label")
    assert bins.loc["0", "count"] == 1 and bins.loc["1-5", "count"] == 2 and bins.loc["6-10", "count"] == 1
    assert bins.loc["41-45", "count"] == 1 and bins.loc["41-45", "within"]
    assert bins.loc["46-50", "count"] == 1 and not bins.loc["46-50", "within"]
    assert bins.loc["116-120", "count"] == 1 and bins.loc["121+", "count"] == 2
    assert bins["count"].sum() == 9 and np.isnan(bins.loc["121+", "high"])
