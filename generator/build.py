"""The build: report.yaml and data in, a static site out. The one orchestrator.

The stages run one way (DESIGN.md):

    config -> ingest -> EventLog -> quality -> prepare (each page declares its needs)
    -> shared products, computed once (`generator.products`: linked episodes, each map's
       replay, twins) -> render (each page, on a frozen context)
    -> privacy (`generator.privacy.publish`, one stage) -> site -> audit -> build/.

Each stage raises InputError with every problem it found; the CLI turns that into exit 2.
Every finding exists before the first page renders, so every page shows the same totals.

Public builds animate synthetic twins (never the real children) and end with the output
audit: any identifier, date of birth, postcode, small count or real journey found in the
files about to be written fails the build, and nothing is written. Internal builds of a
report marked ``shared: true`` get the same audit as warnings.
"""

from __future__ import annotations

import datetime as dt
import dataclasses
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from generator.words import counted
from generator.analyses.front_door import LinkWindows
from generator.analyses.headline import headline_metrics
from generator.analyses.period import Period
from generator.errors import InputError, Problem
from generator.eventlog import EventLog
from generator.ingest import Tables
from generator.inputs import load
from generator.pages import PAGE_KINDS
from generator.charts import unchecked_while_built
from generator.pages.base import Annotation, PageContext, Plan
from generator.privacy.audit import audit_site, legal_secrets, secrets_of
from generator.privacy.publish import audit_report, charts_as_published, publish_report, small_group_problems
from generator.privacy.pseudonymise import key_from_environment, pseudonymise_legal, pseudonymise_log
from generator.products import compute_products, real_journeys_by_stations
from generator.progress import Progress
from generator.quality import Finding
from generator.site.archive import zip_site
from generator.site.assemble import assemble
from generator.site.single_file import single_file_site
from generator.site.static_charts import StaticDrawings
from generator.site.writer import claim_target, write_site


#: A shared internal report's audit warnings printed before "... and N more".
SHARED_WARNINGS_SHOWN = 10


@dataclass
class BuildResult:
    out_dir: Path
    pages: list[str]
    charts: int
    metrics: dict
    findings: list[Finding]


def build_report(
    report_path: Path | None = None,
    out_dir: Path = Path("build"),
    data: Path | None = None,
    audience: str | None = None,
    progress: Progress | None = None,
    single_file: bool = False,
    zip_archive: bool = False,
) -> BuildResult:
    """Build the report into ``out_dir`` atomically; see DESIGN.md for what is written.

    ``out_dir`` is checked (writable, room for a build) and claimed before any work: a second
    build to the same folder meanwhile exits 2 (generator.site.writer.claim_target).
    """
    out_dir = Path(out_dir)
    with claim_target(out_dir):
        return _build_claimed(report_path, out_dir, data, audience, progress, single_file, zip_archive)


