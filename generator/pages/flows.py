"""Flows: journeys through the front door as a Sankey diagram, one per reporting year.

Referral -> assessment -> no further action / child in need / strategy discussion -> section
47 enquiry -> initial conference -> child protection plan, with re-referrals coming back in
on the left (definitions in `generator.analyses.flows`).
"""

from __future__ import annotations

from typing import Literal

from generator.analyses.flows import NODES, flow_links
from generator.analyses.front_door import referral_episodes
from generator.charts.sankey import sankey
from generator.charts.theme import PALETTE
from generator.pages.base import PageContext, PageKind, RenderedPage
from generator.pages.windows import WindowOptions
from generator.privacy.suppression import suppress

INTRO = (
    "Where referrals went, year by year: each band is as wide as the number of referrals "
    "taking that route, from where they came from (a re-referral within 12 months, or not) "
    "through assessment to child protection. A band that stops has reached the end of the "
    "front door's part of the journey."
)
TONES = {
    "onward": ("Onward", PALETTE[0]),
    "return": ("Re-referral within 12 months", PALETTE[3]),
    "service": ("Child in need services", PALETTE[2]),
    "stop": ("Ends here", PALETTE[1]),
    "unknown": ("Not recorded or not yet known", PALETTE[7]),
}


class FlowOptions(WindowOptions):
    kind: Literal["flows"]
    intro: str = INTRO


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
    Options = FlowOptions

    def build(self, options: FlowOptions, ctx: PageContext) -> RenderedPage:
        links = flow_links(referral_episodes(ctx.log, options.link_windows()), ctx.period)
        if ctx.public:
            # A Sankey's geometry adds its links up: draw it from the links that may be shown.
            hidden = suppress(links, counts=["count"], groups=[("year", "source"), ("year", "target")]).hidden_rows
            links = links[~hidden]
        charts = []
        for year, rows in links.groupby("year", sort=True):
            rows = rows.reset_index(drop=True)
            charts.append(sankey(
                f"{options.slug}-{year}", rows, list(NODES), title=f"Journeys through the front door, {year}",
                description=flow_sentence(year, rows), unit="referrals", tones=TONES,
            ))
        return RenderedPage(template="charts.html", charts=charts, context={"intro": options.intro})
