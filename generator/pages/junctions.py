"""Junctions: at each decision point of the front door, the share of cases going each way.

The "threshold" view the seed report asks for (section 9): one chart of every junction over
the whole period, then each junction month by month (by quarter where months are too thin to
read), with 95% intervals and the report's annotations.
"""

from __future__ import annotations

import pandas as pd

from generator.analyses.coverage import events_held
from generator.analyses.junctions import (BRANCHES, JUNCTION_NAMES, JUNCTION_UNITS, JUNCTIONS, junction_decisions,
                                          junction_shares, unmeasured_steps)
from generator.charts.rates import MIN_DENOMINATOR, monthly_rates
from generator.charts.rows import rate_rows
from generator.page_options import JunctionOptions
from generator.pages.base import PageContext, PageKind, Plan, RenderedPage, link_windows
from generator.pages.windows import share


def summary_sentence(table) -> str:
    """The whole-period shares in words (the summary chart's description); a junction or branch
    these data cannot show (not in ``table``) is left out of the sentence."""
    rows = {(r.junction, r.branch): r for r in table.itertuples()}

    def said(junction, branch):
        r = rows[(junction, branch)]
        return share(r.count, r.n)

    unit = JUNCTION_UNITS
    clauses = [
        ("referral", [("Assessment", "went to assessment")]),
        ("assessment", [("No further action", "ended in no further action"),
                        ("Strategy discussion", "led to a strategy discussion")]),
        ("strategy", [("Section 47 enquiry", "led to a section 47 enquiry")]),
        ("s47", [("No conference", "closed without a conference")]),
        ("icpc", [("Child protection plan", "made a child protection plan")]),
    ]
    parts = []
    for junction, branches in clauses:
        said_of = [f"{said(junction, branch)} {words}" for branch, words in branches if (junction, branch) in rows]
        if said_of:
            parts.append(f"of {unit[junction]}, " + " and ".join(said_of))
    s47 = table[table["junction"] == "s47"]
    without_plan = int(s47[s47["branch"] != "Conference and plan"]["count"].sum())
    total = int(s47["n"].iloc[0]) if len(s47) else 0
    sentence = "Bar chart of the share of cases taking each branch at each junction over the period: " + "; ".join(parts)
    if total:
        sentence += f". In all, {share(without_plan, total)} of section 47 enquiries ended without a plan"
    return sentence + "."


def not_shown(junctions: dict[str, str], branches: dict[tuple[str, str], str]) -> list[str]:
    """One line for each junction and branch left out because these data cannot measure it."""
    lines = [f"{JUNCTION_NAMES[key]} junction: not shown, as {why}." for key, why in junctions.items()]
    lines += [f"{JUNCTION_NAMES[key]} → {branch}: not shown, as {why}; the junction's other branches hold those cases."
              for (key, branch), why in branches.items()]
    return lines


