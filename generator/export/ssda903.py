"""An EventLog as SSDA903 returns: per collection year, one Header, Episodes and Missing CSV
(`write_903`) or one XML file (`write_903_xml`).

Each period of care (lac_start .. lac_end, tied by record_id) becomes episodes: a new episode
at the start (RNE S) and at each legal_status (RNE L) or placement (RNE P; B when both change
on one day) inside the period; every episode but the last ceases X1, the last with the
lac_end code. A year's return holds the episodes open at any time in it; one still open on
its 31 March has no DEC there, as in a real return, and appears again in the next year's.
Reviews (lac_review) in a year are its Reviews table; a missing episode's
return_interview_offered (same record_id) is written as MIS_RETURN_INTERVIEW, the day it was
offered: a column of LAs' own extracts, not of the DfE's return (`generator.ingest.ssda903`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd

from generator.eventlog import EventLog
from generator.export.records import collection_years, paired, uk_date, year_bounds
from generator.ingest.codelists import as_returned

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


@dataclass
class YearReturn:
    """One collection year's return: episodes open in it, their children, missing episodes.

    Dates are Timestamps (NaT: still open on the year's 31 March); codes are strings.
    """

    year: int
    episodes: pd.DataFrame  # child_id, decom, rne, ls, place, dec, rec
    header: pd.DataFrame  # child_id, sex, dob, ethnic
    missing: pd.DataFrame  # child_id, dob, missing, start, end, interview
    reviews: pd.DataFrame  # child_id, dob, review, review_code


def yearly_returns(log: EventLog) -> Iterator[YearReturn]:
    """The 903 returns an EventLog makes, one per collection year with an episode in it."""
    episodes = episodes_of(log)
    missing = paired(log.events, "missing_start", "missing_end", "end_code")
    offered = log.events[log.events["event"] == "return_interview_offered"].drop_duplicates("record_id")
    missing["interview"] = missing["record_id"].map(offered.set_index("record_id")["date"]) if len(offered) else pd.NaT
    reviews = log.events[log.events["event"] == "lac_review"]
    children = log.children.set_index("child_id")
    for year in collection_years(pd.concat([episodes["decom"], episodes["dec"], missing["start"]])):
        first, last = year_bounds(year)
        ep = episodes[(episodes["decom"] <= last) & (episodes["dec"].isna() | (episodes["dec"] >= first))].copy()
        if ep.empty:
            continue
        still_open = ep["dec"] > last
        ep.loc[still_open, "dec"] = pd.NaT
        ep.loc[still_open, "rec"] = pd.NA
        # Each return codes a reason as its year's guidance did (E45 was E43 before 2019).
        ep["rec"] = ep["rec"].map(lambda code: as_returned(code, year))
        ids = sorted(ep["child_id"].unique())
        kids = children.reindex(ids)
        header = pd.DataFrame({"child_id": ids, "sex": kids["sex"].to_numpy(), "dob": kids["birth_month"].to_numpy(),
                               "ethnic": kids["ethnicity"].to_numpy()})
        mis = missing[(missing["start"] <= last) & (missing["end"].isna() | (missing["end"] >= first))].copy()
        mis.loc[mis["end"] > last, "end"] = pd.NaT
        mis.loc[mis["interview"] > last, "interview"] = pd.NaT
        mis = pd.DataFrame({"child_id": mis["child_id"], "dob": children.reindex(mis["child_id"])["birth_month"].to_numpy(),
                            "missing": mis["code"].fillna("M"), "start": mis["start"], "end": mis["end"],
                            "interview": mis["interview"]})
        rev = reviews[(reviews["date"] >= first) & (reviews["date"] <= last)]
        rev = pd.DataFrame({"child_id": rev["child_id"], "dob": children.reindex(rev["child_id"])["birth_month"].to_numpy(),
                            "review": rev["date"], "review_code": rev["code"]})
        yield YearReturn(year, ep.reset_index(drop=True), header, mis.reset_index(drop=True), rev.reset_index(drop=True))


def write_903(log: EventLog, out_dir: Path) -> list[Path]:
    """Write header_<year>.csv, episodes_<year>.csv (and missing_<year>.csv) into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for ret in yearly_returns(log):
        ep = ret.episodes
        table = pd.DataFrame({
            "CHILD": ep["child_id"], "DECOM": uk_date(ep["decom"]), "RNE": ep["rne"], "LS": ep["ls"], "CIN": "N1",
            "PLACE": ep["place"].fillna(""), "PLACE_PROVIDER": "", "DEC": uk_date(ep["dec"]), "REC": ep["rec"].fillna(""),
            "REASON_PLACE_CHANGE": "", "HOME_POST": "", "PL_POST": "", "URN": "",
        })
        paths.append(_write(table, out_dir / f"episodes_{ret.year}.csv"))
        header = pd.DataFrame({
            "CHILD": ret.header["child_id"], "SEX": ret.header["sex"].fillna(""), "DOB": uk_date(ret.header["dob"]),
            "ETHNIC": ret.header["ethnic"].fillna(""), "UPN": "", "MOTHER": "", "MC_DOB": "",
        })
        paths.append(_write(header, out_dir / f"header_{ret.year}.csv"))
        if len(ret.missing):
            mis = ret.missing
            table = pd.DataFrame({"CHILD": mis["child_id"], "DOB": uk_date(mis["dob"]), "MISSING": mis["missing"],
                                  "MIS_START": uk_date(mis["start"]), "MIS_END": uk_date(mis["end"])})
            if mis["interview"].notna().any():
                table["MIS_RETURN_INTERVIEW"] = uk_date(mis["interview"])
            paths.append(_write(table, out_dir / f"missing_{ret.year}.csv"))
        if len(ret.reviews):
            rev = ret.reviews
            table = pd.DataFrame({"CHILD": rev["child_id"], "DOB": uk_date(rev["dob"]), "REVIEW": uk_date(rev["review"]),
                                  "REVIEW_CODE": rev["review_code"].fillna("")})
            paths.append(_write(table, out_dir / f"reviews_{ret.year}.csv"))
    return paths


def write_903_xml(log: EventLog, out_dir: Path) -> list[Path]:
    """Write ssda903_<year>.xml into ``out_dir``: one CHILD per child, with its HEADER, its
    EPISODES and its MISSING_EPISODES, the shape an SSDA903 XML export has (dates ISO)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for ret in yearly_returns(log):
        root = ElementTree.Element("EXPSSDA903")
        episodes = {child: frame for child, frame in ret.episodes.groupby("child_id", sort=False)}
        missing = {child: frame for child, frame in ret.missing.groupby("child_id", sort=False)}
        reviews = {child: frame for child, frame in ret.reviews.groupby("child_id", sort=False)}
        for kid in ret.header.itertuples(index=False):
            child = ElementTree.SubElement(root, "CHILD")
            _fields(ElementTree.SubElement(child, "HEADER"), CHILDID=kid.child_id, SEX=kid.sex, DOB=_iso(kid.dob),
                    ETHNIC=kid.ethnic)
            listed = ElementTree.SubElement(child, "EPISODES")
            for ep in episodes[kid.child_id].itertuples(index=False):
                _fields(ElementTree.SubElement(listed, "EPISODE"), DECOM=_iso(ep.decom), RNE=ep.rne, LS=ep.ls, CIN="N1",
                        PL=ep.place, DEC=_iso(ep.dec), REC=ep.rec)
            if kid.child_id in missing:
                gone = ElementTree.SubElement(child, "MISSING_EPISODES")
                for mis in missing[kid.child_id].itertuples(index=False):
                    _fields(ElementTree.SubElement(gone, "MISSING_EPISODE"), MISSING=mis.missing,
                            MIS_START=_iso(mis.start), MIS_END=_iso(mis.end), MIS_RETURN_INTERVIEW=_iso(mis.interview))
            if kid.child_id in reviews:
                listed = ElementTree.SubElement(child, "REVIEWS")
                for rev in reviews[kid.child_id].itertuples(index=False):
                    _fields(ElementTree.SubElement(listed, "REVIEW_DATA"), REVIEW=_iso(rev.review), REVIEW_CODE=rev.review_code)
        ElementTree.indent(root)
        path = out_dir / f"ssda903_{ret.year}.xml"
        ElementTree.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
        paths.append(path)
    return paths


def _fields(parent: ElementTree.Element, **values) -> None:
    """Child elements of ``parent`` for the values given (a missing value is left out)."""
    for name, value in values.items():
        if value is not None and not (isinstance(value, float) and pd.isna(value)) and value is not pd.NA \
                and value is not pd.NaT and str(value) != "":
            ElementTree.SubElement(parent, name).text = str(value)


def _iso(value) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _write(table: pd.DataFrame, path: Path) -> Path:
    table.to_csv(path, index=False, lineterminator="\n")
    return path
