"""The overview page: headline figures, the period, the data sources, the way in."""

from __future__ import annotations

from typing import Literal

from generator.pages.base import PageContext, PageKind, PageOptions, RenderedPage

#: (metrics key, label, what it counts) in the order the overview shows them.
HEADLINES = [
    ("children", "Children", "children with any recorded event in the period"),
    ("contacts", "Contacts", "contacts with the front door"),
    ("referrals", "Referrals", "referrals to children's social care"),
    ("assessments", "Assessments", "child and family assessments started"),
    ("s47", "Section 47 enquiries", "child protection enquiries started"),
    ("icpc", "Initial child protection conferences", "conferences held"),
    ("cpp_starts", "Child protection plans", "plans started"),
    ("lac_starts", "Started to be looked after", "periods of care started"),
]
RATES = [
    ("rereferral_12m", "Re-referrals within 12 months", "of referrals had a previous referral in the 365 days before (DfE definition)"),
    ("rereferral_36m", "Re-referrals within 36 months", "of referrals with three years of history had a previous referral in the 1,095 days before"),
    ("assessment_nfa", "Assessments ending in no further action", "of authorised assessments found the child not in need"),
]


class OverviewOptions(PageOptions):
    kind: Literal["overview"]
    intro: str = ""


class OverviewPage(PageKind):
    kind = "overview"
    Options = OverviewOptions

    def build(self, options: OverviewOptions, ctx: PageContext) -> RenderedPage:
        metrics = ctx.metrics
        headlines = [
            {"key": key, "label": label, "value": metrics.get(key), "note": note}
            for key, label, note in HEADLINES
        ]
        rates = [
            {
                "key": key,
                "label": label,
                "value": metrics.get(f"{key}_pct"),
                "numerator": metrics.get(f"{key}_n"),
                "denominator": metrics.get(f"{key}_d"),
                "note": note,
            }
            for key, label, note in RATES
        ]
        errors = sum(f.count for f in ctx.findings if f.severity == "error")
        warnings = sum(f.count for f in ctx.findings if f.severity == "warning")
        return RenderedPage(
            template="overview.html",
            context={
                "intro": options.intro,
                "headlines": headlines,
                "rates": rates,
                "inputs": ctx.inputs,
                "quality": {"errors": _count(ctx, errors), "warnings": _count(ctx, warnings), "checks": len(ctx.findings)},
                "annotations": ctx.annotations,
            },
        )


def _count(ctx: PageContext, value: int):
    """A count as this report may show it ("c" for 1-5 in public reports)."""
    return ctx.privacy.count(value) if ctx.privacy is not None else value
