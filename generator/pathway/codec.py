"""The frames format: the one set of constants and the one decoder of the player's payload.

`generator.pathway.frames.pack_frames` encodes with these constants; `decode_frames` is the only
Python decoder (the output audit and the tests use it); the browser's
``site_templates/assets/codec.js`` mirrors `FORMAT` and refuses a payload of another
`FORMAT_VERSION` (tests/js/golden/ carries `FORMAT` to the node tests, which compare).
Bump `FORMAT_VERSION` whenever a field, a dtype or a bit of the layout changes.

Per visit, in child then time order: ``dday`` (days since the child's previous arrival; the
first since ``originDay``), ``station`` (`OFF_CODE` = left the map) and ``info`` (bit 7:
the child's first visit; bits 4-6: the ``slot``, ticks before the day's end; bits 0-3: the
cycle, capped at `MAX_CYCLE`). Per child: attribute codes and ``birth`` (days from
``originDay``, `UNKNOWN_BIRTH` when unknown). ``stock``: the daily stock, day-major.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import numpy as np

FORMAT_VERSION = 1
OFF_CODE = 255
MAX_CYCLE = 15
UNKNOWN_BIRTH = -32768
FIRST_VISIT_BIT = 0x80
SLOT_SHIFT = 4
SLOT_MASK = 0x7
CYCLE_MASK = 0xF
#: Little-endian dtypes of the base64 arrays, by field.
VISIT_DTYPES = {"dday": "<u2", "station": "u1", "info": "u1"}
CHILD_DTYPES = {"sex": "u1", "ethnicity": "u1", "disability": "u1", "la": "<u2", "birth": "<i2"}
STOCK_DTYPE = "<u4"

#: What the browser's codec.js must agree with (written into the golden JSON for node).
FORMAT = {
    "version": FORMAT_VERSION,
    "offCode": OFF_CODE,
    "maxCycle": MAX_CYCLE,
    "unknownBirth": UNKNOWN_BIRTH,
    "firstVisitBit": FIRST_VISIT_BIT,
    "slotShift": SLOT_SHIFT,
    "slotMask": SLOT_MASK,
    "cycleMask": CYCLE_MASK,
}


class FormatError(ValueError):
    """A payload written in another version of the frames format."""


def encode_array(array: np.ndarray, dtype: str) -> str:
    """``array`` as ``dtype`` bytes, base64 (the payload's typed arrays)."""
    return base64.b64encode(np.ascontiguousarray(np.asarray(array).astype(dtype)).tobytes()).decode("ascii")


def encode_info(first: np.ndarray, slot: np.ndarray, cycle: np.ndarray) -> np.ndarray:
    """The ``info`` byte of each visit: first-visit bit, slot and capped cycle."""
    return (np.where(first, FIRST_VISIT_BIT, 0).astype(np.uint8)
            | ((np.asarray(slot).astype(np.uint8) & SLOT_MASK) << SLOT_SHIFT)
            | np.minimum(np.asarray(cycle), MAX_CYCLE).astype(np.uint8))


def _array(text: str, dtype: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=dtype)


@dataclass(frozen=True)
class DecodedFrames:
    """A payload's visits and children back as arrays; days are days since 1970-01-01.

    ``dot`` numbers the children 0..n-1 in payload order; ``station`` is -1 where the child
    left the map; ``tick`` is ``day * ticks_per_day - slot`` (`generator.pathway.replay`).
    """

    stations: list[str]
    ticks_per_day: int
    origin_day: int
    first_day: int
    last_day: int
    dot: np.ndarray
    station: np.ndarray
    day: np.ndarray
    slot: np.ndarray
    cycle: np.ndarray
    children: dict[str, np.ndarray]
    stock: np.ndarray

    @property
    def tick(self) -> np.ndarray:
        return self.day * self.ticks_per_day - self.slot


def check_version(payload: dict) -> None:
    """Raise `FormatError` unless ``payload`` is in this `FORMAT_VERSION`."""
    version = payload.get("version") if isinstance(payload, dict) else None
    if version != FORMAT_VERSION:
        raise FormatError(f"invalid frames version: {version!r} (this carejourneys reads version "
                          f"{FORMAT_VERSION}): rebuild the report with this version")


def decode_frames(payload: dict) -> DecodedFrames:
    """One packed frames dict (`generator.pathway.frames.pack_frames`) back to per-visit arrays.

    Raises `FormatError` when the payload is of another format version.
    """
    check_version(payload)
    visits = {name: _array(payload["visits"][name], dtype) for name, dtype in VISIT_DTYPES.items()}
    info = visits["info"]
    first = (info & FIRST_VISIT_BIT) > 0
    dday = visits["dday"].astype(np.int64)
    # Days restart from the origin at each child's first visit: a running sum per child.
    group_start = np.maximum.accumulate(np.where(first, np.arange(len(first)), 0)) if len(first) else first
    cumulative = np.cumsum(dday)
    origin = int(payload["originDay"])
    day = origin + cumulative - (cumulative[group_start] - dday[group_start]) if len(dday) else dday
    station = visits["station"].astype(np.int64)
    stations = list(payload["stations"])
    return DecodedFrames(
        stations=stations,
        ticks_per_day=int(payload["ticksPerDay"]),
        origin_day=origin,
        first_day=origin + int(payload["firstDay"]),
        last_day=origin + int(payload["lastDay"]),
        dot=np.cumsum(first) - 1,
        station=np.where(station == OFF_CODE, -1, station),
        day=day,
        slot=((info >> SLOT_SHIFT) & SLOT_MASK).astype(np.int64),
        cycle=(info & CYCLE_MASK).astype(np.int64),
        children={name: _array(payload["children"][name], dtype) for name, dtype in CHILD_DTYPES.items()},
        stock=_array(payload["stock"], STOCK_DTYPE).reshape(-1, len(stations)),
    )
