"""A report made for the data given: what `build --data FOLDER` builds without a report.yaml.

The packaged demo's report.yaml describes the demo: its title, its banner ("every child is
simulated"), its Ofsted annotation and its four fixed years. None of that is true of a
council's own returns, so a report without a report.yaml of the user's is written from the
data: the title names the local authority the data names (the CIN census header's LEA, a
tidy children table's `la`, or a subfolder per LA), the period is the data's span cut to whole
calendar months, there are no annotations, and the synthetic banner shows only when every
event says it came from the simulator. The pages are those the data can fill: the front door's
and care's from the events, and the court and longitudinal pages from the inputs beside them
that are not events (`generator.report_for_tables`). `carejourneys init DIR --data FOLDER`
writes the same report as a report.yaml to edit. Reads no analysis library (like
`generator.config`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from generator import report_for_tables as extra
from generator.config import Report
from generator.eventlog import EventLog

#: The simulator's `source` on every event it writes (`generator.synth`).
SYNTHETIC_SOURCE = "synth"
#: Events that make a page of the front door (any of them) or of care.
FRONT_DOOR = ("contact", "referral", "assessment_start", "s47")
CARE = ("lac_start", "lac_end", "legal_status", "placement")


def whole_months(first: pd.Timestamp, last: pd.Timestamp) -> tuple[dt.date, dt.date]:
    """The longest run of whole calendar months inside [first, last]; the span itself when it
    holds no whole month (a data set shorter than a month is still reported, over its days)."""
    first, last = pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize()
    start = first if first.day == 1 else (first + pd.offsets.MonthBegin(1))
    end = last if last.is_month_end else (last - pd.offsets.MonthEnd(1))
    if end <= start:
        return first.date(), last.date()
    return start.date(), end.date()


def authority_of(log: EventLog) -> str | None:
    """The LA (or LAs, joined) the data names; None when it names none."""
    names = [str(n) for n in log.children["la"].dropna().unique() if str(n).strip()]
    if not names:
        return None
    names = sorted(names)
    if len(names) == 1:
        return names[0]
    if len(names) <= 3:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return f"{len(names)} local authorities"


def is_synthetic(log: EventLog) -> bool:
    """Whether every event says the simulator made it."""
    sources = log.events["source"].dropna().astype(str)
    return len(sources) == len(log.events) and len(sources) > 0 and bool(sources.str.startswith(SYNTHETIC_SOURCE).all())


def _slug(text: str) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return (slug or "report")[:60].strip("-") or "report"


def report_settings(log: EventLog, data: Path, tables=None) -> dict:
    """report.yaml's settings for ``log`` read from ``data``, as plain data (see the module).

    Parameters
    ----------
    log : EventLog
        The data's events.
    data : Path
        Where they were read (the report's source).
    tables : generator.ingest.Tables, optional
        The inputs read beside the events that are not events (`generator.ingest.read_inputs`):
        with them the court and longitudinal pages they can fill are added
        (`generator.report_for_tables`); without, the pages of the events alone.

    Returns
    -------
    dict
        report.yaml's keys: title, slug, organisation, synthetic, period, sources,
        annotations, pages.
    """
    from generator.ingest import Tables

    tables = tables if tables is not None else Tables()
    la = authority_of(log)
    start, end = whole_months(log.first_date, log.last_date)
    held = set(log.events["event"].unique())
    front_door = any(e in held for e in FRONT_DOOR)
    care = any(e in held for e in CARE)
    trend_events = [e for e in FRONT_DOOR + CARE if e in held] or [str(log.events["event"].iloc[0])]
    what = "Children's social care journeys" if front_door or not care else "Children looked after"
    pages = [
        {"kind": "overview", "slug": "index", "title": "Overview"},
        {"kind": "pathway_map", "slug": "pathway", "title": "Pathway map"},
        {"kind": "trends", "slug": "activity", "title": "Activity over time", "events": trend_events},
        {"kind": "flows", "slug": "flows", "title": "Journeys by year"},
        {"kind": "rereferrals", "slug": "rereferrals", "title": "Re-referrals"},
        {"kind": "junctions", "slug": "junctions", "title": "Decisions at each junction"},
        {"kind": "timeliness", "slug": "timeliness", "title": "Timeliness"},
        {"kind": "workload", "slug": "workload", "title": "Workload"},
        {"kind": "cohorts", "slug": "cohorts", "title": "Groups of children"},
        {"kind": "key_practices", "slug": "key-practices", "title": "Key practices"},
        *extra.incidence_pages(log, tables),
        *extra.sequence_pages(log),
        *extra.legal_pages(log, tables),
        *extra.court_order_pages(tables),
        *extra.funnel_pages(log, tables),
        *extra.profile_pages(tables),
        *extra.forecast_pages(log, _months(start, end)),
        {"kind": "data_quality", "slug": "data-quality", "title": "Data quality"},
        {"kind": "markdown", "slug": "about", "title": "About and methods", "source": "pages/about.md"},
    ]
    return {
        "title": f"{what}: {la}" if la else what,
        "slug": _slug(la or data.name or "report"),
        "organisation": la or "",
        "synthetic": is_synthetic(log),
        "period": {"start": start, "end": end},
        "sources": [{"path": str(data)}],
        "annotations": [],
        "pages": pages,
    }


def _months(start: dt.date, end: dt.date) -> int:
    """Calendar months from ``start``'s to ``end``'s, both counted."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def report_for_data(log: EventLog, data: Path, tables=None) -> Report:
    """The report `build --data` makes when the user has no report.yaml (see the module)."""
    return Report.model_validate(report_settings(log, data, tables))


def report_yaml(settings: dict, data_path: str = "data") -> str:
    """report.yaml text of ``settings`` for a new report folder whose data is in ``data_path``."""
    import yaml

    settings = dict(settings, sources=[{"path": data_path}])
    period = settings.pop("period")
    head = ("# A carejourneys report, written from the data found by `carejourneys init --data`.\n"
            "# Build it with:   carejourneys build report.yaml\n"
            "# Every key this file may hold: carejourneys schema\n\n")
    body = yaml.safe_dump({k: settings[k] for k in ("title", "slug", "organisation", "synthetic")}, sort_keys=False,
                          allow_unicode=True)
    body += ("\n# The data's span cut to whole months. Events before the start still count as history.\n"
             + yaml.safe_dump({"period": period}, sort_keys=False))
    body += "\n" + yaml.safe_dump({"sources": settings["sources"]}, sort_keys=False)
    body += ("\n# Dated events to mark on every time axis: inspections, a new front door.\n"
             "annotations: []\n#  - date: 2024-01-15\n#    label: Ofsted inspection\n")
    body += ("\n# Pages, in order; the first must have slug: index. A page whose events these data do\n"
             "# not hold is left out of the build, and the overview says why.\n"
             + yaml.safe_dump({"pages": settings["pages"]}, sort_keys=False, width=120))
    return head + body
