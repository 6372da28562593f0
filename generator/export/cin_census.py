"""An EventLog as CIN census XML returns, one file per census year (ending 31 March).

An episode (CINdetails) is a referral and what followed it: events tied to the referral by
record_id (the referral's id, or that id plus a suffix such as "-A"), else the child's latest
referral on or before the event. A census holds the episodes open at any time in its year,
as they stood on its 31 March: later dates are left out, so an episode open at the census
date appears again, completed, in the next census, as in real returns.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd

from generator.eventlog import EventLog
from generator.export.records import collection_years, year_bounds
from generator.ingest.codelists import FACTORS_BEFORE_2021, REASON_FOR_CLOSURE, as_returned

EPISODE_EVENTS = ("referral", "referral_nfa", "cin_end", "assessment_start", "assessment_authorised", "s47", "icpc",
                  "cin_plan_start", "cin_plan_end", "cpp_start", "cpp_end", "cpp_review")


def episode_events(log: EventLog) -> pd.DataFrame:
    """The CIN events with an `episode` column: the record_id of their referral."""
    events = log.events[log.events["event"].isin(EPISODE_EVENTS)].copy()
    referrals = events[events["event"] == "referral"]
    known = set(referrals["record_id"].dropna())
    record = events["record_id"].astype("string")
    stem = record.str.rsplit("-", n=1).str[0]
    episode = record.where(record.isin(known), stem.where(stem.isin(known)))
    # Events whose record names no referral join the child's latest referral before them.
    loose = episode.isna()
    if loose.any():
        refs = referrals.assign(episode=referrals["record_id"].fillna(referrals["child_id"] + "@" + referrals["date"].dt.strftime("%Y-%m-%d")))
        matched = pd.merge_asof(events[loose].reset_index().sort_values("date"), refs[["child_id", "date", "episode"]].sort_values("date"),
                                on="date", by="child_id", direction="backward").set_index("index")
        episode[loose] = matched["episode"].reindex(events.index[loose]).astype("string")
        episode[loose & (events["event"] == "referral")] = refs.loc[events.index[loose & (events["event"] == "referral")], "episode"]
    events["episode"] = episode
    return events[events["episode"].notna()]


def write_cin(log: EventLog, out_dir: Path, lea: str | None = None, factors: pd.DataFrame | None = None) -> list[Path]:
    """Write cin_census_<year>.xml for every census year the episodes span.

    ``factors`` (``child_id``, ``date``, ``factor``: `generator.ingest.Tables.factors`) are
    written on the assessment of that child authorised (else started) on that date, as the
    census of its year codes them; a factor on no assessment of the log is not written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    on = {}
    if factors is not None and len(factors):
        days = pd.to_datetime(factors["date"]).dt.strftime("%Y-%m-%d")
        on = factors.assign(_day=days).groupby(["child_id", "_day"], sort=False)["factor"].agg(list).to_dict()
    events = episode_events(log)
    if lea is None:
        las = log.children["la"].dropna().unique()
        lea = "999" if len(las) != 1 else str(las[0])
    spans = events.groupby("episode")["date"].agg(["min", "max"])
    closing = events[events["event"].isin(["cin_end", "referral_nfa"])].groupby("episode")["date"].min()
    spans["close"] = closing.reindex(spans.index)
    children = log.children.set_index("child_id")
    paths = []
    for year in collection_years(events["date"]):
        first, last = year_bounds(year)
        open_in_year = spans[(spans["min"] <= last) & (spans["close"].isna() | (spans["close"] >= first))].index
        part = events[events["episode"].isin(open_in_year) & (events["date"] <= last)]
        if part.empty:
            continue
        path = out_dir / f"cin_census_{year}.xml"
        path.write_text(_document(part, children, year, lea, on), encoding="utf-8")
        paths.append(path)
    return paths


def _document(events: pd.DataFrame, children: pd.DataFrame, year: int, lea: str, factors: dict) -> str:
    out = ['<?xml version="1.0" encoding="utf-8"?>', "<Message>", "  <Header>",
           f"    <CollectionDetails><Collection>CIN</Collection><Year>{year}</Year>"
           f"<ReferenceDate>{year}-03-31</ReferenceDate></CollectionDetails>",
           f"    <Source><SourceLevel>L</SourceLevel><LEA>{escape(lea)}</LEA><SoftwareCode>carejourneys</SoftwareCode></Source>",
           "  </Header>", "  <Children>"]
    for child, rows in events.groupby("child_id", sort=True):
        kid = children.loc[child] if child in children.index else None
        out.append("    <Child>")
        ids = [f"<LAchildID>{escape(str(child))}</LAchildID>"]
        if kid is not None and pd.notna(kid["birth_month"]):
            ids.append(f"<PersonBirthDate>{kid['birth_month']:%Y-%m-%d}</PersonBirthDate>")
        if kid is not None and pd.notna(kid["sex"]):
            ids.append(f"<GenderCurrent>{escape(str(kid['sex']))}</GenderCurrent>")
        out.append(f"      <ChildIdentifiers>{''.join(ids)}</ChildIdentifiers>")
        chars = []
        if kid is not None and pd.notna(kid["ethnicity"]):
            chars.append(f"<Ethnicity>{escape(str(kid['ethnicity']))}</Ethnicity>")
        if kid is not None and pd.notna(kid["disability"]):
            chars.append(f"<Disabilities><Disability>{'DDA' if kid['disability'] else 'NONE'}</Disability></Disabilities>")
        out.append(f"      <ChildCharacteristics>{''.join(chars)}</ChildCharacteristics>")
        for _, episode in rows.groupby("episode", sort=False):
            out.append(_episode(episode, year, factors))
        out.append("    </Child>")
    out += ["  </Children>", "</Message>", ""]
    return "\n".join(out)


