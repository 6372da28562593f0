"""Funnel plots (seed section 6): one proportion across areas, against the limits chance alone
would give an area of each size, with outliers named and the user's LA highlighted.

The proportion comes from the proceedings lists of several LAs (e.g. supervision orders of
all final orders, per LA or DFJ area) or from an area-aggregates table (any rate an LA
compares with published figures). Limits are in `generator.analyses.funnel`; this page picks
the areas, the words and the chart.
"""

from __future__ import annotations

import pandas as pd

from generator.analyses import court, funnel
from generator.charts.court import ORDER_LABELS, funnel_chart
from generator.page_options import FunnelOptions
from generator.pages.base import PageContext, PageKind, RenderedPage
from generator.pages.court_orders import NEEDS_PROCEEDINGS, area_column, proceedings_of
from generator.published import Table

NEEDS_AREAS = (
    "This page compares areas from an area-aggregates table (area, period, numerator, denominator; optional region "
    "and measure), which the data do not hold: put one in the data folder (README: \"Data: area aggregates\")."
)
METHOD_WORDS = {"exact": "exact binomial limits (Spiegelhalter 2005)", "wilson": "Wilson score limits",
                "multiplicative": "limits widened by the over-dispersion factor phi (Spiegelhalter 2005)",
                "additive": "limits widened by the between-area variance tau-squared (DerSimonian-Laird after 10% "
                            "winsorisation, as FunnelPlotR)"}


def _from_areas(options: FunnelOptions, ctx: PageContext) -> tuple[pd.DataFrame | None, str, str]:
    table = ctx.tables.areas
    if table is None or table.empty:
        return None, NEEDS_AREAS, ""
    measures = sorted(table["measure"].unique())
    measure = options.measure or (measures[0] if len(measures) == 1 else None)
    if measure not in measures:
        return None, "", (f"The area aggregates hold the measures {', '.join(measures)}: name one as the page's "
                      "`measure`." if options.measure is None else
                      f"The area aggregates hold no measure {options.measure!r}; they hold {', '.join(measures)}.")
    rows = table[table["measure"] == measure]
    periods = sorted(rows["period"].unique())
    period = options.period or periods[-1]
    if period not in periods:
        return None, "", f"The area aggregates hold no period {period!r} for {measure!r}; they hold {', '.join(periods)}."
    chosen = rows[rows["period"] == period]
    what = f"{measure}, {period}" if measure != "rate" else str(period)
    return chosen[["area", "numerator", "denominator"]].reset_index(drop=True), what, "Denominator"


def _from_proceedings(options: FunnelOptions, ctx: PageContext) -> tuple[pd.DataFrame | None, str, str]:
    proceedings = proceedings_of(ctx, options.orders)
    if proceedings is None:
        return None, NEEDS_PROCEEDINGS, ""
    column = area_column(options.by)
    if column not in proceedings.columns or proceedings[column].nunique() < 2:
        return None, "", ("A funnel plot compares areas, and the proceedings name one "
                      + ("LA: put each LA's list in a subfolder of its own." if column == "la" else
                         "court or DFJ area."))
    areas = court.funnel_areas(proceedings, options.numerator_orders, options.orders, by=column,
                               years=options.years or None)
    named = " or ".join(ORDER_LABELS[o] for o in options.numerator_orders)
    span = f", {min(options.years)}-{max(options.years)}" if options.years else ""
    return areas, f"{named} as a share of all final orders{span}", "Children with a final order"


