"""Return to care after leaving, with turning 18 as a competing event."""

from __future__ import annotations

import pandas as pd
import pytest

from generator.analyses.return_to_care import care_leavers, return_to_care
from generator.eventlog import EventLog


def leavers_log() -> EventLog:
    events = pd.DataFrame([
        # a: s.20, home, back 100 days later.
        ["a", "lac_start", "2014-01-10", "V2"], ["a", "lac_end", "2015-01-10", "E4A"], ["a", "lac_start", "2015-04-20", "V2"],
        # b: care order then SGO; turns 18 on 15 Jul 2015, before any return.
        ["b", "lac_start", "2013-01-01", "C1"], ["b", "legal_status", "2013-06-01", "C2"], ["b", "lac_end", "2015-01-10", "E45"],
        # c: home, back 300 days later.
        ["c", "lac_start", "2014-02-01", "V2"], ["c", "lac_end", "2015-01-10", "E13"], ["c", "lac_start", "2015-11-06", "C1"],
        # d: home and still home when the data end (censored).
        ["d", "lac_start", "2014-02-01", "V2"], ["d", "lac_end", "2015-01-10", "E4A"],
        # e: left at 18 (not a care leaver under 18); an X1 is not a leaving.
        ["e", "lac_start", "2014-02-01", "V2"], ["e", "lac_end", "2014-05-01", "X1"], ["e", "lac_end", "2015-01-10", "E8"],
        ["z", "contact", "2016-02-14", None],
    ], columns=["child_id", "event", "date", "code"])
    children = pd.DataFrame({"child_id": ["a", "b", "c", "d", "e", "z"],
                             "birth_month": ["2010-01-01", "1997-07-01", "2004-03-01", "2000-05-01", "1996-06-01", "2010-01-01"]})
    return EventLog.from_frames(events, children)


def test_each_leaving_is_followed_to_return_eighteenth_birthday_or_the_end_of_data():
    leavers = care_leavers(leavers_log()).set_index("child_id")
    assert leavers.index.tolist() == ["a", "b", "c", "d"]  # c's second period has not ended
    assert leavers.loc["a", ["days", "event"]].tolist() == [100, 1]
    assert leavers.loc["b", ["days", "event"]].tolist() == [186, 2]  # 10 Jan -> 15 Jul 2015
    assert leavers.loc["c", ["days", "event"]].tolist() == [300, 1]
    assert leavers.loc["d", ["days", "event"]].tolist() == [400, 0]
    assert leavers.loc["b", "legal_group"] == "Care order" and leavers.loc["b", "reason_group"] == "SGO or CAO"
    assert leavers.loc["a", "age_group"] == "Under 5" and leavers.loc["d", "age_group"] == "10 to 15"


def test_turning_18_competes_so_aalen_johansen_is_below_one_minus_kaplan_meier():
    leavers = care_leavers(leavers_log())
    table = return_to_care(leavers, by="reason_group", days=[200, 365]).set_index(["group", "method", "days"])
    # By hand, four leavers: return at 100 (1/4), b turns 18 at 186, return at 300 of 2 at risk.
    # Aalen-Johansen: 1/4 + (3/4)(2/3)(1/2) = 1/2.  1 - KM (18 censored): 1 - (3/4)(1/2) = 5/8.
    assert table.loc[("All", "aalen_johansen", 365), "estimate"] == pytest.approx(0.5)
    assert table.loc[("All", "kaplan_meier", 365), "estimate"] == pytest.approx(0.625)
    assert table.loc[("All", "aalen_johansen", 200), "estimate"] == pytest.approx(0.25)
    assert table.loc[("All", "kaplan_meier", 365), "at_risk"] == 1  # d, followed to 400
    all_rows = table.loc["All"]
    assert (all_rows["lower"] <= all_rows["estimate"]).all() and (all_rows["estimate"] <= all_rows["upper"]).all()


def test_groups_are_read_only_as_far_as_they_are_followed():
    leavers = care_leavers(leavers_log())
    table = return_to_care(leavers, by="reason_group", days=[100, 365, 730])
    # Nobody is followed 730 days; the SGO group (b, followed 186 days) stops before 365.
    assert 730 not in table["days"].tolist()
    assert table[table["group"] == "SGO or CAO"]["days"].tolist() == [100, 100]
    assert set(table["grouping"]) == {"Reason for leaving"}


def test_many_leavers_recover_a_known_return_rate_without_competition():
    # 1,000 leavers aged 5; 300 return on day 200, the rest followed 800 days: 30% by 1 year.
    rows, children = [], []
    for i in range(1000):
        cid = f"k{i:04d}"
        rows += [[cid, "lac_start", "2012-01-01", "V2"], [cid, "lac_end", "2012-06-01", "E4A"]]
        if i < 300:
            rows.append([cid, "lac_start", str((pd.Timestamp("2012-06-01") + pd.Timedelta(days=200)).date()), "V2"])
        children.append((cid, "2007-01-01"))
    rows.append(["z", "contact", "2014-08-10", None])
    log = EventLog.from_frames(pd.DataFrame(rows, columns=["child_id", "event", "date", "code"]),
                               pd.DataFrame(children + [("z", "2007-01-01")], columns=["child_id", "birth_month"]))
    table = return_to_care(care_leavers(log), by="age_group").set_index(["group", "method", "days"])
    for method in ("kaplan_meier", "aalen_johansen"):
        assert table.loc[("5 to 9", method, 365), "estimate"] == pytest.approx(0.3)
        assert table.loc[("5 to 9", method, 730), "at_risk"] == 700
    low, high = table.loc[("5 to 9", "aalen_johansen", 365), ["lower", "upper"]]
    assert 0.27 < low < 0.3 < high < 0.33
