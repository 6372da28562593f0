"""What a page kind is, what it may ask for, and what it is given.

A page kind is one module in `generator/pages/` with a `PageKind` subclass. Its options are a
pydantic model in `generator.page_options` (checked when report.yaml loads). The build runs
every page in two phases, as Pelican runs its generators:

1. ``prepare(options, plan)``: the page declares what it needs from the shared products
   (maps to replay, the synthetic twins, front-door episodes linked with its windows) on a
   `Plan`, which can read the data but holds no product yet. Nothing is rendered.
2. The build computes every product once (`generator.build`), adds the findings the products
   raise (events a map cannot place), and freezes a `PageContext`.
3. ``render(options, ctx)``: the page turns products and the log into a `RenderedPage`:
   charts, tables, words. It asks the context for products it declared; asking for one it
   did not declare is a bug in the page and fails loudly.

Pages never suppress anything: every number they publish goes through the one privacy stage
(`generator.privacy.publish`) after render. What a page shows in its template that is a
count, a table or a headline figure is wrapped in `generator.published` markers, which that
stage resolves; a chart's words about its numbers are written from the published table
(`Chart.describe`).
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, ClassVar, Literal, Mapping

import pandas as pd

from generator.analyses.front_door import FrontDoorLinks, LinkWindows
from generator.analyses.period import Period
from generator.charts import Chart
from generator.eventlog import EventLog
from generator.ingest import Tables
from generator.page_options import PageOptions, WindowOptions
from generator.published import Table

#: Whose journeys a replay follows: the real children, or their synthetic twins.
Whose = Literal["real", "twins"]


def link_windows(options: WindowOptions) -> LinkWindows:
    """The linking windows a page's options set (`generator.analyses.front_door`)."""
    return LinkWindows(
        referral_to_assessment=options.referral_to_assessment_days,
        referral_to_strategy=options.referral_to_strategy_days,
        strategy_to_s47=options.strategy_to_s47_days,
        strategy_to_icpc=options.strategy_to_icpc_days,
        icpc_to_plan=options.icpc_to_plan_days,
    )


@dataclass(frozen=True)
class Annotation:
    """A dated event the report marks on time axes (an inspection, a new front door)."""

    date: pd.Timestamp
    label: str


@dataclass
class Plan:
    """What the pages of a report ask the build to compute, collected in ``prepare``.

    The data is there to read (a page may choose a map by what the data holds); the products
    are not: they are computed once, after every page has declared its needs.
    """

    report: Any
    log: EventLog
    period: Period
    report_dir: Path
    public: bool
    tables: Tables = field(default_factory=Tables)  # inputs that are not events
    replays: dict[tuple[str, Whose], Path] = field(default_factory=dict)
    linked: set[LinkWindows] = field(default_factory=set)
    wants_twins: bool = False
    #: The twins measured against the data where they are sampled (`Products.twin_figures`).
    wants_twin_figures: bool = False
    #: Maps animated on a page and the periods they run over: public twins are kept off every
    #: real journey on them (`generator.privacy.fingerprints`).
    animated: dict[str, list[tuple]] = field(default_factory=dict)
    #: Pure computations a page asks the build to start as soon as the real replays exist, in a
    #: second process when there is a second core: key -> make(replay) -> (function, args).
    asides: dict[str, Callable] = field(default_factory=dict)

    def aside(self, key: str, make: Callable) -> None:
        """Ask for ``function(*args)`` to be computed beside the other pages, where
        ``make(replay)`` gives ``(function, args)`` and ``replay(map_file)`` is the real
        children's replay of a map this page asked for. ``function`` must be a module-level
        function, its arguments and result picklable (`generator.second_process`)."""
        self.asides[key] = make

    def replay(self, map_file: Path, whose: Whose = "real") -> None:
        """Ask for the journeys of the real children (or of the twins) over the map in ``map_file``."""
        self.replays[(str(map_file), whose)] = Path(map_file)
        if whose == "twins":
            self.wants_twins = True

    def twins(self, compared: bool = False) -> None:
        """Ask for the synthetic twins of the data (`generator.synth.twins`), and with
        ``compared`` for their `generator.synth.fidelity.TwinFigures` too."""
        self.wants_twins = True
        self.wants_twin_figures = self.wants_twin_figures or compared

    def links(self, windows: LinkWindows) -> None:
        """Ask for the front-door episodes linked with ``windows``."""
        self.linked.add(windows)

    def animate(self, map_file: Path, spans: list[tuple]) -> None:
        """Declare that a page animates ``map_file`` over ``spans`` ((start, end) pairs)."""
        self.animated.setdefault(str(map_file), []).extend(spans)


