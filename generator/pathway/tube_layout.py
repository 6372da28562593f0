"""The geometry of a process map drawn as a tube map, in SVG pixels.

Lines run straight or at 45 degrees between grid points: a leg between two stations that are
not on one row, column or diagonal gets one bend (the straight run first, then the diagonal),
or follows the line's ``bends`` waypoints. Corners are rounded. A station served by one line
is a tick on the side of its label (a bar across the end of a line at a terminus); a station
served by several is an interchange ring. Labels wrap and sit on the side the map names.

`layout` returns plain data (numbers and strings) that ``site_templates/map.html`` renders
with autoescape on, so labels from the map file are never markup. It also gives every pair of
stations the route a dot follows between them: the shortest way along the lines (a straight
line when no line joins them), as a polyline sampled through the rounded corners.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

from generator.pathway.process_map import ProcessMap

Point = tuple[float, float]

#: Label wrap width in characters: tube-map labels are short lines, not sentences.
LABEL_WRAP = 16
_SIDES = {
    "n": (0.0, -1.0), "s": (0.0, 1.0), "e": (1.0, 0.0), "w": (-1.0, 0.0),
    "ne": (0.7071, -0.7071), "nw": (-0.7071, -0.7071),
    "se": (0.7071, 0.7071), "sw": (-0.7071, 0.7071),
}


@dataclass
class StationMark:
    id: str
    label_lines: list[str]
    x: float
    y: float
    kind: str
    interchange: bool
    tick: tuple[float, float, float, float] | None  # x1, y1, x2, y2 of a tick or bar
    tick_colour: str
    label_x: float
    label_y: float
    anchor: str  # start | middle | end
    line_height: float
    first_dy: float  # baseline shift of the first label line, in px


@dataclass
class LineMark:
    name: str
    colour: str
    d: str  # SVG path data of the whole line


@dataclass
class AreaMark:
    label: str
    x: float
    y: float
    width: float
    height: float


@dataclass
class TubeMap:
    """Everything the template and the player need to draw one map."""

    width: float
    height: float
    line_width: float
    ring_radius: float
    areas: list[AreaMark]
    lines: list[LineMark]
    stations: list[StationMark]
    legend: list[tuple[str, str]]  # (line name, colour), each name once
    routes: dict[tuple[int, int], list[Point]] = field(default_factory=dict)

    def station_xy(self) -> list[Point]:
        return [(s.x, s.y) for s in self.stations]


def octilinear(a: Point, b: Point) -> list[Point]:
    """Grid points from ``a`` to ``b`` in straight and 45-degree runs (one bend at most).

    The straight run comes first, then the diagonal: a line leaves a station straight.
    """
    dx, dy = b[0] - a[0], b[1] - a[1]
    adx, ady = abs(dx), abs(dy)
    if adx < 1e-9 or ady < 1e-9 or abs(adx - ady) < 1e-9:
        return [a, b]
    diagonal = min(adx, ady)
    if adx > ady:
        corner = (a[0] + math.copysign(adx - diagonal, dx), a[1])
    else:
        corner = (a[0], a[1] + math.copysign(ady - diagonal, dy))
    return [a, corner, b]


def wrap_label(text: str, width: int = LABEL_WRAP) -> list[str]:
    """Split a label into lines of at most ``width`` characters, at spaces."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [text]


def rounded_path(points: list[Point], radius: float) -> str:
    """SVG path data through ``points`` with each corner rounded by up to ``radius``."""
    if not points:
        return ""
    parts = [f"M{points[0][0]:.1f} {points[0][1]:.1f}"]
    for before, corner, after, r in _corners(points, radius):
        parts.append(f"L{before[0]:.1f} {before[1]:.1f}")
        parts.append(f"Q{corner[0]:.1f} {corner[1]:.1f} {after[0]:.1f} {after[1]:.1f}")
    parts.append(f"L{points[-1][0]:.1f} {points[-1][1]:.1f}")
    return "".join(parts)


