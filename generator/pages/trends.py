"""Activity over time: monthly counts of the front door's main events, annotations marked."""

from __future__ import annotations


import pandas as pd

from generator.analyses.headline import COUNTED_EVENTS
from generator.analyses.volumes import monthly_counts
from generator.charts.time_series import monthly_line
from generator.page_options import TrendsOptions
from generator.pages.base import PageContext, PageKind, RenderedPage

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
    "lac_end": ("Children ceasing to be looked after", "children"),
    "legal_status": ("Legal statuses starting (a child's first or a change)", "legal statuses"),
    "placement": ("Placements starting (a child's first or a move)", "placements"),
    "early_help_assessment_start": ("Early help assessments started", "assessments"),
}


#: The headline figure (`generator.privacy.relations.add_metrics` names it ``metric:<key>``)
#: that is the period's count of each event.
_TOTAL_NAMES = {event: f"metric:{key}" for key, event in COUNTED_EVENTS.items()}


class TrendsPage(PageKind):
    kind = "trends"
    group = "front_door"
    Options = TrendsOptions

    def needs(self, options: TrendsOptions) -> frozenset[str]:
        return frozenset(options.events)

    def for_data(self, options: TrendsOptions, held: frozenset[str]) -> TrendsOptions | None:
        """Only the events the data holds: a month of 0 for an event no return records is not a count."""
        events = [e for e in options.events if e in held]
        return options.model_copy(update={"events": events}) if events else None

    def render(self, options: TrendsOptions, ctx: PageContext) -> RenderedPage:
        table = monthly_counts(ctx.log, ctx.period, options.events)
        charts = []
        for event in options.events:
            title_words, unit = EVENT_WORDS.get(event, (event.replace("_", " ").capitalize(), "events"))
            series = table[table["event"] == event][["month", "count"]].reset_index(drop=True)
            chart = monthly_line(
                f"{options.slug}-{event.replace('_', '-')}",
                series,
                f"{title_words} per month",
                "",
                f"{unit.capitalize()} per month",
                ctx.annotations,
            )
            chart.describe = _describer(unit, ctx)
            # The months add up to the period's count: the headline figure where metrics.json
            # has one (the overview shows it), else a total no other table publishes.
            chart.totals = {(): _TOTAL_NAMES.get(event, f"events in the period: {event}")}
            charts.append(chart)
        return RenderedPage(template="charts.html", charts=charts)


def _describer(unit: str, ctx: PageContext):
    """The words of a monthly chart, from its published table: the total only when no month is
    hidden (a total would give a hidden month back), the busiest month always (it is never a
    hidden one)."""
    def describe(shown) -> str:
        counts = pd.to_numeric(shown["count"], errors="coerce")
        complete = counts.notna().all()
        said = f"{int(counts.sum()):,} in all" if complete else "months with a small count shown as c"
        if counts.notna().any() and counts.max() > 0:
            top = shown.loc[counts.idxmax()]
            said += f", the most in {pd.Timestamp(str(top['month'])):%B %Y} ({int(counts.max()):,})"
        marks = "".join(f". Marked: {a.label} ({a.date:%-d %B %Y})" for a in ctx.annotations)
        return (f"Line chart of {unit} per month from {ctx.period.start:%B %Y} to {ctx.period.end:%B %Y}: "
                f"{said}{marks}.")
    return describe
