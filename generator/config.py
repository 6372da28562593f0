"""report.yaml: typed models, and every problem in one go.

The models are the documentation: `carejourneys schema` prints their JSON Schema so editors
can autocomplete report files. A page entry's options come from its page kind's own model
(generator/pages), chosen by its `kind`.
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from generator.errors import InputError, Problem, brief
from generator.pages import PAGE_KINDS
from generator.pages.base import ReportDate
from generator.yamlfile import read_yaml

PageEntry = Annotated[
    Union[tuple(kind.Options for kind in PAGE_KINDS.values())],  # type: ignore[misc]
    Field(discriminator="kind"),
]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(Strict):
    """A data file or folder, relative to report.yaml's folder."""

    path: str = Field(description="File or folder, relative to this report file. Each file's format "
                      "(SSDA903, CIN census, Annex A, tidy event log) is recognised from its content.")


class AnnotationEntry(Strict):
    """A dated event drawn on every time axis (an inspection, a restructure)."""

    date: ReportDate
    label: str = Field(min_length=1, max_length=80)


class PeriodEntry(Strict):
    start: ReportDate
    end: ReportDate

    @model_validator(mode="after")
    def _end_after_start(self):
        if self.end <= self.start:
            raise ValueError(f"end {self.end} is not after start {self.start}")
        return self


class PseudonymiseEntry(Strict):
    """Internal reports: every child and record id replaced by a keyed hash (HMAC-SHA256)."""

    key_env: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
                         description="The environment variable holding the secret key (never the key itself).")


class Report(Strict):
    """A report definition: where the data is, what period, which pages in which order."""

    title: str = Field(min_length=1, max_length=120)
    slug: str = Field("report", pattern=r"^[a-z0-9][a-z0-9-]*$", description="Used for the zip's name.")
    organisation: str = Field("", description="The local authority or body publishing the report.")
    period: PeriodEntry | None = Field(None, description="Default: the first to the last date in the data.")
    audience: Literal["internal", "public"] = "internal"
    synthetic: bool = Field(False, description="Say on every page that the data is synthetic.")
    shared: bool = Field(False, description="An internal report that will be shared: the output audit runs and warns.")
    pseudonymise: PseudonymiseEntry | None = Field(
        None, description="Internal reports: replace child and record ids by a keyed hash, e.g. {key_env: CAREJOURNEYS_KEY}.")
    sources: list[Source] = Field(default_factory=list)
    annotations: list[AnnotationEntry] = Field(default_factory=list)
    pages: list[PageEntry] = Field(min_length=1)  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _unique_slugs(self):
        seen: set[str] = set()
        for page in self.pages:
            if page.slug in seen:
                raise ValueError(f"two pages have the slug '{page.slug}'")
            seen.add(page.slug)
        if self.pages[0].slug != "index":
            raise ValueError("the first page's slug must be 'index' (it becomes index.html)")
        return self


def json_schema() -> dict:
    return Report.model_json_schema()


def _key_path(loc: tuple) -> str:
    parts: list[str] = []
    for i, item in enumerate(loc):
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif i > 0 and isinstance(loc[i - 1], int) and loc[:1] == ("pages",) and item in PAGE_KINDS:
            continue  # the discriminator's branch name, not a key the user wrote
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "(top level)"


def _problem(file: str, error: dict, known: dict[str, list[str]]) -> Problem:
    where = _key_path(error["loc"])
    kind = error["type"]
    found = error.get("input")
    if kind == "extra_forbidden":
        key = brief(error["loc"][-1], quote=False)
        choices = known.get(_key_path(error["loc"][:-1]), [])
        guess = difflib.get_close_matches(key, choices, n=1)
        fix = f"did you mean '{guess[0]}'?" if guess else "remove it or correct its spelling."
        if choices:
            fix += " Keys allowed here: " + ", ".join(choices)
        return Problem(file, where, "unknown key", fix)
    if kind == "missing":
        return Problem(file, where, "is required but missing", "add it (see `carejourneys schema`)")
    if kind == "union_tag_invalid":
        tag = error.get("ctx", {}).get("tag", found)
        return Problem(file, where, f"unknown page kind {tag!r}", "use one of: " + ", ".join(PAGE_KINDS))
    if kind == "union_tag_not_found":
        return Problem(file, where, "has no 'kind'", "add kind: one of " + ", ".join(PAGE_KINDS))
    shown = brief(found) if not isinstance(found, (dict, list)) else type(found).__name__
    return Problem(file, where, f"{error['msg'].rstrip('.')}; found {shown}", "see `carejourneys schema` for the expected form")


def _known_keys(raw: dict) -> dict[str, list[str]]:
    """Key names each mapping may hold, by key path, for 'did you mean' hints."""
    known = {"(top level)": sorted(Report.model_fields)}
    for name, model in (("period", PeriodEntry), ("pseudonymise", PseudonymiseEntry)):
        known[name] = sorted(model.model_fields)
    listed = {name: raw.get(name) if isinstance(raw.get(name), list) else [] for name in ("sources", "annotations", "pages")}
    for i, source in enumerate(listed["sources"]):
        known[f"sources[{i}]"] = sorted(Source.model_fields)
    for i, note in enumerate(listed["annotations"]):
        known[f"annotations[{i}]"] = sorted(AnnotationEntry.model_fields)
    for i, page in enumerate(listed["pages"]):
        if isinstance(page, dict) and isinstance(page.get("kind"), str) and page["kind"] in PAGE_KINDS:
            known[f"pages[{i}]"] = sorted(PAGE_KINDS[page["kind"]].Options.model_fields)
    return known


def load_report(path: Path) -> Report:
    """Read and validate report.yaml.

    Raises
    ------
    InputError
        Every problem found: YAML syntax (with line and column), unknown keys (with the
        nearest known key), missing keys, wrong types, unknown page kinds.
    """
    file = str(path)
    if not path.is_file():
        raise InputError(Problem(file, "", "no such report file", "give the path to a report.yaml, or run `carejourneys init DIR`"))
    raw = read_yaml(path, "report file")
    if not isinstance(raw, dict):
        raise InputError(Problem(file, "(top level)", f"expected a mapping of keys (title, pages, ...), found {type(raw).__name__}",
                                 "start from content/report.yaml"))
    try:
        return Report.model_validate(raw)
    except ValidationError as error:
        known = _known_keys(raw)
        raise InputError([_problem(file, e, known) for e in error.errors()]) from None
