"""Reading a report's inputs: report.yaml, its data, and the data-quality checks.

Shared by `carejourneys build` and `carejourneys validate`. Imports no analysis, chart or
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
from generator.resources import default_report
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
        log, inputs, read_findings, tables = read_inputs(sources)
    if log.events.empty:
        raise InputError(Problem(", ".join(map(str, sources)), "", "holds no events", "check the export"))
    with progress.step("Checking data quality"):
        findings = read_findings + check_event_log(log)
    return LoadedData(report, report_path, log, inputs, findings, tables)
