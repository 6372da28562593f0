"""The overview page: headline figures, the period, the data sources, the way in."""

from __future__ import annotations

from generator.metrics import BY_KEY
from generator.analyses.coverage import events_held, unmeasured
from generator.page_options import OverviewOptions
from generator.pages.base import PageContext, PageKind, RenderedPage
from generator.published import Count, Metric

#: The headline figures the overview shows as tiles, then as rates (`generator.metrics`).
HEADLINES = ("children", "contacts", "referrals", "assessments", "s47", "icpc", "cpp_starts", "lac_starts",
             "lac_ends", "lac_open_end")
RATES = ("rereferral_12m", "rereferral_36m", "assessment_nfa")


class OverviewPage(PageKind):
    kind = "overview"
    Options = OverviewOptions

    def render(self, options: OverviewOptions, ctx: PageContext) -> RenderedPage:
        # A figure the data cannot measure says so (metrics: None and <key>_missing), never 0.
        headlines = [
            {"key": key, "label": BY_KEY[key].label, "value": Metric(key), "note": BY_KEY[key].definition,
             "missing": ctx.metrics.get(f"{key}_missing")}
            for key in HEADLINES
        ]
        rates = [
            {
                "key": key,
                "label": BY_KEY[key].label,
                "value": Metric(f"{key}_pct"),
                "numerator": Metric(f"{key}_n"),
                "denominator": Metric(f"{key}_d"),
                "note": BY_KEY[key].definition,
                "missing": ctx.metrics.get(f"{key}_missing"),
            }
            for key in RATES
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
                            "warnings": Count(warnings, name="data-quality rows warning"), "checks": len(ctx.findings),
                            # findings by severity, as the data-quality page counts them (notes carry no warning rows)
                            "severities": {s: sum(f.severity == s for f in ctx.findings) for s in ("error", "warning", "info")}},
                "annotations": ctx.annotations,
                "cannot_show": [(m.name, m.missing) for m in unmeasured(events_held(ctx.log))],
                "left_out": list(ctx.left_out),
            },
        )

