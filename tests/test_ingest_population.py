"""ONS mid-year population estimates in their published layouts, read into one tidy table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from generator.errors import InputError
from generator.ingest.population import looks_like_population, read_population
from generator.ingest.sniff import csv_columns

FIXTURES = Path(__file__).parent / "fixtures" / "population"
LAYOUTS = ["ons_wide_by_age.csv", "ons_wide_by_age_numbers.csv", "ons_myeb1.csv", "nomis_long.csv"]


def test_tidy_form_reads_as_given():
    tidy = read_population(FIXTURES / "tidy.csv")
    assert list(tidy.columns) == ["la", "year", "age", "sex", "count"]
    assert len(tidy) == 2 * 2 * 2 * 91
    row = tidy[(tidy["la"] == "E06000035") & (tidy["year"] == 2017) & (tidy["age"] == 4) & (tidy["sex"] == "2")]
    assert row["count"].tolist() == [1000 + 40 + 3 + 2 + 5000]


@pytest.mark.parametrize("name", LAYOUTS)
def test_each_ons_layout_gives_the_same_tidy_table(name):
    expected = read_population(FIXTURES / "tidy.csv")
    pd.testing.assert_frame_equal(read_population(FIXTURES / name), expected)


@pytest.mark.parametrize("name", ["tidy.csv", *LAYOUTS])
def test_population_layouts_are_detected_by_their_header(name):
    assert looks_like_population(csv_columns(FIXTURES / name))


def test_an_event_table_is_not_taken_for_population():
    assert not looks_like_population(csv_columns(FIXTURES / "not_population.csv"))
    with pytest.raises(InputError, match="not a population estimates layout"):
        read_population(FIXTURES / "not_population.csv")


def test_every_bad_cell_is_reported_with_its_row_column_and_fix():
    with pytest.raises(InputError) as caught:
        read_population(FIXTURES / "bad.csv")
    text = str(caught.value)
    assert len(caught.value.problems) == 5
    assert "row 3, column 'age': age 'one' is not a single year of age" in text
    assert "row 4, column 'sex': sex 'X' is not male, female or persons" in text
    assert "row 5, column 'count': count '12.5' is not a whole number of people" in text
    assert "row 6, column 'la': the LA code is blank" in text
    assert "row 7, column 'year': year 'yr' is not a year" in text
    assert all(p.fix and p.file.endswith("bad.csv") for p in caught.value.problems)


def test_a_cell_given_twice_is_an_input_error_naming_both_rows():
    with pytest.raises(InputError, match=r"rows 2, 4: give the same LA, year, age and sex twice"):
        read_population(FIXTURES / "duplicated.csv")