def _build_claimed(report_path, out_dir: Path, data, audience, progress, single_file: bool, zip_archive: bool) -> BuildResult:
    progress = progress or Progress(quiet=True)
    loaded = load(report_path, data, progress)
    report, log = loaded.report, loaded.log
    errors = [f for f in loaded.findings if f.severity == "error"]
    if errors:
        raise InputError([Problem(f.source or "data", f.check, f"{counted(f.count, 'row')}: {f.message}", "fix the data and build again")
                          for f in errors])

    period = (
        Period.of(report.period.start, report.period.end)
        if report.period
        else Period.of(log.first_date, log.last_date)
    )
    audience = audience or report.audience
    public = audience == "public"
    report_dir = loaded.report_path.parent
    raw_log, findings, tables = log, list(loaded.findings), loaded.tables
    if report.pseudonymise is not None:
        key = key_from_environment(report.pseudonymise.key_env, str(loaded.report_path))
        with progress.step("Pseudonymising ids"):
            log, findings = pseudonymise_log(log, findings, key)
            # The legal tables' child ids too, or no proceedings row would join its child.
            tables = dataclasses.replace(tables, legal=pseudonymise_legal(tables.legal, key))
    if public and small_group_problems(report.pages):
        raise InputError(small_group_problems(report.pages))
    annotations = tuple(Annotation(pd.Timestamp(a.date), a.label) for a in report.annotations)
    page_options, left_out = pages_for_data(report.pages, log)

    # Each page's charts are drawn as static SVGs while the next pages are computed, where they
    # are known before every page is published (an internal report's).
    drawings = StaticDrawings()

    def draw_early(ctx: PageContext, page) -> None:
        for chart in charts_as_published(page, dict(ctx.metrics), audience) or ():
            drawings.draw(chart.spec)

    try:
        ctx, rendered = render_pages(page_options, report=report, log=log, period=period, annotations=annotations,
                                     report_dir=report_dir, audience=audience, findings=findings,
                                     inputs=loaded.inputs, tables=tables, progress=progress, left_out=left_out,
                                     on_rendered=draw_early)
        metrics = dict(ctx.metrics)
        with progress.step("Publishing"):
            publication = publish_report(rendered, metrics, audience)
            published, shown_metrics = publication.pages, publication.metrics
        with progress.step("Assembling the site"):
            files = assemble(
                report, published, period=period, metrics=shown_metrics, audience=audience,
                inputs=[] if public else loaded.inputs,  # file names can name people or places: internal only
                log_counts={"children": int(log.children["child_id"].nunique()), "events": int(len(log.events))},
                groups={options.slug: PAGE_KINDS[options.kind].group for options, _ in published},
                drawings=drawings,
            )
    finally:
        drawings.close()
    products = ctx.products
    if public or report.shared:
        with progress.step("Auditing the output"):
            dates = [period.start, period.end] + _dates_in(report.model_dump())
            logs = (raw_log, log) if public and log is not raw_log else (raw_log,)
            secrets = secrets_of(*logs, report_dates=dates, journeys=real_journeys_by_stations(products))
            secrets = legal_secrets(secrets, loaded.tables.legal)
            problems = audit_site(files, secrets, public=public)
            if public:  # the attacker's audit: differencing and words (generator.privacy.differencing)
                problems += audit_report(publication)
        if problems and public:
            raise InputError(problems)
        for problem in problems[:SHARED_WARNINGS_SHOWN]:
            progress.warn(f"(shared report) {problem.file}: {problem.where}: {problem.message}")
        if len(problems) > SHARED_WARNINGS_SHOWN:
            progress.warn(f"(shared report) ... and {len(problems) - SHARED_WARNINGS_SHOWN} more; "
                         "pseudonymise ids (report.yaml `pseudonymise:`) before sharing")
    with progress.step("Writing the site"):
        if single_file:
            files = single_file_site(files)
        if zip_archive:
            files[f"{report.slug}.zip"] = zip_site(files, report.slug)
        previous_pdf = _previous_pdf(out_dir)
        write_site(out_dir, files)
    if previous_pdf is not None:
        _print_again(out_dir, report.slug, previous_pdf, progress)
    return BuildResult(out_dir, [o.slug for o, _ in rendered], sum(len(p.charts) for _, p in rendered), shown_metrics,
                       list(ctx.findings))


def _previous_pdf(out_dir: Path) -> tuple[Path, bytes] | None:
    """The PDF `carejourneys pdf` wrote into the previous build (``<slug>.pdf``), if any."""
    import json

    from generator.build_folder import MANIFEST, is_previous_build

    if not is_previous_build(out_dir):
        return None
    try:
        slug = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8")).get("slug", "report")
        pdf = out_dir / f"{slug}.pdf"
        return (pdf, pdf.read_bytes()) if pdf.is_file() else None
    except (OSError, ValueError):
        return None


