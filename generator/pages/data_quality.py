"""The data-quality page: every check, how many rows it found, and what was done with them.

Readers of the statutory returns repair and drop rows the way the sector's cleaners do; the
quality stage checks every EventLog. Both produce `Finding`s, and this page lists them all:
severity, count, what was done (kept, repaired, dropped, and why) and, in internal reports
only, a few example child ids. Nothing is dropped without being counted here. Checks that
found nothing are listed too, so a reader sees what was looked for.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from generator.pages.base import PageContext, PageKind, PageOptions, RenderedPage

#: The checks carejourneys runs, in the order the page lists checks that found nothing.
CHECKS: tuple[tuple[str, str], ...] = (
    ("unparseable dates", "values in date columns that are not dates"),
    ("dates after the extract", "dates after the 31 March of the return they are in"),
    ("event before birth", "events dated before the child's month of birth"),
    ("end before start", "episodes, plans and missing episodes that end before they start"),
    ("assessments authorised before they started", "authorisation dated before the assessment's start"),
    ("duplicate episodes", "the same episode in more than one return"),
    ("overlapping episodes", "903 episodes that end after the next one starts"),
    ("duplicate events", "the same event for the same child on the same day"),
    ("codes outside the code list", "codes not in the DfE list for their year"),
    ("events for children missing from the children table", "events of children with no attributes"),
    ("referrals with no outcome after a long time", "referrals with no recorded next step"),
    ("ids that look like names", "child ids that look like a person's name"),
    ("ids that look like dates of birth", "child ids that look like a date"),
)
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class DataQualityOptions(PageOptions):
    kind: Literal["data_quality"]
    intro: str = ""


class DataQualityPage(PageKind):
    kind = "data_quality"
    Options = DataQualityOptions

    def build(self, options: DataQualityOptions, ctx: PageContext) -> RenderedPage:
        public = ctx.public
        count = ctx.privacy.count if ctx.privacy is not None else (lambda value: value)
        findings = sorted(ctx.findings, key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), f.check, f.source, f.message))
        rows = [
            {
                "check": f.check,
                "severity": f.severity,
                "count": count(int(f.count)),
                "message": f.message,
                "action": f.action,
                "source": f.source,
                "examples": [] if public else list(f.examples),
            }
            for f in findings
        ]
        found = {f.check for f in findings}
        clean = [{"check": check, "what": what} for check, what in CHECKS if check not in found]
        # The download holds raw counts: the site stage's privacy pass suppresses them.
        table = pd.DataFrame(rows, columns=["check", "severity", "count", "message", "action", "source", "examples"])
        table["count"] = [int(f.count) for f in findings]
        table["examples"] = table["examples"].map(lambda values: "; ".join(values))
        if public:
            table = table.drop(columns="examples")
            # The page shows what the CSV shows: secondary suppression included (severity totals are shown).
            for row, shown in zip(rows, ctx.privacy.table(table)["count"]):
                row["count"] = shown
        return RenderedPage(
            template="data_quality.html",
            context={
                "intro": options.intro,
                "findings": rows,
                "clean": clean,
                "public": public,
                "totals": {
                    severity: sum(1 for f in findings if f.severity == severity) for severity in ("error", "warning", "info")
                },
                "events": len(ctx.log.events),
                "children": len(ctx.log.children),
            },
            downloads={"data_quality": table},
        )
