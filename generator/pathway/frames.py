"""Pathway frames: journeys packed into the compact arrays the browser's player replays.

The player must hold every child of a large LA for years in one page opened from file://, so
the frames are typed arrays, little-endian, base64-encoded inside one data script
(``build/data/<page>.js``), decoded in the browser with no copy into ``Uint16Array`` etc.
Per visit (an arrival at a station, in child then time order) four bytes: ``dday``,
``station`` and ``info``; the layout, its version and its one decoder are
`generator.pathway.codec`'s.

A visit lasts until the child's next arrival (open to the end when there is none). The player
turns these into segments sorted by start time. Per child (in child order): ``sex``,
``ethnicity`` (group), ``disability``, ``la`` (uint8 codes into ``attributes``) and ``birth``
(int16 days from ``originDay``; -32768 = unknown). Also the daily stock at each station
(uint32, day-major), the dots' routes, and the annotations. Sizes: about 4 bytes a visit and
6 a child, times 4/3 for base64.

`station_stock` is the reference the player's ``stationCounts`` must equal on any date.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from generator.eventlog import SEX_LABELS
from generator.pathway.codec import (
    CHILD_DTYPES,
    FORMAT_VERSION,
    OFF_CODE,
    STOCK_DTYPE,
    UNKNOWN_BIRTH,
    VISIT_DTYPES,
    encode_array,
    encode_info,
)
from generator.pathway.replay import OFF, OPEN, TICKS_PER_DAY, Journeys, day_number, station_stock_at_tick
from generator.pathway.tube_layout import TubeMap

#: Ethnicity groups (DfE major groups) from the first letter of the DfE code.
ETHNICITY_GROUPS = ("White", "Mixed", "Asian", "Black", "Other", "Not known")
_ETHNIC_FIRST_LETTER = {"W": 0, "M": 1, "A": 2, "B": 3, "O": 4, "C": 4}
#: Age bands of the DfE children-in-need statistics, in years (lower bounds).
AGE_BANDS = (("Under 1", 0), ("1 to 4", 1), ("5 to 9", 5), ("10 to 15", 10), ("16 and over", 16))
SEX_GROUPS = ("Male", "Female", "Not known")
DISABILITY_GROUPS = ("Disabled", "Not disabled", "Not known")


def station_stock(journeys: Journeys, date) -> dict[str, int]:
    """Children at each station at the end of ``date``, by station id.

    A child is at a station from their arrival until their next arrival (or the end of the
    data when they are still open); a child who has left the map is at no station.
    """
    return station_stock_at_tick(journeys, day_number(date) * TICKS_PER_DAY)


def daily_stock(journeys: Journeys, first_day: int, last_day: int) -> np.ndarray:
    """Stock at the end of each day ``first_day..last_day``: int array (days, stations)."""
    days = last_day - first_day + 1
    n = len(journeys.map.stations)
    visits = journeys.on_map()
    tick = visits["tick"].to_numpy()
    end = visits["end_tick"].to_numpy()
    station = visits["station"].to_numpy()
    # Counted on day D when tick <= D*T < end: D from ceil(tick/T) to ceil(end/T) - 1.
    from_day = -((-tick) // TICKS_PER_DAY)
    to_day = np.where(end == OPEN, last_day + 1, -((-end) // TICKS_PER_DAY))
    lo = np.clip(from_day - first_day, 0, days)
    hi = np.clip(to_day - first_day, 0, days)
    keep = hi > lo
    diff = np.zeros((days + 1, n), dtype=np.int64)
    np.add.at(diff, (lo[keep], station[keep]), 1)
    np.add.at(diff, (hi[keep], station[keep]), -1)
    return np.cumsum(diff, axis=0)[:days]


def monthly_stock(journeys: Journeys, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Stock at each station on the last day of each month of the period (or its end).

    One row per month: ``month`` (YYYY-MM), ``date`` (the day counted) and a column per station
    label, in map order. The text alternative of the map; also offered as a CSV.
    """
    first, last = day_number(start), day_number(end)
    stock = daily_stock(journeys, first, last)
    month_ends = pd.date_range(start, end, freq="ME").append(pd.DatetimeIndex([end])).unique()
    rows = []
    labels = [s.label for s in journeys.map.stations]
    for date in month_ends:
        if date < start or date > end:
            continue
        counts = stock[day_number(date) - first]
        row = {"month": f"{date:%Y-%m}", "date": f"{date:%Y-%m-%d}"}
        row.update({label: int(c) for label, c in zip(labels, counts)})
        rows.append(row)
    table = pd.DataFrame(rows)
    return table.drop_duplicates("month", keep="first").reset_index(drop=True) if len(table) else table