def _print_again(out_dir: Path, slug: str, previous: tuple[Path, bytes], progress: Progress) -> None:
    """A build replaces its folder whole; an analyst who printed the report once expects the
    PDF beside it to stay, and to be of the report now there: so it is printed again. Where it
    cannot be (no Chromium, a single-file build), the old PDF is kept under a name that says
    it is of the previous build, never as the current one."""
    from generator.pdf import print_pdf

    target = out_dir / f"{slug}.pdf"
    try:
        with progress.step(f"Printing {target.name} again (the previous build had one)"):
            print_pdf(out_dir, target)
    except (InputError, RuntimeError, OSError, subprocess.SubprocessError) as error:
        kept = out_dir / f"{slug}-previous-build.pdf"
        kept.write_bytes(previous[1])
        reason = error.problems[0].message if isinstance(error, InputError) else str(error)[:200]
        progress.warn(f"{target.name} could not be printed again ({reason}); the previous build's PDF is kept as "
                      f"{kept.name}: run `carejourneys pdf {out_dir}` to print this build")


def pages_for_data(page_options: list, log: EventLog) -> tuple[list, tuple[tuple[str, str], ...]]:
    """The report's pages as these data can fill them, and those left out with what they need.

    Each page kind says what it measures (`PageKind.for_data`): a page whose events the data
    never records is left out of the report (its navigation and print document), a page that
    measures several events keeps those the data holds. The first page (the overview) stays.
    """
    from generator.analyses.coverage import events_held

    held = events_held(log)
    kept, left_out = [], []
    for i, options in enumerate(page_options):
        kind = PAGE_KINDS[options.kind]()
        narrowed = options if i == 0 else kind.for_data(options, held)
        if narrowed is None:
            needs = ", ".join(sorted(kind.needs(options)))
            left_out.append((options.title, f"measures {needs}, which these data do not record"))
        else:
            kept.append(narrowed)
    return kept, tuple(left_out)


def render_pages(page_options: list, *, report=None, log: EventLog, period: Period, annotations=(),
                 report_dir: Path | None = None, audience: str = "internal", findings=(), inputs=(),
                 tables: Tables | None = None, progress: Progress | None = None,
                 left_out: tuple = (), on_rendered=None) -> tuple[PageContext, list]:
    """Prepare every page, compute the shared products once, and render every page
    (``on_rendered(ctx, page)`` is called with each `RenderedPage` as soon as it is made).

    Returns the frozen context (its ``metrics`` are the headline figures as computed, its
    ``findings`` every finding, the replays' included) and the rendered pages, in order:
    [(options, RenderedPage)]. Nothing here is published yet (`generator.privacy.publish`).
    """
    progress = progress or Progress(quiet=True)
    pages = [(options, PAGE_KINDS[options.kind]()) for options in page_options]
    tables = tables if tables is not None else Tables()
    plan = Plan(report=report, log=log, period=period, report_dir=Path(report_dir or "."), public=audience == "public",
                tables=tables)
    plan.links(LinkWindows())  # the headline figures
    for options, page in pages:
        page.prepare(options, plan)
    products, replay_findings = compute_products(plan, progress)
    with progress.step("Computing headline figures"):
        metrics = headline_metrics(log, period, list(annotations), links=products.links[LinkWindows()])
    ctx = PageContext(report=report, log=log, period=period, annotations=tuple(annotations), metrics=metrics,
                      findings=tuple(findings) + tuple(replay_findings), report_dir=report_dir, inputs=tuple(inputs),
                      audience=audience, products=products, tables=tables, left_out=tuple(left_out))
    rendered = []
    with unchecked_while_built():
        for options, page in pages:
            with progress.step(f"Building page '{options.title}'"):
                rendered.append((options, page.render(options, ctx)))
            if on_rendered is not None:
                on_rendered(ctx, rendered[-1][1])
    return ctx, rendered


def _dates_in(value) -> list:
    """Every date written in report.yaml (annotations, compared periods): public knowledge,
    never taken for a child's date of birth by the audit."""
    if isinstance(value, dict):
        return [d for v in value.values() for d in _dates_in(v)]
    if isinstance(value, (list, tuple)):
        return [d for v in value for d in _dates_in(v)]
    return [value] if isinstance(value, (dt.date, pd.Timestamp)) else []
