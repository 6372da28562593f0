"""CIN assessment factors: the problems a social worker records at the end of each assessment.

The CIN census lists, for each assessment, the factors identified (``AssessmentFactors``:
codes such as 1B parent's alcohol misuse, 3A domestic abuse concerning the child, 21 no
factors). The census reader keeps the assessments as events; this table keeps their factors
apart, one row per assessment: ``child_id``, ``date`` (the assessment's authorisation date, or
its start) and ``factors`` (the codes, separated by commas, semicolons or spaces, as the LIIA
CIN cleaner and most case-management reports write them). It is recognised by its header row:
a child id, a date and a ``factors`` (or ``assessment_factors``) column. The problem-profiles
page (`generator.pages.profiles`) reads it for the children in care proceedings.

`FACTORS` holds the DfE's codes and labels (CIN census guide, "Factors identified at the end
of assessment"); `CARER_FACTORS` the parent or carer's problems (codes ending B) and
`ABUSE_FACTORS` abuse or neglect.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from generator.errors import InputError, Problem
from generator.ingest.dates import parse_dates
from generator.ingest.tabular import normalise_header, read_table

#: DfE CIN census assessment factors: code -> label (A: concerns the child; B: the parent or
#: carer; C: another person in the household).
FACTORS: dict[str, str] = {
    "1A": "Alcohol misuse: child", "1B": "Alcohol misuse: parent or carer", "1C": "Alcohol misuse: other person",
    "2A": "Drug misuse: child", "2B": "Drug misuse: parent or carer", "2C": "Drug misuse: other person",
    "3A": "Domestic abuse: child", "3B": "Domestic abuse: parent or carer", "3C": "Domestic abuse: other person",
    "4A": "Mental health: child", "4B": "Mental health: parent or carer", "4C": "Mental health: other person",
    "5A": "Learning disability: child", "5B": "Learning disability: parent or carer",
    "5C": "Learning disability: other person",
    "6A": "Physical disability or illness: child", "6B": "Physical disability or illness: parent or carer",
    "6C": "Physical disability or illness: other person",
    "7A": "Young carer", "8B": "Privately fostered", "8C": "Privately fostered", "8D": "Privately fostered",
    "8E": "Privately fostered", "8F": "Privately fostered", "9A": "Unaccompanied asylum-seeking child",
    "10A": "Going or being missing", "11A": "Child sexual exploitation", "12A": "Trafficking", "13A": "Gangs",
    "14A": "Socially unacceptable behaviour", "15A": "Self-harm", "16A": "Neglect", "17A": "Emotional abuse",
    "18A": "Physical abuse", "18B": "Physical abuse: by a child", "18C": "Physical abuse: by an adult",
    "19A": "Sexual abuse", "19B": "Sexual abuse: by a child", "19C": "Sexual abuse: by an adult",
    "20": "Other", "21": "No factors identified", "22A": "Female genital mutilation",
    "23A": "Abuse linked to faith or belief", "24A": "Child criminal exploitation",
}
#: The parent's or carer's problems (the seed's "parents' factors").
CARER_FACTORS = ("1B", "2B", "3B", "4B", "5B", "6B")
#: The child's own problems (the seed's "children's factors").
CHILD_FACTORS = ("1A", "2A", "3A", "4A", "5A", "6A", "7A", "10A", "11A", "13A", "14A", "15A", "24A")
#: Abuse or neglect of the child.
ABUSE_FACTORS = ("16A", "17A", "18A", "18B", "18C", "19A", "19B", "19C")
CHILD_ID_ALIASES = ("child_id", "childid", "la_child_id", "lachildid", "person_id", "child_unique_id")
DATE_ALIASES = ("date", "assessment_date", "assessment_authorisation_date", "assessmentauthorisationdate",
                "assessment_authorised", "assessment_start_date", "assessmentactualstartdate")
FACTOR_ALIASES = ("factors", "assessment_factors", "assessmentfactors", "factors_identified")
FIX = "give one row per assessment with child_id, date and factors (codes such as 1B, 3A, 21; README: \"Data: assessment factors\")"


def _first(columns, aliases) -> str | None:
    return next((a for a in aliases if a in columns), None)


def looks_like_factors(header) -> bool:
    """Whether a header row (as read; normalised here) is an assessment-factors table."""
    columns = [normalise_header(c) for c in header]
    return all(_first(columns, aliases) for aliases in (CHILD_ID_ALIASES, DATE_ALIASES, FACTOR_ALIASES))


def split_factors(text) -> list[str]:
    """'1B, 3a;21' -> ['1B', '3A', '21']: the codes of one assessment, upper case."""
    if text is None or (isinstance(text, float) and pd.isna(text)) or text is pd.NA:
        return []
    return [code.upper() for code in re.split(r"[\s,;/|]+", str(text).strip()) if code]


def read_factors(path, display: str | None = None) -> pd.DataFrame:
    """Read assessment factors into one row per assessment and factor: ``child_id``, ``date``,
    ``factor`` (a code of `FACTORS`). An assessment with no factor recorded gives no row.

    Raises
    ------
    InputError
        Naming the file and row of every unreadable date, blank child id or unknown code.
    """
    path = Path(path)
    display = display or str(path)
    frame = read_table(path, display)
    columns = list(frame.columns)
    if not looks_like_factors(columns):
        raise InputError(Problem(display, "header row", "is not an assessment-factors table: expected child_id, "
                                 f"date and factors columns; found {', '.join(c for c in columns if c != '_row')}", FIX))
    child, date, factors = (_first(columns, a) for a in (CHILD_ID_ALIASES, DATE_ALIASES, FACTOR_ALIASES))
    ids = frame[child].astype("string").str.strip()
    dates, problems = parse_dates(frame[date], display, date, frame["_row"])
    problems = problems[:20]
    problems += [Problem(display, f"row {row}", "the child id is blank", "fill in the child's id")
                 for row in frame.loc[ids.isna() | ids.eq(""), "_row"]][:20]
    # One row per code, split once for the whole column (a county has a million assessments).
    codes = (frame[factors].astype("string").str.upper().str.strip().str.split(r"[\s,;/|]+", regex=True)
             .explode())
    codes = codes[codes.notna() & codes.ne("")]
    unknown = codes[~codes.isin(list(FACTORS))]
    problems += [Problem(display, f"row {row}, column {factors!r}", f"unknown factor code(s) {', '.join(cs)}",
                         "use the CIN census codes (1A-24A, 20, 21)")
                 for row, cs in unknown.groupby(frame["_row"].reindex(unknown.index).to_numpy()).agg(list).head(20).items()]
    if problems:
        raise InputError(problems)
    long = pd.DataFrame({"child_id": ids.reindex(codes.index).to_numpy(), "date": dates.reindex(codes.index).to_numpy(),
                         "factor": codes.astype("string").to_numpy()})
    long = long.drop_duplicates()
    return long.sort_values(["child_id", "date", "factor"], kind="mergesort").reset_index(drop=True)
