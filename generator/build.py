"""The build: report.yaml and data in, a static site out. The one orchestrator.

config -> ingest -> EventLog -> quality -> analyses (per page) -> privacy -> site -> build/.
Each stage raises InputError with every problem it found; the CLI turns that into exit 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from generator.analyses.headline import headline_metrics
from generator.analyses.period import Period
from generator.config import Report, load_report
from generator.errors import InputError, Problem
from generator.eventlog import EventLog
from generator.ingest import InputFile, read_sources
from generator.pages import PAGE_KINDS
from generator.pages.base import Annotation, PageContext
from generator.privacy import Privacy
from generator.progress import Progress
from generator.quality import Finding, check_event_log
from generator.resources import default_report
from generator.site.archive import zip_site
from generator.site.assemble import assemble
from generator.site.single_file import single_file_site
from generator.site.writer import check_target, write_site


@dataclass
class BuildResult:
    out_dir: Path
    pages: list[str]
    charts: int
    metrics: dict
    findings: list[Finding]


@dataclass
class LoadedData:
    report: Report
    report_path: Path
    log: EventLog
    inputs: list[InputFile]
    findings: list[Finding]


def load(report_path: Path | None = None, data: Path | None = None, progress: Progress | None = None) -> LoadedData:
    """Read report.yaml and its data, and run the quality checks (shared by build and validate)."""
    progress = progress or Progress(quiet=True)
    report_path = Path(report_path) if report_path else default_report()
    report = load_report(report_path)
    if data is not None:
        sources = [Path(data)]
    else:
        sources = [report_path.parent / source.path for source in report.sources]
    if not sources:
        raise InputError(Problem(str(report_path), "sources", "names no data", "add `sources: [{path: your/data/folder}]` or pass --data PATH"))
    with progress.step("Reading data"):
        log, inputs, read_findings = read_sources(sources)
    if log.events.empty:
        raise InputError(Problem(", ".join(map(str, sources)), "", "holds no events", "check the export"))
    with progress.step("Checking data quality"):
        findings = read_findings + check_event_log(log)
    return LoadedData(report, report_path, log, inputs, findings)


def build_report(
    report_path: Path | None = None,
    out_dir: Path = Path("build"),
    data: Path | None = None,
    audience: str | None = None,
    progress: Progress | None = None,
    single_file: bool = False,
    zip_archive: bool = False,
) -> BuildResult:
    """Build the report into ``out_dir`` atomically; see DESIGN.md for what is written."""
    progress = progress or Progress(quiet=True)
    out_dir = Path(out_dir)
    check_target(out_dir)  # refuse early, before minutes of work
    loaded = load(report_path, data, progress)
    report, log = loaded.report, loaded.log
    errors = [f for f in loaded.findings if f.severity == "error"]
    if errors:
        raise InputError([Problem(f.source or "data", f.check, f"{f.count} row(s): {f.message}", "fix the data and build again")
                          for f in errors])

    period = (
        Period.of(report.period.start, report.period.end)
        if report.period
        else Period.of(log.first_date, log.last_date)
    )
    privacy = Privacy(audience or report.audience)
    annotations = [Annotation(pd.Timestamp(a.date), a.label) for a in report.annotations]
    with progress.step("Computing headline figures"):
        metrics = privacy.metrics(headline_metrics(log, period, annotations))
    ctx = PageContext(
        report=report,
        log=log,
        period=period,
        annotations=annotations,
        metrics=metrics,
        findings=list(loaded.findings),
        report_dir=loaded.report_path.parent,
        inputs=loaded.inputs,
        privacy=privacy,
    )
    rendered = []
    for options in report.pages:
        with progress.step(f"Building page '{options.title}'"):
            rendered.append((options, PAGE_KINDS[options.kind]().build(options, ctx)))
    with progress.step("Writing the site"):
        files = assemble(
            report, rendered, period=period, metrics=metrics, inputs=loaded.inputs, privacy=privacy,
            log_counts={"children": int(log.children["child_id"].nunique()), "events": int(len(log.events))},
        )
        if single_file:
            files = single_file_site(files)
        if zip_archive:
            files[f"{report.slug}.zip"] = zip_site(files, report.slug)
        write_site(out_dir, files)
    return BuildResult(out_dir, [o.slug for o, _ in rendered], sum(len(p.charts) for _, p in rendered), metrics, ctx.findings)