@dataclass(frozen=True)
class Products:
    """What the build computed once for the pages that declared a need for it."""

    replays: Mapping[tuple[str, Whose], Any] = field(default_factory=dict)  # generator.pathway.replay.Journeys
    links: Mapping[LinkWindows, FrontDoorLinks] = field(default_factory=dict)
    #: The synthetic twins, or the future of them while another process still samples them
    #: (`generator.products`): the first page to read `twins` waits for them.
    #: With ``Plan.twins(compared=True)`` the future (or the pair) is of the twins and their
    #: `generator.synth.fidelity.TwinFigures`.
    twins_source: EventLog | Future | tuple | None = None
    #: The futures of the computations asked for with `Plan.aside`, by key.
    asides: Mapping[str, Future] = field(default_factory=dict)

    @property
    def twins(self) -> EventLog | None:
        """The synthetic twins, when a page asked for them (`Plan.twins`)."""
        if isinstance(self.twins_source, Future):
            object.__setattr__(self, "twins_source", self.twins_source.result())
        return self.twins_source[0] if isinstance(self.twins_source, tuple) else self.twins_source

    @property
    def twin_figures(self):
        """The twins' `generator.synth.fidelity.TwinFigures` made where they were sampled, or
        None (not asked for, or the twins were moved since)."""
        self.twins  # noqa: B018 - waits for the second process
        return self.twins_source[1] if isinstance(self.twins_source, tuple) else None


@dataclass(frozen=True)
class PageContext:
    """Everything a page may read while it renders. Built once per report, frozen."""

    report: Any  # generator.config.Report
    log: EventLog
    period: Period
    annotations: tuple[Annotation, ...]
    metrics: Mapping[str, Any]  # headline figures as computed (the privacy stage publishes them)
    findings: tuple = ()  # every quality finding, the products' included
    report_dir: Path | None = None
    inputs: tuple = ()  # generator.ingest.InputFile, for 'data sources'
    audience: str = "internal"
    products: Products = field(default_factory=Products)
    #: Inputs that are not events (`generator.ingest.Tables`): population estimates, when the
    #: data holds them.
    tables: Tables = field(default_factory=Tables)
    #: Pages of the report left out because these data hold none of the events they measure:
    #: (title, what they need), for the overview's note (`PageKind.for_data`).
    left_out: tuple[tuple[str, str], ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "metrics", MappingProxyType(dict(self.metrics)))

    @property
    def public(self) -> bool:
        """Whether the report is for the public (every number passes the privacy stage)."""
        return self.audience == "public"

    @property
    def twins(self) -> EventLog | None:
        return self.products.twins

    def replay(self, map_file: Path, whose: Whose = "real"):
        """The journeys declared with `Plan.replay`."""
        key = (str(map_file), whose)
        if key not in self.products.replays:
            raise LookupError(f"the page did not ask for the replay {key} in prepare()")
        return self.products.replays[key]

    def aside(self, key: str):
        """The result of the computation asked for with `Plan.aside` (waiting for it)."""
        if key not in self.products.asides:
            raise LookupError(f"the page did not ask for the computation {key!r} in prepare()")
        return self.products.asides[key].result()

    def links(self, windows: LinkWindows) -> FrontDoorLinks:
        """The linked front-door episodes declared with `Plan.links`."""
        if windows not in self.products.links:
            raise LookupError(f"the page did not ask for front-door links {windows} in prepare()")
        return self.products.links[windows]


@dataclass
class RenderedPage:
    """A page's content, ready for the privacy stage and then the site.

    ``template`` is a file in site_templates/; ``context`` its variables (autoescaped), in
    which counts, tables and headline figures are `generator.published` markers; ``charts``
    are embedded and drawn by report.js; ``data_scripts`` maps a file name under
    ``build/data/`` to a JavaScript text that assigns a global (loaded with <script src>);
    ``downloads`` maps a CSV name (no extension) to a table, beside each chart's own CSV.
    """

    template: str
    context: dict = field(default_factory=dict)
    charts: list[Chart] = field(default_factory=list)
    data_scripts: dict[str, str] = field(default_factory=dict)
    downloads: dict[str, Table] = field(default_factory=dict)
    scripts: list[str] = field(default_factory=list)  # extra assets, e.g. "player.js"


class PageKind:
    """Base of page kinds. Subclasses set `kind` and `Options`, and implement `render`.

    Optional hooks, with their defaults here:

    * ``prepare(options, plan)``: declare the products the page needs (default: none).
    * ``shows_numbers``: whether the page publishes figures (the overview's and markdown's
      templates state what they show themselves).
    * ``measures``: the events the page measures. The build leaves a page out of the report
      (navigation and print document both) when the data holds none of them, and the overview
      says so; an empty set (the default) means the page shows whatever the data holds.
    * ``for_data(options, held)``: the options narrowed to what the data holds (a trends page's
      events, a workload page's stages), or None to leave the page out.
    """

    kind: ClassVar[str]
    Options: ClassVar[type[PageOptions]]
    #: Which question of the report the page answers, for the navigation: "report" (the
    #: overview and pages about the report), "front_door", "protection", "care", "proceedings"
    #: or "quality" (generator/site/assemble.py NAV_GROUPS names and orders them).
    group: ClassVar[str] = "report"
    measures: ClassVar[frozenset[str]] = frozenset()

    def needs(self, options: PageOptions) -> frozenset[str]:
        """The events this page measures with these options (default: `measures`)."""
        return self.measures

    def for_data(self, options: PageOptions, held: frozenset[str]) -> PageOptions | None:
        """These options, or None when the data holds none of the events the page measures."""
        needs = self.needs(options)
        return options if not needs or needs & held else None

    def prepare(self, options: PageOptions, plan: Plan) -> None:
        """Declare what this page needs from the shared products; the default needs none."""

    def render(self, options: PageOptions, ctx: PageContext) -> RenderedPage:
        raise NotImplementedError
