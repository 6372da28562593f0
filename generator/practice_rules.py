"""Key-practice rule files (content/practices/*.yaml): typed models, and every problem in one go.

A rule is data: its name, the statute or guidance it comes from, the population it applies to,
and how it is measured from EventLog events (one of five measure kinds; see
`generator.analyses.practices` for how each is evaluated). Loading checks every file and raises
one `InputError` naming each file and key path that is wrong.

Event names beyond DESIGN.md's vocabulary that the default rules read (the readers will be
taught to emit them; a tidy event log can carry them today):

- ``cpp_review``: a child protection review conference (CIN census ``CPPreviewDate``);
- ``statutory_visit``: a statutory visit to a child on a plan (Annex A list 7 "Date of the last
  statutory visit"; an Annex A return holds only the latest one);
- ``return_interview_offered``: a return interview offered after a missing episode (Annex A list
  8 "Was the child offered a return interview?", dated when offered, else at the episode's end);
- ``lac_review``: a looked-after child's statutory review (SSDA903 Reviews, ``REVIEW``);
- ``pathway_plan_review``: a care leaver's pathway plan review (Annex A list 9);
- ``needs_assessment``: a looked-after child's needs assessment at 16 (the start of the pathway plan).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from generator.errors import InputError, Problem


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Deadline(Strict):
    """A time allowed: exactly one of working days (England and Wales), calendar days or months."""

    working_days: int | None = Field(None, ge=1)
    days: int | None = Field(None, ge=1)
    months: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _one_unit(self):
        if sum(x is not None for x in (self.working_days, self.days, self.months)) != 1:
            raise ValueError("give exactly one of working_days, days or months")
        return self


class Interval(Strict):
    """Each clock-starting event must be followed by the ``end`` event within the deadline.

    ``anchor: each_start`` times every start (an assessment, a missing episode) and counts one
    never ended by the deadline as a breach; ``each_end`` times every end (a conference held)
    from the earliest start since the child's previous end, and counts only ends that happened.
    """

    kind: Literal["interval"]
    start: list[str] = Field(min_length=1)
    end: str
    deadline: Deadline
    anchor: Literal["each_start", "each_end"] = "each_start"


class Recurring(Strict):
    """While a period is open (``period``: start and end events), ``event`` must happen within
    the first deadline of its start, then within the next deadline of the previous one (the last
    deadline repeats). ``min_age_at_start`` and ``until_age`` (years) narrow the population."""

    kind: Literal["recurring"]
    period: tuple[str, str | None]
    event: str
    deadlines: list[Deadline] = Field(min_length=1)
    min_age_at_start: int | None = Field(None, ge=0)
    until_age: int | None = Field(None, ge=0)


class ByAge(Strict):
    """A child inside ``period`` on their birthday of ``age`` must have had ``event`` by the
    deadline after that birthday."""

    kind: Literal["by_age"]
    age: int = Field(ge=0)
    period: tuple[str, str | None]
    event: str
    deadline: Deadline


class RepeatCount(Strict):
    """An ``event`` that is the child's ``count``-th or later within ``window`` is a breach."""

    kind: Literal["repeat_count"]
    event: str
    count: int = Field(ge=2)
    window: Deadline


class ForbiddenCode(Strict):
    """An ``event`` with one of ``codes`` for a child under ``under_age``, on or after ``from``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    kind: Literal["forbidden_code"]
    event: str
    codes: list[str] = Field(min_length=1)
    under_age: int = Field(ge=1)
    from_date: dt.date | None = Field(None, alias="from")


Measure = Annotated[Union[Interval, Recurring, ByAge, RepeatCount, ForbiddenCode], Field(discriminator="kind")]


class PracticeRule(Strict):
    """One key practice: a rule that should always hold (seed section 7)."""

    name: str = Field(min_length=1)
    source: str = Field(min_length=1, description="The statute, guidance or return the rule comes from.")
    population: str = Field(min_length=1, description="Who the rule applies to, in words.")
    measure: Measure
    target: float | None = Field(None, ge=0, le=100, description="Breaches as a % of the population "
                                 "that would be acceptable; drawn on the chart, used for assurance.")


def load_rules(folder: Path) -> dict[str, PracticeRule]:
    """Every ``*.yaml`` in ``folder`` as a rule, keyed by file stem, in name order.

    Raises
    ------
    InputError
        Every problem in every file: YAML syntax, unknown or missing keys, wrong types.
    """
    rules, problems = {}, []
    for path in sorted(Path(folder).glob("*.yaml")):
        file = str(path)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problems.append(Problem(file, where, "is not valid YAML", "fix the YAML syntax (indentation, colons)"))
            continue
        if not isinstance(raw, dict):
            problems.append(Problem(file, "(top level)", "expected a mapping (name, source, population, measure)",
                                    "start from one of the files in content/practices/"))
            continue
        try:
            rules[path.stem] = PracticeRule.model_validate(raw)
        except ValidationError as error:
            for e in error.errors():
                # drop the discriminator's tag from the path: "measure.interval.deadline" -> "measure.deadline"
                parts = [str(p) for p in e["loc"] if p not in {"interval", "recurring", "by_age", "repeat_count",
                                                                "forbidden_code"}]
                problems.append(Problem(file, ".".join(parts) or "(top level)", e["msg"],
                                        "see the rule files in content/practices/ for the keys each measure kind takes"))
    if problems:
        raise InputError(problems)
    return rules
