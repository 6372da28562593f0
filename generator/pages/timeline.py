"""A child's life course (internal reports only): every record of one child across the
returns as swimlanes, like the seed's Figure 2. It is one child's record, so a public build
refuses the page kind before anything is computed.
"""

from __future__ import annotations

from generator.analyses.timeline import LANES, child_timeline
from generator.charts.longitudinal import swimlanes
from generator.errors import InputError, Problem
from generator.page_options import TimelineOptions
from generator.pages.base import PageContext, PageKind, Plan, RenderedPage


class TimelinePage(PageKind):
    kind = "timeline"
    group = "care"
    Options = TimelineOptions

    def prepare(self, options: TimelineOptions, plan: Plan) -> None:
        if plan.public:
            raise InputError(Problem("report.yaml", f"pages: {options.slug}",
                                     "a timeline page draws one child's records and cannot be published",
                                     "remove the page from a public report, or build with --audience internal"))
        if not (plan.log.events["child_id"] == options.child_id).any():
            raise InputError(Problem("report.yaml", f"pages: {options.slug}: child_id",
                                     f"no child {options.child_id!r} in the data",
                                     "give a child id as the data write it (pseudonymised ids change)"))

    def render(self, options: TimelineOptions, ctx: PageContext) -> RenderedPage:
        table = child_timeline(ctx.log, options.child_id)
        lanes = [lane for lane in LANES if (table["lane"] == lane).any()]
        spans = ", ".join(f"{lane.lower()} {int((table['lane'] == lane).sum())}" for lane in lanes)
        chart = swimlanes(f"{options.slug}-lanes", table, lanes, title=f"The records of child {options.child_id}",
                          description=(f"Swimlane chart of child {options.child_id}'s records from "
                                       f"{table['start'].min():%B %Y} to {table['end'].max():%B %Y}: {spans}."))
        return RenderedPage(template="longitudinal.html", charts=[chart],
                            context={"intro": options.intro, "notes": [], "tables": []})
