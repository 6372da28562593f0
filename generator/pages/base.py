"""What a page kind is, and what it is given.

A page kind is one module in `generator/pages/` with a class that declares its options (a
pydantic model whose `kind` field is a Literal of the kind's name) and builds itself from a
`PageContext` into a `RenderedPage`. The site stage renders the template and writes the
charts, data scripts and downloads; the page never touches files.
Register a new kind in `generator/pages/__init__.py` (the one place page kinds are listed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from generator.analyses.period import Period
from generator.charts import Chart
from generator.eventlog import EventLog


SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
#: A date written in report.yaml (annotations, periods) lies where data may: 1900-2100
#: (generator.ingest.dates.EARLIEST/LATEST); 9999-12-31 is refused at load with its key path.
ReportDate = Annotated[dt.date, Field(ge=dt.date(1900, 1, 1), le=dt.date(2100, 12, 31))]


class PageOptions(BaseModel):
    """Options every page has. Subclasses add `kind: Literal["<name>"]` and their own."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    #: A slug names the page's files and its link: only these characters are safe as a file
    #: name on every system and as a URL (no '../', no '/', no 'javascript:', no '&').
    slug: str = Field(pattern=SLUG_PATTERN, max_length=60,
                      description="The page's file name: lower-case letters, digits and hyphens (e.g. front-door).")
    title: str


@dataclass
class Annotation:
    """A dated event the report marks on time axes (an inspection, a new front door)."""

    date: pd.Timestamp
    label: str


@dataclass
class PageContext:
    """Everything a page may read. Built once per report by `generator.build`."""

    report: Any  # generator.config.Report (not imported: config imports the page registry)
    log: EventLog
    period: Period
    annotations: list[Annotation]
    metrics: dict
    findings: list = field(default_factory=list)  # quality findings
    report_dir: Any = None  # pathlib.Path of report.yaml's folder, for page sources
    inputs: list = field(default_factory=list)  # generator.ingest.InputFile, for 'data sources'
    privacy: Any = None  # generator.privacy.Privacy
    #: Synthetic twins of ``log`` (generator.synth.twins): built for public reports and for
    #: page kinds that set ``needs_twins``; public maps animate these, never ``log``.
    twins: EventLog | None = None

    @property
    def public(self) -> bool:
        """Whether the report is for the public (every number passes the privacy stage)."""
        return bool(self.privacy is not None and self.privacy.public)


@dataclass
class RenderedPage:
    """A page's content, ready for the site stage.

    ``template`` is a file in site_templates/; ``context`` its variables (autoescaped);
    ``charts`` are embedded and drawn by report.js; ``data_scripts`` maps a file name under
    ``build/data/`` to a JavaScript text that assigns a global (loaded with <script src>);
    ``downloads`` maps a CSV name (no extension) to a table, beside each chart's own CSV.
    """

    template: str
    context: dict = field(default_factory=dict)
    charts: list[Chart] = field(default_factory=list)
    data_scripts: dict[str, str] = field(default_factory=dict)
    downloads: dict[str, pd.DataFrame] = field(default_factory=dict)
    scripts: list[str] = field(default_factory=list)  # extra assets, e.g. "player.js"


class PageKind:
    """Base of page kinds. Subclasses set `kind` and `Options`, and implement `build`."""

    kind: ClassVar[str]
    Options: ClassVar[type[PageOptions]]

    def build(self, options: PageOptions, ctx: PageContext) -> RenderedPage:
        raise NotImplementedError
