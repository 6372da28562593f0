"""Reading a report's inputs: report.yaml, its data, and the data-quality checks.

Shared by `carejourneys build` and `carejourneys validate`. `--data FOLDER` without a
report.yaml of the user's gets a report made for that data (`generator.report_for_data`),
never the packaged demo's settings. A report period that holds none of the data's events is
an input error that names the data's span; events outside the period are a finding. Imports no analysis, chart or
statistics library, so validating a report is quick and needs none of them; report.yaml is
checked whole (its files included) before any data is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.config import Report, load_report
from generator.errors import InputError, Problem
from generator.eventlog import EventLog
from generator.ingest import InputFile, Tables, read_inputs
from generator.progress import Progress
from generator.quality import Finding, check_event_log
from generator.resources import default_report, is_packaged_demo, resource_dir
from generator.safepaths import inside_report


@dataclass
class LoadedData:
    report: Report
    report_path: Path
    log: EventLog
    inputs: list[InputFile]
    findings: list[Finding]
    tables: Tables = field(default_factory=Tables)  # inputs that are not events (population estimates)


def load(report_path: Path | None = None, data: Path | None = None, progress: Progress | None = None) -> LoadedData:
    """Read report.yaml and its data, and run the quality checks (shared by build and validate)."""
    progress = progress or Progress(quiet=True)
    explicit = report_path is not None
    report_path = Path(report_path) if report_path else default_report()
    if not explicit and data is not None and is_packaged_demo(report_path):
        return _load_for_data(Path(data), progress)
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
        log, inputs, read_findings, tables = read_inputs(sources)
    if log.events.empty:
        raise InputError(Problem(", ".join(map(str, sources)), "", "holds no events", "check the export"))
    with progress.step("Checking data quality"):
        findings = read_findings + check_event_log(log) + period_findings(report, log, str(report_path))
    return LoadedData(report, report_path, log, inputs, findings, tables)


def _load_for_data(data: Path, progress: Progress) -> LoadedData:
    """The data at ``data`` with the report made for it (maps and pages from the package)."""
    from generator.report_for_data import report_for_data

    with progress.step("Reading data"):
        log, inputs, read_findings, tables = read_inputs([data])
    if log.events.empty:
        raise InputError(Problem(str(data), "", "holds no events", "check the export"))
    report = report_for_data(log, data, tables)
    with progress.step("Checking data quality"):
        findings = read_findings + check_event_log(log) + period_findings(report, log, str(data))
    return LoadedData(report, resource_dir("content") / "report.yaml", log, inputs, findings, tables)


def period_findings(report: Report, log: EventLog, where: str) -> list[Finding]:
    """Events outside the report's period, counted; an error when the period holds none.

    Raises
    ------
    InputError
        The period holds no event: the message gives the data's actual span.
    """
    if report.period is None or log.events.empty:
        return []
    dates = log.events["date"]
    start, end = report.period.start, report.period.end
    before = int((dates.dt.date < start).sum())
    after = int((dates.dt.date > end).sum())
    span = f"{log.first_date:%-d %B %Y} to {log.last_date:%-d %B %Y}"
    if before + after == len(dates):
        raise InputError(Problem(where, "period", f"{start:%-d %B %Y} to {end:%-d %B %Y} holds none of the data's "
                                 f"{len(dates):,} events: the data runs from {span}",
                                 "set `period:` inside the data's span, or leave it out to use the whole span"))
    if not before and not after:
        return []
    # Published on the data-quality page: months only (a day could be somebody's birthday).
    months = f"{log.first_date:%B %Y} to {log.last_date:%B %Y}"
    return [Finding("events outside the period", "info", before + after,
                    f"{before:,} events before {start:%B %Y} and {after:,} after {end:%B %Y} "
                    f"(the data runs from {months})",
                    "kept: events before the period count as history (a referral's previous referral); "
                    "events after it are not counted")]
