"""The overview page: headline figures, the period, the data sources, the way in."""

from __future__ import annotations

from generator.page_options import OverviewOptions
from generator.pages.base import PageContext, PageKind, RenderedPage
from generator.published import Count, Metric

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


class OverviewPage(PageKind):
    kind = "overview"
    Options = OverviewOptions

    def render(self, options: OverviewOptions, ctx: PageContext) -> RenderedPage:
        headlines = [
            {"key": key, "label": label, "value": Metric(key), "note": note}
            for key, label, note in HEADLINES
        ]
        rates = [
            {
                "key": key,
                "label": label,
                "value": Metric(f"{key}_pct"),
                "numerator": Metric(f"{key}_n"),
                "denominator": Metric(f"{key}_d"),
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
                "quality": {"errors": Count(errors, name="data-quality rows error"),
                            "warnings": Count(warnings, name="data-quality rows warning"), "checks": len(ctx.findings)},
                "annotations": ctx.annotations,
            },
        )

