"""The data-quality page: every check, how many rows it found, and what was done with them.

Readers of the statutory returns repair and drop rows the way the sector's cleaners do; the
quality stage checks every EventLog. Both produce `Finding`s, and this page lists them all:
severity, count, what was done (kept, repaired, dropped, and why) and, in internal reports
only, a few example child ids. Nothing is dropped without being counted here. Checks that
found nothing are listed too, so a reader sees what was looked for.
"""

from __future__ import annotations

import posixpath

import pandas as pd

from generator.checks import CHECKS
from generator.page_options import DataQualityOptions
from generator.pages.base import PageContext, PageKind, RenderedPage
from generator.published import Derived, Table

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _tidy_path(source: str) -> str:
    """A file named as a reader would write it: ``content/../data/x.csv`` -> ``data/x.csv``
    (a report's data folder is often named relative to its content folder)."""
    if "/" in source and ".." in source.split("/"):
        return posixpath.normpath(source)
    return source


class DataQualityPage(PageKind):
    kind = "data_quality"
    group = "quality"
    Options = DataQualityOptions

    def render(self, options: DataQualityOptions, ctx: PageContext) -> RenderedPage:
        public = ctx.public
        findings = sorted(ctx.findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), f.check, f.source, f.message))
        table = pd.DataFrame(
            [{"check": f.check, "severity": f.severity, "count": int(f.count), "message": f.message,
              "action": f.action, "source": _tidy_path(f.source), "examples": "" if public else "; ".join(f.examples)}
             for f in findings],
            columns=["check", "severity", "count", "message", "action", "source", "examples"])
        if public:
            table = table.drop(columns="examples")
        # The severity totals are shown (the overview's), so each severity's counts are a group.
        published = Table(table, counts=["count"], groups=[("severity",)],
                          totals={("severity",): {"count": "data-quality rows {severity}"}})
        found = {f.check for f in findings}
        clean = [{"check": check, "what": what} for check, what in CHECKS.items() if check not in found]
        return RenderedPage(
            template="data_quality.html",
            context={
                "intro": options.intro,
                "findings": Derived(published, lambda shown: [
                    {**row, "examples": [e for e in str(row.get("examples", "")).split("; ") if e]}
                    for row in shown.astype(object).to_dict("records")]),
                "clean": clean,
                "public": public,
                "totals": {
                    severity: sum(1 for f in findings if f.severity == severity) for severity in ("error", "warning", "info")
                },
                "events": len(ctx.log.events),
                "children": len(ctx.log.children),
            },
            downloads={"data_quality": published},
        )
