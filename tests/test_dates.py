"""Dates as LAs' files hold them."""

import datetime as dt

import pandas as pd

from generator.ingest.dates import parse_dates


def _parse(values):
    return parse_dates(pd.Series(values, dtype=object), "events.csv", "date")


def test_iso_and_uk_dates_in_one_column_both_parse():
    dates, problems = _parse(["2015-03-04", "04/03/2015", "4/3/2015"])
    assert problems == []
    assert dates.tolist() == [pd.Timestamp("2015-03-04")] * 3


def test_excel_serial_numbers_and_date_cells_parse():
    dates, problems = _parse(["42067", dt.datetime(2015, 3, 4, 13, 30), dt.date(2015, 3, 4)])
    assert problems == []
    assert dates.tolist() == [pd.Timestamp("2015-03-04")] * 3


def test_us_month_first_date_is_refused_with_row_and_column():
    _, problems = _parse(["2015-03-04", "03/25/2015"])
    assert len(problems) == 1
    text = str(problems[0])
    assert "events.csv: row 3, column 'date'" in text
    assert "month/day" in text


def test_two_digit_year_is_refused_as_ambiguous():
    _, problems = _parse(["04/03/15"])
    assert "two-digit year" in str(problems[0])


def test_impossible_date_is_refused():
    _, problems = _parse(["31/02/2015"])
    assert "could not be read as a date" in str(problems[0])


def test_missing_date_is_a_problem_when_required():
    _, problems = _parse(["2015-03-04", ""])
    assert "row 3" in str(problems[0]) and "no date" in str(problems[0])
