"""Workload: cases open at each stage week by week, starts and ends by month, and (when the
data says who holds a case) open cases by team or locality. A resource-planning view the
seed report asks for (section 9: "a workload indicator / resource planning tool")."""

from __future__ import annotations

from dataclasses import replace

from typing import Literal


import pandas as pd

from generator.analyses.workload import (
    STAGE_NAMES,
    STAGES,
    breakdown_column,
    monthly_flow,
    open_on,
    stage_intervals,
    stock_by_group,
    weekly_stock,
)
from generator.charts.workload import count_lines, group_heatmap
from generator.page_options import WorkloadOptions
from generator.pages.base import PageContext, PageKind, RenderedPage

StageKey = Literal["early_help", "assessment", "cin_plan", "cp_plan", "looked_after"]


class WorkloadPage(PageKind):
    kind = "workload"
    group = "protection"
    Options = WorkloadOptions

    def needs(self, options: WorkloadOptions) -> frozenset[str]:
        return frozenset(start for key, _, start, _ in STAGES if key in options.stages)

    def for_data(self, options: WorkloadOptions, held: frozenset[str]) -> WorkloadOptions | None:
        """Only the stages whose starts the data holds (a 903 has no early help to count)."""
        stages = [key for key, _, start, _ in STAGES if key in options.stages and start in held]
        if not stages:
            return None
        breakdown = options.breakdown_stage if options.breakdown_stage in stages else stages[0]
        return options.model_copy(update={"stages": stages, "breakdown_stage": breakdown})

    def render(self, options: WorkloadOptions, ctx: PageContext) -> RenderedPage:
        slug, period = options.slug, ctx.period
        marked = "".join(f" Marked: {a.label} ({a.date:%d %B %Y})." for a in ctx.annotations)
        stock = weekly_stock(ctx.log, period, options.stages)
        at_end = {key: int(open_on(stage_intervals(ctx.log, start, end), pd.DatetimeIndex([period.end]))[0])
                  for key, _, start, end in STAGES if key in options.stages}
        charts = [count_lines(
            f"{slug}-open-by-week", stock[["week", "stage_name", "open"]], title="Cases open at each stage, week by week",
            description=self._stock_sentence(stock, at_end, period.end) + marked, date="week", series="stage_name", value="open",
            y_title="Cases open", annotations=ctx.annotations, weekly=True,
        )]
        # Lines, not stacks: no sum across stages is shown, only each stage's own numbers.
        charts[0] = replace(charts[0], groups=[])
        for stage in options.stages:
            flow = monthly_flow(ctx.log, period, stage)
            name = STAGE_NAMES[stage]
            long = flow.melt(id_vars="month", value_vars=["started", "ended"], var_name="measure", value_name="count")
            long["measure"] = long["measure"].map({"started": "Started", "ended": "Ended"})
            description = (f"Line chart of {name.lower()} started and ended each month: {int(flow['started'].sum()):,} started "
                           f"and {int(flow['ended'].sum()):,} ended in the period")
            if flow["started"].sum():
                busiest = flow.loc[flow["started"].idxmax()]
                description += f"; the most starts in {busiest['month']:%B %Y} ({int(busiest['started']):,})"
            charts.append(count_lines(
                f"{slug}-{stage.replace('_', '-')}-starts-ends", long, title=f"{name}: started and ended each month",
                description=description + "." + marked, date="month", series="measure", value="count",
                y_title="Cases per month", annotations=ctx.annotations, dashed="Ended",
            ))
            # The words give the period's starts and ends; a month's starts plus ends is no total.
            charts[-1] = replace(charts[-1], groups=[("measure",)])
        column = breakdown_column(ctx.log, options.breakdown)
        if column:
            table = stock_by_group(ctx.log, period, options.breakdown_stage, column)
            name = STAGE_NAMES[options.breakdown_stage].lower()
            means = table.groupby("group")["open"].mean().sort_values()
            words = column.replace("_", " ")
            description = (f"Heat map of {name} open on Mondays, averaged over each month, by {words} (rows) and month "
                           f"(columns); darker is more. Over the period the most were open in {means.index[-1]} "
                           f"(on average {means.iloc[-1]:.1f}) and the fewest in {means.index[0]} ({means.iloc[0]:.1f}).")
            charts.append(group_heatmap(
                f"{slug}-{options.breakdown_stage.replace('_', '-')}-by-{words.replace(' ', '-')}", table,
                title=f"{STAGE_NAMES[options.breakdown_stage]} open, by {words} and month", description=description,
                group_title=words.capitalize(), value_title="Open on Mondays (monthly average)",
            ))
            charts[-1] = replace(charts[-1], groups=[])  # averages by group and month: no total is shown
        return RenderedPage(template="charts.html", charts=charts, context={"intro": options.intro})

    @staticmethod
    def _stock_sentence(stock, at_end: dict, end) -> str:
        if stock.empty:
            return "No cases."
        parts = [f"{at_end[key]:,} {STAGE_NAMES[key].lower()}" for key in at_end]
        peaks = stock.loc[stock.groupby("stage", sort=False)["open"].idxmax()]
        peak = "Highest: " + "; ".join(f"{r.stage_name.lower()} {int(r.open):,} ({r.week:%d %b %Y})" for r in peaks.itertuples())
        return (f"Line chart of cases open on each Monday, one line per stage. Open at the end of {end:%d %B %Y}: "
                + ", ".join(parts) + f". {peak}. The first months read low: cases open before the data began and with "
                "no event in it are not counted.")