class FunnelPage(PageKind):
    kind = "funnel"
    group = "proceedings"
    Options = FunnelOptions
    # Areas come from the proceedings list or an area-aggregates table, neither of them events.
    measures = frozenset()

    def render(self, options: FunnelOptions, ctx: PageContext) -> RenderedPage:
        areas, what, x_title = (_from_areas if options.source == "areas" else _from_proceedings)(options, ctx)
        if areas is None:
            problem = what or x_title
            return RenderedPage(template="longitudinal.html", context={"intro": options.intro, "notes": [problem], "tables": []})
        areas = areas[areas["denominator"] > 0]
        table = funnel.proportion_funnel(areas, options.method, source="funnel areas")
        dispersion = table.attrs["dispersion"]
        # Over-dispersion is reported whatever the limits, so that a reader of exact limits
        # knows when areas differ more than chance alone allows.
        spread = dispersion or funnel.proportion_overdispersion(table["numerator"], table["denominator"],
                                                               float(table["target"].iloc[0]))
        lines = funnel.funnel_lines(max(1.0, 0.5 * areas["denominator"].min()), 1.1 * areas["denominator"].max(),
                                    float(table["target"].iloc[0]), options.method, dispersion)
        highlight = options.highlight or _the_la(ctx)
        slug = options.slug
        published = Table(table, counts=["numerator", "denominator"], groups=[], rates={"rate": ("numerator", "denominator")},
                          hidden_with={"rate": ["outlier"]})

        def describe(shown: pd.DataFrame) -> str:
            return (f"Funnel plot of {what} in {len(shown)} areas against the denominator, with {METHOD_WORDS[options.method]} "
                    f"at 95% and 99.8% around the overall {100 * float(table['target'].iloc[0]):.1f}%. "
                    + _outlier_words(shown, highlight))

        chart = funnel_chart(f"{slug}-funnel", table.drop(columns="outlier"), lines, highlight=highlight,
                             describe=describe, rate_title=options.rate_title, x_title=x_title,
                             title=f"Funnel plot: {what}, by area")
        notes = [f"Limits: {METHOD_WORDS[options.method]}."]
        if len(table) > 1:
            notes.append(f"Over-dispersion: phi = {spread.phi:.2f} over {spread.n} areas "
                         f"({'more' if spread.significant else 'not significantly more'} variation than chance alone), "
                         f"tau-squared = {spread.tau2:.4f} on the arcsine-square-root scale"
                         + (": the limits allow for it." if dispersion is not None else
                            (": with these limits more areas fall outside than chance alone would place there; the "
                             "multiplicative or additive limits allow for it." if spread.significant else ".")))
        if highlight and highlight not in set(table["area"]):
            notes.append(f"The area to highlight, {highlight!r}, is not among the areas compared.")
        return RenderedPage(template="longitudinal.html", charts=[chart], downloads={f"{slug}-funnel-table": published},
                            context={"intro": options.intro, "notes": notes, "tables": []})


def _the_la(ctx: PageContext) -> str | None:
    """The data's LA when it holds exactly one (the area a single LA's report highlights)."""
    las = ctx.log.children["la"].dropna().unique() if "la" in ctx.log.children.columns else []
    return str(las[0]) if len(las) == 1 else None


def _outlier_words(shown: pd.DataFrame, highlight: str | None) -> str:
    """Which areas lie outside the 99.8% limits, read from the published table (a hidden rate
    is never called an outlier)."""
    rate = pd.to_numeric(shown["rate"], errors="coerce")
    low, high = pd.to_numeric(shown["lower_998"], errors="coerce"), pd.to_numeric(shown["upper_998"], errors="coerce")
    above = shown.loc[rate > high, "area"].astype(str).tolist()
    below = shown.loc[rate < low, "area"].astype(str).tolist()
    words = []
    words.append(f"Above the 99.8% limits: {', '.join(above)}." if above else "No area is above the 99.8% limits.")
    words.append(f"Below them: {', '.join(below)}." if below else "No area is below them.")
    if highlight is not None and highlight in set(shown["area"].astype(str)):
        row = shown[shown["area"].astype(str) == highlight].iloc[0]
        value = pd.to_numeric(pd.Series([row["rate"]]), errors="coerce").iloc[0]
        if pd.notna(value):
            place = "above" if highlight in above else "below" if highlight in below else "within"
            words.append(f"{highlight} (highlighted): {100 * value:.1f}%, {place} the limits.")
    return " ".join(words)
