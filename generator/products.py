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

Sampling the twins is the build's longest single step and needs nothing but the log: it runs
in a second process while this one links, replays and renders the pages that do not read the
twins (two cores; on one, or where a process cannot be started, it runs here). A page's own
long pure computation (`Plan.aside`, the forecast) starts the same way once the replays exist.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import astuple
from pathlib import Path

from generator.analyses.front_door import LinkWindows, link_front_door
from generator.analyses.period import Period
from generator.pages.base import Plan, Products
from generator.pathway import replay
from generator.pathway.process_map import ProcessMap
from generator.progress import Progress
from generator.second_process import call_in_second_process
from generator.quality import Finding

#: Twins are the same for every build of the same data (DESIGN.md: builds are deterministic).
TWIN_SEED = 2018
#: Rounds over the animated periods when keeping twins off real journeys (see `_kept_off`).
KEEP_OFF_ROUNDS = 5


def compute_products(plan: Plan, progress: Progress) -> tuple[Products, list[Finding]]:
    """Every product the plan asks for, and the findings the replays raised."""
    log = plan.log
    wanted = plan.wants_twins or plan.public
    pending = _sample_twins(log, plan.period if plan.wants_twin_figures else None) if wanted else None
    with progress.step("Linking the front door's steps"):
        links = {windows: link_front_door(log, windows) for windows in sorted(plan.linked, key=astuple)}
    maps = {file: ProcessMap.load(Path(file)) for file, _ in plan.replays}
    replays: dict = {}
    findings: list[Finding] = []
    with progress.step("Replaying the maps"):
        for file in sorted({file for file, whose in plan.replays if whose == "real"}):
            journeys = replays[(file, "real")] = replay.build_journeys(log, maps[file])
            findings.extend(f for f in journeys.findings if f not in findings)
    real = {file: journeys for (file, whose), journeys in replays.items() if whose == "real"}
    asides = {key: _aside(make, real) for key, make in sorted(plan.asides.items())}
    twin_maps = sorted({file for file, whose in plan.replays if whose == "twins"})
    if pending is None or not (plan.public or twin_maps):
        # Only pages read these twins: the first that does waits for them (`Products.twins`).
        return Products(replays=replays, links=links, twins_source=pending, asides=asides), findings
    with progress.step("Sampling synthetic twins"):
        sampled = pending.result()
    twins = sampled[0] if isinstance(sampled, tuple) else sampled
    kept, twin_replays = _kept_off(plan, twins, maps, replays, progress)
    for file in twin_maps:
        replays[(file, "twins")] = twin_replays.get(file) or replay.build_journeys(kept, maps[file])
    # Twins moved off real journeys are other twins: their figures are made again by the page.
    source = sampled if kept is twins else kept
    return Products(replays=replays, links=links, twins_source=source, asides=asides), findings


def _aside(make, real: dict) -> Future:
    function, args = make(lambda file: real[str(file)])
    return call_in_second_process(function, *args)


def _sample_twins(log, compared_over: Period | None) -> Future:
    """The twins of ``log`` (`generator.synth.twins.synthetic_twins`), sampled by a second
    process when there is a second core. The same seed gives the same twins in either process.
    With ``compared_over`` (a period), the future is of the twins and their
    `generator.synth.fidelity.TwinFigures` over it, measured by that process too."""
    if compared_over is not None:
        from generator.synth import fidelity

        return call_in_second_process(fidelity.twins_and_figures, log, TWIN_SEED, compared_over)
    from generator.synth import twins

    return call_in_second_process(twins.synthetic_twins, log, TWIN_SEED)


def _kept_off(plan: Plan, twins, maps: dict, replays: dict, progress: Progress):
    """The twins kept off real journeys on the animated maps of a public report, and their
    replays on those maps when the last check made them."""
    from generator.privacy.fingerprints import RealJourneys, keep_twins_off_real_journeys, period_days

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