def rounded_polyline(points: list[Point], radius: float, samples: int = 4) -> list[Point]:
    """The points of `rounded_path`, with each rounded corner sampled as a few points."""
    if len(points) < 3:
        return list(points)
    out: list[Point] = [points[0]]
    for before, corner, after, _ in _corners(points, radius):
        out.append(before)
        for k in range(1, samples):
            t = k / samples
            out.append((
                (1 - t) ** 2 * before[0] + 2 * (1 - t) * t * corner[0] + t * t * after[0],
                (1 - t) ** 2 * before[1] + 2 * (1 - t) * t * corner[1] + t * t * after[1],
            ))
        out.append(after)
    out.append(points[-1])
    deduped = [out[0]]
    for p in out[1:]:
        if math.dist(p, deduped[-1]) > 0.05:
            deduped.append(p)
    return deduped


def _corners(points: list[Point], radius: float):
    """(point before the corner, corner, point after, radius) of each real bend."""
    for i in range(1, len(points) - 1):
        p, c, n = points[i - 1], points[i], points[i + 1]
        lin, lout = math.dist(p, c), math.dist(c, n)
        if lin < 1e-9 or lout < 1e-9:
            continue
        uin = ((c[0] - p[0]) / lin, (c[1] - p[1]) / lin)
        uout = ((n[0] - c[0]) / lout, (n[1] - c[1]) / lout)
        if abs(uin[0] * uout[1] - uin[1] * uout[0]) < 1e-6 and uin[0] * uout[0] + uin[1] * uout[1] > 0:
            continue  # straight on: no corner
        r = min(radius, lin / 2, lout / 2)
        yield (c[0] - uin[0] * r, c[1] - uin[1] * r), c, (c[0] + uout[0] * r, c[1] + uout[1] * r), r


def _dedupe(points: list[Point]) -> list[Point]:
    out = [points[0]]
    for p in points[1:]:
        if math.dist(p, out[-1]) > 1e-9:
            out.append(p)
    return out


def layout(pmap: ProcessMap) -> TubeMap:
    """Lay out ``pmap`` in SVG pixels: lines, stations, labels, areas and the dots' routes."""
    grid = pmap.grid
    xs = [s.at[0] for s in pmap.stations] + [c for a in pmap.areas for c in (a.top_left[0], a.bottom_right[0])]
    ys = [s.at[1] for s in pmap.stations] + [c for a in pmap.areas for c in (a.top_left[1], a.bottom_right[1])]
    for line in pmap.lines:
        for bend in line.bends:
            xs += [v[0] for v in bend.via]
            ys += [v[1] for v in bend.via]
    pad = 0.6 if pmap.areas else 2.0  # areas are drawn around the labels already
    min_x, min_y = min(xs) - pad, min(ys) - pad
    width = (max(xs) + pad - min_x) * grid
    height = (max(ys) + pad - min_y) * grid

    def px(p: Point) -> Point:
        return ((p[0] - min_x) * grid, (p[1] - min_y) * grid)

    at = {s.id: s.at for s in pmap.stations}
    index = {s.id: i for i, s in enumerate(pmap.stations)}
    line_width = max(3.0, grid * 0.1)
    radius = grid * 0.4

    # Each leg's grid polyline, and the lines (with colour) serving each station.
    legs: dict[tuple[int, int], list[Point]] = {}
    serving: dict[str, list[int]] = {s.id: [] for s in pmap.stations}
    directions: dict[str, list[Point]] = {s.id: [] for s in pmap.stations}
    terminus: dict[str, bool] = {s.id: False for s in pmap.stations}
    lines: list[LineMark] = []
    for li, line in enumerate(pmap.lines):
        vias = {}
        for bend in line.bends:
            a, b = bend.between
            vias[(a, b)] = list(bend.via)
            vias[(b, a)] = list(reversed(bend.via))
        whole: list[Point] = []
        for a, b in zip(line.stations, line.stations[1:]):
            waypoints = [at[a], *vias.get((a, b), []), at[b]]
            leg: list[Point] = []
            for p, q in zip(waypoints, waypoints[1:]):
                leg += octilinear(p, q)
            leg = _dedupe(leg)
            legs.setdefault((index[a], index[b]), leg)
            legs.setdefault((index[b], index[a]), list(reversed(leg)))
            directions[a].append(_unit(leg[0], leg[1]))
            directions[b].append(_unit(leg[-2], leg[-1]))
            whole += leg if not whole else leg[1:]
        for sid in dict.fromkeys(line.stations):
            serving[sid].append(li)
        terminus[line.stations[0]] = terminus[line.stations[0]] or len(set(serving[line.stations[0]])) == 1
        terminus[line.stations[-1]] = terminus[line.stations[-1]] or len(set(serving[line.stations[-1]])) == 1
        lines.append(LineMark(line.name, line.colour, rounded_path([px(p) for p in whole], radius)))

    ring = line_width * 1.55
    stations: list[StationMark] = []
    for s in pmap.stations:
        x, y = px(s.at)
        served = serving[s.id]
        interchange = len(served) > 1
        side = _SIDES[s.label_side]
        tick = None
        colour = pmap.lines[served[0]].colour if served else "#000000"
        if not interchange and directions[s.id]:
            d = directions[s.id][0]
            normal = (-d[1], d[0])
            if normal[0] * side[0] + normal[1] * side[1] < 0:
                normal = (-normal[0], -normal[1])
            length = line_width * 1.9
            if len(directions[s.id]) == 1:  # a terminus: a bar across the end of the line
                tick = (x - normal[0] * length, y - normal[1] * length,
                        x + normal[0] * length, y + normal[1] * length)
            else:
                tick = (x, y, x + normal[0] * length, y + normal[1] * length)
        lines_of_label = wrap_label(s.label)
        gap = ring + line_width * 1.6 if interchange else line_width * 3.2
        font = max(11.0, grid * 0.2)
        line_height = font * 1.2
        lx, ly = x + side[0] * gap, y + side[1] * gap
        anchor = "middle" if abs(side[0]) < 0.1 else ("start" if side[0] > 0 else "end")
        rows = len(lines_of_label) + 1  # + the live count line
        if side[1] < -0.1:  # above: the block ends just above the station
            first_dy = -(rows - 1) * line_height
        elif side[1] > 0.1:  # below
            first_dy = font * 0.8
        else:  # beside: centred on the station
            first_dy = -(rows - 1) * line_height / 2 + font * 0.35
        stations.append(StationMark(
            s.id, lines_of_label, x, y, s.kind, interchange, tick, colour,
            lx, ly, anchor, line_height, first_dy,
        ))

    areas = []
    for a in pmap.areas:
        x0, y0 = px(a.top_left)
        x1, y1 = px(a.bottom_right)
        areas.append(AreaMark(a.label, x0, y0, x1 - x0, y1 - y0))

    legend = list(dict.fromkeys((line.name, line.colour) for line in pmap.lines))
    tube = TubeMap(width, height, line_width, ring, areas, lines, stations, legend)
    tube.routes = _routes(pmap, legs, px, radius)
    return tube


