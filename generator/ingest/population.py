"""ONS mid-year population estimates, in the layouts ONS and Nomis publish, as one tidy table.

The denominators of cumulative incidence (`generator.analyses.incidence`). Four layouts are
read, detected by their header row (case, spaces and underscores do not matter):

* **tidy** (documented for LAs' own files): ``la``, ``year``, ``age``, ``sex``, ``count``,
  optional ``ethnicity``;
* **wide by age** (ONS MYE2 tables saved as CSV): an LA code column (``code``,
  ``area_code``, ``geography_code``, ``ladcode``...), ``sex`` (optional: persons when absent),
  ``year`` (or ``mid_year``, ``date``), and one column per single year of age: ``0``..``90``,
  ``Age 0``..``Age 90``, ``90+``, ``Aged 90+``; ``All ages`` is ignored;
* **wide by year** (ONS MYEB1): LA code, ``sex``, ``age``, and ``population_2001``..;
* **long** (Nomis): ``date``, ``geography_code``, ``gender_name``/``sex``, ``c_age_name``
  (``Age 0``, ``Aged 90+``) or ``age``, and ``obs_value`` (or ``value``, ``population``).

Sex becomes the DfE code: "1" male, "2" female, "all" for persons (persons rows are dropped
where the same file has males and females for that LA and year). Age 90 means 90 and over.
Every bad cell is reported, with its row and column, in one InputError.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from generator.errors import InputError, Problem
from generator.ingest.tabular import normalise_header, read_table

TIDY_COLUMNS = ("la", "year", "age", "sex", "count")
LA_ALIASES = ("la", "la_code", "code", "area_code", "geography_code", "geogcode", "ladcode", "lad_code",
              "ladcode18", "ladcode19", "ladcode20", "ladcode21", "ladcode23", "local_authority_code")
YEAR_ALIASES = ("year", "mid_year", "date")
SEX_ALIASES = ("sex", "gender", "gender_name", "sex_name")
AGE_ALIASES = ("age", "c_age_name", "age_name")
COUNT_ALIASES = ("count", "obs_value", "value", "population", "persons")
SEX_CODES = {"1": "1", "m": "1", "male": "1", "males": "1", "2": "2", "f": "2", "female": "2", "females": "2",
             "0": "all", "persons": "all", "all": "all", "all_persons": "all", "total": "all", "people": "all"}
#: "0", "age_0", "aged_90+", "90+" -> the age.
AGE_HEADER = re.compile(r"^(?:age[ds]?_?)?(\d{1,3})\+?$")
YEAR_HEADER = re.compile(r"^(?:population_|mid_?|pop_?)?((?:19|20)\d\d)$")
FIX = "save the ONS table as CSV with one header row (README: \"Data: population estimates\")"


def _first(columns, aliases) -> str | None:
    return next((a for a in aliases if a in columns), None)


def _age_columns(columns) -> dict[str, int]:
    return {c: int(m.group(1)) for c in columns if (m := AGE_HEADER.match(c))}


def _year_columns(columns) -> dict[str, int]:
    return {c: int(m.group(1)) for c in columns if (m := YEAR_HEADER.match(c)) and c not in YEAR_ALIASES}


def looks_like_population(header) -> bool:
    """Whether a header row (as read; normalised here) is one of the population layouts."""
    columns = [normalise_header(c) for c in header]
    if _first(columns, LA_ALIASES) is None:
        return False
    ages = _age_columns(columns)
    if len(ages) >= 18 and _first(columns, YEAR_ALIASES):
        return True  # wide by age
    if _first(columns, AGE_ALIASES) and _first(columns, SEX_ALIASES):
        if _year_columns(columns):
            return True  # wide by year
        return bool(_first(columns, YEAR_ALIASES) and _first(columns, COUNT_ALIASES))  # long or tidy
    return False


def read_population(path, display: str | None = None) -> pd.DataFrame:
    """Read population estimates into ``la``, ``year``, ``age``, ``sex``, ``count`` (and
    ``ethnicity`` when given), one row per cell, sorted.

    Raises
    ------
    InputError
        Naming the file, row and column of every bad cell and what to do.
    """
    path = Path(path)
    display = display or str(path)
    frame = read_table(path, display)
    columns = list(frame.columns)
    if not looks_like_population(columns):
        raise InputError(Problem(display, "header row", "is not a population estimates layout: expected an LA code "
                                 "column with 'year' and single-year-of-age columns 0..90, or 'age', 'sex', 'year' and "
                                 f"a count; found {', '.join(c for c in columns if c != '_row')}", FIX))
    la, sex, age = _first(columns, LA_ALIASES), _first(columns, SEX_ALIASES), _first(columns, AGE_ALIASES)
    year = _first(columns, YEAR_ALIASES)
    ages, years = _age_columns(columns), _year_columns(columns)
    keep = ["_row", la] + [c for c in (sex, "ethnicity") if c and c in columns]
    if age is None:  # wide by age
        long = frame.melt(id_vars=keep + [year], value_vars=list(ages), var_name="_column", value_name="count")
        long["age"] = long["_column"].map(ages).astype(str)
    elif years and not (year and _first(columns, COUNT_ALIASES)):  # wide by year
        long = frame.melt(id_vars=keep + [age], value_vars=list(years), var_name="_column", value_name="count")
        long["_year"] = long["_column"].map(years).astype(str)
        year = "_year"
    else:  # long or tidy
        count = _first(columns, COUNT_ALIASES)
        long = frame[keep + [year, age, count]].rename(columns={count: "count"}).assign(_column=count)
        # Nomis adds an "All Ages" total row per area when asked: a sum, not an age.
        total = long[age].astype(str).map(normalise_header).isin(["all_ages", "all", "total"])
        long = long[~total]
    long = long.rename(columns={la: "la", year: "year"})
    if age is not None:
        long = long.rename(columns={age: "age"})
    long["sex"] = long[sex] if sex else "persons"
    return _validate(long, display, sex or "sex", age or "age", year)


def _validate(long: pd.DataFrame, display: str, sex_column: str, age_column: str, year_column: str) -> pd.DataFrame:
    problems: list[Problem] = []

    def bad(mask, column_of, message, fix):
        for row, column, value in zip(long.loc[mask, "_row"], column_of(mask), long.loc[mask, "_value"]):
            if len(problems) < 50:
                problems.append(Problem(display, f"row {row}, column {column!r}", message.format(value=value), fix))

    count_text = long["count"].astype(str).str.replace(",", "", regex=False).str.strip()
    long["_value"] = long["count"]
    count = pd.to_numeric(count_text, errors="coerce")
    bad(count.isna() | (count < 0) | (count % 1 != 0), lambda m: long.loc[m, "_column"],
        "count {value!r} is not a whole number of people", "write the estimate as a number, without text or decimals")

    age_text = long["age"].astype(str).str.strip().str.lower().map(normalise_header)
    age = pd.to_numeric(age_text.str.extract(r"^(?:age[ds]?_?)?(\d{1,3})\+?$")[0], errors="coerce")
    long["_value"] = long["age"]
    bad(age.isna(), lambda m: [age_column] * int(m.sum()), "age {value!r} is not a single year of age (0..90)",
        "give one row per single year of age, 0 to 90")

    year = pd.to_numeric(long["year"].astype(str).str.strip().str.extract(r"((?:19|20)\d\d)")[0], errors="coerce")
    long["_value"] = long["year"]
    bad(year.isna(), lambda m: [year_column] * int(m.sum()), "year {value!r} is not a year like 2018",
        "give the mid-year the estimate is for")

    sex = long["sex"].astype(str).map(normalise_header).map(SEX_CODES)
    long["_value"] = long["sex"]
    bad(sex.isna(), lambda m: [sex_column] * int(m.sum()), "sex {value!r} is not male, female or persons",
        "use 1/2, M/F, Male/Female or Persons")

    la = long["la"].astype(str).str.strip()
    long["_value"] = long["la"]
    bad(la.eq("") | la.eq("nan"), lambda m: ["la"] * int(m.sum()), "the LA code is blank", "give the ONS code, e.g. E10000016")
    if problems:
        raise InputError(problems)

    tidy = pd.DataFrame({"la": la, "year": year.astype("int64"), "age": age.astype("int64"), "sex": sex,
                         "count": count.astype("int64"), "_row": long["_row"]})
    if "ethnicity" in long.columns:
        tidy.insert(4, "ethnicity", long["ethnicity"].astype(str).str.strip())
    keys = [c for c in ("la", "year", "age", "sex", "ethnicity") if c in tidy.columns]
    # Persons rows duplicate males + females where both are given for an LA and year.
    split = tidy[tidy["sex"] != "all"].groupby(["la", "year"]).size().rename("_split")
    tidy = tidy.merge(split, left_on=["la", "year"], right_index=True, how="left")
    tidy = tidy[~((tidy["sex"] == "all") & tidy["_split"].notna())].drop(columns="_split")
    twice = tidy.duplicated(keys, keep=False)
    if twice.any():
        rows = tidy[twice].sort_values([*keys, "_row"]).groupby(keys)["_row"].apply(list).head(20)
        raise InputError([Problem(display, f"rows {', '.join(map(str, r))}", "give the same LA, year, age and sex twice",
                                  "keep one estimate per cell (remove a duplicated year or sheet)") for r in rows])
    return tidy.drop(columns="_row").sort_values(keys, kind="mergesort").reset_index(drop=True)
