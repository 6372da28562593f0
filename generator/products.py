"""The shared products of a build, computed once for every page that declared a need for them.

Pages declare in ``prepare`` what they need (`generator.pages.base.Plan`); this module makes
each thing once: the front-door episodes linked with each set of windows, each map's replay of
the real children, the synthetic twins and their replay on each map. Replays raise findings
(events a map cannot place): they are returned here, so that every finding exists before the
first page renders.

Public reports animate twins: before any twin is replayed for a page, the twins are kept off
every identifying real journey on each animated map, over each period it animates
(`generator.privacy.fingerprints`). Only the twins' replays are repeated while they are moved;
each real replay is made once.
"""

from __future__ import annotations

from dataclasses import astuple
from pathlib import Path

from generator.analyses.front_door import LinkWindows, link_front_door
from generator.analyses.period import Period
from generator.pages.base import Plan, Products
from generator.pathway import replay
from generator.pathway.process_map import ProcessMap
from generator.progress import Progress
from generator.quality import Finding

#: Twins are the same for every build of the same data (DESIGN.md: builds are deterministic).
TWIN_SEED = 2018
#: Rounds over the animated periods when keeping twins off real journeys (see `_twins`).
KEEP_OFF_ROUNDS = 5


def compute_products(plan: Plan, progress: Progress) -> tuple[Products, list[Finding]]:
    """Every product the plan asks for, and the findings the replays raised."""
    log = plan.log
    with progress.step("Linking the front door's steps"):
        links = {windows: link_front_door(log, windows) for windows in sorted(plan.linked, key=astuple)}
    maps = {file: ProcessMap.load(Path(file)) for file, _ in plan.replays}
    replays: dict = {}
    findings: list[Finding] = []
    with progress.step("Replaying the maps"):
        for file in sorted({file for file, whose in plan.replays if whose == "real"}):
            journeys = replays[(file, "real")] = replay.build_journeys(log, maps[file])
            findings.extend(f for f in journeys.findings if f not in findings)
    twins = None
    if plan.wants_twins or plan.public:
        twins, twin_replays = _twins(plan, maps, replays, progress)
        for file in sorted({file for file, whose in plan.replays if whose == "twins"}):
            replays[(file, "twins")] = twin_replays.get(file) or replay.build_journeys(twins, maps[file])
    return Products(replays=replays, links=links, twins=twins), findings


def _twins(plan: Plan, maps: dict, replays: dict, progress: Progress):
    """The twins, kept off real journeys on the animated maps in a public report, and their
    replays on those maps when the last check made them."""
    from generator.privacy.fingerprints import RealJourneys, keep_twins_off_real_journeys, period_days
    from generator.synth.twins import synthetic_twins

    with progress.step("Sampling synthetic twins"):
        twins = synthetic_twins(plan.log, seed=TWIN_SEED)
    animated = {file: spans for file, spans in plan.animated.items() if (file, "real") in replays}
    if not (plan.public and animated):
        return twins, {}
    real = {file: (maps[file], RealJourneys(replays[(file, "real")])) for file in sorted(animated)}
    spans = {period_days(Period.of(a, b)) for file in animated for a, b in animated[file]}
    spans.add(period_days(plan.period))
    twin_replays: dict | None = None
    with progress.step("Keeping twins off real journeys"):
        # Moving a twin off a real journey in one period can put it on one in another: go round
        # the periods until a whole round moves nobody (each check drops, as a last resort, the
        # twins it cannot move, so this ends).
        for attempt in range(KEEP_OFF_ROUNDS):
            moved_in_round = 0
            for first, last in sorted(spans):
                twins, moved, twin_replays = keep_twins_off_real_journeys(
                    twins, real, first, last, seed=TWIN_SEED + first + 7919 * attempt)
                moved_in_round += moved
            if moved_in_round == 0 or len(spans) == 1:
                break
    return twins, twin_replays or {}


def real_journeys_by_stations(products: Products) -> dict:
    """The real replays keyed as the output audit finds maps in the data scripts."""
    from generator.privacy.fingerprints import RealJourneys

    return {tuple(journeys.map.station_ids): RealJourneys(journeys)
            for (file, whose), journeys in sorted(products.replays.items()) if whose == "real"}


__all__ = ["compute_products", "real_journeys_by_stations", "TWIN_SEED", "LinkWindows"]
