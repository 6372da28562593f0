"""report.yaml: typed models, and every problem in one go.

The models are the documentation: `carejourneys schema` prints their JSON Schema so editors
can autocomplete report files. A page entry's options come from its kind's model in
`generator.page_options`, chosen by its `kind`. Loading checks everything that can be
checked without the data (MkDocs' way): every key and value, and every file a page names
(Markdown sources, map files), and reports all problems at once with their key paths.
Importing this module imports no analysis, chart or statistics library (a test holds it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from generator.errors import InputError, Problem
from generator.page_options import PAGE_OPTIONS, ReportDate
from generator.yaml_model import problems_of, read_yaml

PageEntry = Annotated[
    Union[tuple(PAGE_OPTIONS.values())],  # type: ignore[misc]
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
    """The JSON Schema of report.yaml (`carejourneys schema`)."""
    return Report.model_json_schema()


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
        if isinstance(page, dict) and isinstance(page.get("kind"), str) and page["kind"] in PAGE_OPTIONS:
            known[f"pages[{i}]"] = sorted(PAGE_OPTIONS[page["kind"]].model_fields)
    return known


def load_report(path: Path) -> Report:
    """Read and validate report.yaml, and the files its pages name.

    Raises
    ------
    InputError
        Every problem found: YAML syntax (with line and column), unknown keys (with the
        nearest known key), missing keys, wrong types, unknown page kinds, page options out
        of range, Markdown sources that do not exist, map files that do not load.
    """
    file = str(path)
    if not path.is_file():
        raise InputError(Problem(file, "", "no such report file", "give the path to a report.yaml, or run `carejourneys init DIR`"))
    raw = read_yaml(path, "report file")
    if not isinstance(raw, dict):
        raise InputError(Problem(file, "(top level)", f"expected a mapping of keys (title, pages, ...), found {type(raw).__name__}",
                                 "start from content/report.yaml"))
    try:
        report = Report.model_validate(raw)
    except ValidationError as error:
        problems = problems_of(file, error.errors(), _known_keys(raw), {"kind": list(PAGE_OPTIONS)})
        raise InputError(problems + _file_problems(_valid_pages(raw), path.parent)) from None
    problems = _file_problems(list(enumerate(report.pages)), path.parent)
    if problems:
        raise InputError(problems)
    return report


def _valid_pages(raw: dict) -> list:
    """(index, options) of the page entries that are valid on their own, so that the files they
    name are checked even when another part of report.yaml is wrong: every problem at once."""
    pages = raw.get("pages") if isinstance(raw.get("pages"), list) else []
    valid = []
    for i, page in enumerate(pages):
        kind = page.get("kind") if isinstance(page, dict) else None
        model = PAGE_OPTIONS.get(kind) if isinstance(kind, str) else None
        if model is not None:
            try:
                valid.append((i, model.model_validate(page)))
            except ValidationError:
                pass
    return valid


def _file_problems(pages: list, report_dir: Path) -> list[Problem]:
    return [p for i, page in pages for p in page.file_problems(report_dir, f"pages[{i}]")]
