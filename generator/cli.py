"""The command line. The only place exceptions become messages and exit codes.

Exit codes: 0 success; 2 the user's input is wrong (the message names the file, the row or
key, the problem and the fix); 1 a bug (a traceback, which we want to hear about).
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from pathlib import Path

from generator.words import counted
from generator import __version__
from generator.errors import InputError
from generator.progress import terminal_text

EXIT_OK, EXIT_BUG, EXIT_INPUT = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="carejourneys", description="Children's social care journeys as a self-contained visual report.")
    parser.add_argument("--version", action="version", version=f"carejourneys {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = commands.add_parser("build", help="build the report into a static site")
    build.add_argument("report", nargs="?", type=Path, help="report.yaml (default: content/report.yaml)")
    build.add_argument("--data", type=Path, help="a data file or folder that replaces the report's sources")
    build.add_argument("--out", type=Path, default=Path("build"), help="output folder (default: build/)")
    build.add_argument("--audience", choices=["internal", "public"], help="overrides report.yaml's audience")
    build.add_argument("--single-file", action="store_true", help="each page one HTML file with everything inlined")
    build.add_argument("--zip", action="store_true", help="also write the build as <out>/<slug>.zip")
    for command in (build,):
        command.add_argument("-q", "--quiet", action="store_true", help="no progress output")
        command.add_argument("--debug", action="store_true", help="show tracebacks for input errors too")

    validate = commands.add_parser("validate", help="check the data and report.yaml; exit 2 on errors")
    validate.add_argument("report", nargs="?", type=Path)
    validate.add_argument("--data", type=Path)
    validate.add_argument("-q", "--quiet", action="store_true")
    validate.add_argument("--debug", action="store_true")

    synth = commands.add_parser("synth", help="make synthetic data")
    synth_kinds = synth.add_subparsers(dest="synth_kind", metavar="KIND")
    demo = synth_kinds.add_parser("demo", help="the demo county's front door, 2014-2018 (with its court proceedings "
                                               "list and person list)")
    demo.add_argument("--children", type=int, default=25_000)
    demo.add_argument("--seed", type=int, default=2018)
    demo.add_argument("--out", type=Path, required=True)
    demo.add_argument("--file-type", choices=["csv", "parquet"], default="csv", help="table file type (default csv)")
    demo.add_argument("--format", choices=["events", "903", "903_xml", "cin", "annex_a"], default="events",
                      help="write a tidy event log (default), SSDA903 returns (CSV or XML), CIN census XML or an "
                           "Annex A workbook")
    demo.add_argument("--history", action="store_true",
                      help="also write a 903 history from 2002 before the extract (1,002 more children in care; "
                           "for the longitudinal pages)")
    demo.add_argument("-q", "--quiet", action="store_true")
    demo.add_argument("--debug", action="store_true")

    court = synth_kinds.add_parser("court", help="care proceedings of several synthetic LAs in several DFJ areas")
    court.add_argument("--las", type=int, default=12, help="number of LAs (default 12)")
    court.add_argument("--per-year", type=int, default=30, help="children's final orders per LA per year (default 30)")
    court.add_argument("--seed", type=int, default=2019)
    court.add_argument("--out", type=Path, required=True, help="the folder to write one subfolder per LA to")
    court.add_argument("-q", "--quiet", action="store_true")
    court.add_argument("--debug", action="store_true")

    like = synth_kinds.add_parser("like", help="synthetic twins of your data: its shape, nobody in it")
    like.add_argument("--data", type=Path, required=True, help="the real data: a file or folder, any format carejourneys reads")
    like.add_argument("--out", type=Path, required=True, help="the folder to write the tidy events and children to")
    like.add_argument("--seed", type=int, default=2018)
    like.add_argument("--file-type", choices=["csv", "parquet"], default="csv", help="table file type (default csv)")
    like.add_argument("-q", "--quiet", action="store_true")
    like.add_argument("--debug", action="store_true")

    pdf = commands.add_parser("pdf", help="print a built report to one PDF with Chromium")
    pdf.add_argument("build", nargs="?", type=Path, default=Path("build"), help="the build folder (default build/)")
    pdf.add_argument("--pdf", type=Path, help="the PDF to write (default <build>/<slug>.pdf)")
    pdf.add_argument("--debug", action="store_true")

    init = commands.add_parser("init", help="start a report for your own data in a new folder")
    init.add_argument("folder", type=Path)
    init.add_argument("--data", type=Path, help="your data: report.yaml is written from what it holds and reads it in place")
    init.add_argument("--debug", action="store_true")

    commands.add_parser("schema", help="print the JSON Schema of report.yaml")
    return parser


def _build(args) -> int:
    from generator.build import build_report
    from generator.progress import Progress

    progress = Progress(quiet=args.quiet)
    result = build_report(args.report, args.out, data=args.data, audience=args.audience, progress=progress,
                          single_file=args.single_file, zip_archive=args.zip)
    progress.say(f"Built {counted(len(result.pages), 'page')} and {counted(result.charts, 'chart')} in {result.out_dir}/ "
                 f"- open {result.out_dir / 'index.html'} in a browser.")
    return EXIT_OK


def _not_yet(option: str):
    from generator.errors import Problem

    return Problem("command line", option, "is not available in this version", "build without it")


def _validate(args) -> int:
    from generator.inputs import load
    from generator.progress import Progress

    loaded = load(args.report, args.data, Progress(quiet=args.quiet))
    errors = 0
    for finding in loaded.findings:
        errors += finding.severity == "error"
        # The action follows as its own clause: "...; merged: the copy from the latest return is kept".
        print(terminal_text(f"{finding.severity}: {finding.check}: {counted(finding.count, 'row')}: {finding.message}; "
                            f"{finding.action}"))
        for example in finding.examples:
            print(terminal_text(f"    e.g. {example}"))
    print(f"{len(loaded.log.events):,} events for {len(loaded.log.children):,} children; "
          f"{counted(errors, 'error')}, {counted(sum(f.severity == 'warning' for f in loaded.findings), 'warning')}.")
    return EXIT_INPUT if errors else EXIT_OK


def _synth(args) -> int:
    from generator.ingest.tidy import write_tidy
    from generator.progress import Progress
    from generator.eventlog import EventLog
    from generator.synth.demo import HISTORY_FILES, POPULATION_FILE, generate_demo, generate_demo_history

    if args.synth_kind == "like":
        return _synth_like(args)
    if args.synth_kind == "court":
        return _synth_court(args)
    if args.synth_kind != "demo":
        raise InputError(_not_yet(f"synth {args.synth_kind or ''}".strip()))
    if args.children < 1:
        from generator.errors import Problem

        raise InputError(Problem("command line", "--children", f"must be at least 1, got {args.children}", "give a positive number"))
    progress = Progress(quiet=args.quiet)
    with progress.step(f"Simulating {args.children:,} children"):
        log = generate_demo(children=args.children, seed=args.seed)
    with progress.step("Simulating the 903 history before the extract"):
        history, population = generate_demo_history(log, seed=args.seed)
    if not args.history:
        # The front door's extract alone; the history still sizes the population estimates.
        history_written = EventLog()
    else:
        history_written = history
    if args.format == "events":
        # The extract and its history in files of their own: the extract's are what
        # generate_demo() returns (tests/test_demo_calibration.py holds them so).
        # (the history first: write_tidy names its files events.* and children.*)
        paths = [] if not args.history else [
            path.replace(path.with_name(f"{name}{path.suffix}"))
            for name, path in zip(HISTORY_FILES, write_tidy(history, args.out, args.file_type))]
        paths = write_tidy(log, args.out, args.file_type) + paths
        paths += _write_legal(log, args)[0]
    else:
        from generator.export import WRITERS

        written = log.concat(history_written) if args.history else log
        if args.format == "cin":
            # The court pages' tables too, the assessment factors inside the census (an own-data
            # CIN build shows the problem profiles from its census, as an LA's would).
            from generator.export.cin_census import write_cin
            from generator.synth.demo_court import factors_at_assessments

            args.out.mkdir(parents=True, exist_ok=True)
            legal_paths, factors = _write_legal(log, args, factors_file=False)
            on_assessments = factors_at_assessments(factors, written.events) if factors is not None else None
            paths = write_cin(written, args.out, factors=on_assessments) + legal_paths
        else:
            paths = WRITERS[args.format](written, args.out)
    population.to_csv(args.out / POPULATION_FILE, index=False, lineterminator="\n")
    paths.append(args.out / POPULATION_FILE)
    total = len(log.events) + len(history_written.events)
    progress.say(f"Wrote {total:,} events for {len(log.children) + len(history_written.children):,} children, "
                 f"the population estimates and the court proceedings: {', '.join(map(str, paths))}")
    return EXIT_OK


def _synth_court(args) -> int:
    from generator.errors import Problem
    from generator.progress import Progress
    from generator.synth.court_areas import write_court_areas

    for option, value in (("--las", args.las), ("--per-year", args.per_year)):
        if value < 1:
            raise InputError(Problem("command line", option, f"must be at least 1, got {value}", "give a positive number"))
    progress = Progress(quiet=args.quiet)
    with progress.step(f"Simulating care proceedings in {args.las} LAs"):
        paths = write_court_areas(args.out, las=args.las, per_year=args.per_year, seed=args.seed)
    progress.say(f"Wrote {len(paths)} files to {args.out}/: one folder per LA (proceedings, events, children, "
                 "assessment factors) and area_aggregates.csv")
    return EXIT_OK


def _write_legal(log, args, factors_file: bool = True) -> tuple[list, object]:
    """The demo's court proceedings list and person list (`generator.synth.proceedings.demo_legal`),
    from a generator of their own, with the children's assessment factors and the area aggregates
    (`generator.synth.demo_court`). The proceedings list is a CSV, as a legal department exports
    its spreadsheet (its rows are numbered as the reader numbers them); the person list takes
    the file type asked for. Returns the paths and the factors drawn (None without proceedings);
    the factors file is written only when ``factors_file``."""
    import numpy as np

    from generator.synth.demo import DEMO_END, DEMO_LA
    from generator.synth.demo_court import write_demo_court
    from generator.synth.proceedings import LEGAL_FILES, PROCEEDINGS_STREAM, demo_legal

    legal = demo_legal(log, np.random.default_rng([args.seed, PROCEEDINGS_STREAM]), DEMO_END)
    if legal.proceedings.empty:  # a demo too small for any proceedings: no list to link
        return [], None
    proceedings = args.out / f"{LEGAL_FILES[0]}.csv"
    legal.proceedings.to_csv(proceedings, index=False, lineterminator="\n")
    persons = args.out / f"{LEGAL_FILES[1]}.{args.file_type}"
    if args.file_type == "parquet":
        legal.persons.to_parquet(persons, index=False)
    else:
        legal.persons.to_csv(persons, index=False, date_format="%Y-%m-%d", lineterminator="\n")
    # The court pages' tables for the same children, from generators of their own.
    court, factors = write_demo_court(args.out, legal.proceedings, legal.truth, args.seed, DEMO_LA, DEMO_END,
                                      factors_file=factors_file)
    return [proceedings, persons, *court], factors


def _synth_like(args) -> int:
    from generator.ingest import read_sources
    from generator.ingest.tidy import write_tidy
    from generator.progress import Progress
    from generator.synth.twins import synthetic_twins

    progress = Progress(quiet=args.quiet)
    with progress.step(f"Reading {args.data}"):
        log, _, _ = read_sources([args.data])
    if log.events.empty:
        from generator.errors import Problem

        raise InputError(Problem(str(args.data), "", "holds no events", "point --data at an export with events"))
    with progress.step(f"Fitting and sampling twins of {log.children['child_id'].nunique():,} children"):
        twins = synthetic_twins(log, seed=args.seed)
    paths = write_tidy(twins, args.out, args.file_type)
    progress.say(f"Wrote {len(twins.events):,} synthetic events for {len(twins.children):,} children "
                 f"(from {len(log.events):,} real events): {', '.join(map(str, paths))}")
    return EXIT_OK


def _pdf(args) -> int:
    from generator.pdf import print_pdf

    target = args.pdf
    if target is None:
        manifest = json.loads((args.build / "manifest.json").read_text(encoding="utf-8")) if (args.build / "manifest.json").is_file() else {}
        target = args.build / f"{manifest.get('slug', 'report')}.pdf"
    print(terminal_text(f"Wrote {print_pdf(args.build, target)}"))
    return EXIT_OK


def _init(args) -> int:
    from generator.scaffold import scaffold

    written = scaffold(args.folder, data=args.data)
    print(terminal_text(f"Started a report in {args.folder}/:"))
    for path in written:
        print(terminal_text(f"  {path}"))
    if args.data is None:
        print(terminal_text(f"Put your files in {args.folder / 'data'}/ and run: carejourneys build {args.folder / 'report.yaml'}"))
    else:
        print(terminal_text(f"Run: carejourneys build {args.folder / 'report.yaml'}"))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: sys.argv); return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_INPUT
    if args.command == "schema":
        from generator.config import json_schema

        print(json.dumps(json_schema(), indent=2, sort_keys=True))
        return EXIT_OK
    handler = {"build": _build, "validate": _validate, "synth": _synth, "pdf": _pdf, "init": _init}[args.command]
    try:
        return handler(args)
    except InputError as error:
        if getattr(args, "debug", False):
            traceback.print_exc()
        count = len(error.problems)
        print(f"carejourneys: {count} problem{'s' if count != 1 else ''} with the input:", file=sys.stderr)
        for problem in error.problems:
            print(terminal_text(f"  {problem}"), file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("carejourneys: interrupted; the previous build is untouched.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
