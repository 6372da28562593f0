"""The build: report.yaml and data in, a static site out. The one orchestrator.

config -> ingest -> EventLog -> quality -> analyses (per page) -> privacy -> site -> build/.
Each stage raises InputError with every problem it found; the CLI turns that into exit 2.

Public builds also sample synthetic twins of the data (the map animates them, never the
real children) and end with the output audit: any identifier, date of birth, postcode,
small count or real journey found in the files about to be written fails the build, and
nothing is written. Internal builds of a report marked ``shared: true`` get the same audit
as warnings.
"""

from __future__ import annotations

import datetime as dt
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
from generator.privacy.audit import audit_site, secrets_of
from generator.privacy.journeys import RealJourneys, keep_twins_off_real_journeys, period_days
from generator.privacy.pseudonymise import key_from_environment, pseudonymise_log
from generator.progress import Progress
from generator.quality import Finding, check_event_log
from generator.resources import default_report
from generator.safepaths import inside_report
from generator.site.archive import zip_site
from generator.site.assemble import assemble
from generator.site.single_file import single_file_site
from generator.site.writer import claim_target, write_site


#: Twins are the same for every build of the same data (DESIGN.md: builds are deterministic).
TWIN_SEED = 2018
#: A shared internal report's audit warnings printed before "... and N more".
SHARED_WARNINGS_SHOWN = 10


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
        sources, problems = [], []
        for i, source in enumerate(report.sources):
            try:
                sources.append(inside_report(report_path.parent, source.path, str(report_path), f"sources[{i}].path"))
            except InputError as error:
                problems += error.problems
        if problems:
            raise InputError(problems)
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
        raise InputError([Problem(f.source or "data", f.check, f"{f.count} row(s): {f.message}", "fix the data and build again")
                          for f in errors])

    period = (
        Period.of(report.period.start, report.period.end)
        if report.period
        else Period.of(log.first_date, log.last_date)
    )
    privacy = Privacy(audience or report.audience)
    raw_log, findings = log, list(loaded.findings)
    if report.pseudonymise is not None:
        key = key_from_environment(report.pseudonymise.key_env, str(loaded.report_path))
        with progress.step("Pseudonymising ids"):
            log, findings = pseudonymise_log(log, findings, key)
    annotations = [Annotation(pd.Timestamp(a.date), a.label) for a in report.annotations]
    with progress.step("Computing headline figures"):
        metrics = privacy.metrics(headline_metrics(log, period, annotations))
    twins, real_journeys = _twins(report, log, period, privacy, loaded.report_path.parent, progress)
    ctx = PageContext(
        report=report,
        log=log,
        period=period,
        annotations=annotations,
        metrics=metrics,
        findings=findings,
        report_dir=loaded.report_path.parent,
        inputs=loaded.inputs,
        privacy=privacy,
        twins=twins,
    )
    rendered = []
    for options in report.pages:
        with progress.step(f"Building page '{options.title}'"):
            rendered.append((options, PAGE_KINDS[options.kind]().build(options, ctx)))
    with progress.step("Assembling the site"):
        files = assemble(
            report, rendered, period=period, metrics=metrics, inputs=loaded.inputs, privacy=privacy,
            log_counts={"children": int(log.children["child_id"].nunique()), "events": int(len(log.events))},
        )
    if privacy.public or report.shared:
        with progress.step("Auditing the output"):
            dates = [period.start, period.end] + _dates_in(report.model_dump())
            logs = (raw_log, log) if privacy.public and log is not raw_log else (raw_log,)
            problems = audit_site(files, secrets_of(*logs, report_dates=dates, journeys=real_journeys),
                                  public=privacy.public)
        if problems and privacy.public:
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
        write_site(out_dir, files)
    return BuildResult(out_dir, [o.slug for o, _ in rendered], sum(len(p.charts) for _, p in rendered), metrics, ctx.findings)


def _twins(report, log: EventLog, period: Period, privacy: Privacy, report_dir: Path, progress: Progress):
    """Synthetic twins for public reports and pages that ask for them, kept off every real
    journey on the maps the report animates; and those maps' real journeys, for the audit.

    A page kind declares what it animates with ``animated_journeys(options, report_dir,
    period)``: (ProcessMap, [(start, end), ...]) pairs.
    """
    kinds = [(options, PAGE_KINDS[options.kind]) for options in report.pages]
    if not (privacy.public or any(getattr(kind, "needs_twins", False) for _, kind in kinds)):
        return None, {}
    from generator.journeys import build_journeys
    from generator.synth.twins import synthetic_twins

    with progress.step("Sampling synthetic twins"):
        twins = synthetic_twins(log, seed=TWIN_SEED)
    real: dict = {}
    periods: set[tuple[int, int]] = {period_days(period)}
    for options, kind in kinds:
        animated = getattr(kind, "animated_journeys", None)
        if animated is None:
            continue
        for pmap, spans in animated(options, report_dir, period):
            real.setdefault(tuple(pmap.station_ids), (pmap, RealJourneys(build_journeys(log, pmap))))
            periods.update(period_days(Period.of(a, b)) for a, b in spans)
    if privacy.public and real:
        with progress.step("Keeping twins off real journeys"):
            for first, last in sorted(periods):
                twins, _ = keep_twins_off_real_journeys(twins, real, first, last, seed=TWIN_SEED + first)
    return twins, {key: reals for key, (_, reals) in real.items()}


def _dates_in(value) -> list:
    """Every date written in report.yaml (annotations, compared periods): public knowledge,
    never taken for a child's date of birth by the audit."""
    if isinstance(value, dict):
        return [d for v in value.values() for d in _dates_in(v)]
    if isinstance(value, (list, tuple)):
        return [d for v in value for d in _dates_in(v)]
    return [value] if isinstance(value, (dt.date, pd.Timestamp)) else []