def station_summary(journeys: Journeys, start: pd.Timestamp, end: pd.Timestamp) -> list[dict]:
    """Per station, over arrivals in the period: arrivals, median completed wait, next stops.

    ``next`` gives the percentage of arrivals that went on to each station (by id), ``left``
    (left the map) and ``still`` (still there at the end of the data), to one decimal.
    """
    visits = journeys.visits
    first_tick = day_number(start) * TICKS_PER_DAY - TICKS_PER_DAY
    last_tick = day_number(end) * TICKS_PER_DAY
    child = visits["child"].to_numpy()
    station = visits["station"].to_numpy()
    nxt = np.full(len(visits), -2, dtype=np.int64)  # -2: still there
    follows = child[1:] == child[:-1]
    nxt[:-1][follows] = station[1:][follows]
    end = visits["end_tick"].to_numpy()
    # Waits in whole days (same-day moves wait 0 days, whatever their place in the day).
    end_day = np.where(end == OPEN, -1, -((-end) // TICKS_PER_DAY))
    frame = pd.DataFrame({"station": station, "next": nxt, "tick": visits["tick"].to_numpy(),
                          "end": end, "wait": end_day - visits["day"].to_numpy()})
    frame = frame[(frame["station"] != OFF) & (frame["tick"] > first_tick) & (frame["tick"] <= last_tick)]
    ids = journeys.map.station_ids
    out = []
    for i, sid in enumerate(ids):
        rows = frame[frame["station"] == i]
        done = rows[rows["end"] != OPEN]
        waits = done["wait"]
        shares = rows["next"].value_counts()
        total = len(rows)
        nexts = []
        for code, count in shares.items():
            name = "still" if code == -2 else ("left" if code == OFF else ids[int(code)])
            nexts.append([name, round(100.0 * count / total, 1)])
        nexts.sort(key=lambda item: (-item[1], item[0]))
        out.append({
            "id": sid,
            "arrivals": int(total),
            "medianWait": None if waits.empty else round(float(waits.median()), 1),
            "next": nexts,
        })
    return out


def la_groups(children: pd.DataFrame) -> list[str]:
    """The LAs named in the children table, sorted: the player's ``la`` codes index them."""
    return sorted({str(v) for v in children["la"].dropna()})


def child_attributes(children: pd.DataFrame, origin_day: int, la_names: list[str]) -> dict[str, np.ndarray]:
    """Per-child attribute codes (uint8) and birth day (int16, from ``origin_day``)."""
    sex_label = children["sex"].astype("object").map(lambda v: SEX_LABELS.get(str(v), None) if pd.notna(v) else None)
    sex = np.where(sex_label == "Male", 0, np.where(sex_label == "Female", 1, 2)).astype(np.uint8)

    ethnic = children["ethnicity"].astype("object").fillna("").astype(str).str.strip().str.upper()
    first = ethnic.str[:1].map(_ETHNIC_FIRST_LETTER).fillna(5)
    first[ethnic.isin(["REFU", "NOBT", ""])] = 5
    ethnicity = first.to_numpy().astype(np.uint8)

    disabled = children["disability"].astype("boolean")
    disability = np.where(disabled.isna(), 2, np.where(disabled.fillna(False), 0, 1)).astype(np.uint8)

    la_codes = pd.Categorical(children["la"].astype("object").where(children["la"].notna(), None)
                              .map(lambda v: None if v is None else str(v)), categories=la_names).codes
    la = np.where(la_codes < 0, len(la_names), la_codes).astype(np.uint16)

    birth = children["birth_month"]
    born = birth.notna().to_numpy()
    birth_day = np.full(len(children), UNKNOWN_BIRTH, dtype=np.int64)
    if born.any():
        birth_day[born] = (birth[born].to_numpy().astype("datetime64[D]").astype(np.int64)) - origin_day
    birth_day = np.clip(birth_day, UNKNOWN_BIRTH, 32767).astype(np.int16)
    return {"sex": sex, "ethnicity": ethnicity, "disability": disability, "la": la,
            "birth": birth_day, "la_names": la_names}


def pack_frames(journeys: Journeys, tube: TubeMap, start: pd.Timestamp, end: pd.Timestamp,
                annotations=()) -> dict:
    """The player's data for the period ``start``..``end``, as a JSON-ready dict.

    Keeps, for each child, the visits that overlap the period plus the first one after it
    (so a dot on its way at the end still knows where it is going).
    """
    first_day, last_day = day_number(start), day_number(end)
    start_tick = first_day * TICKS_PER_DAY - TICKS_PER_DAY  # the start of the first day
    end_tick = last_day * TICKS_PER_DAY
    visits = journeys.visits
    child = visits["child"].to_numpy()
    tick = visits["tick"].to_numpy()
    end_t = visits["end_tick"].to_numpy()

    overlaps = (end_t > start_tick) & (tick <= end_tick)
    # ...plus the next visit after one that overlaps (where the dot is heading).
    after = np.zeros(len(visits), dtype=bool)
    after[1:] = overlaps[:-1] & (child[1:] == child[:-1]) & (tick[1:] > end_tick)
    keep = overlaps | after
    # A child's leading "left the map" visit says nothing: drop it.
    first_of_child = np.ones(len(visits), dtype=bool)
    first_of_child[1:] = child[1:] != child[:-1]
    kept = visits[keep].copy()
    kept_first = np.ones(len(kept), dtype=bool)
    kept_child = kept["child"].to_numpy()
    kept_first[1:] = kept_child[1:] != kept_child[:-1]
    while True:
        lead_off = kept_first & (kept["station"].to_numpy() == OFF)
        if not lead_off.any():
            break
        kept = kept[~lead_off]
        kept_child = kept["child"].to_numpy()
        kept_first = np.ones(len(kept), dtype=bool)
        kept_first[1:] = kept_child[1:] != kept_child[:-1]

    day = kept["day"].to_numpy()
    origin_day = int(day.min()) if len(kept) else first_day
    origin_day = min(origin_day, first_day)
    previous_day = np.empty_like(day)
    if len(day):
        previous_day[1:] = day[:-1]
    previous_day[kept_first] = origin_day
    dday = day - previous_day
    if len(dday) and dday.max() > 65535:
        raise ValueError("a gap of more than 65535 days between two visits cannot be packed")

    st = kept["station"].to_numpy()
    station_code = np.where(st == OFF, OFF_CODE, st).astype(np.uint8)
    info = encode_info(kept_first, kept["slot"].to_numpy(), kept["cycle"].to_numpy())

    # Renumber the children that remain 0..n-1, in order.
    old_children = kept_child[kept_first] if len(kept) else np.array([], dtype=np.int64)
    table = journeys.children.iloc[old_children].reset_index(drop=True)
    attributes = child_attributes(table, origin_day, la_groups(journeys.children))

    stock = daily_stock(journeys, first_day, last_day)
    routes = [[a, b, [c for p in pts for c in p]] for (a, b), pts in sorted(tube.routes.items())]
    return {
        "version": FORMAT_VERSION,
        "ticksPerDay": TICKS_PER_DAY,
        "originDay": origin_day,          # days since 1970-01-01
        "firstDay": first_day - origin_day,
        "lastDay": last_day - origin_day,
        "visitCount": int(len(kept)),
        "childCount": int(len(old_children)),
        "stations": journeys.map.station_ids,
        "stationLabels": [s.label for s in journeys.map.stations],
        "grid": journeys.map.grid,
        "stationKinds": [s.kind for s in journeys.map.stations],
        "stationXY": [[round(s.x, 1), round(s.y, 1)] for s in tube.stations],
        "routes": routes,
        "size": [round(tube.width, 1), round(tube.height, 1)],
        "visits": {name: encode_array(values, VISIT_DTYPES[name])
                   for name, values in (("dday", dday), ("station", station_code), ("info", info))},
        "children": {name: encode_array(attributes[name], dtype) for name, dtype in CHILD_DTYPES.items()},
        "attributes": {
            "sex": list(SEX_GROUPS),
            "ethnicity": list(ETHNICITY_GROUPS),
            "disability": list(DISABILITY_GROUPS),
            "la": attributes["la_names"] + ["Not known"],
            "age": [label for label, _ in AGE_BANDS] + ["Not known"],
            "ageFrom": [years for _, years in AGE_BANDS],
        },
        "stock": encode_array(stock, STOCK_DTYPE),
        "summary": station_summary(journeys, start, end),
        "annotations": [
            {"day": day_number(a.date) - origin_day, "date": f"{pd.Timestamp(a.date):%Y-%m-%d}", "label": a.label}
            for a in annotations
            if first_day <= day_number(a.date) <= last_day
        ],
    }


def script_json(value) -> str:
    """JSON safe inside HTML and JS: <, >, &, U+2028 and U+2029 escaped (DESIGN.md)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def data_script(slug: str, frames: dict) -> str:
    """The text of ``build/data/<slug>.js``: assigns the frames to a global, no fetch."""
    return (
        "window.carejourneysData = window.carejourneysData || {};\n"
        f"window.carejourneysData[{script_json(slug)}] = {script_json(frames)};\n"
    )
