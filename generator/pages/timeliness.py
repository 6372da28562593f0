"""Timeliness: how long assessments and the road to a conference take, against the standards.

For each of the two statutory timescales (assessment authorised within 45 working days;
initial conference within 15 working days): the distribution with the standard drawn, the
share within it by month, and the median by month. The DfE's published basis by default (all
completed assessments; conferences from the section 47 start), the local ones as options;
months too early in the data for a complete look-back are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.analyses.front_door import completed_assessments
from generator.analyses.timeliness import (
    ASSESSMENT_LOOK_BACK_DAYS,
    ASSESSMENT_STANDARD_DAYS,
    ICPC_LOOK_BACK_DAYS,
    ICPC_STANDARD_DAYS,
    assessment_durations,
    conference_durations,
    duration_bins,
    timeliness_by_month,
)
from generator.charts.durations import duration_histogram, monthly_durations
from generator.charts.rates import MIN_DENOMINATOR, monthly_rates
from generator.page_options import TimelinessOptions
from generator.pages.base import PageContext, PageKind, Plan, RenderedPage, link_windows
from generator.pages.windows import share


class TimelinessPage(PageKind):
    kind = "timeliness"
    group = "protection"
    measures = frozenset({"assessment_authorised", "icpc"})
    Options = TimelinessOptions

    def prepare(self, options: TimelinessOptions, plan: Plan) -> None:
        plan.links(link_windows(options))

    def render(self, options: TimelinessOptions, ctx: PageContext) -> RenderedPage:
        links = ctx.links(link_windows(options))
        linked = options.assessment_basis == "linked" or options.assessment_clock == "referral"
        source = links.episodes if linked else completed_assessments(ctx.log)
        assessments = assessment_durations(source, ctx.period, options.assessment_clock)
        conferences = conference_durations(links.enquiries, ctx.period, options.conference_clock)
        clock = "the referral" if options.assessment_clock == "referral" else "the assessment's start"
        basis = ("assessments linked to a referral (local basis)" if linked
                 else "all completed assessments (the DfE's basis)")
        charts = self._step(options.slug, "assessment", assessments, ctx, ASSESSMENT_STANDARD_DAYS, width=5, cap=120,
                            unit="assessments", what=f"{basis} authorised in the period, from {clock} to authorisation",
                            name="Assessment", look_back=ASSESSMENT_LOOK_BACK_DAYS,
                            metric="assessment_linked_within_45wd" if linked else "assessment_within_45wd")
        start = ("the strategy discussion (Working Together's wording; local basis)" if options.conference_clock == "strategy"
                 else "the start of the section 47 enquiry (the DfE's basis)")
        charts += self._step(options.slug, "icpc", conferences, ctx, ICPC_STANDARD_DAYS, width=1, cap=40,
                             unit="conferences", what=f"initial conferences held in the period, from {start}",
                             name=("Strategy discussion" if options.conference_clock == "strategy" else "Section 47 enquiry")
                             + " to initial conference", look_back=ICPC_LOOK_BACK_DAYS,
                             metric="icpc_from_strategy_within_15wd" if options.conference_clock == "strategy"
                             else "icpc_within_15wd")
        return RenderedPage(template="charts.html", charts=charts, context={"intro": options.intro})

    def _step(self, slug, key, table, ctx, standard, *, width, cap, unit, what, name, look_back, metric):
        within, n = int(table["within"].sum()), len(table)
        median = f"{table['working_days'].median():.0f} working days ({table['calendar_days'].median():.0f} calendar days)" if n else "none"
        bins = duration_bins(table, width, cap, standard)
        histogram = duration_histogram(
            f"{slug}-{key}-distribution", bins, title=f"{name}: working days taken", standard=standard, unit=unit,
            description=(f"Histogram of working days taken by {n:,} {what}. {share(within, n)} took {standard} working days "
                         f"or fewer (the standard, drawn as a dashed line); the median was {median}."),
        )
        # The bins within and over the standard add up to totals the words quote only when no
        # bin is hidden (a quoted total minus the shown bins would give a hidden one back).
        histogram.groups = [("within",), ()]
        histogram.totals = {("within",): f"{slug} {key} steps, within the standard: {{within}}", (): f"{slug} {key} steps"}
        histogram.describe = _histogram_words(f"{unit.replace(' ', '_')}_count", what, standard, median, within, n)
        freq = "M"
        first = ctx.log.front_door_first_date
        monthly = timeliness_by_month(table, ctx.period, "M", first, look_back)
        if monthly["n"].mean() < MIN_DENOMINATOR:
            freq = "Q"
            monthly = timeliness_by_month(table, ctx.period, "Q", first, look_back)
        step, period_title = ("month", "Month") if freq == "M" else ("quarter", "Quarter starting")
        # Months whose look-back is incomplete hold only the quick steps: left out, and said so.
        early = ~monthly["complete"]
        monthly.loc[early, ["count", "n"]] = 0
        monthly.loc[early, ["pct", "pct_low", "pct_high", "median", "median_low", "median_high", "p90"]] = np.nan
        left_out = (f" {int(early.sum())} {step}{'s' if early.sum() != 1 else ''} at the start of the data are left out: "
                    f"{unit} ended then lack the slow ones that began before the data ({look_back} days of look-back)."
                    if early.any() else "")
        readable = monthly[monthly["n"] >= MIN_DENOMINATOR]
        marked = "".join(f". Marked: {a.label} ({a.date:%d %B %Y})" for a in ctx.annotations)
        if len(readable):
            low, high = readable.loc[readable["pct"].idxmin()], readable.loc[readable["pct"].idxmax()]
            span = (f"from {low['pct']:.1f}% ({low['month']:%b %Y}, {int(low['count']):,} of {int(low['n']):,}) to "
                    f"{high['pct']:.1f}% ({high['month']:%b %Y}, {int(high['count']):,} of {int(high['n']):,})")
            slow = readable.loc[readable["median"].idxmax()]
            medians = (f"the median ranged from {readable['median'].min():.0f} to {readable['median'].max():.0f} working days, "
                       f"longest in {slow['month']:%b %Y}")
        else:
            span = medians = f"no {step} had {MIN_DENOMINATOR} or more {unit}"
        rates = monthly_rates(
            f"{slug}-{key}-within-standard", monthly[["month", "count", "n", "pct", "pct_low", "pct_high"]],
            title=f"{name}: share within {standard} working days, by {step}",
            description=(f"Line chart of the share of {unit} within {standard} working days, by {step} ended, with 95% bands: "
                         f"{span}. {step.capitalize()}s with fewer than {MIN_DENOMINATOR} {unit} are gaps{marked}.{left_out}"),
            count_title=f"{unit.capitalize()} within {standard} working days", n_title=f"{unit.capitalize()} ended",
            annotations=ctx.annotations, y_title=f"{unit.capitalize()} within the standard (%)",
            names=(f"within_{standard}_working_days", unit), period_title=period_title,
        )
        medians_chart = monthly_durations(
            f"{slug}-{key}-median", monthly, title=f"{name}: median working days, by {step}", standard=standard,
            unit=unit, annotations=ctx.annotations, min_n=MIN_DENOMINATOR, period_title=period_title,
            description=(f"Line chart of the median working days taken by {unit} ended in each {step}, with its 95% band, and "
                         f"the 90th percentile dotted, against the standard of {standard} working days: {medians}{marked}.{left_out}"),
        )
        # The month's count and the rest make its total (a rest of 1 to 5 hides the count), and
        # the words quote only months whose counts are published.
        count_column, n_column = f"within_{standard}_working_days_count", f"{unit}_count"
        if {count_column, n_column} <= set(rates.data.columns):
            rates.rates = {"pct": (count_column, n_column)}
            rates.totals = {(): _period_totals(rates.data, count_column, n_column, ctx.metrics, metric,
                                               f"{slug} {key} within the standard, all {step}s")}
            rates.describe = _rates_words(count_column, n_column, unit, standard, step, marked, left_out)
        return [histogram, rates, medians_chart]


def _histogram_words(column: str, what: str, standard: int, median: str, within: int, n: int):
    """The histogram's words from its published bins: the share within the standard, with its
    counts, only when every bin is shown."""
    def describe(published) -> str:
        complete = pd.to_numeric(published[column], errors="coerce").notna().all()
        said = (f"Histogram of working days taken by {n:,} {what}. {share(within, n)} took {standard} working days or fewer"
                if complete else
                f"Histogram of working days taken by {what}; bins with small counts are shown as c, and so the totals "
                f"within and over {standard} working days are not given")
        return f"{said} (the standard, drawn as a dashed line); the median was {median}."
    return describe


def _rates_words(count_column: str, n_column: str, unit: str, standard: int, step: str, marked: str, left_out: str):
    """The share-within-the-standard chart's words from its published table: the lowest and
    highest share among the steps whose counts are shown and large enough to read."""
    def describe(published) -> str:
        count = pd.to_numeric(published[count_column], errors="coerce")
        n = pd.to_numeric(published[n_column], errors="coerce")
        pct = pd.to_numeric(published["pct"], errors="coerce")
        readable = published.assign(count=count, n=n, pct=pct)[count.notna() & pct.notna() & (n >= MIN_DENOMINATOR)]
        if len(readable):
            low, high = readable.loc[readable["pct"].idxmin()], readable.loc[readable["pct"].idxmax()]
            span = (f"from {low['pct']:.1f}% ({pd.Timestamp(str(low['month'])):%b %Y}, {int(low['count']):,} of "
                    f"{int(low['n']):,}) to {high['pct']:.1f}% ({pd.Timestamp(str(high['month'])):%b %Y}, "
                    f"{int(high['count']):,} of {int(high['n']):,})")
        else:
            span = f"no {step} with at least {MIN_DENOMINATOR} {unit} has its counts shown"
        return (f"Line chart of the share of {unit} within {standard} working days, by {step} ended, with 95% bands: "
                f"{span}. {step.capitalize()}s with fewer than {MIN_DENOMINATOR} {unit} are gaps, and those with small "
                f"counts are shown as c{marked}.{left_out}")
    return describe


def _period_totals(data, count_column: str, n_column: str, metrics, metric: str, own: str) -> dict:
    """What the months of a share-within-the-standard chart add up to: the headline figure's
    numerator and denominator (``metric``_n, _d) when the sums are those figures (the same
    steps), else totals of their own that nothing else publishes."""
    count, n = (int(pd.to_numeric(data[c], errors="coerce").fillna(0).sum()) for c in (count_column, n_column))
    if (metrics.get(f"{metric}_n"), metrics.get(f"{metric}_d")) == (count, n):
        return {count_column: f"metric:{metric}_n", n_column: f"metric:{metric}_d"}
    return {count_column: f"{own}: within", n_column: f"{own}: all"}
