"""Children's journeys through care proceedings (issue 16): status before, during and at the
end, the Sankey's conservation, durations against 26 weeks, never looked after, and the
leaving-care curves classified at entry to care (generator.analyses.proceedings)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.analyses import proceedings as legal
from generator.eventlog import EventLog

#: Freireich et al. (1963), remission times in weeks (DOMAIN.md: 6-MP S(6) = 0.8571,
#: S(23) = 0.4482, median 23; log-rank chi-squared 16.79 against placebo).
SIX_MP = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
SIX_MP_RELAPSED = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
PLACEBO = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]


def _freireich() -> pd.DataFrame:
    return pd.DataFrame({"group": ["6-MP"] * 21 + ["Placebo"] * 21, "weeks": SIX_MP + PLACEBO,
                         "left": np.array(SIX_MP_RELAPSED + [1] * 21, dtype=bool)})


def test_leaving_care_curves_reproduce_the_freireich_reference_values():
    curve = legal.still_in_care(_freireich(), np.arange(0, 36))
    assert list(curve.columns) == ["group", "weeks", "still_in_care", "lower", "upper", "at_risk"]
    six = curve[curve["group"] == "6-MP"].set_index("weeks")
    assert six.loc[6, "still_in_care"] == pytest.approx(0.8571, abs=5e-5)
    assert six.loc[23, "still_in_care"] == pytest.approx(0.4482, abs=5e-5)
    assert six.index[six["still_in_care"] <= 0.5].min() == 23  # the median
    assert six.loc[6, "at_risk"] == 21 and six.loc[7, "at_risk"] == 17 and six.loc[23, "at_risk"] == 6
    assert ((six["lower"] <= six["still_in_care"]) & (six["still_in_care"] <= six["upper"])).all()
    assert legal.log_rank(_freireich())["statistic"] == pytest.approx(16.79, abs=0.005)


def test_a_curve_is_not_read_past_its_longest_follow_up():
    curve = legal.still_in_care(_freireich(), [35, 36])
    placebo = curve[curve["group"] == "Placebo"]
    assert placebo["still_in_care"].isna().all() and placebo["at_risk"].tolist() == [0, 0]


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(list(legal.BEFORE)), st.sampled_from(["a", "b", "c", "d"]),
                               st.sampled_from(["x", "y", "z", "w", "v"])), min_size=1, max_size=60),
       smallest=st.integers(1, 15))
def test_the_sankey_conserves_children_at_every_column(rows, smallest):
    table = pd.DataFrame(rows, columns=["before", "during", "end"])
    links = legal.sankey_links(table, smallest)
    first = links[links["source"].isin(set(table["before"]) | {legal.OTHER["before"]})]
    second = links[~links.index.isin(first.index)]
    assert first["count"].sum() == second["count"].sum() == len(table)
    # Every node of the middle column sends on as many children as it receives.
    inflow, outflow = first.groupby("target")["count"].sum(), second.groupby("source")["count"].sum()
    assert inflow.sort_index().to_dict() == outflow.sort_index().to_dict()
    # Each link's source count is its node's total; no node smaller than `smallest` but Other.
    assert (links.groupby("source")["count"].transform("sum") == links["source_count"]).all()
    nodes = pd.concat([first.groupby("source")["count"].sum(), inflow, second.groupby("target")["count"].sum()])
    others = set(legal.OTHER.values())
    assert all(count >= smallest for name, count in nodes.items() if name not in others)


def _log(events: list[tuple], children: list[tuple]) -> EventLog:
    frame = pd.DataFrame(events, columns=["child_id", "event", "date", "record_id", "code"])
    frame["date"] = pd.to_datetime(frame["date"])
    kids = pd.DataFrame(children, columns=["child_id", "sex", "birth_month"])
    kids["birth_month"] = pd.to_datetime(kids["birth_month"])
    return EventLog.from_frames(frame, kids)


def _log_of_four() -> EventLog:
    return _log([
        # A: entered care on an interim care order; still in care.
        ("A", "lac_start", "2016-01-10", "A1", "C1"),
        # B: accommodated under s.20 for a month, then proceedings; left after a year.
        ("B", "lac_start", "2016-01-01", "B1", "V2"), ("B", "legal_status", "2016-02-05", "B1", "C1"),
        ("B", "lac_end", "2017-01-01", "B1", "E4A"),
        # C: s.20 for half a year before proceedings.
        ("C", "lac_start", "2015-07-01", "C1", "V2"), ("C", "legal_status", "2016-01-20", "C1", "C1"),
        # D: on a care order already; never E: no care at all.
        ("D", "lac_start", "2014-01-01", "D1", "C2"),
        ("E", "cpp_start", "2015-06-01", None, "NEG"),
    ], [(c, "1", "2010-01-01") for c in "ABCDE"])


def _listed(rows: list[tuple]) -> tuple[pd.DataFrame, pd.DataFrame]:
    proceedings = pd.DataFrame(rows, columns=["proceedings_id", "child_id", "application_date", "interim_order",
                                              "final_date", "final_order"])
    for column in ("application_date", "final_date"):
        proceedings[column] = pd.to_datetime(proceedings[column])
    links = proceedings[["proceedings_id", "child_id"]].assign(status=np.where(proceedings["child_id"].notna(), "match",
                                                                              "non-match"))
    return proceedings, links


def test_the_status_before_proceedings_is_read_from_the_903_on_the_application_date():
    proceedings, links = _listed([
        ("P2", "A", "2016-01-05", "ico", None, None), ("P3", "B", "2016-02-01", "ico", "2016-12-20", "supervision_order"),
        ("P4", "C", "2016-01-15", "ico", "2016-08-01", "care_order"), ("P5", "D", "2016-03-01", "none", "2016-09-01", "placement_order"),
        ("P6", "E", "2016-01-01", "iso", "2016-05-01", "supervision_order"), ("P7", None, "2016-01-01", None, None, None)])
    table = legal.journeys(proceedings, links, _log_of_four())
    assert table["before"].tolist() == ["Not looked after", "Section 20, under 3 months", "Section 20, 3 months or more",
                                        "Already on an order", "Not looked after", "Not linked to a record"]
    assert table["during"].tolist()[:3] == ["Interim care order"] * 3 and table["during"].iloc[5] == legal.NOT_RECORDED
    assert table["end"].tolist()[0] == legal.OPEN and table["end"].iloc[1] == "Supervision order"
    assert table["weeks"].iloc[1] == pytest.approx((pd.Timestamp("2016-12-20") - pd.Timestamp("2016-02-01")).days / 7)
    share = legal.never_looked_after(table, _log_of_four())
    assert (share["children"], share["never"]) == (5, 1) and share["lower"] < 0.2 < share["upper"]


def test_children_are_classified_by_proceedings_open_on_the_day_they_entered_care():
    proceedings, links = _listed([
        ("P2", "A", "2016-01-05", "ico", None, None),  # open at entry (10 January)
        ("P3", "B", "2016-02-01", "ico", "2016-12-20", "supervision_order"),  # began a month after entry
        ("P4", "D", "2012-01-01", "ico", "2013-06-01", "care_order")])  # ended before entry
    table = legal.journeys(proceedings, links, _log_of_four())
    cohort = legal.leaving_care_cohort(_log_of_four(), table, pd.Timestamp("2018-03-31")).set_index("child_id")
    assert cohort.loc["A", "group"] == legal.WITH
    assert cohort.loc["B", "group"] == legal.WITHOUT  # no credit for proceedings acquired while in care
    assert cohort.loc["D", "group"] == legal.WITHOUT
    assert bool(cohort.loc["B", "left"]) and cohort.loc["B", "weeks"] == pytest.approx(366 / 7)
    assert not cohort.loc["A", "left"] and cohort.loc["A", "weeks"] == pytest.approx((pd.Timestamp("2018-03-31")
                                                                                      - pd.Timestamp("2016-01-10")).days / 7)


def test_durations_count_the_26_week_limit_by_the_year_of_the_final_order():
    table = pd.DataFrame({"final_date": pd.to_datetime(["2016-03-31", "2016-04-01", "2016-05-01", "2016-06-01"]),
                          "weeks": [26.0, 26.0, 26.1, np.nan]})
    years = legal.durations_by_year(table)
    assert years[["year", "concluded", "within_limit"]].values.tolist() == [["2015-16", 1, 1], ["2016-17", 2, 1]]
    assert years["median_weeks"].tolist() == [26.0, pytest.approx(26.05)]
