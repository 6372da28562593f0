"""Junction shares on a hand-made front door with known answers."""

import pandas as pd
import pytest

from generator.analyses.front_door import protection_enquiries, referral_episodes
from generator.analyses.junctions import junction_decisions, junction_shares
from generator.analyses.period import Period
from tests.helpers import log_of

ROWS = [
    # a: referral -> assessment (January) -> authorised in need (February) with a strategy
    # discussion -> section 47 -> conference with a plan
    ("a", "referral", "2015-01-05"),
    ("a", "assessment_start", "2015-01-06"),
    ("a", "strategy_discussion", "2015-01-10"),
    ("a", "s47", "2015-01-10"),
    ("a", "icpc", "2015-01-28", "cpp"),
    ("a", "assessment_authorised", "2015-02-10", "in_need"),
    # b: referral -> assessment -> no further action
    ("b", "referral", "2015-01-12"),
    ("b", "assessment_start", "2015-01-12"),
    ("b", "assessment_authorised", "2015-02-20", "nfa"),
    # c: referral closed with no further action at referral
    ("c", "referral", "2015-02-02"),
    ("c", "referral_nfa", "2015-02-03"),
    # d: referral -> assessment -> in need, no strategy discussion
    ("d", "referral", "2015-02-09"),
    ("d", "assessment_start", "2015-02-10"),
    ("d", "assessment_authorised", "2015-03-02", "in_need"),
    # e: strategy discussion -> section 47 -> no conference; f: strategy discussion, no s47
    ("e", "strategy_discussion", "2015-02-16"),
    ("e", "s47", "2015-02-17"),
    ("f", "strategy_discussion", "2015-02-18"),
    # g: strategy discussion -> section 47 -> conference, no plan
    ("g", "strategy_discussion", "2015-03-02"),
    ("g", "s47", "2015-03-02"),
    ("g", "icpc", "2015-03-20", "no_plan"),
    # h: a referral three days before the data ends: its next step is not known yet
    ("h", "referral", "2015-06-27"),
    ("z", "contact", "2015-06-30"),
]
PERIOD = Period.of("2015-01-01", "2015-06-30")


def _decisions():
    log = log_of(ROWS)
    return junction_decisions(referral_episodes(log), protection_enquiries(log))


def test_each_case_takes_one_branch_at_each_junction_it_reaches():
    table = junction_shares(_decisions(), PERIOD).set_index(["junction", "branch"])
    counts = table["count"].to_dict()
    assert counts[("referral", "Assessment")] == 3
    assert counts[("referral", "No further action at referral")] == 1
    assert table.loc[("referral", "Assessment"), "n"] == 4  # h's referral is still open
    assert counts[("assessment", "Strategy discussion")] == 1
    assert counts[("assessment", "No further action")] == 1
    assert counts[("assessment", "Child in need, no strategy discussion")] == 1
    assert counts[("strategy", "Section 47 enquiry")] == 3 and counts[("strategy", "No section 47 enquiry")] == 1
    assert counts[("s47", "Conference and plan")] == 1
    assert counts[("s47", "Conference, no plan")] == 1
    assert counts[("s47", "No conference")] == 1
    assert counts[("icpc", "Child protection plan")] == 1 and counts[("icpc", "No plan")] == 1
    assert table.loc[("strategy", "Section 47 enquiry"), "pct"] == 75.0


def test_decisions_are_counted_in_the_month_of_their_junction_day():
    table = junction_shares(_decisions(), PERIOD, "M")
    assessment = table[(table["junction"] == "assessment")].set_index(["month", "branch"])
    february, march = pd.Timestamp("2015-02-01"), pd.Timestamp("2015-03-01")
    assert assessment.loc[(february, "Strategy discussion"), ["count", "n"]].tolist() == [1, 2]  # a and b authorised
    assert assessment.loc[(march, "Child in need, no strategy discussion"), ["count", "n"]].tolist() == [1, 1]
    # months without decisions are zero-filled with no share
    april = assessment.loc[(pd.Timestamp("2015-04-01"), "No further action")]
    assert april["n"] == 0 and pd.isna(april["pct"])


def test_quarters_pool_their_months():
    table = junction_shares(_decisions(), PERIOD, "Q")
    referral = table[(table["junction"] == "referral") & (table["branch"] == "Assessment")].set_index("month")
    assert referral.loc[pd.Timestamp("2015-01-01"), ["count", "n"]].tolist() == [3, 4]


