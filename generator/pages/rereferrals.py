"""Re-referrals: how many come back, after how long, and whether coming back changes the answer.

Three charts for the seed report's two re-referral findings (section 8): the 12-month rate
looks ordinary while most referrals had a previous one within 36 months; and assessments of
children with more previous referrals end in no further action more often, not less.
"""

from __future__ import annotations


import numpy as np

from generator.analyses.rereferral_curves import (
    cumulative_rereferral,
    nfa_by_previous_referrals,
    rereferral_rates_by_year,
    time_to_rereferral,
)
from generator.charts.curves import cumulative_curve
from generator.charts.rates import MIN_DENOMINATOR, rate_bars
from generator.page_options import RereferralOptions
from generator.pages.base import PageContext, PageKind, Plan, RenderedPage, link_windows
from generator.pages.windows import share


class RereferralPage(PageKind):
    kind = "rereferrals"
    group = "front_door"
    measures = frozenset({"referral"})
    Options = RereferralOptions

    def prepare(self, options: RereferralOptions, plan: Plan) -> None:
        plan.links(link_windows(options))

    def render(self, options: RereferralOptions, ctx: PageContext) -> RenderedPage:
        slug = options.slug
        return RenderedPage(
            template="charts.html",
            charts=[self._rates(slug, ctx), self._curve(slug, ctx), self._nfa(slug, ctx, options)],
            context={"intro": options.intro},
        )

    def _rates(self, slug, ctx):
        table = rereferral_rates_by_year(ctx.log, ctx.period)
        twelve = table[table["window_days"] == 365]
        both = table.pivot(index="year", columns="window_days", values="n")
        years = [y for y in both.index if both.loc[y, 1095] >= MIN_DENOMINATOR] if 1095 in both else []
        sentence = "Bar chart of the share of referrals that were re-referrals, by reporting year (April to March). "
        if len(twelve):
            sentence += "Within 12 months: " + "; ".join(
                f"{r.year} {share(r.count, r.n)}" for r in twelve.itertuples()) + ". "
        if years:
            latest = table[(table["year"] == years[-1])].set_index("window_days")
            sentence += (f"In {years[-1]}, {share(latest.loc[1095, 'count'], latest.loc[1095, 'n'])} of referrals with three "
                         f"years of history had a previous referral within 36 months, against {latest.loc[365, 'pct']:.1f}% "
                         "within 12 months. Years marked 'too early' have no referral with three years of data before it.")
        else:
            sentence += "No year has enough referrals with three years of history before them for a 36-month rate."
        short = [r.year for r in twelve.itertuples() if not r.complete and r.n]
        if short:
            sentence += (f" * {', '.join(short)}: some referrals have less than 12 months of data before them, so the "
                         "12-month rate is understated.")
        return rate_bars(
            f"{slug}-rates-by-year", table, title="Re-referrals within 12 and within 36 months, by year",
            description=sentence, category="year", category_title="Reporting year", group="measure",
            group_title="Previous referral", count_title="Re-referrals", n_title="Referrals counted",
            y_title="Referrals that were re-referrals (%)", empty_label="too early",
            names=("rereferrals", "referrals"),
        )

    def _curve(self, slug, ctx):
        durations = time_to_rereferral(ctx.log, ctx.period)
        longest = int(durations["days"].max()) if len(durations) else 0
        # Weekly steps plus days 365 and 1,095, so the words read the day metrics.json reads.
        table = cumulative_rereferral(durations, np.union1d(np.arange(0, longest + 7, 7), [365, 1095]))
        marks = [(12, "12 months"), (36, "36 months")]
        read = []
        for months, label in marks:
            day = 365 if months == 12 else 1095
            if len(table) and table["days"].max() >= day:
                read.append(f"{table[table['days'] <= day].iloc[-1]['pct']:.1f}% within {label} (day {day:,})")
        description = (
            f"Step curve of the share of {len(durations):,} referrals in the period followed by another referral of the "
            "same child, by months since the referral (1 minus Kaplan-Meier; referrals without a later one are censored at "
            "the last date in the data)"
            + (": " + ", ".join(read) if read else "")
            + "."
        )
        return cumulative_curve(
            f"{slug}-time-to-rereferral", table, title="Time from a referral to the child's next referral",
            description=description, y_title="Referrals followed by another (%)", marks=marks,
            at_risk_title="Referrals still followed, not yet re-referred", events_title="Re-referrals so far",
        )

    def _nfa(self, slug, ctx, options):
        episodes = ctx.links(link_windows(options)).episodes
        table = nfa_by_previous_referrals(episodes, ctx.period)
        words = {"0": "no previous referral", "1": "one", "2": "two", "3+": "three or more"}
        description = (
            "Bar chart of assessments authorised in the period that ended in no further action, by the child's number of "
            "previous referrals: " + "; ".join(f"{words[r.previous_referrals]} {share(r.count, r.n)}" for r in table.itertuples()) + "."
        )
        return rate_bars(
            f"{slug}-nfa-by-previous-referrals", table,
            title="Assessments ending in no further action, by number of previous referrals",
            description=description, category="previous_referrals", category_title="Previous referrals of the child",
            count_title="Assessments ending in NFA", n_title="Assessments authorised",
            y_title="Assessments ending in NFA (%)", names=("nfa", "assessments"),
        )
