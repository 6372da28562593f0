"""Cumulative incidence of first entry to care by birth cohort, who is most at risk, and
return to care (seed section 4: snapshots understate how many children the care system
touches). Statistics are in `generator.analyses.incidence` and
`generator.analyses.return_to_care`; this page chooses the denominators, the words and the
charts. Without population estimates it says what it needs and shows what needs none.
"""

from __future__ import annotations

import pandas as pd

from generator.analyses.incidence import (
    cumulative_incidence, first_entries, known_children_population, period_cumulative_incidence, rate_ratios,
)
from generator.analyses.return_to_care import GROUPINGS, care_leavers, return_to_care
from generator.charts.longitudinal import incidence_lines, rate_ratio_dots, return_dots
from generator.eventlog import CARE_EVENTS, SEX_LABELS
from generator.page_options import IncidenceOptions
from generator.pages.base import PageContext, PageKind, RenderedPage
from generator.published import Table
from generator.words import counted, ethnic_group

#: What the page counts, by the option `event`.
FIRSTS = {"lac_start": "entered care", "referral": "been referred to children's social care",
          "cin_start": "become a child in need", "cpp_start": "had a child protection plan"}
NEEDS_POPULATION = (
    "Cumulative incidence needs population estimates, which the data do not hold: put the ONS mid-year "
    "estimates for this LA (single year of age by sex, CSV as ONS or Nomis publish them, or the tidy layout "
    "la, year, age, sex, count) in the data folder (README: \"Data: population estimates\"). "
    "Until then this page shows only what needs no population."
)


def _shown(value) -> float | None:
    """A published number, or None where it is hidden."""
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return None if pd.isna(number) else float(number)


def _population(ctx: PageContext) -> tuple[pd.DataFrame | None, str | None]:
    """The estimates for the LA(s) of the data, or why there are none."""
    population = ctx.tables.population
    if population is None or population.empty:
        return None, NEEDS_POPULATION
    las = set(population["la"])
    named = set(ctx.log.children["la"].dropna()) & las
    if named:
        return population[population["la"].isin(named)], None
    if len(las) == 1:
        return population, None
    return None, (f"The population estimates hold {len(las)} areas ({', '.join(sorted(las)[:5])}...) and the data name "
                  "none of them: keep only this LA's rows in the estimates file.")


def _percent(table: pd.DataFrame) -> pd.DataFrame:
    return table.assign(pct=100 * table["cumulative"], low_pct=100 * table["low"], high_pct=100 * table["high"])


