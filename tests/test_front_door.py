"""Linking the front door's steps by time windows, on hand-made fixtures with known answers."""

import pandas as pd

from generator.analyses.front_door import LinkWindows, protection_enquiries, referral_episodes
from tests.helpers import log_of


def _row(frame, child, column="referral", date=None):
    rows = frame[frame["child_id"] == child]
    if date is not None:
        rows = rows[rows[column] == pd.Timestamp(date)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_assessment_within_30_days_of_the_referral_belongs_to_it_and_brings_its_outcome():
    log = log_of([
        ("a", "referral", "2015-01-01"),
        ("a", "assessment_start", "2015-01-31"),  # day 30: inside the window
        ("a", "assessment_authorised", "2015-03-10", "nfa"),
        ("b", "referral", "2015-01-01"),
        ("b", "assessment_start", "2015-02-01"),  # day 31: outside
        ("z", "contact", "2016-01-01"),
    ])
    episodes = referral_episodes(log)
    a, b = _row(episodes, "a"), _row(episodes, "b")
    assert a["assessment_start"] == pd.Timestamp("2015-01-31")
    assert a["authorised"] == pd.Timestamp("2015-03-10") and a["outcome"] == "nfa"
    assert pd.isna(b["assessment_start"]) and pd.isna(b["outcome"])
    assert not b["decision_open"]  # its window closed long before the end of the data


def test_a_step_belongs_to_the_latest_earlier_step_not_to_an_older_one():
    log = log_of([
        ("a", "referral", "2015-01-01"),
        ("a", "referral", "2015-01-10"),
        ("a", "assessment_start", "2015-01-12"),
        ("z", "contact", "2016-01-01"),
    ])
    episodes = referral_episodes(log)
    first, second = _row(episodes, "a", date="2015-01-01"), _row(episodes, "a", date="2015-01-10")
    assert pd.isna(first["assessment_start"])
    assert second["assessment_start"] == pd.Timestamp("2015-01-12")
    assert (first["previous_referrals"], second["previous_referrals"]) == (0, 1)
    assert second["days_since_previous"] == 9


def test_windows_are_options():
    log = log_of([("a", "referral", "2015-01-01"), ("a", "assessment_start", "2015-02-10"), ("z", "contact", "2016-01-01")])
    assert pd.isna(referral_episodes(log)["assessment_start"].iloc[0])
    wide = referral_episodes(log, LinkWindows(referral_to_assessment=45))
    assert wide["assessment_start"].iloc[0] == pd.Timestamp("2015-02-10")


def test_section_47_and_conference_link_to_the_strategy_discussion_within_their_windows():
    log = log_of([
        ("c", "strategy_discussion", "2015-05-01"),
        ("c", "s47", "2015-05-15"),  # day 14: linked
        ("c", "icpc", "2015-06-30", "cpp"),  # day 60: linked
        ("d", "strategy_discussion", "2015-05-01"),
        ("d", "s47", "2015-05-16"),  # day 15: not linked
        ("d", "icpc", "2015-07-01", "cpp"),  # day 61: not linked
        ("e", "strategy_discussion", "2015-07-01"),
        ("e", "strategy_discussion", "2015-07-03"),
        ("e", "s47", "2015-07-04"),  # belongs to the second discussion only
        ("z", "contact", "2016-01-01"),
    ])
    enquiries = protection_enquiries(log)
    c, d = _row(enquiries, "c", "strategy"), _row(enquiries, "d", "strategy", "2015-05-01")
    assert c["s47"] == pd.Timestamp("2015-05-15") and c["icpc"] == pd.Timestamp("2015-06-30") and c["plan"]
    assert pd.isna(d["s47"]) and pd.isna(d["icpc"]) and pd.isna(d["plan"])
    # d's unlinked enquiry stands alone, and finds the conference 46 days after it
    alone = _row(enquiries, "d", "s47", "2015-05-16")
    assert pd.isna(alone["strategy"]) and alone["icpc"] == pd.Timestamp("2015-07-01")
    assert pd.isna(_row(enquiries, "e", "strategy", "2015-07-01")["s47"])
    assert _row(enquiries, "e", "strategy", "2015-07-03")["s47"] == pd.Timestamp("2015-07-04")


def test_a_conference_without_an_outcome_code_made_a_plan_if_one_started_within_7_days():
    log = log_of([
        ("f", "strategy_discussion", "2015-05-01"),
        ("f", "s47", "2015-05-01"),
        ("f", "icpc", "2015-05-20"),
        ("f", "cpp_start", "2015-05-27"),
        ("g", "strategy_discussion", "2015-05-01"),
        ("g", "s47", "2015-05-01"),
        ("g", "icpc", "2015-05-20"),
        ("g", "cpp_start", "2015-05-28"),
        ("h", "strategy_discussion", "2015-05-01"),
        ("h", "icpc", "2015-05-20", "no_plan"),
    ])
    enquiries = protection_enquiries(log)
    assert bool(_row(enquiries, "f", "strategy")["plan"]) is True
    assert bool(_row(enquiries, "g", "strategy")["plan"]) is False
    assert bool(_row(enquiries, "h", "strategy")["plan"]) is False


def test_steps_whose_window_is_still_open_at_the_end_of_the_data_are_open_not_negative():
    log = log_of([
        ("a", "referral", "2015-12-20"),  # 12 days before the data ends: its 30-day window is open
        ("b", "referral", "2015-10-01"),
        ("b", "assessment_start", "2015-10-02"),  # never authorised
        ("c", "strategy_discussion", "2015-12-30"),
        ("z", "contact", "2016-01-01"),
    ])
    episodes = referral_episodes(log)
    assert _row(episodes, "a")["decision_open"] and _row(episodes, "a")["strategy_open"]
    assert _row(episodes, "b")["authorisation_open"] and not _row(episodes, "b")["decision_open"]
    c = _row(protection_enquiries(log), "c", "strategy")
    assert c["s47_open"] and c["icpc_open"]


def test_an_episode_carries_its_strategy_discussion_and_what_followed():
    log = log_of([
        ("a", "referral", "2015-01-10"),
        ("a", "assessment_start", "2015-01-10"),
        ("a", "strategy_discussion", "2015-01-20"),
        ("a", "s47", "2015-01-20"),
        ("a", "icpc", "2015-02-05", "cpp"),
        ("a", "assessment_authorised", "2015-02-20", "in_need"),
        ("a", "referral", "2015-06-01"),
        ("a", "referral_nfa", "2015-06-03"),
        ("z", "contact", "2016-01-01"),
    ])
    episodes = referral_episodes(log)
    first, second = _row(episodes, "a", date="2015-01-10"), _row(episodes, "a", date="2015-06-01")
    assert first["strategy"] == pd.Timestamp("2015-01-20") and first["s47"] == pd.Timestamp("2015-01-20")
    assert first["icpc"] == pd.Timestamp("2015-02-05") and bool(first["plan"])
    assert first["outcome"] == "in_need" and pd.isna(first["referral_nfa"])
    assert second["referral_nfa"] == pd.Timestamp("2015-06-03") and pd.isna(second["strategy"])


def test_a_section_47_enquiry_with_no_strategy_discussion_still_finds_its_conference():
    # The CIN census records enquiries and conferences but no strategy discussions.
    log = log_of([("k", "s47", "2015-03-02"), ("k", "icpc", "2015-03-20", "no_plan"), ("z", "contact", "2016-01-01")])
    row = _row(protection_enquiries(log), "k", "s47", "2015-03-02")
    assert pd.isna(row["strategy"]) and row["icpc"] == pd.Timestamp("2015-03-20") and not row["plan"]
    assert not row["s47_open"] and not row["icpc_open"]
