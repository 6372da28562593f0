"""The fidelity page: synthetic twins beside the real data, and how close they come.

A public report animates synthetic twins (`generator.synth.twins`); this page is the
evidence that they are fit for it: monthly volumes, the shares at each junction, the
quartiles of durations and the re-referral rates, real and synthetic side by side with a
distance for each (`generator.synth.fidelity` defines them and their tolerances), and the
privacy check: how near any synthetic journey comes to a real one.

In a public report the real figures pass the privacy stage like any other: a real count of
1 to 5 is "c", and so is the distance that would give it back.
"""

from __future__ import annotations

import pandas as pd

from generator.charts.fidelity import paired_shares
from generator.charts.workload import count_lines
from generator.analyses.front_door import LinkWindows
from generator.metrics import label_of
from generator.page_options import FidelityOptions
from generator.pages.base import PageContext, PageKind, Plan, RenderedPage
from generator.published import Derived, Metric, Table
from generator.synth import fidelity



class FidelityPage(PageKind):
    kind = "fidelity"
    group = "quality"
    Options = FidelityOptions

    def prepare(self, options: FidelityOptions, plan: Plan) -> None:
        plan.twins(compared=True)
        plan.links(LinkWindows())

    def render(self, options: FidelityOptions, ctx: PageContext) -> RenderedPage:
        real, twins, period = ctx.log, ctx.twins, ctx.period
        # Measured where the twins were sampled, unless they were moved since (a public report).
        figures = ctx.products.twin_figures or fidelity.twin_figures(real, twins, period, ctx.links(LinkWindows()))
        headlines = fidelity.headline_comparison(real, twins, period, real_metrics=dict(ctx.metrics),
                                                 synthetic_metrics=figures.metrics)
        volumes, volume_distances = figures.volumes, figures.volume_distances
        junctions = figures.junctions
        junction_shares = _junction_long(junctions)
        durations = figures.durations
        check = figures.privacy

        # The privacy stage publishes the real figures: a headline as metrics.json shows it,
        # junction counts suppressed within each junction, quartiles of 1 to 5 cases hidden;
        # a distance goes with the figure it is measured from.
        headline_table = Table(headlines.assign(real=[Metric(key) for key in headlines["figure"]]), counts=[],
                               hidden_with={"real": ["distance", "within"]})
        junction_table = Table(junctions, counts=["real_count", "real_n"], groups=[("junction",)],
                               rates={"real_pct": ("real_count", "real_n")}, hidden_with={"real_pct": ["distance", "within"]})
        duration_table = Table(durations, counts=["cases"], groups=[],
                               hidden_with={"cases": ["real", "distance", "within"]})

        charts = []
        distances = dict(zip(volume_distances["series"], volume_distances["distance"]))
        for event, label in fidelity.VOLUME_EVENTS.items():
            if label not in distances:
                continue  # no such events in the data (a 903 extract has no contacts)
            part = volumes[volumes["event"] == event][["month", "source", "count"]].reset_index(drop=True)
            distance = distances[label]
            chart = count_lines(
                f"{options.slug}-{event.replace('_', '-')}", part, title=f"{label} each month: real and synthetic",
                description=f"{label} per month in the real data and among the synthetic twins; over rolling three-month "
                            f"totals they differ by {distance}% of the real volume.",
                date="month", series="source", value="count", y_title=f"{label} per month",
                annotations=ctx.annotations, dashed="Synthetic twins")
            chart.counts, chart.groups = ["count"], [("source",)]
            charts.append(chart)
        charts.append(paired_shares(
            f"{options.slug}-junctions", junction_shares,
            title="Decisions at each junction: real and synthetic",
            description="The share of cases taking each branch at each junction of the front door, real (dots) and "
                        "synthetic (diamonds)."))

        return RenderedPage(
            template="fidelity.html",
            context={
                "intro": options.intro,
                "public": ctx.public,
                "headlines": Derived(headline_table, _named),
                "volumes": _rows(volume_distances),
                "junctions": Derived(junction_table, _rows),
                "durations": Derived(duration_table, _rows),
                "rereferrals": Derived(headline_table, lambda shown: _named(fidelity.rereferral_comparison(shown))),
                "check": check,
                "tolerances": {"points": fidelity.PCT_TOLERANCE, "relative": int(100 * fidelity.RELATIVE_TOLERANCE)},
                "children": {"real": int(real.children["child_id"].nunique()), "synthetic": int(twins.children["child_id"].nunique())},
            },
            charts=charts,
            downloads={
                f"{options.slug}-headlines": headline_table,
                f"{options.slug}-junctions-table": junction_table,
                f"{options.slug}-durations": duration_table,
            },
        )


def _rows(table: pd.DataFrame) -> list[dict]:
    return table.astype(object).where(table.notna(), None).to_dict("records")


def _named(table: pd.DataFrame) -> list[dict]:
    """Rows with each figure's name beside its metrics.json key."""
    return _rows(table.assign(name=table["figure"].map(label_of)))


def _junction_long(table: pd.DataFrame) -> pd.DataFrame:
    step = table["junction"] + ": " + table["branch"]
    real = pd.DataFrame({"junction": table["junction"], "step": step, "source": "Real", "pct": table["real_pct"],
                         "count": table["real_count"], "n": table["real_n"]})
    synthetic = pd.DataFrame({"junction": table["junction"], "step": step, "source": "Synthetic twins",
                              "pct": table["synthetic_pct"], "count": None, "n": None})
    return pd.concat([real, synthetic], ignore_index=True).astype({"count": "Int64", "n": "Int64"})
