"""An EventLog as SSDA903 returns: one Header, Episodes and Missing CSV per collection year.

Each period of care (lac_start .. lac_end, tied by record_id) becomes episodes: a new episode
at the start (RNE S) and at each legal_status (RNE L) or placement (RNE P; B when both change
on one day) inside the period; every episode but the last ceases X1, the last with the
lac_end code. A year's return holds the episodes open at any time in it; one still open on
its 31 March has no DEC there, as in a real return, and appears again in the next year's.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from generator.eventlog import EventLog
from generator.export.records import collection_years, paired, uk_date, year_bounds

EPISODE_COLUMNS = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                   "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"]
HEADER_COLUMNS = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
MISSING_COLUMNS = ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"]


def episodes_of(log: EventLog) -> pd.DataFrame:
    """Episodes (child_id, decom, dec, rne, ls, place, rec) of every period of care."""
    events = log.events
    periods = paired(events, "lac_start", "lac_end", "rec")
    changes = events[events["event"].isin(["legal_status", "placement"])][["child_id", "event", "date", "code"]]
    rows = []
    changes_by_child = {child: frame for child, frame in changes.groupby("child_id", sort=False)}
    for period in periods.itertuples(index=False):
        inside = changes_by_child.get(period.child_id)
        ls, place = period.code, pd.NA
        points = {period.start: set()}
        if inside is not None:
            end = period.end if pd.notna(period.end) else pd.Timestamp.max
            inside = inside[(inside["date"] >= period.start) & (inside["date"] < end)]
            for change in inside.itertuples(index=False):
                points.setdefault(change.date, set()).add((change.event, change.code))
        dates = sorted(points)
        for i, date in enumerate(dates):
            kinds = {event for event, _ in points[date]}
            for event, code in points[date]:
                if event == "placement":
                    place = code
                elif event == "legal_status" and i > 0:
                    ls = code
            rne = "S" if i == 0 else ("B" if kinds == {"legal_status", "placement"} else ("L" if "legal_status" in kinds else "P"))
            last = i == len(dates) - 1
            rows.append({"child_id": period.child_id, "decom": date, "rne": rne, "ls": ls, "place": place,
                         "dec": period.end if last else dates[i + 1],
                         "rec": (period.rec if pd.notna(period.end) else pd.NA) if last else "X1"})
    return pd.DataFrame(rows, columns=["child_id", "decom", "rne", "ls", "place", "dec", "rec"])


def write_903(log: EventLog, out_dir: Path) -> list[Path]:
    """Write header_<year>.csv, episodes_<year>.csv (and missing_<year>.csv) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    episodes = episodes_of(log)
    missing = paired(log.events, "missing_start", "missing_end", "end_code")
    children = log.children.set_index("child_id")
    paths: list[Path] = []
    for year in collection_years(pd.concat([episodes["decom"], episodes["dec"], missing["start"]])):
        first, last = year_bounds(year)
        ep = episodes[(episodes["decom"] <= last) & (episodes["dec"].isna() | (episodes["dec"] >= first))].copy()
        if ep.empty:
            continue
        still_open = ep["dec"] > last
        ep.loc[still_open, "dec"] = pd.NaT
        ep.loc[still_open, "rec"] = pd.NA
        table = pd.DataFrame({
            "CHILD": ep["child_id"], "DECOM": uk_date(ep["decom"]), "RNE": ep["rne"], "LS": ep["ls"], "CIN": "N1",
            "PLACE": ep["place"].fillna(""), "PLACE_PROVIDER": "", "DEC": uk_date(ep["dec"]), "REC": ep["rec"].fillna(""),
            "REASON_PLACE_CHANGE": "", "HOME_POST": "", "PL_POST": "", "URN": "",
        })
        paths.append(_write(table, out_dir / f"episodes_{year}.csv"))
        ids = sorted(ep["child_id"].unique())
        kids = children.reindex(ids)
        header = pd.DataFrame({
            "CHILD": ids, "SEX": kids["sex"].fillna("").to_numpy(), "DOB": uk_date(kids["birth_month"]).to_numpy(),
            "ETHNIC": kids["ethnicity"].fillna("").to_numpy(), "UPN": "", "MOTHER": "", "MC_DOB": "",
        })
        paths.append(_write(header, out_dir / f"header_{year}.csv"))
        mis = missing[(missing["start"] <= last) & (missing["end"].isna() | (missing["end"] >= first))].copy()
        if len(mis):
            mis.loc[mis["end"] > last, "end"] = pd.NaT
            table = pd.DataFrame({
                "CHILD": mis["child_id"], "DOB": uk_date(children.reindex(mis["child_id"])["birth_month"]).to_numpy(),
                "MISSING": mis["code"].fillna("M"), "MIS_START": uk_date(mis["start"]), "MIS_END": uk_date(mis["end"]),
            })
            paths.append(_write(table, out_dir / f"missing_{year}.csv"))
    return paths


def _write(table: pd.DataFrame, path: Path) -> Path:
    table.to_csv(path, index=False, lineterminator="\n")
    return path