def _unit(a: Point, b: Point) -> Point:
    length = math.dist(a, b) or 1.0
    return ((b[0] - a[0]) / length, (b[1] - a[1]) / length)


def _routes(pmap: ProcessMap, legs, px, radius) -> dict[tuple[int, int], list[Point]]:
    """The polyline a dot follows from each station to each other: shortest way by the lines."""
    n = len(pmap.stations)
    neighbours: dict[int, list[tuple[int, float]]] = {i: [] for i in range(n)}
    for (a, b), leg in legs.items():
        length = sum(math.dist(p, q) for p, q in zip(leg, leg[1:]))
        neighbours[a].append((b, length))
    routes: dict[tuple[int, int], list[Point]] = {}
    for source in range(n):
        previous = _dijkstra(neighbours, source, n)
        for target in range(n):
            if target == source:
                routes[(source, target)] = [px(pmap.stations[source].at)]
                continue
            if previous[target] is None:
                grid_points = [pmap.stations[source].at, pmap.stations[target].at]
            else:
                hops = [target]
                while hops[-1] != source:
                    hops.append(previous[hops[-1]])
                hops.reverse()
                grid_points = []
                for a, b in zip(hops, hops[1:]):
                    grid_points += legs[(a, b)] if not grid_points else legs[(a, b)][1:]
            routes[(source, target)] = [
                (round(x, 1), round(y, 1)) for x, y in rounded_polyline([px(p) for p in grid_points], radius)
            ]
    return routes


def _dijkstra(neighbours, source: int, n: int) -> list[int | None]:
    dist = [math.inf] * n
    previous: list[int | None] = [None] * n
    dist[source] = 0.0
    heap = [(0.0, source)]
    while heap:
        d, u = heapq.heappop(heap)
        if d > dist[u]:
            continue
        for v, w in sorted(neighbours[u]):
            if d + w < dist[v] - 1e-9:
                dist[v] = d + w
                previous[v] = u
                heapq.heappush(heap, (dist[v], v))
    return previous
