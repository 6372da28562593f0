"""Activity over time: monthly counts of the front door's main events, annotations marked."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from generator.analyses.volumes import monthly_counts
from generator.charts.time_series import monthly_line
from generator.eventlog import VOCABULARY
from generator.pages.base import PageContext, PageKind, PageOptions, RenderedPage

#: How each event reads in a chart title and on its axis.
EVENT_WORDS = {
    "contact": ("Contacts", "contacts"),
    "referral": ("Referrals", "referrals"),
    "assessment_start": ("Child and family assessments started", "assessments"),
    "s47": ("Section 47 enquiries started", "section 47 enquiries"),
    "strategy_discussion": ("Strategy discussions", "strategy discussions"),
    "icpc": ("Initial child protection conferences", "conferences"),
    "cpp_start": ("Child protection plans started", "plans"),
    "lac_start": ("Children starting to be looked after", "children"),
    "early_help_assessment_start": ("Early help assessments started", "assessments"),
}


class TrendsOptions(PageOptions):
    kind: Literal["trends"]
    events: list[str] = Field(
        default_factory=lambda: ["contact", "referral", "assessment_start", "s47"],
        description="Events to chart, one chart each, in this order.",
    )


class TrendsPage(PageKind):
    kind = "trends"
    Options = TrendsOptions

    def build(self, options: TrendsOptions, ctx: PageContext) -> RenderedPage:
        unknown = [e for e in options.events if e not in VOCABULARY]
        if unknown:
            from generator.errors import InputError, Problem

            raise InputError(Problem("report.yaml", f"pages[{options.slug}].events", f"unknown event(s) {unknown}",
                                     "use names from the event vocabulary: " + ", ".join(VOCABULARY)))
        table = monthly_counts(ctx.log, ctx.period, options.events)
        charts = []
        for event in options.events:
            title_words, unit = EVENT_WORDS.get(event, (event.replace("_", " ").capitalize(), "events"))
            series = table[table["event"] == event][["month", "count"]].reset_index(drop=True)
            total = int(series["count"].sum())
            busiest = series.loc[series["count"].idxmax()] if total else None
            description = (
                f"Line chart of {unit} per month from {ctx.period.start:%B %Y} to {ctx.period.end:%B %Y}: "
                f"{total:,} in all"
                + (f", the most in {busiest['month']:%B %Y} ({int(busiest['count']):,})" if busiest is not None else "")
                + "".join(f". Marked: {a.label} ({a.date:%d %B %Y})" for a in ctx.annotations)
                + "."
            )
            charts.append(
                monthly_line(
                    f"{options.slug}-{event.replace('_', '-')}",
                    series,
                    f"{title_words} per month",
                    description,
                    f"{unit.capitalize()} per month",
                    ctx.annotations,
                )
            )
        return RenderedPage(template="charts.html", charts=charts)