def _date(value) -> str:
    return f"{value:%Y-%m-%d}"


def _episode(ep: pd.DataFrame, year: int, factors: dict) -> str:
    by = {name: rows for name, rows in ep.groupby("event", sort=False)}
    referral = by.get("referral")
    if referral is None:
        return ""
    parts = [f"<CINreferralDate>{_date(referral['date'].iloc[0])}</CINreferralDate>"]
    if pd.notna(referral["code"].iloc[0]):
        parts.append(f"<ReferralSource>{escape(str(referral['code'].iloc[0]))}</ReferralSource>")
    nfa = by.get("referral_nfa")
    end = by.get("cin_end")
    if nfa is not None:
        parts += [f"<CINclosureDate>{_date(nfa['date'].iloc[0])}</CINclosureDate>", "<ReasonForClosure>RC8</ReasonForClosure>",
                  "<ReferralNFA>true</ReferralNFA>"]
    else:
        if end is not None:
            parts.append(f"<CINclosureDate>{_date(end['date'].iloc[0])}</CINclosureDate>")
            if pd.notna(end["code"].iloc[0]):
                # As the census of its year codes it (RC9 is a code from 2023: RC7 before).
                reason = as_returned(str(end["code"].iloc[0]), year, REASON_FOR_CLOSURE)
                parts.append(f"<ReasonForClosure>{escape(reason)}</ReasonForClosure>")
        parts.append("<ReferralNFA>false</ReferralNFA>")
    for record, rows in _records(ep, "cin_plan_start", "cin_plan_end"):
        parts.append("<CINPlanDates>" + _leaf("CINPlanStartDate", rows, "cin_plan_start") + _leaf("CINPlanEndDate", rows, "cin_plan_end") + "</CINPlanDates>")
    for record, rows in _records(ep, "assessment_start", "assessment_authorised"):
        parts.append("<Assessments>" + _leaf("AssessmentActualStartDate", rows, "assessment_start")
                     + _leaf("AssessmentAuthorisationDate", rows, "assessment_authorised")
                     + _factors(rows, year, factors) + "</Assessments>")
    icpcs = by.get("icpc", ep.iloc[0:0])
    used = set()
    for record, rows in _records(ep, "s47", None):
        icpc = icpcs[icpcs["record_id"] == record] if pd.notna(record) else icpcs.iloc[0:0]
        used |= set(icpc.index)
        inner = _leaf("S47ActualStartDate", rows, "s47")
        if len(icpc):
            inner += f"<DateOfInitialCPC>{_date(icpc['date'].iloc[0])}</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired>"
        parts.append(f"<Section47>{inner}</Section47>")
    rest = icpcs.drop(index=list(used))
    if len(rest):
        parts.append(f"<DateOfInitialCPC>{_date(rest['date'].iloc[0])}</DateOfInitialCPC>")
    for record, rows in _records(ep, "cpp_start", "cpp_end"):
        start = rows[rows["event"] == "cpp_start"]
        inner = _leaf("CPPstartDate", rows, "cpp_start") + _leaf("CPPendDate", rows, "cpp_end")
        if len(start) and pd.notna(start["code"].iloc[0]):
            inner += f"<InitialCategoryOfAbuse>{escape(str(start['code'].iloc[0]))}</InitialCategoryOfAbuse>"
        reviews = by.get("cpp_review", ep.iloc[0:0])
        reviews = reviews[reviews["record_id"] == record] if pd.notna(record) else reviews.iloc[0:0]
        if len(reviews):
            inner += "<Reviews>" + "".join(f"<CPPreviewDate>{_date(d)}</CPPreviewDate>" for d in reviews["date"]) + "</Reviews>"
        parts.append(f"<ChildProtectionPlans>{inner}</ChildProtectionPlans>")
    return "      <CINdetails>" + "".join(parts) + "</CINdetails>"


def _factors(rows: pd.DataFrame, year: int, factors: dict) -> str:
    """An assessment's FactorsIdentifiedAtAssessment, dated as the reader dates it."""
    dated = rows[rows["event"] == "assessment_authorised"]
    dated = dated if len(dated) else rows[rows["event"] == "assessment_start"]
    if not factors or not len(dated):
        return ""
    codes = factors.get((dated["child_id"].iloc[0], _date(dated["date"].iloc[0])), [])
    # As the census of its year codes them (18B/C and 19B/C are codes from 2021: 18A, 19A before).
    codes = [FACTORS_BEFORE_2021.get(code, code) if year < 2021 else code for code in codes]
    if not codes:
        return ""
    return ("<FactorsIdentifiedAtAssessment>" + "".join(f"<AssessmentFactors>{escape(str(c))}</AssessmentFactors>"
                                                        for c in dict.fromkeys(codes)) + "</FactorsIdentifiedAtAssessment>")


def _records(ep: pd.DataFrame, start: str, end: str | None):
    """(record_id, rows) for each record that has a start event, in date order."""
    rows = ep[ep["event"].isin([start] + ([end] if end else []))]
    starts = rows[rows["event"] == start]
    for index, first in starts.iterrows():
        record = first["record_id"]
        if pd.isna(record):
            yield record, rows.loc[[index]]
        else:
            yield record, rows[rows["record_id"] == record]


def _leaf(tag: str, rows: pd.DataFrame, event: str) -> str:
    hit = rows[rows["event"] == event]
    return f"<{tag}>{_date(hit['date'].iloc[0])}</{tag}>" if len(hit) else ""
