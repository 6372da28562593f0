"""Flows: journeys through the front door as a Sankey diagram, one per reporting year.

Referral -> assessment -> no further action / child in need / strategy discussion -> section
47 enquiry -> initial conference -> child protection plan, with re-referrals coming back in
on the left (definitions in `generator.analyses.flows`).
"""

from __future__ import annotations

import pandas as pd

from generator.analyses.flows import NODES, flow_links
from generator.charts.sankey import sankey
from generator.charts.theme import PALETTE
from generator.page_options import FlowOptions
from generator.pages.base import PageContext, PageKind, Plan, RenderedPage, link_windows

TONES = {
    "onward": ("Onward", PALETTE[0]),
    "return": ("Re-referral within 12 months", PALETTE[3]),
    "service": ("Child in need services", PALETTE[2]),
    "stop": ("Ends here", PALETTE[1]),
    "unknown": ("Not recorded or not yet known", PALETTE[7]),
}


def flow_sentence(year: str, links) -> str:
    """A year's flows in words, for the chart's description."""
    at = {(r.source, r.target): r for r in links.itertuples()}

    def part(source, target, words):
        r = at.get((source, target))
        return f"{r.pct:.1f}% ({r.count:,}) {words}" if r else None

    total = int(links[links["source"].isin(["Re-referral", "New referral"])]["count"].sum())
    back = at.get(("Re-referral", "Referral"))
    parts = [
        f"{100 * back.count / total:.1f}% ({back.count:,}) were re-referrals within 12 months" if back else None,
        part("Referral", "Assessment", "went to assessment"),
        part("Assessment", "No further action", "of assessments ended in no further action"),
        part("Assessment", "Child in need", "in child in need services"),
        part("Assessment", "Strategy discussion", "led to a strategy discussion"),
        part("Strategy discussion", "Section 47 enquiry", "of strategy discussions led to a section 47 enquiry"),
        part("Section 47 enquiry", "No conference", "of enquiries closed without a conference"),
        part("Initial conference", "Child protection plan", "of conferences made a child protection plan"),
    ]
    said = "; ".join(p for p in parts if p)
    return f"Flow diagram of {total:,} referrals in {year}" + (f": {said}." if said else ".")


class FlowPage(PageKind):
    kind = "flows"
    group = "front_door"
    measures = frozenset({"referral"})
    Options = FlowOptions

    def prepare(self, options: FlowOptions, plan: Plan) -> None:
        plan.links(link_windows(options))

    def render(self, options: FlowOptions, ctx: PageContext) -> RenderedPage:
        links = flow_links(ctx.links(link_windows(options)).episodes, ctx.period)
        charts = []
        for year, rows in links.groupby("year", sort=True):
            chart = _sankey(f"{options.slug}-{year}", year, rows.reset_index(drop=True))
            # A Sankey's geometry adds its links up: in a public report it is drawn, and
            # described, from the links the privacy stage lets through, never from the rest.
            # Each node's total is drawn: its links in and out are groups with a shown total.
            # The referrals at each link's source are counts too: 1 to 5 of them is "c".
            chart.counts, chart.groups = [UNIT + "_count", UNIT + "_at_source_count"], [("source",), ("target",)]
            chart.rates = {"pct_of_source": (UNIT + "_count", UNIT + "_at_source_count")}
            chart.draw = lambda shown, chart_id=chart.id, year=year: _sankey(chart_id, year, _shown_links(shown)).spec
            chart.describe = lambda shown, year=year: flow_sentence(year, _shown_links(shown))
            charts.append(chart)
        return RenderedPage(template="charts.html", charts=charts, context={"intro": options.intro})


#: What the flows count.
UNIT = "referrals"


def _sankey(chart_id: str, year: str, rows: pd.DataFrame):
    return sankey(chart_id, rows, list(NODES), title=f"Journeys through the front door, {year}",
                  description=flow_sentence(year, rows), unit=UNIT, tones=TONES)


def _shown_links(shown: pd.DataFrame) -> pd.DataFrame:
    """The links of a published Sankey table that may be drawn (every number shown), with
    their chart-function column names back."""
    links = shown.rename(columns={UNIT + "_count": "count", UNIT + "_at_source_count": "source_count", "pct_of_source": "pct"})
    numbers = links[["count", "source_count", "pct"]].apply(pd.to_numeric, errors="coerce")
    drawable = numbers.notna().all(axis=1)
    links = links[drawable].copy()
    links[["count", "source_count"]] = numbers[drawable][["count", "source_count"]].astype(int)
    links["pct"] = numbers[drawable]["pct"].astype(float)
    return links.reset_index(drop=True)
