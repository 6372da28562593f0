"""Key-practice rules on hand-built event logs with a known number of breaches."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator.analyses.practices import NOT_MEASURABLE, due_dates, evaluate_practice
from generator.errors import InputError
from generator.eventlog import EventLog
from generator.practice_rules import Deadline, load_rules
from tests.helpers import log_of

RULES = load_rules(Path(__file__).resolve().parents[1] / "content" / "practices")


def run(name, rows, data_end, births=None):
    if births is None:
        log = log_of(rows)
    else:
        events = pd.DataFrame(rows, columns=["child_id", "event", "date", "code"][:len(rows[0])])
        log = EventLog.from_frames(events, pd.DataFrame(births, columns=["child_id", "birth_month"]))
    return evaluate_practice(log, RULES[name], data_end)


def test_due_dates_count_working_days_across_christmas_and_easter():
    # Thu 24 Dec 2015 + 1 working day: 25th, 28th bank holidays, 26th-27th weekend -> Tue 29th
    assert due_dates(pd.Series(pd.to_datetime(["2015-12-24"])), Deadline(working_days=1)).iloc[0] == pd.Timestamp("2015-12-29")
    # Mon 2 Mar 2015 + 45 working days (Good Friday, Easter Monday, May Day) -> Thu 7 May (as timeliness)
    assert due_dates(pd.Series(pd.to_datetime(["2015-03-02"])), Deadline(working_days=45)).iloc[0] == pd.Timestamp("2015-05-07")
    # a Friday deadline runs over the weekend: Fri 6 Mar 2015 + 5 working days -> Fri 13th, due to Sun 15th
    assert due_dates(pd.Series(pd.to_datetime(["2015-03-06"])), Deadline(working_days=5)).iloc[0] == pd.Timestamp("2015-03-15")
    assert due_dates(pd.Series(pd.to_datetime(["2015-01-31"])), Deadline(months=1)).iloc[0] == pd.Timestamp("2015-02-28")


def test_assessments_authorised_after_45_working_days_or_never_are_breaches():
    rows = [
        ("a", "assessment_start", "2015-03-02"), ("a", "assessment_authorised", "2015-05-07"),  # day 45: in time
        ("b", "assessment_start", "2015-03-02"), ("b", "assessment_authorised", "2015-05-08"),  # day 46: late
        ("c", "assessment_start", "2015-03-02"),  # never authorised, due 7 May: breach
        ("d", "assessment_start", "2016-03-01"),  # due after the data end: not counted yet
        # Christmas: from 1 Dec 2015, 45 working days end on 5 Feb 2016 (25, 28 Dec and 1 Jan are holidays)
        ("e", "assessment_start", "2015-12-01"), ("e", "assessment_authorised", "2016-02-05"),
        ("f", "assessment_start", "2015-12-01"), ("f", "assessment_authorised", "2016-02-08"),  # Mon 8 Feb: day 46
    ]
    result = run("assessment_45_working_days", rows, "2016-03-31")
    assert result.measurable
    assert sorted(result.breaches["child_id"]) == ["b", "c", "f"]
    assert result.occasions["child_id"].nunique() == 5
    may = result.monthly.set_index("month").loc[pd.Timestamp("2015-05-01")]
    assert (may["breaches"], may["population"]) == (2, 3)


def test_conference_timed_from_the_strategy_discussion_across_easter():
    rows = [
        # strategy discussion Thu 17 Mar 2016, s47 Fri 18th; Easter 25 and 28 Mar: 15 working days end Mon 11 Apr
        ("a", "strategy_discussion", "2016-03-17"), ("a", "s47", "2016-03-18"), ("a", "icpc", "2016-04-11"),
        ("b", "strategy_discussion", "2016-03-17"), ("b", "s47", "2016-03-18"), ("b", "icpc", "2016-04-12"),
        # CIN census: only the section 47 start; 14 working days
        ("c", "s47", "2016-05-02"), ("c", "icpc", "2016-05-20"),
        # a section 47 that closed without a conference is not an occasion
        ("d", "s47", "2016-05-02"),
    ]
    result = run("icpc_15_working_days", rows, "2016-06-30")
    assert result.breaches["child_id"].tolist() == ["b"]
    assert result.breaches.loc[0, "start"] == pd.Timestamp("2016-03-17")
    assert len(result.occasions) == 3


def test_cp_plan_reviews_within_3_months_then_every_6():
    rows = [
        ("a", "cpp_start", "2016-01-10"), ("a", "cpp_review", "2016-04-08"), ("a", "cpp_review", "2016-10-01"),
        ("b", "cpp_start", "2016-01-10"), ("b", "cpp_review", "2016-04-20"),  # first late; next due 20 Oct missed
        ("c", "cpp_start", "2016-01-10"), ("c", "cpp_end", "2016-03-01"),  # plan ended before a review was due
    ]
    result = run("cp_plan_reviews", rows, "2016-12-31")
    # a: due 10 Apr (met 8 Apr), due 8 Oct (met 1 Oct); b: due 10 Apr (late, 20 Apr), then due
    # 6 months after that late review, 20 Oct (missed)
    assert sorted(zip(result.breaches["child_id"], result.breaches["due"].dt.strftime("%Y-%m-%d"))) == [
        ("b", "2016-04-10"), ("b", "2016-10-20")]
    assert len(result.occasions) == 4


def test_statutory_visits_measured_only_from_the_first_visit_in_the_data():
    # No visit is recorded before 1 March, so no occasion due before then is judged. 2 Jan 2017 is
    # a bank holiday (New Year's Day substitute); 10 working days after it end on 16 Jan.
    rows = [
        ("a", "cpp_start", "2017-01-02"), ("a", "statutory_visit", "2017-03-01"), ("a", "statutory_visit", "2017-03-14"),
        ("a", "statutory_visit", "2017-03-27"),
        ("b", "cpp_start", "2017-01-02"), ("b", "statutory_visit", "2017-03-01"),
    ]
    result = run("cp_statutory_visits", rows, "2017-03-31")
    assert result.occasions["due"].min() >= pd.Timestamp("2017-03-01")
    # a: seen 1, 14 and 27 Mar, each within 10 working days of the one before: no breach.
    # b: seen 1 Mar; due again by 15 Mar and then by 29 Mar, not seen: two breaches.
    assert sorted(zip(result.breaches["child_id"], result.breaches["due"].dt.strftime("%Y-%m-%d"))) == [
        ("b", "2017-03-15"), ("b", "2017-03-29")]


def test_lac_reviews_first_within_20_working_days_over_christmas():
    rows = [
        # in care Mon 14 Dec 2015: 20 working days (25, 28 Dec, 1 Jan holidays) end Thu 14 Jan 2016
        ("a", "lac_start", "2015-12-14"), ("a", "lac_review", "2016-01-14"), ("a", "lac_review", "2016-04-10"),
        ("b", "lac_start", "2015-12-14"), ("b", "lac_review", "2016-01-15"),
    ]
    result = run("lac_reviews", rows, "2016-05-31")
    # a: met 14 Jan, then 10 Apr (due 14 Apr). b: first late (15 Jan); the second is due 3 months
    # after it, 15 Apr, and missed
    assert sorted(zip(result.breaches["child_id"], result.breaches["due"].dt.strftime("%Y-%m-%d"))) == [
        ("b", "2016-01-14"), ("b", "2016-04-15")]
    assert len(result.occasions) == 4


def test_every_missing_episode_needs_its_own_return_interview_offer():
    rows = [
        ("a", "missing_start", "2017-02-01"), ("a", "missing_end", "2017-02-02"),
        ("a", "return_interview_offered", "2017-02-04"),  # within 72 hours
        ("a", "missing_start", "2017-02-10"), ("a", "missing_end", "2017-02-11"),  # no offer: breach
        ("b", "missing_start", "2017-02-10"), ("b", "missing_end", "2017-02-11"),
        ("b", "return_interview_offered", "2017-02-15"),  # 4 days: late
    ]
    result = run("return_interviews", rows, "2017-03-31")
    assert sorted(result.breaches["child_id"]) == ["a", "b"]
    assert len(result.occasions) == 3


def test_pathway_plans_reviewed_every_6_months_for_care_leavers_aged_16_and_over():
    births = [("a", "2000-05-01"), ("b", "2003-05-01")]
    rows = [
        ("a", "lac_end", "2017-06-01", "E8"), ("a", "pathway_plan_review", "2017-11-01", None),
        ("b", "lac_end", "2017-06-01", "E4A"),  # left care at 14: not a care leaver
    ]
    result = run("pathway_plan_reviews", rows, "2018-12-31", births)
    # a: due 1 Dec 2017 met (1 Nov); due 1 May 2018 missed; due 1 Nov 2018 missed
    assert result.breaches["due"].dt.strftime("%Y-%m-%d").tolist() == ["2018-05-01", "2018-11-01"]
    assert set(result.occasions["child_id"]) == {"a"}


def test_needs_assessment_due_3_months_after_the_16th_birthday_month():
    births = [("a", "2001-03-01"), ("b", "2001-03-01"), ("c", "2001-03-01")]
    rows = [
        ("a", "lac_start", "2016-01-10", "C2"), ("a", "needs_assessment", "2017-06-30", None),  # due 30 Jun: in time
        ("b", "lac_start", "2016-01-10", "C2"), ("b", "needs_assessment", "2017-07-01", None),  # late
        ("c", "lac_start", "2017-04-10", "V2"),  # came into care after turning 16: not in the population
    ]
    result = run("needs_assessment_16", rows, "2017-12-31", births)
    assert result.breaches["child_id"].tolist() == ["b"]
    assert result.breaches["due"].iloc[0] == pd.Timestamp("2017-06-30")
    assert len(result.occasions) == 2


def test_a_third_placement_within_12_months_is_a_breach():
    rows = [
        ("a", "placement", "2016-01-01", "U1"), ("a", "placement", "2016-06-01", "U2"),
        ("a", "placement", "2016-12-31", "U3"),  # third within 12 months: breach
        ("a", "placement", "2018-01-01", "U1"),  # 2nd-before is 1 Jun 2016: not a breach
        ("b", "placement", "2016-01-01", "U1"), ("b", "placement", "2016-06-01", "U2"),
        ("b", "placement", "2017-01-02", "U3"),  # 1 Jan 2016 + 12 months = 1 Jan 2017: outside
    ]
    result = run("placement_stability", rows, "2018-03-31")
    assert result.breaches["start"].dt.strftime("%Y-%m-%d").tolist() == ["2016-12-31"]
    assert len(result.occasions) == 7


def test_unregulated_placements_of_under_16s_from_9_september_2021():
    births = [("a", "2007-01-01"), ("b", "2004-01-01"), ("c", "2007-01-01")]
    rows = [
        ("a", "placement", "2021-10-01", "H5"),  # 14: breach
        ("b", "placement", "2021-10-01", "H5"),  # 17: not in the population
        ("c", "placement", "2021-09-01", "P2"),  # before the ban
        ("c", "placement", "2021-11-01", "U1"),  # registered placement: in the population, no breach
    ]
    result = run("unregulated_under_16", rows, "2022-03-31", births)
    assert result.breaches["child_id"].tolist() == ["a"]
    assert len(result.occasions) == 2


def test_a_rule_whose_events_are_absent_is_not_measurable_rather_than_zero():
    rows = [("a", "missing_start", "2017-02-01"), ("a", "missing_end", "2017-02-02")]
    result = run("return_interviews", rows, "2017-03-31")
    assert not result.measurable
    assert result.reason.startswith(NOT_MEASURABLE) and "return_interview_offered" in result.reason
    assert result.monthly.empty and result.breaches.empty


def test_an_invalid_rule_file_names_the_file_and_the_key(tmp_path):
    (tmp_path / "bad.yaml").write_text("name: X\nsource: Y\npopulation: Z\nmeasure:\n  kind: interval\n"
                                       "  start: [s47]\n  end: icpc\n  deadline: {weeks: 3}\n")
    (tmp_path / "worse.yaml").write_text("name: X\nsource: Y\npopulation: Z\nmeasure: {kind: sometimes}\n")
    with pytest.raises(InputError) as error:
        load_rules(tmp_path)
    text = str(error.value)
    assert "bad.yaml: measure.deadline.weeks" in text
    assert "worse.yaml: measure" in text


def test_due_days_of_whole_days_equal_the_series_rule_across_bank_holidays():
    from generator.analyses.practices import _due_days, due_dates
    from generator.practice_rules import Deadline

    days = pd.Series(pd.date_range("2015-12-01", "2017-04-30", freq="D"))
    for deadline in (Deadline(working_days=15), Deadline(working_days=45), Deadline(days=20), Deadline(months=3)):
        expected = due_dates(days, deadline)
        found = _due_days(days.to_numpy().astype("datetime64[D]"), deadline).astype("datetime64[ns]")
        assert list(pd.Series(found)) == list(expected)


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_rule_without_its_events_is_not_measurable_rather_than_zero(name):
    # A CIN census without the return that carries this rule's events: contacts and referrals only.
    rows = [("a", "contact", "2017-01-05"), ("a", "referral", "2017-01-05")]
    result = run(name, rows, "2017-12-31")
    assert not result.measurable and result.reason.startswith(NOT_MEASURABLE)
    assert result.monthly.empty and result.breaches.empty and result.occasions.empty


def test_a_rule_whose_occasions_have_not_yet_fallen_due_is_not_measurable():
    # placements of under-16s all made before the ban of 9 September 2021 (the demo's case)
    births = [("a", "2007-01-01")]
    result = run("unregulated_under_16", [("a", "placement", "2020-10-01", "H5")], "2021-03-31", births)
    assert not result.measurable and result.reason == f"{NOT_MEASURABLE}: no occasion fell due"


def test_occasions_due_before_the_reports_period_are_read_but_not_counted():
    # A child in care since 2010 (a 903 history): the reviews due before the report's period
    # start are left out; the clock still runs from the period of care they belong to.
    rows = [("a", "lac_start", "2010-01-04"), ("a", "lac_review", "2010-01-20"), ("a", "lac_review", "2010-04-15")]
    log = log_of(rows + [("b", "lac_start", "2016-01-04"), ("b", "lac_review", "2016-01-25")])
    everything = evaluate_practice(log, RULES["lac_reviews"], "2016-12-31")
    in_period = evaluate_practice(log, RULES["lac_reviews"], "2016-12-31", data_start="2016-01-01")
    assert everything.occasions["due"].min() < pd.Timestamp("2016-01-01")
    assert in_period.occasions["due"].min() >= pd.Timestamp("2016-01-01")
    kept = everything.occasions[everything.occasions["due"] >= pd.Timestamp("2016-01-01")].reset_index(drop=True)
    pd.testing.assert_frame_equal(in_period.occasions, kept)
    assert in_period.monthly["month"].min() >= pd.Timestamp("2016-01-01")


def _one_clock_at_a_time(log, m, data_end) -> pd.DataFrame:
    """The recurring rule read as written, one period and one occasion at a time."""
    from generator.analyses.practices import _periods, due_dates

    def due(day, k):
        return due_dates(pd.Series([day]), m.deadlines[min(k, len(m.deadlines) - 1)]).iloc[0]

    reviews = log.of_event(m.event)
    rows = []
    for child, start, end in _periods(log, m.period[0], m.period[1], data_end)[["child_id", "start", "end"]].itertuples(index=False):
        close = data_end if pd.isna(end) else min(end, data_end)
        days = sorted(reviews.loc[reviews["child_id"] == child, "date"])
        anchor, k = start, 0
        while due(anchor, k) < close:
            later = [d for d in days if d > anchor]
            done = later[0] if later else pd.NaT
            rows.append((child, anchor, due(anchor, k), done))
            k += 1
            anchor = done if pd.notna(done) and done <= due(due(anchor, k - 1), k) else due(anchor, k - 1)
    return pd.DataFrame(rows, columns=["child_id", "start", "due", "done"])


@pytest.mark.parametrize("deadlines", [[{"working_days": 10}], [{"months": 3}, {"months": 6}], [{"days": 20}, {"days": 45}]])
def test_recurring_clocks_wound_together_find_what_each_clock_finds_alone(deadlines):
    from generator.analyses.practices import _recurring
    from generator.practice_rules import Recurring

    rng = np.random.default_rng(7)
    rows = []
    for i in range(60):
        child = f"c{rng.integers(0, 25):02d}"  # some children have two periods, some none reviewed
        start = pd.Timestamp("2016-01-04") + pd.Timedelta(days=int(rng.integers(0, 700)))
        rows.append((child, "cpp_start", start))
        if rng.random() < 0.7:
            rows.append((child, "cpp_end", start + pd.Timedelta(days=int(rng.integers(10, 500)))))
        if child < "c20":  # the last five children are never reviewed
            for day in sorted(rng.integers(-60, 600, size=int(rng.integers(0, 12)))):
                rows.append((child, "cpp_review", start + pd.Timedelta(days=int(day))))
    log = log_of(rows)
    m = Recurring(kind="recurring", period=("cpp_start", "cpp_end"), event="cpp_review", deadlines=deadlines)
    data_end = pd.Timestamp("2018-03-31")
    found = _recurring(log, m, data_end)
    assert len(found) > 60 and found["done"].isna().sum() > 5
    pd.testing.assert_frame_equal(found, _one_clock_at_a_time(log, m, data_end), check_dtype=False)
