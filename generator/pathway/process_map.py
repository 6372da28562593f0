"""Process maps: the stations, lines and event rules a pathway map is drawn and replayed from.

A map is a YAML file (``content/maps/front_door.yaml`` is the default) that says three things:
where the stations are (a tube map's schematic grid, not geography), which coloured lines join
them, and which events of the EventLog put a child at which station. This module loads the
file, validates it with pydantic, and then checks what a schema cannot (an unknown station in
a line, an event mapped nowhere, two stations on one spot), collecting every problem before it
raises one `InputError` that names the file, the key path and the fix. Geometry is
`generator.pathway.tube_layout`'s job; replaying events is `generator.pathway.replay`'.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from generator.errors import InputError, Problem
from generator.yaml_model import problems_of, read_yaml
from generator.eventlog import PRACTICE_EVENTS, VOCABULARY

#: Event targets that are not stations: "stay" leaves the child where they are (the event
#: is known but moves nobody); "leave" takes the child off the map from wherever they are.
STAY = "stay"
LEAVE = "leave"
SPECIAL_TARGETS = (STAY, LEAVE)

StationKind = Literal["entry", "stage", "outcome", "exit"]
LabelSide = Literal["n", "s", "e", "w", "ne", "nw", "se", "sw"]

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class _Model(BaseModel):
    # No NaN or infinity anywhere (a station `at: [.nan, 0]` cannot be drawn).
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Timeout(_Model):
    """A child who has not moved on ``days`` after arriving moves to ``to`` (or leaves).

    Some outcomes are never recorded as events: a contact that led to no referral and no
    early help became information and advice. The move is dated ``days`` after the arrival,
    and only when that day is inside the data (a child still waiting at the end stays put).
    """

    days: int = Field(ge=1, le=3650)
    to: str


class Outcome(_Model):
    """An event's code that names where the child goes next, ``days`` later.

    Annex A records a contact's outcome on the contact itself ("information and advice",
    "NFA"); no later event moves the child. The move happens ``days`` after the event unless
    another event has moved the child first; codes not listed wait for the next event.
    """

    days: int = Field(default=1, ge=1, le=3650)
    codes: dict[str, str] = Field(min_length=1)


class Station(_Model):
    id: str
    label: str = Field(min_length=1, max_length=60)
    at: tuple[float, float]
    kind: StationKind = "stage"
    label_side: LabelSide = "s"
    timeout: Timeout | None = None

    @field_validator("id")
    @classmethod
    def _id_is_a_name(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(
                f"expected a lowercase name of letters, digits and _ (like 'cp_plan'), got {value!r}"
            )
        return value


class Bend(_Model):
    """Waypoints a line passes between two consecutive stations, to shape its bends."""

    between: tuple[str, str]
    via: list[tuple[float, float]] = Field(min_length=1)


class Line(_Model):
    name: str = Field(min_length=1)
    colour: str
    stations: list[str] = Field(min_length=2)
    bends: list[Bend] = Field(default_factory=list)

    @field_validator("colour")
    @classmethod
    def _colour_is_hex(cls, value: str) -> str:
        if not _COLOUR.match(value):
            raise ValueError(f"expected a colour like '#1c3f94', got {value!r}")
        return value.lower()


class EventRule(_Model):
    """Where an event puts a child.

    ``to`` is a station id, ``stay`` or ``leave``. ``codes`` overrides ``to`` by the event's
    code (``assessment_authorised`` with code ``nfa`` goes to NFA). ``only_from`` makes an
    ending event move only a child who is at one of those stations: a CP plan that ends on the
    day a CIN plan starts has already been left, and must not pull the child out of the CIN plan.
    """

    to: str
    codes: dict[str, str] = Field(default_factory=dict)
    only_from: list[str] | None = None
    then: Outcome | None = None

    def target(self, code: str | None) -> str:
        if code is not None and code in self.codes:
            return self.codes[code]
        return self.to


class Area(_Model):
    """A shaded box behind a group of stations, e.g. "Front door team"."""

    label: str = Field(min_length=1)
    top_left: tuple[float, float]
    bottom_right: tuple[float, float]


class ProcessMap(_Model):
    """A validated process map. Build it with `ProcessMap.load` or `ProcessMap.from_dict`."""

    title: str = "Pathway map"
    description: str = ""
    grid: float = Field(default=60.0, gt=4, le=400)  # pixels per grid unit
    exit_linger_days: int = Field(default=7, ge=1, le=365)
    cycle_starts_at: str = "referral"
    #: How the player's colour menu names the cycle count ("Periods of care" on a 903 map).
    cycle_label: str = Field(default="Times through the front door", min_length=1, max_length=60)
    areas: list[Area] = Field(default_factory=list)
    stations: list[Station] = Field(min_length=2)
    lines: list[Line] = Field(min_length=1)
    events: dict[str, EventRule]
    source: str = ""  # the file it came from, for messages

    @classmethod
    def load(cls, path: str | Path) -> "ProcessMap":
        """Read and validate a map file; raise `InputError` listing every problem."""
        path = Path(path)
        data = read_yaml(path, "map file", "check the `map:` path of the page in report.yaml")
        return cls.from_dict(data, file=str(path))

    @classmethod
    def from_dict(cls, data: object, file: str = "<map>") -> "ProcessMap":
        """Validate a map given as plain data (as read from YAML)."""
        if not isinstance(data, dict):
            raise InputError(Problem(file, "", f"expected a mapping of map settings, got {type(data).__name__}",
                                     "start the file with `stations:`, `lines:` and `events:`"))
        data = dict(data)
        events = data.get("events")
        if isinstance(events, dict):
            data["events"] = {
                key: ({"to": value} if isinstance(value, str) else value) for key, value in events.items()
            }
            # Recorded practice moves nobody unless the map says otherwise (maps written before
            # these events existed stay valid).
            for event in PRACTICE_EVENTS:
                data["events"].setdefault(event, {"to": STAY})
        data["source"] = file
        try:
            pmap = cls.model_validate(data)
        except ValidationError as error:
            raise InputError(problems_of(file, error.errors(), _known_keys(data))) from None
        problems = pmap._consistency_problems()
        if problems:
            raise InputError(problems)
        return pmap

    # ----------------------------------------------------------------- lookups
    @property
    def station_ids(self) -> list[str]:
        return [s.id for s in self.stations]

    def station(self, station_id: str) -> Station:
        for s in self.stations:
            if s.id == station_id:
                return s
        raise KeyError(station_id)

    def index_of(self, station_id: str) -> int:
        return self.station_ids.index(station_id)

    # ------------------------------------------------------------- validation
    def _consistency_problems(self) -> list[Problem]:
        """Every way the parts of a valid map can disagree, one check per part."""
        return (self._station_problems() + self._timeout_problems() + self._line_problems()
                + self._event_problems() + self._area_problems())

    def _station_problems(self) -> list[Problem]:
        f = self.source
        problems: list[Problem] = []
        if len(self.stations) > 254:  # the player packs a station into a byte (255: off the map)
            problems.append(Problem(f, "stations", f"expected at most 254 stations, got {len(self.stations)}",
                                    "merge stations: a map is a summary, not a register"))
        seen: dict[str, int] = {}
        for i, s in enumerate(self.stations):
            if s.id in SPECIAL_TARGETS:
                problems.append(Problem(f, f"stations[{i}].id", f"'{s.id}' is reserved for event rules",
                                        "give the station another id"))
            if s.id in seen:
                problems.append(Problem(f, f"stations[{i}].id",
                                        f"station id '{s.id}' is used twice (also stations[{seen[s.id]}])",
                                        "give every station its own id"))
            seen.setdefault(s.id, i)

        # Two stations closer than one grid unit draw on top of each other.
        for i, a in enumerate(self.stations):
            for j in range(i + 1, len(self.stations)):
                b = self.stations[j]
                if math.dist(a.at, b.at) < 1.0:
                    problems.append(Problem(
                        f, f"stations[{j}].at",
                        f"station '{b.id}' at {list(b.at)} overlaps station '{a.id}' at {list(a.at)}",
                        "move one of them at least one grid unit away"))
        return problems

    def _timeout_problems(self) -> list[Problem]:
        f, known, choices = self.source, set(self.station_ids), ", ".join(self.station_ids)
        problems: list[Problem] = []
        for i, s in enumerate(self.stations):
            if s.timeout is not None and s.timeout.to not in known and s.timeout.to != LEAVE:
                problems.append(Problem(f, f"stations[{i}].timeout.to",
                                        f"unknown station '{s.timeout.to}'; expected one of {choices} "
                                        f"or '{LEAVE}'",
                                        "name a station listed under `stations:`"))
            if s.timeout is not None and s.timeout.to == s.id:
                problems.append(Problem(f, f"stations[{i}].timeout.to",
                                        "a timeout must move the child to another station",
                                        "name a different station"))
        return problems

    def _line_problems(self) -> list[Problem]:
        f, known, choices = self.source, set(self.station_ids), ", ".join(self.station_ids)
        problems: list[Problem] = []
        on_a_line: set[str] = set()
        for li, line in enumerate(self.lines):
            for si, sid in enumerate(line.stations):
                if sid not in known:
                    problems.append(Problem(f, f"lines[{li}].stations[{si}]",
                                            f"unknown station '{sid}'; expected one of {choices}",
                                            "add the station under `stations:` or correct the name"))
                on_a_line.add(sid)
                if si and line.stations[si - 1] == sid:
                    problems.append(Problem(f, f"lines[{li}].stations[{si}]",
                                            f"station '{sid}' follows itself",
                                            "remove the repeated station"))
            legs = set(zip(line.stations, line.stations[1:]))
            for bi, bend in enumerate(line.bends):
                a, b = bend.between
                if (a, b) not in legs and (b, a) not in legs:
                    problems.append(Problem(f, f"lines[{li}].bends[{bi}].between",
                                            f"'{a}' and '{b}' are not next to each other on line '{line.name}'",
                                            "name two consecutive stations of this line"))
        for i, s in enumerate(self.stations):
            if s.id not in on_a_line:
                problems.append(Problem(f, f"stations[{i}]", f"station '{s.id}' is on no line",
                                        "add it to the `stations:` of a line"))
        return problems

    def _event_problems(self) -> list[Problem]:
        f, known, choices = self.source, set(self.station_ids), ", ".join(self.station_ids)
        problems: list[Problem] = []
        reached: set[str] = set()
        for event, rule in self.events.items():
            where = f"events.{event}"
            if event not in VOCABULARY:
                problems.append(Problem(f, where, f"unknown event '{event}'; expected one of the "
                                        "EventLog vocabulary (DESIGN.md)",
                                        "correct the event name or remove it"))
            targets = [("", rule.to)] + [(f".codes.{code}", t) for code, t in rule.codes.items()]
            if rule.then is not None:
                targets += [(f".then.codes.{code}", t) for code, t in rule.then.codes.items()]
            for suffix, target in targets:
                if target not in known and target not in SPECIAL_TARGETS:
                    problems.append(Problem(f, where + (suffix or ".to"),
                                            f"unknown station '{target}'; expected one of {choices}, "
                                            f"'{STAY}' or '{LEAVE}'",
                                            "name a station listed under `stations:`"))
                elif suffix.startswith(".then") and target == STAY:
                    problems.append(Problem(f, where + suffix, f"'{STAY}' is no outcome",
                                            "name a station, or leave the code out"))
                reached.add(target)
            for k, sid in enumerate(rule.only_from or []):
                if sid not in known:
                    problems.append(Problem(f, f"{where}.only_from[{k}]",
                                            f"unknown station '{sid}'; expected one of {choices}",
                                            "name a station listed under `stations:`"))
        missing = [e for e in VOCABULARY if e not in self.events]
        if missing:
            problems.append(Problem(
                f, "events",
                "these events are mapped nowhere: " + ", ".join(missing),
                f"map each to a station, to '{STAY}' (known, moves nobody) or to '{LEAVE}' "
                "(takes the child off the map)"))
        reached |= {s.timeout.to for s in self.stations if s.timeout}
        for i, s in enumerate(self.stations):
            if s.id not in reached:
                problems.append(Problem(f, f"stations[{i}]", f"no event puts a child at station '{s.id}'",
                                        "map an event (or a station's timeout) to it, or remove it"))
        rule = self.events.get(self.cycle_starts_at)
        if self.cycle_starts_at not in VOCABULARY or rule is None or rule.to in SPECIAL_TARGETS:
            problems.append(Problem(f, "cycle_starts_at",
                                    f"expected an event mapped to a station, got '{self.cycle_starts_at}'",
                                    "use 'referral' (a new referral starts a new cycle)"))
        return problems

    def _area_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        for i, area in enumerate(self.areas):
            (x0, y0), (x1, y1) = area.top_left, area.bottom_right
            if x1 <= x0 or y1 <= y0:
                problems.append(Problem(self.source, f"areas[{i}].bottom_right",
                                        f"expected a corner right of and below top_left {list(area.top_left)}, "
                                        f"got {list(area.bottom_right)}",
                                        "swap or correct the corners"))
        return problems


def _known_keys(data: dict) -> dict[str, list[str]]:
    """Settings each part of a map file may hold, for 'did you mean' hints."""
    known = {"(top level)": sorted(set(ProcessMap.model_fields) - {"source"})}
    for key, model in (("stations", Station), ("lines", Line), ("areas", Area)):
        listed = data.get(key) if isinstance(data.get(key), list) else []
        for i, _ in enumerate(listed):
            known[f"{key}[{i}]"] = sorted(model.model_fields)
    events = data.get("events") if isinstance(data.get("events"), dict) else {}
    for event in events:
        known[f"events.{event}"] = sorted(EventRule.model_fields)
    return known


def map_path(name: str, report_dir) -> Path:
    """A map file named in report.yaml: relative to report.yaml's folder, else the packaged
    default content (maps/front_door.yaml, maps/looked_after.yaml).

    Raises InputError when the file lies outside the report's folder (`generator.safepaths`).
    """
    from generator.resources import resource_dir
    from generator.safepaths import inside_report

    candidate = Path(name)
    report_dir = Path(report_dir or ".")
    if not candidate.is_absolute() and not (report_dir / candidate).is_file():
        packaged = resource_dir("content") / candidate
        if packaged.is_file():
            return packaged
    return inside_report(report_dir, name, "report.yaml", "pages: map")