class IncidencePage(PageKind):
    kind = "incidence"
    group = "care"
    Options = IncidenceOptions

    def render(self, options: IncidenceOptions, ctx: PageContext) -> RenderedPage:
        slug, what = options.slug, FIRSTS[options.event]
        notes, charts, tables = [], [], []
        first = first_entries(ctx.log, options.event)
        family = ctx.log.events["event"].isin(CARE_EVENTS) == (options.event == "lac_start")
        dates = ctx.log.events.loc[family, "date"]
        observed_from, observed_to = (dates.min(), dates.max()) if len(dates) else (None, None)
        population, problem = _population(ctx)
        if problem:
            notes.append(problem)
        if population is not None and observed_from is not None:
            notes.append(f"The records of this event run from {observed_from:%B %Y} to {observed_to:%B %Y}: a cohort is "
                         "drawn only if they reach back to its birth, and only to the last age all its children have "
                         "lived through.")
            charts.append(self._cohorts(slug, what, first, population, observed_from, observed_to))
            charts += self._period(slug, what, first, population, observed_to)
        if observed_from is not None and len(first):
            chart = self._ethnicity(slug, what, first, population, observed_from, observed_to, ctx, options)
            if chart is not None:
                charts.append(chart)
        if options.event == "lac_start":
            charts_tables = self._returns(slug, ctx)
            if not charts_tables:
                notes.append("No child left care before 18 in these records, so there is no return to care to show.")
            for chart, table in charts_tables:
                charts.append(chart)
                tables.append(table)
        return RenderedPage(template="longitudinal.html", charts=charts,
                            context={"intro": options.intro, "notes": notes, "tables": tables})

    def _cohorts(self, slug, what, first, population, observed_from, observed_to):
        table = _percent(cumulative_incidence(first, population, observed_from, observed_to))
        data = table[["cohort", "age", "by_age", "first_entries", "at_risk", "pct", "low_pct", "high_pct"]]

        def describe(published: pd.DataFrame) -> str:
            parts = [f"born {cohort}: {pct:.2f}% by age {age}" for cohort, pct, age in _last_shown(published, "cohort", True)]
            if not parts:
                return f"Line chart of the share of each birth cohort who had {what} by each age: no value can be shown."
            return (f"Line chart, one line per birth cohort, of the share of children who had first {what} by each "
                    f"age (life table on ONS population estimates; 95% intervals in the table). "
                    + "; ".join(parts) + ".")

        return incidence_lines(f"{slug}-by-cohort", data, series="cohort", series_title="Born in", describe=describe,
                               title=f"Share of each birth cohort who had first {what}, by age",
                               y_title=f"First {what} by this age (%)", counts=["first_entries"], at_risk="at_risk")

    def _period(self, slug, what, first, population, observed_to):
        last_full = observed_to.year if (observed_to.month, observed_to.day) == (12, 31) else observed_to.year - 1
        years = [y for y in range(last_full - 3, last_full + 1) if (population["year"] == y).any()]
        if not years:
            return []
        overall = period_cumulative_incidence(first, population, years).assign(group="All children")
        sexes = population[population["sex"].isin(["1", "2"])]
        parts = [overall]
        if len(sexes):
            by_sex = period_cumulative_incidence(first[first["sex"].isin(["1", "2"])], sexes, years, by=["sex"])
            parts.append(by_sex.assign(group=by_sex["sex"].map(SEX_LABELS)).drop(columns="sex"))
        table = _percent(pd.concat(parts, ignore_index=True))
        data = table[["group", "age", "by_age", "first_entries", "children", "pct", "low_pct", "high_pct"]]
        span = f"{years[0]} to {years[-1]}" if len(years) > 1 else str(years[0])

        def describe(published: pd.DataFrame) -> str:
            parts = [f"{group} {pct:.1f}% by {age}" for group, pct, age in _last_shown(published, "group", False)]
            return (f"Line chart of the share of children who would first have {what} by each age at the rates of "
                    f"{span} (a synthetic cohort: each age's rate among the children of that age in those years, ONS "
                    "estimates). " + ("; ".join(parts) + "." if parts else "No value can be shown."))

        ratios = None
        if len(sexes) and by_sex.loc[by_sex["sex"] == "2", "first_entries"].sum() > 0:
            ratios = rate_ratios(by_sex.rename(columns={"children": "at_risk"}), "sex", "2")
        charts = [incidence_lines(f"{slug}-synthetic-cohort", data, series="group", series_title="Children",
                                  ordinal=False, describe=describe, counts=["first_entries"],
                                  title=f"Children who would first have {what} by each age, at the rates of {span}",
                                  y_title=f"First {what} by this age (%)")]
        if ratios is not None and len(ratios) == 2:
            ratios = ratios.assign(sex=ratios["sex"].map(SEX_LABELS))
            charts.append(rate_ratio_dots(
                f"{slug}-rate-ratio-sex", ratios, category="sex", category_title="Sex",
                title=f"Rate of first having {what}, boys against girls ({span})",
                describe=lambda p: "Dot chart of the rate of first entries per 1,000 children a year, boys over girls: "
                + "; ".join(f"{r.sex} {r.rate_ratio if isinstance(r.rate_ratio, str) else f'{r.rate_ratio:.2f}'}"
                            for r in p.itertuples()) + "."))
        return charts

    def _ethnicity(self, slug, what, first, population, observed_from, observed_to, ctx, options):
        if population is not None and "ethnicity" in population.columns:
            denominators, among = population, "children in the population"
        else:
            denominators = known_children_population(ctx.log, observed_to, by=["ethnicity"])
            among = "children known to children's services (no population estimates by ethnicity)"
        table = cumulative_incidence(first[first["ethnicity"].notna()], denominators, observed_from, observed_to,
                                     by=["ethnicity"])
        table = table[table["at_risk"] > 0]
        reference = table[table["ethnicity"] == options.reference_ethnicity]
        if reference["first_entries"].sum() == 0 or table["ethnicity"].nunique() < 2:
            return None  # no rate to compare with
        ratios = rate_ratios(table, "ethnicity", options.reference_ethnicity)
        ratios = ratios[ratios["first_entries"] > 0].sort_values("rate_ratio", ascending=False, kind="mergesort")
        # Groups by name, not DfE code ("White British", not "WBRI").
        ratios = ratios.assign(ethnicity=ratios["ethnicity"].map(ethnic_group))
        reference_name = ethnic_group(options.reference_ethnicity)

        def describe(published: pd.DataFrame) -> str:
            shown = [f"{r.ethnicity} {float(r.rate_ratio):.2f}" for r in published.itertuples()
                     if _shown(r.rate_ratio) is not None and r.ethnicity != reference_name]
            return (f"Dot chart of each ethnic group's rate of first having {what} over the rate of "
                    f"{reference_name}, among {among}, with 95% intervals: " + ("; ".join(shown) or "none can be shown") + ".")

        return rate_ratio_dots(f"{slug}-rate-ratio-ethnicity", ratios.reset_index(drop=True), category="ethnicity",
                               category_title="Ethnic group", describe=describe,
                               title=f"Rate of first having {what} by ethnic group, against {reference_name}, "
                                     f"among {among.split(' (')[0]}")

    def _returns(self, slug, ctx):
        leavers = care_leavers(ctx.log)
        if leavers.empty:
            return []
        out = []
        for by, label in (("age_group", "age_at_leaving"), ("legal_group", "legal_status"), ("reason_group", "reason")):
            table = return_to_care(leavers, by)
            if table.empty:
                continue
            table = table.iloc[sorted(range(len(table)), key=lambda i: _group_order(table["group"].iloc[i]))]
            name = GROUPINGS[label].lower()

            def describe(published: pd.DataFrame, name=name) -> str:
                rows = published[(published["group"] == "All") & (published["estimator"].str.startswith("Aalen"))]
                read = [f"{float(r.pct):.1f}% within {r.within}" for r in rows.itertuples() if _shown(r.pct) is not None]
                return (f"Dot chart of the share of children leaving care before 18 who came back, by {name}, read at 1, "
                        "2 and 5 years: 1 - Kaplan-Meier (turning 18 treated as censoring) and Aalen-Johansen (turning 18 "
                        "a competing event), with 95% intervals. All leavers (Aalen-Johansen): "
                        + (", ".join(read) or "none can be shown") + ". Rows end where fewer than 10 are still followed.")

            chart = return_dots(f"{slug}-return-{by.split('_')[0]}", table, describe=describe,
                                title=f"Children who returned to care after leaving, by {name}")
            at_risk = (table[table["method"] == "kaplan_meier"]
                       .pivot(index="group", columns="days", values="at_risk").astype("Int64")
                       .pipe(lambda frame: frame.loc[sorted(frame.index, key=_group_order)]).reset_index())
            at_risk.columns = ["group", *[f"at_risk_{round(d / 365.25)}y" for d in at_risk.columns[1:]]]
            headers = {"group": GROUPINGS[label], **{c: f"Still followed at {counted(int(c.split('_')[-1][:-1]), 'year')}"
                                                     for c in at_risk.columns[1:]}}
            out.append((chart, {"id": f"{slug}-at-risk-{by.split('_')[0]}", "after": chart.id, "headers": headers,
                                "caption": f"Number at risk: leavers still followed, not yet returned or 18, by {name}",
                                "frame": Table(at_risk, counts=list(at_risk.columns[1:]), groups=[])}))
        return out


def _last_shown(published: pd.DataFrame, by: str, sort: bool) -> list[tuple]:
    """(line, percentage, age) of the last point of each line the published table shows: the
    words of a curve chart quote only what a reader can see (a hidden point is never read)."""
    lines = []
    for line, rows in published.groupby(by, sort=sort):
        shown = rows[pd.to_numeric(rows["pct"], errors="coerce").notna()]
        if len(shown):
            last = shown.iloc[-1]
            lines.append((line, float(last["pct"]), int(last["by_age"])))
    return lines


def _group_order(group: str) -> tuple:
    """All leavers first, then age bands youngest first ("Under 5", "5 to 9", "10 to 15"),
    then other groups by name (a pivot's alphabetical order put "10 to 15" before "5 to 9")."""
    words = str(group).split()
    if group == "All":
        return (0, 0, "")
    if words[0] == "Under" and words[-1].isdigit():
        return (1, int(words[-1]) - 0.5, "")
    if words[0].isdigit():
        return (1, int(words[0]), "")
    return (2, 0, str(group))
