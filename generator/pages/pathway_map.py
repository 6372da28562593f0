"""The pathway map page: every child a dot on a tube map of the front door (seed, section 8).

Reads a process map (``map:``, relative to report.yaml's folder; the packaged default when
absent there), replays the EventLog over it (`generator.pathway.replay`), packs the player's frames
(`generator.pathway.frames`) into ``build/data/<slug>.js`` and renders ``map.html``: the SVG map, the
player's controls, and the month-by-month table that is the map's text alternative.

``compare`` shows two synced maps under one scrubber: two groups of children (by ``la``, sex,
age band, ethnicity group or disability: ``left`` and ``right`` name the groups), or two
periods (``by: period``, ``left`` and ``right`` are ``{start, end}``).

Per-child dots reveal unique journeys (DOMAIN.md): in a public report the dots are synthetic
twins (``ctx.twins``, `generator.synth.twins`), never real children, and the page says so;
the monthly table and the counters stay the real, disclosure-controlled counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.errors import InputError, Problem
from generator.eventlog import CARE_EVENTS, PRACTICE_EVENTS
from generator.page_options import FRONT_DOOR_MAP, LOOKED_AFTER_MAP, PathwayMapOptions, PeriodRange
from generator.pathway.frames import (
    AGE_BANDS,
    DISABILITY_GROUPS,
    ETHNICITY_GROUPS,
    SEX_GROUPS,
    child_attributes,
    data_script,
    la_groups,
    monthly_stock,
    pack_frames,
    station_stock,
    station_summary,
)
from generator.pages.base import PageContext, PageKind, Plan, RenderedPage
from generator.pathway.process_map import map_path
from generator.pathway.tube_layout import layout
from generator.published import Count, Table

#: Dot colours per colour mode. Cycle: pale to deep red, every dot ringed in dark grey so the
#: palest stays visible on the light map. The others: Okabe-Ito, colour-blind safe.
PALETTES = {
    "cycle": ["#ffffff", "#fdd49e", "#fc8d59", "#e34a33", "#b30000", "#5c0010"],
    "sex": ["#0072b2", "#e69f00", "#999999"],
    "age": ["#fde725", "#7ad151", "#22a884", "#2a788e", "#414487", "#999999"],
    "ethnicity": ["#e69f00", "#56b4e9", "#009e73", "#cc79a7", "#f0e442", "#999999"],
    "disability": ["#d55e00", "#56b4e9", "#999999"],
    "la": ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#999999"],
}
CYCLE_LABELS = ["1st time", "2nd", "3rd", "4th", "5th", "6th or more"]
#: Days of the animation per second of playing (issue 3: a day a second to a quarter a second).
SPEEDS = [(1, "A day a second"), (7, "A week a second"), (30.4375, "A month a second"),
          (91.3125, "A quarter a second")]
DEFAULT_SPEED = 30.4375
TWINS_NOTE = ("The dots are synthetic twins, not real children: they were drawn from a model of these "
              "journeys fitted to the real data, so they move with the same flows, timings and volumes, "
              "but no dot follows a real child. The monthly table counts the real children "
              "(counts of 1 to 5 are shown as c).")
#: The player's plain scripts, in load order: each adds to window.carejourneys what the next
#: ones use (site_templates/assets/; the base template loads them after report.js).
PLAYER_SCRIPTS = ["codec.js", "geometry.js", "model.js", "painter.js", "controls.js", "recorder.js", "player.js"]
COMPARE_BY = {"la": "la", "sex": "sex", "age": "age", "ethnicity": "ethnicity", "disability": "disability"}


#: Events of a looked-after child's record (SSDA903), of the courts, and recorded practice
#: (reviews, visits, return interviews): data holding only these has no front door to draw.
CARE_ONLY_EVENTS = CARE_EVENTS | frozenset(PRACTICE_EVENTS)


def default_map(log) -> str:
    """The map of a page that names none: the looked-after map when the data holds periods of
    care (lac_start) and no front-door event (903 data alone), else the front-door map."""
    events = log.event_names
    return LOOKED_AFTER_MAP if "lac_start" in events and events <= CARE_ONLY_EVENTS else FRONT_DOOR_MAP


class PathwayMapPage(PageKind):
    kind = "pathway_map"
    group = "front_door"
    Options = PathwayMapOptions

    def prepare(self, options: PathwayMapOptions, plan: Plan) -> None:
        """The map's real journeys (the counts, the table), and in a public report the twins'
        journeys for the dots; the periods it animates, so that twins are kept off real
        journeys there (`generator.privacy.fingerprints`)."""
        file = map_path(options.map or default_map(plan.log), plan.report_dir)
        plan.replay(file)
        if plan.public:
            plan.replay(file, "twins")
        compare = options.compare
        if compare is not None and compare.by == "period":
            spans = [(compare.left.start, compare.left.end), (compare.right.start, compare.right.end)]
        else:
            spans = [(plan.period.start, plan.period.end)]
        plan.animate(file, spans)

    def render(self, options: PathwayMapOptions, ctx: PageContext) -> RenderedPage:
        file = map_path(options.map or default_map(ctx.log), ctx.report_dir)
        journeys = ctx.replay(file)
        pmap = journeys.map
        tube = layout(pmap)
        start, end = ctx.period.start, ctx.period.end
        public = ctx.public
        dots = ctx.replay(file, "twins") if public else journeys  # public: never real children
        la_names = _la_names(dots)

        # Stations no event of these data can reach (a CIN census has no contacts) read "not in
        # these data", never 0, and leave the month-by-month table.
        reached = pmap.stations_reached_by(*_held(ctx.log))
        unmeasured = [s for s in pmap.stations if s.id not in reached]
        measured = [s.label for s in pmap.stations if s not in unmeasured]
        stock = monthly_stock(journeys, start, end)
        # Children at each station at each month's end: a month's stations add up to the children
        # on the map that day (the player shows it); months are stocks, so they add up to nothing.
        table = Table(stock.drop(columns=[s.label for s in unmeasured if s.label in stock]), counts=measured,
                      groups=[("month",)])
        views, periods = _views(options, la_names, (start, end))
        scrubber = periods[0]  # the one scrubber runs over the first map's period
        context = {
            "slug": options.slug,
            "intro": (options.intro or pmap.description) + (" " + TWINS_NOTE if public else ""),
            "map_title": pmap.title,
            "tube": tube,
            "views": views,
            "animate": True,
            "autoplay": options.autoplay,
            "speeds": [{"value": v, "label": label, "selected": v == DEFAULT_SPEED} for v, label in SPEEDS],
            "colour_modes": _colour_modes(la_names, pmap.cycle_label),
            "filters": _filters(la_names),
            "keys": _keys(la_names),
            "annotations": _annotation_marks(ctx.annotations, *scrubber),
            # Prose dates: day month year (ISO stays in the CSVs and the player's data).
            "period_start": f"{scrubber[0]:%-d %B %Y}",
            "period_end": f"{end:%-d %B %Y}",
            "twins": public,
            "table": table,
            "table_columns": measured,
            "unmeasured": {s.id for s in unmeasured},
            "unmeasured_labels": [s.label for s in unmeasured],
            "findings": journeys.findings,
            "snapshots": _print_views(options, journeys, periods, (start, end), la_names),
            **_counters(journeys, start, end),
        }
        page = RenderedPage(
            template="map.html",
            context=context,
            downloads={f"{options.slug}-monthly": table},
            scripts=["player.css"] + PLAYER_SCRIPTS,
        )
        frames = [pack_frames(dots, tube, a, b, ctx.annotations) for a, b in periods]
        payload = {"frames": frames, "views": views, "palettes": PALETTES}
        page.data_scripts[f"{options.slug}.js"] = data_script(options.slug, payload)
        return page


def _views(options: PathwayMapOptions, la_names: list[str], period: tuple) -> tuple[list[dict], list[tuple]]:
    """The map views (frames index, fixed filter, caption) and the period of each frames."""
    if options.compare is None:
        return [{"frames": 0, "filter": {}, "label": ""}], [period]
    compare = options.compare
    if compare.by == "period":
        if not isinstance(compare.left, PeriodRange) or not isinstance(compare.right, PeriodRange):
            raise InputError(Problem("report.yaml", f"pages[{options.slug}].compare",
                                     "by: period needs left and right as {start, end}",
                                     "write e.g. left: {start: 2014-04-01, end: 2015-03-31}"))
        sides = (compare.left, compare.right)
        views = [{"frames": i, "filter": {}, "label": f"{p.start:%-d %b %Y} to {p.end:%-d %b %Y}"}
                 for i, p in enumerate(sides)]
        return views, [(pd.Timestamp(p.start), pd.Timestamp(p.end)) for p in sides]
    groups = _groups(compare.by, la_names)
    views = []
    for side in ("left", "right"):
        value = getattr(compare, side)
        code = _group_code(groups, value)
        if code is None:
            raise InputError(Problem("report.yaml", f"pages[{options.slug}].compare.{side}",
                                     f"expected one of {', '.join(groups)}, got {value!r}",
                                     f"name a {compare.by} group present in the data"))
        views.append({"frames": 0, "filter": {compare.by: code}, "label": groups[code]})
    return views, [period]


def _held(log) -> tuple[frozenset[str], dict[str, set[str]]]:
    """The events these data hold, and the codes each holds."""
    events = log.events
    codes = {str(e): set(c.dropna().astype(str)) for e, c in events.groupby("event", observed=True)["code"]}
    return frozenset(codes), codes


def _counters(journeys, start, end) -> dict:
    """The station counters as written into the page: the stock at the end of the period and
    the period's arrivals (disclosure-controlled when public). The player replaces them with
    live figures from its first frame; without it (no JavaScript, print, public) they stand.
    """
    now = {k: Count(v) for k, v in station_stock(journeys, end).items()}
    arrived = {row["id"]: Count(row["arrivals"]) for row in station_summary(journeys, start, end)}
    return {"opening": now, "arrived": arrived}


def _snapshots(journeys, start, end) -> list[dict]:
    """The stock at four evenly spaced dates ending on the period's last day: the map as it
    prints (small multiples), where no dot can move."""
    snapshots = []
    for quarter in (1, 2, 3, 4):
        date = (start + (end - start) / 4 * quarter).normalize()  # a century of data does not overflow
        counts = {k: Count(v) for k, v in station_stock(journeys, date).items()}
        snapshots.append({"label": f"{date:%-d %B %Y}", "counts": counts, "arrivals": None})
    return snapshots


def _print_views(options: PathwayMapOptions, journeys, periods: list[tuple], period: tuple,
                 la_names: list[str]) -> dict:
    """The map as it prints, where no dot can move: a single map at four dates; a comparison
    as its two sides, each with the children at each station on its last day and the arrivals
    over its period, so that paper shows the comparison the screen does."""
    start, end = period
    compare = options.compare
    if compare is None:
        return {"title": "Children at each station on four dates", "views": _snapshots(journeys, start, end)}
    if compare.by == "period":
        sides = [(journeys, a, b, f"{a:%-d %B %Y} to {b:%-d %B %Y}") for a, b in periods]
    else:
        groups = _groups(compare.by, la_names)
        sides = []
        for side in ("left", "right"):
            code = _group_code(groups, getattr(compare, side))
            sides.append((_journeys_of_group(journeys, compare.by, code, end, la_names), start, end, groups[code]))
    views = [{"label": f"{label}: children there on {b:%-d %B %Y} (now) and arrivals over the period (in)",
              "counts": {k: Count(v) for k, v in station_stock(side, b).items()},
              "arrivals": {row["id"]: Count(row["arrivals"]) for row in station_summary(side, a, b)}}
             for side, a, b, label in sides]
    return {"title": "The two maps compared", "views": views}


def _journeys_of_group(journeys, by: str, code: int, end, la_names: list[str]):
    """The journeys of the children in one group (the player's codes; age band on ``end``)."""
    from dataclasses import replace

    attributes = child_attributes(journeys.children, 0, la_names)
    if by == "age":
        born = journeys.children["birth_month"]
        years = ((pd.Timestamp(end) - pd.to_datetime(born)).dt.days / 365.25).to_numpy()
        bands = np.full(len(years), len(AGE_BANDS))  # "Not known"
        for band, (_, lower) in enumerate(AGE_BANDS):
            bands[years >= lower] = band
        member = bands == code
    else:
        member = attributes[by] == code
    visits = journeys.visits[member[journeys.visits["child"].to_numpy()]]
    return replace(journeys, visits=visits)


def _la_names(journeys) -> list[str]:
    """The LAs in the data, then "Not known": the player's `la` codes index this list."""
    return la_groups(journeys.children) + ["Not known"]


def _groups(by: str, la_names: list[str]) -> list[str]:
    return {
        "la": la_names,
        "sex": list(SEX_GROUPS),
        "age": [label for label, _ in AGE_BANDS] + ["Not known"],
        "ethnicity": list(ETHNICITY_GROUPS),
        "disability": list(DISABILITY_GROUPS),
    }[by]


def _group_code(groups: list[str], value) -> int | None:
    if not isinstance(value, str):
        return None
    lowered = [g.lower() for g in groups]
    return lowered.index(value.lower()) if value.lower() in lowered else None


def _colour_modes(la_names: list[str], cycle_label: str) -> list[dict]:
    modes = [("cycle", cycle_label), ("sex", "Sex"), ("age", "Age band"),
             ("ethnicity", "Ethnicity"), ("disability", "Disability")]
    if len(la_names) > 2:  # la_names ends with "Not known"
        modes.append(("la", "Local authority"))
    return [{"value": v, "label": label} for v, label in modes]


def _filters(la_names: list[str]) -> list[dict]:
    filters = [
        ("sex", "Sex", list(SEX_GROUPS)),
        ("age", "Age band", [label for label, _ in AGE_BANDS] + ["Not known"]),
        ("ethnicity", "Ethnicity", list(ETHNICITY_GROUPS)),
        ("disability", "Disability", list(DISABILITY_GROUPS)),
    ]
    if len(la_names) > 2:
        filters.append(("la", "Local authority", la_names))
    return [{"name": name, "label": label, "options": [{"value": i, "label": g} for i, g in enumerate(groups)]}
            for name, label, groups in filters]


def _keys(la_names: list[str]) -> dict[str, list[dict]]:
    labels = {
        "cycle": CYCLE_LABELS,
        "sex": list(SEX_GROUPS),
        "age": [label for label, _ in AGE_BANDS] + ["Not known"],
        "ethnicity": list(ETHNICITY_GROUPS),
        "disability": list(DISABILITY_GROUPS),
        "la": la_names,
    }
    return {mode: [{"colour": PALETTES[mode][i % len(PALETTES[mode])], "label": label}
                   for i, label in enumerate(names)] for mode, names in labels.items()}


def _annotation_marks(annotations, start: pd.Timestamp, end: pd.Timestamp) -> list[dict]:
    span = max(1, (end - start).days)
    marks = []
    for a in annotations:
        date = pd.Timestamp(a.date)
        if start <= date <= end:
            marks.append({"date": f"{date:%Y-%m-%d}", "label": a.label,
                          "when": f"{date:%-d %B %Y}", "percent": round(100 * (date - start).days / span, 2)})
    return marks