class JunctionPage(PageKind):
    kind = "junctions"
    group = "front_door"
    measures = frozenset({"referral", "assessment_authorised", "strategy_discussion", "icpc"})
    Options = JunctionOptions

    def prepare(self, options: JunctionOptions, plan: Plan) -> None:
        plan.links(link_windows(options))

    def render(self, options: JunctionOptions, ctx: PageContext) -> RenderedPage:
        windows = link_windows(options)
        decisions = junction_decisions(ctx.links(windows).episodes, ctx.links(windows).enquiries)
        # A junction or branch whose events these data never record would read 0%: left out,
        # with a line saying what these data cannot show.
        gone, branches_gone = unmeasured_steps(events_held(ctx.log))
        overall = junction_shares(decisions, ctx.period)
        shown = ~overall["junction"].isin(gone) & ~pd.Series(list(zip(overall["junction"], overall["branch"])),
                                                              index=overall.index).isin(list(branches_gone))
        overall = overall[shown].reset_index(drop=True)
        overall = overall.assign(junction_name=overall["junction"].map(JUNCTION_NAMES),
                                 step=overall["junction"].map(JUNCTION_NAMES) + " → " + overall["branch"])
        charts = [rate_rows(
            f"{options.slug}-summary", overall[["junction_name", "step", "branch", "count", "n", "pct", "pct_low", "pct_high"]],
            title="Which way cases went at each junction", description=summary_sentence(overall),
            label="step", label_title="Junction → branch", group="junction_name", group_title="Junction",
            count_title="Cases taking this branch", n_title="Cases at the junction", x_title="Share of cases at the junction (%)",
            names=("branch", "junction"),
        )]
        # What each number is, for the privacy stage: a junction's branches and its total
        # over the whole period are the months' added up (below).
        charts[0].counts = ["branch_count", "junction_count"]
        charts[0].rates = {"pct": ("branch_count", "junction_count")}
        charts[0].groups = [("junction_name",)]
        charts[0].totals = {("junction_name",): {"branch_count": "{junction_name} junction_count whole period"}}
        charts[0].names = {"branch_count": "{junction_name} {branch} whole period",
                           "junction_count": "{junction_name} junction_count whole period"}
        monthly = junction_shares(decisions, ctx.period, "M")
        quarterly = None
        lines = not_shown(gone, branches_gone)
        for key, name, unit, branches in JUNCTIONS:
            if key in gone:
                continue
            table = monthly[monthly["junction"] == key]
            freq = options.frequency
            if freq == "auto":
                freq = "month" if table.groupby("month")["n"].first().mean() >= MIN_DENOMINATOR else "quarter"
            if freq == "quarter":
                quarterly = junction_shares(decisions, ctx.period, "Q") if quarterly is None else quarterly
                table = quarterly[quarterly["junction"] == key]
            # With two branches the second is 100% minus the first: draw only the first.
            drawn = branches[:1] if len(branches) == 2 else branches
            # A branch no case took in the whole period is a flat line at zero: leave it out.
            taken = set(overall[(overall["junction"] == key) & (overall["count"] > 0)]["branch"])
            drawn = [b for b in drawn if b in taken] or [b for b in drawn[:1] if (key, b) not in branches_gone]
            table = table[table["branch"].isin(drawn)].drop(columns="junction").reset_index(drop=True)
            if not int(table.groupby("month")["n"].first().sum()):
                lines.append(f"{name} junction by {freq}: not shown, as no {unit} were decided in the period.")
                continue
            # Pending cases are children's cases: a count (1 to 5 of them is "c" in a public report).
            table = table.rename(columns={"pending": "pending_count"})
            charts.append(monthly_rates(
                f"{options.slug}-{key.replace('_', '-')}", table,
                title=f"{name}: share of {unit} going each way, by {freq}",
                description=self._trend_sentence(table, name, unit, freq, branches, ctx),
                count_title="Cases taking this branch", n_title=f"{unit.capitalize()} in the {freq}",
                annotations=ctx.annotations, series="branch", series_title="Branch",
                y_title=f"Share of {unit} (%)", names=("branch", "junction"),
                period_title="Month" if freq == "month" else "Quarter starting",
            ))
            self._declare(charts[-1], name, branches, drawn)
        return RenderedPage(template="charts.html", charts=charts,
                            context={"intro": options.intro, "not_shown": lines})

    @staticmethod
    def _declare(chart, name, branches, drawn) -> None:
        """Tie a junction's months to its whole period and its branches to its total: the
        branches drawn and the rest make each month's total, and each branch's months add
        up to its whole-period count on the summary chart."""
        chart.counts = ["branch_count", "junction_count", "pending_count"]
        chart.rates = {"pct": ("branch_count", "junction_count")}
        chart.names = {"junction_count": f"{name} junction_count {{month}}", "pending_count": f"{name} pending {{month}}",
                       "branch_count": f"{name} {{branch}} {{month}}"}
        chart.groups = []
        # All branches of a month or none (no branch is its month's total minus the others).
        chart.whole_by = ["month"]
        chart.totals = {("branch",): {"branch_count": f"{name} {{branch}} whole period"}}
        if len(drawn) == len(branches):
            chart.totals[("month",)] = {"branch_count": f"{name} junction_count {{month}}"}
        elif len(drawn) == 1:
            chart.totals[()] = {"junction_count": f"{name} junction_count whole period"}
            if len(branches) == 2:
                chart.totals[("branch",)]["junction_count-branch_count"] = f"{name} {branches[1]} whole period"

    @staticmethod
    def _trend_sentence(table, name, unit, freq, branches, ctx) -> str:
        steps = "months" if freq == "month" else "quarters"
        sentence = f"Line chart of the share of {unit} taking each branch at the {name.lower()} junction, by {freq}, with 95% bands"
        if len(branches) == 2:
            sentence += f" (only '{branches[0]}' is drawn; '{branches[1]}' is the rest)"
        parts = []
        for branch, rows in table.groupby("branch", sort=False):
            rows = rows[rows["n"] >= MIN_DENOMINATOR]
            if len(rows):
                low, high = rows.loc[rows["pct"].idxmin()], rows.loc[rows["pct"].idxmax()]
                parts.append(f"'{branch}' ranged from {low['pct']:.1f}% ({low['month']:%b %Y}) to {high['pct']:.1f}% "
                             f"({high['month']:%b %Y})")
        sentence += (": " + "; ".join(parts) if parts else f": no {freq} had {MIN_DENOMINATOR} or more {unit}")
        sentence += f". {steps.capitalize()} with fewer than {MIN_DENOMINATOR} {unit} are left as gaps"
        return sentence + "".join(f". Marked: {a.label} ({a.date:%d %B %Y})" for a in ctx.annotations) + "."


__all__ = ["JunctionPage", "BRANCHES"]
