"""Court orders and return to court (seed section 6): which final orders the courts made each
year, with Wilson intervals and each order's fitted trend, and how many children came back to
court for new proceedings after each order, with turning 18 competing (Aalen-Johansen).

Statistics are in `generator.analyses.orders`, `generator.analyses.competing_risks` and the
derivations from the proceedings list in `generator.analyses.court`; this page chooses the
tables, the words and the charts. It reads the proceedings list (`Tables.legal`), not events:
without one it says what it needs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.analyses import competing_risks, court, orders
from generator.charts.court import ORDER_LABELS, incidence_steps, order_share_lines, order_share_panels
from generator.page_options import CourtOrdersOptions
from generator.pages.base import PageContext, PageKind, RenderedPage
from generator.published import Table
from generator.words import counted

#: Areas drawn as a panel each; beyond this their shares are a download only.
MAX_PANELS = 16
NEEDS_PROCEEDINGS = (
    "This page needs the legal department's list of care proceedings (one row per child per set of proceedings, "
    "with the application date, final hearing date and final order), which the data do not hold: put it in the "
    "data folder (README: \"Data: court proceedings\"), one subfolder per LA to compare several."
)


def proceedings_of(ctx: PageContext, order_keys) -> pd.DataFrame | None:
    """The proceedings list, or None when the data hold none ending in one of ``order_keys``."""
    legal = ctx.tables.legal
    if legal is None or legal.proceedings is None:
        return None
    frame = legal.proceedings
    if not (frame["final_order"].isin(list(order_keys)) & frame["final_date"].notna()).any():
        return None
    return frame


def area_column(by: str) -> str:
    """The proceedings column an option ``by`` names: the LA, or the court or DFJ area."""
    return "la" if by == "la" else "area"


def _number(value) -> float | None:
    number = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return None if pd.isna(number) else float(number)


def p_text(p: float) -> str:
    """A p-value as a table shows it: four decimals, "< 0.0001" below them, "-" when untested."""
    return "-" if pd.isna(p) else "< 0.0001" if p < 0.0001 else f"{p:.4f}"


class CourtOrdersPage(PageKind):
    kind = "court_orders"
    group = "proceedings"
    Options = CourtOrdersOptions
    # It measures the proceedings list, which is not events: left in whatever events the data
    # hold, and it says what it needs when the list is missing.
    measures = frozenset()

    def render(self, options: CourtOrdersOptions, ctx: PageContext) -> RenderedPage:
        proceedings = proceedings_of(ctx, options.orders)
        if proceedings is None:
            return RenderedPage(template="longitudinal.html", context={"intro": options.intro, "notes": [NEEDS_PROCEEDINGS],
                                                                       "tables": []})
        slug = options.slug
        made = court.orders_by_year(proceedings, options.orders, by=area_column(options.by))
        shares, trends = orders.order_shares_and_trends(made)
        several = "area" in made.columns
        overall = shares[shares["area"] == orders.ALL_AREAS] if several else shares
        charts, tables, notes, downloads = [], [], [], {}
        charts.append(self._shares_chart(slug, overall, made["area"].nunique() if several else 1))
        tables.append(self._trend_table(slug, trends[trends["area"] == (orders.ALL_AREAS if several else trends["area"].iloc[0])],
                                        charts[-1].id))
        if several:
            areas = made["area"].nunique()
            downloads[f"{slug}-trends-by-area"] = Table(trends, counts=["children"], groups=[])
            if areas <= MAX_PANELS:
                charts.append(self._area_panels(slug, shares[shares["area"] != orders.ALL_AREAS]))
                notes.append(f"The data hold {areas} areas: the first chart shows them together, the second each "
                             "area's own shares; each area's fitted trends are a download.")
            else:
                downloads[f"{slug}-shares-by-area"] = Table(shares, counts=["children", "total"], groups=[],
                                                            rates={"share": ("children", "total")})
                notes.append(f"The data hold {areas} areas, too many for a panel each: the chart shows them together; "
                             "each area's shares and trends are downloads.")
        by = area_column(options.by) if several else None
        follow_up = court.return_to_court(proceedings, options.orders, by=by)
        chart, at_risk, test = self._returns(slug, follow_up, options.horizon_years)
        charts.append(chart)
        tables.append(at_risk)
        notes.append(self._test_words(test))
        if several:
            tables.append(self._returns_by_area(slug, follow_up, by, options.horizon_years, at_risk["id"]))
        return RenderedPage(template="longitudinal.html", charts=charts, downloads=downloads,
                            context={"intro": options.intro, "notes": notes, "tables": tables})

    def _shares_chart(self, slug, overall, areas):
        where = "all areas together" if areas > 1 else "the data's proceedings"

        def describe(published: pd.DataFrame) -> str:
            last = published["year"].max() if len(published) else None
            read = [f"{ORDER_LABELS.get(r.final_order, r.final_order)} {100 * float(r.share):.1f}%"
                    for r in published[published["year"] == last].itertuples() if _number(r.share) is not None]
            return (f"Dot chart of the share of children by final order per year ({where}), with 95% Wilson intervals "
                    f"and each order's fitted logistic trend as a dashed line. In {last}: "
                    + ("; ".join(read) or "no share can be shown") + ".")

        return order_share_lines(f"{slug}-order-shares", overall.reset_index(drop=True), describe=describe,
                                 title="Final orders made for children in care proceedings, by year")

    def _area_panels(self, slug, shares):
        def describe(published: pd.DataFrame) -> str:
            so = published[published["final_order"] == "supervision_order"]
            so = so.assign(value=pd.to_numeric(so["share"], errors="coerce")).dropna(subset=["value"])
            span = ""
            if len(so):
                low, high = so.loc[so["value"].idxmin()], so.loc[so["value"].idxmax()]
                span = (f" Supervision orders ranged from {100 * low['value']:.1f}% ({low['area']}, {low['year']}) to "
                        f"{100 * high['value']:.1f}% ({high['area']}, {high['year']}).")
            return ("Small multiples, one panel per area, of the share of children by final order per year (95% Wilson "
                    "intervals in the table)." + span)

        return order_share_panels(f"{slug}-order-shares-by-area", shares.reset_index(drop=True), describe=describe,
                                  title="Final orders by year in each area")

    def _trend_table(self, slug, trends, after):
        frame = pd.DataFrame({
            "order": trends["final_order"].map(ORDER_LABELS).fillna(trends["final_order"]),
            "children": trends["children"].astype(int),
            "odds_ratio": trends["odds_ratio"].round(3), "lower": np.exp(trends["slope_lower"]).round(3),
            "upper": np.exp(trends["slope_upper"]).round(3), "p_value": trends["p_value"].map(p_text)})
        headers = {"order": "Final order", "children": "Children", "odds_ratio": "Odds ratio per year",
                   "lower": "95% interval from", "upper": "95% interval to", "p_value": "p (Wald)"}
        return {"id": f"{slug}-order-trends", "after": after, "headers": headers,
                "caption": "Trend of each order's share: the odds of the order multiply by the odds ratio each year "
                           "(binomial regression on the year)",
                "frame": Table(frame.reset_index(drop=True), counts=["children"], groups=[])}

    def _returns(self, slug, follow_up, horizon_years):
        horizon = horizon_years * 365.25
        weekly = np.arange(0, horizon + 1, 7.0)
        curves = competing_risks.cumulative_incidence(follow_up, times=weekly)

        def describe(published: pd.DataFrame) -> str:
            read = []
            for group, rows in published.groupby("group", sort=False):
                shown = rows[pd.to_numeric(rows["estimate"], errors="coerce").notna()]
                if len(shown):
                    last = shown.iloc[-1]
                    read.append(f"{ORDER_LABELS.get(group, group)} {100 * float(last['estimate']):.1f}% by "
                                f"{float(last['days']) / 365.25:.1f} years")
            return ("Step chart of the cumulative incidence of new care proceedings after each final order "
                    "(Aalen-Johansen, turning 18 a competing event): " + ("; ".join(read) or "none can be shown")
                    + ". Each curve stops where fewer than 10 children are still followed.")

        chart = incidence_steps(f"{slug}-return-to-court", curves, describe=describe,
                                title="Children back in court for new proceedings, by the final order before",
                                y_title="New proceedings by then (%)")
        yearly = competing_risks.cumulative_incidence(follow_up, times=np.arange(0, horizon_years + 1) * 365.25)
        at_risk = yearly.pivot(index="group", columns="days", values="at_risk").astype("Int64").reset_index()
        at_risk.columns = ["group", *[f"at_risk_{round(d / 365.25)}y" for d in at_risk.columns[1:]]]
        at_risk["group"] = at_risk["group"].map(ORDER_LABELS).fillna(at_risk["group"])
        headers = {"group": "Final order", **{c: f"At {counted(int(c.split('_')[-1][:-1]), 'year')}" for c in at_risk.columns[1:]}}
        table = {"id": f"{slug}-at-risk", "after": chart.id, "headers": headers,
                 "caption": "Number at risk: children still followed, not yet back in court or 18, by the order before",
                 "frame": Table(at_risk, counts=list(at_risk.columns[1:]), groups=[])}
        return chart, table, competing_risks.cause_specific_logrank(follow_up)

    @staticmethod
    def _returns_by_area(slug, follow_up, by, horizon_years, after):
        # An LA compares itself on one figure per area: all orders together, read at the horizon.
        areas = court.return_by_area(follow_up, by, horizon_years * 365.25)
        # Not "at_risk": that name makes the privacy stage read the rows as one curve, cut
        # after its first small number.
        frame = areas[["area", "followed", "returned", "at_risk"]].rename(columns={"at_risk": "still_followed"}).assign(
            **{column: (100 * areas[column]).round(1) for column in ("estimate", "lower", "upper")})
        headers = {"area": "Area", "followed": "Final orders followed", "returned": f"New proceedings within {horizon_years} years",
                   "still_followed": f"Still followed at {horizon_years} years", "estimate": f"Back in court by {horizon_years} years (%)",
                   "lower": "95% interval from (%)", "upper": "95% interval to (%)"}
        shown = ["estimate", "lower", "upper"]
        return {"id": f"{slug}-return-by-area", "after": after, "headers": headers,
                "caption": f"Return to court by area: the cumulative incidence of new care proceedings within {horizon_years} "
                           "years of a final order, all orders together (Aalen-Johansen, turning 18 a competing event; "
                           "pointwise 95% intervals)",
                # The incidence is read from the counts beside it: hidden wherever they are, and
                # an area of few orders is not named with a figure.
                "frame": Table(frame, counts=["followed", "returned", "still_followed"], groups=[],
                               hidden_with={"followed": shown, "returned": shown, "still_followed": shown},
                               group_size="followed")}

    @staticmethod
    def _test_words(test: dict) -> str:
        if test["p_value"] is None or pd.isna(test["p_value"]):
            return "No test between the orders: there are fewer than two orders, or no return to court."
        p = "p < 0.001" if test["p_value"] < 0.001 else f"p = {test['p_value']:.3f}"
        return (f"Return to court compared between the orders by a cause-specific log-rank test: chi-squared "
                f"{test['statistic']:.1f} on {test['df']} degrees of freedom, {p}. It compares the rates among children "
                "still followed, treating turning 18 as the end of follow-up; Gray's test of the cumulative incidence "
                "itself is not computed.")
