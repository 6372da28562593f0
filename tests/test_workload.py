"""Open cases, starts and ends at each stage, on hand-made fixtures."""

import pandas as pd

from generator.analyses.period import Period
from generator.analyses.workload import breakdown_column, monthly_flow, open_on, stage_intervals, stock_by_group, weekly_days, weekly_stock
from tests.helpers import log_of

ROWS = [
    ("a", "cpp_start", "2015-01-05"),
    ("a", "cpp_end", "2015-01-20"),
    ("a", "cpp_start", "2015-02-02"),  # still open at the end of the data
    ("b", "cpp_end", "2015-01-12"),  # started before the data
    ("c", "cpp_start", "2015-01-07"),
    ("c", "cpp_start", "2015-01-14"),  # supersedes the first start, which had no end
    ("c", "cpp_end", "2015-01-28"),
    ("z", "contact", "2015-01-01"),
    ("z", "contact", "2015-02-28"),
]


def _intervals():
    return stage_intervals(log_of(ROWS), "cpp_start", "cpp_end").sort_values(["child_id", "start"], na_position="first")


def test_each_end_closes_the_latest_start_and_a_new_start_supersedes_an_open_one():
    table = _intervals()
    got = [(r.child_id, None if pd.isna(r.start) else f"{r.start:%m-%d}", None if pd.isna(r.end) else f"{r.end:%m-%d}", r.ended_by)
           for r in table.itertuples()]
    assert got == [
        ("a", "01-05", "01-20", "end"),
        ("a", "02-02", None, ""),
        ("b", None, "01-12", "end"),
        ("c", "01-07", "01-14", "next start"),
        ("c", "01-14", "01-28", "end"),
    ]


def test_a_case_is_open_from_its_start_day_until_the_day_before_it_ends():
    days = pd.DatetimeIndex(["2015-01-04", "2015-01-05", "2015-01-12", "2015-01-13", "2015-01-20", "2015-02-02"])
    # 4 Jan: b only; 5 Jan: a, b; 12 Jan: a, c (b ended that day); 13 Jan: a, c;
    # 20 Jan: c (a ended that day); 2 Feb: a's second plan
    assert open_on(_intervals(), days).tolist() == [1, 2, 2, 2, 1, 1]


def test_stock_is_counted_on_mondays():
    assert [f"{d:%Y-%m-%d}" for d in weekly_days(Period.of("2015-01-01", "2015-01-20"))] == ["2015-01-05", "2015-01-12", "2015-01-19"]
    stock = weekly_stock(log_of(ROWS), Period.of("2015-01-01", "2015-02-28"), ["cp_plan"])
    assert stock.set_index("week")["open"].loc["2015-01-05":"2015-01-26"].tolist() == [2, 2, 2, 1]


def test_starts_and_recorded_ends_per_month():
    flow = monthly_flow(log_of(ROWS), Period.of("2015-01-01", "2015-02-28"), "cp_plan").set_index("month")
    assert flow.loc["2015-01-01", ["started", "ended"]].tolist() == [3, 3]  # a, c, c; a, b, c (c's supersession is no end)
    assert flow.loc["2015-02-01", ["started", "ended"]].tolist() == [1, 0]


def test_open_cases_by_locality_average_the_mondays_of_each_month():
    log = log_of(ROWS)
    log.children["locality"] = pd.Series(["North", "South", "North", "South"], dtype="string")  # a, b, c, z
    assert breakdown_column(log) == "locality"
    table = stock_by_group(log, Period.of("2015-01-01", "2015-01-31"), "cp_plan", "locality").set_index("group")
    # Mondays 5, 12, 19, 26 Jan. North (a, c): 2, 2, 1, 1 -> 1.5; South (b): 1, 0, 0, 0 -> 0.25
    assert table.loc["North", "open"] == 1.5 and table.loc["South", "open"] == 0.2


def test_no_breakdown_without_a_team_or_locality_column():
    assert breakdown_column(log_of(ROWS)) is None