# Cases near the end of the data (30 June 2015): a case whose window is still open is pending,
# whether or not its next step has already happened, and is in no share.
END_ROWS = [
    # complete windows (the 60-day window from the strategy discussion closed by 30 June)
    ("r", "strategy_discussion", "2015-03-02"), ("r", "s47", "2015-03-02"), ("r", "icpc", "2015-03-20", "cpp"),
    ("s", "strategy_discussion", "2015-03-05"), ("s", "s47", "2015-03-05"),
    ("u", "strategy_discussion", "2015-05-01"), ("u", "s47", "2015-05-01"),  # day 60 is 30 June: complete
    # open windows
    ("v", "strategy_discussion", "2015-05-02"), ("v", "s47", "2015-05-02"),  # day 60 is 1 July: open
    ("p", "strategy_discussion", "2015-06-10"), ("p", "s47", "2015-06-10"),
    ("p", "icpc", "2015-06-25", "cpp"),  # its conference already happened, yet it is pending
    ("q", "strategy_discussion", "2015-06-15"), ("q", "s47", "2015-06-15"),
    ("w", "strategy_discussion", "2015-06-25"), ("w", "s47", "2015-06-26"),  # even its 14-day window is open
    # a referral closed with no further action the next day, 10 days before the end: pending
    ("k", "referral", "2015-06-20"), ("k", "referral_nfa", "2015-06-21"),
    ("m", "referral", "2015-02-02"), ("m", "referral_nfa", "2015-02-03"),
    ("n", "referral", "2015-02-09"), ("n", "assessment_start", "2015-02-10"),
    ("z", "contact", "2015-06-30"),
]


def _end_decisions():
    log = log_of(END_ROWS)
    return junction_decisions(referral_episodes(log), protection_enquiries(log))


def test_a_case_whose_window_is_open_at_the_end_is_pending_never_in_the_share():
    table = junction_shares(_end_decisions(), PERIOD).set_index(["junction", "branch"])
    s47 = table.loc["s47"]
    # r, s and u have complete windows: 1 of 3 had a conference and a plan; p's conference is
    # not counted (counting it, and dropping q, v and w, would give 2 of 4)
    assert s47["count"].to_dict() == {"Conference and plan": 1, "Conference, no plan": 0, "No conference": 2}
    assert (s47["n"] == 3).all() and s47.loc["Conference and plan", "pct"] == pytest.approx(100 / 3, abs=0.01)
    assert (s47["pending"] == 4).all()  # v, p, q, w
    # at the strategy discussion only w's 14-day window is still open
    assert table.loc[("strategy", "Section 47 enquiry"), ["count", "n", "pending"]].tolist() == [6, 6, 1]
    # k's no further action is recorded, but its 30-day window is open: pending, not a decision
    assert table.loc[("referral", "No further action at referral"), ["count", "n", "pending"]].tolist() == [1, 2, 1]


def test_pending_cases_are_counted_in_their_own_month():
    table = junction_shares(_end_decisions(), PERIOD, "M")
    s47 = table[(table["junction"] == "s47") & (table["branch"] == "No conference")].set_index("month")
    assert s47.loc[pd.Timestamp("2015-05-01"), ["count", "n", "pending"]].tolist() == [1, 1, 1]  # u decided, v pending
    june = s47.loc[pd.Timestamp("2015-06-01")]
    assert (june["n"], june["pending"]) == (0, 3) and pd.isna(june["pct"])  # p, q, w: no share at all


def test_headline_shares_leave_pending_cases_out_and_report_them():
    from generator.analyses.headline import headline_metrics

    metrics = headline_metrics(log_of(END_ROWS), PERIOD)
    assert (metrics["s47_to_icpc_pct"], metrics["s47_to_icpc_n"], metrics["s47_to_icpc_d"]) == (33.3, 1, 3)
    assert metrics["s47_to_icpc_pending"] == 4
    assert (metrics["strategy_to_s47_d"], metrics["strategy_to_s47_pending"]) == (6, 1)


def test_a_public_report_hides_a_small_number_of_pending_cases():
    # Pending cases are counts of children's cases: 1 to 5 of them is "c" in a public CSV.
    from generator.build import render_pages
    from generator.pages import PAGE_KINDS
    from generator.privacy.publish import publish

    options = PAGE_KINDS["junctions"].Options(kind="junctions", slug="junctions", title="Junctions", frequency="month")
    ctx, rendered = render_pages([options], log=log_of(END_ROWS), period=PERIOD, audience="public")
    [(_, page)], _ = publish(rendered, ctx.metrics, "public")
    s47 = next(chart for chart in page.charts if chart.id == "junctions-s47").data
    pending = [c for c in s47.columns if "pending" in c]
    assert pending == ["pending_count"] and chart_counts(page, "junctions-s47") >= {"pending_count"}
    assert set(s47["pending_count"].astype(str)) <= {"0", "c"}  # June's 3 and May's 1 are hidden


def chart_counts(page, chart_id):
    return set(next(chart for chart in page.charts if chart.id == chart_id).counts)
