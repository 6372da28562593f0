"""An EventLog as an Ofsted Annex A workbook: lists 1-8, one sheet each, as the template has them.

Each sheet has the template's title row above its header, the five columns every list starts
with (Child Unique ID, Gender, Ethnicity, Date of Birth, Age of Child (Years)), then the
list's own columns. Answers carry the template's prefixes ("a) Yes", "b) Female"); dates are
Excel date cells. Annex A records an NFA as a flag on the referral, so it is dated there.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from generator.eventlog import EventLog
from generator.export.records import paired
from generator.ingest.codelists import as_returned, collection_year

COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
GENDER = {"1": "a) Male", "2": "b) Female", "0": "c) Not known", "9": "d) Not stated"}
YES, NO = "a) Yes", "b) No"


def _common(rows: pd.DataFrame, children: pd.DataFrame, date_column: str) -> pd.DataFrame:
    kids = children.reindex(rows["child_id"])
    birth = kids["birth_month"].to_numpy()
    age = ((rows[date_column].to_numpy() - birth) / pd.Timedelta(days=365.25))
    return pd.DataFrame({
        "Child Unique ID": rows["child_id"].to_numpy(),
        "Gender": kids["sex"].astype(object).map(GENDER).to_numpy(),
        "Ethnicity": kids["ethnicity"].to_numpy(),
        "Date of Birth": birth,
        "Age of Child (Years)": pd.Series(age).map(lambda v: None if pd.isna(v) else max(int(v), 0)).to_numpy(),
    })


def _yes_no(flags: pd.Series) -> pd.Series:
    return flags.map(lambda v: YES if v is True else (NO if v is False else None))


def lists_of(log: EventLog) -> dict[str, pd.DataFrame]:
    """The sheets, by name, as frames in the template's column order."""
    events, children = log.events, log.children.set_index("child_id")
    sheets: dict[str, pd.DataFrame] = {}

    def sheet(name, rows, date_column, columns):
        rows = rows.reset_index(drop=True)
        frame = _common(rows, children, date_column)
        for title, values in columns.items():
            frame[title] = values.to_numpy() if hasattr(values, "to_numpy") else values
        sheets[name] = frame

    contacts = events[events["event"] == "contact"][["child_id", "date", "code"]]
    sheet("List 1 - Contacts", contacts, "date", {"Date of Contact": contacts["date"], "Contact Source": None})

    early = paired(events, "early_help_assessment_start", "early_help_assessment_completion")
    sheet("List 2 - Early Help", early, "start", {"Assessment start date": early["start"], "Assessment completion date": early["end"]})

    referrals = events[events["event"] == "referral"][["child_id", "record_id", "date", "code"]].reset_index(drop=True)
    nfa = events[events["event"] == "referral_nfa"]
    nfa_records = set(nfa["record_id"].dropna())
    nfa_days = set(zip(nfa["child_id"], nfa["date"]))
    is_nfa = [(r in nfa_records) if pd.notna(r) else ((c, d) in nfa_days)
              for c, r, d in zip(referrals["child_id"], referrals["record_id"], referrals["date"])]
    previous = _referrals_in_year_before(referrals)
    sheet("List 3 - Referrals", referrals, "date", {
        "Date of referral": referrals["date"], "Referral Source": referrals["code"],
        "Referral NFA?": _yes_no(pd.Series(is_nfa)), "Number of Referrals in Last 12 Months": previous})

    assessments = paired(events, "assessment_start", "assessment_authorised", "outcome")
    outcome = assessments["outcome"].astype(object).map({"in_need": YES, "nfa": NO})
    sheet("List 4 - Assessments", assessments, "start", {
        "Continuous Assessment Start Date": assessments["start"], "Continuous Assessment Date of Authorisation": assessments["end"],
        "Was the child assessed as requiring LA children\u2019s social care support?": outcome})

    s47 = events[events["event"] == "s47"][["child_id", "record_id", "date"]].reset_index(drop=True)
    icpc = events[events["event"] == "icpc"].dropna(subset=["record_id"]).drop_duplicates("record_id").set_index("record_id")
    icpc_date = s47["record_id"].map(icpc["date"]) if len(icpc) else pd.Series(pd.NaT, index=s47.index)
    icpc_plan = s47["record_id"].map(icpc["code"]) if len(icpc) else pd.Series(None, index=s47.index)
    sheet("List 5 - Section 47", s47, "date", {
        "Strategy discussion initiating Section 47 Enquiry Start Date": s47["date"],
        "Date of Initial Child Protection Conference": icpc_date,
        "Did the ICPC result in a Child Protection Plan": icpc_plan.astype(object).map({"cpp": YES, "no_plan": NO})})

    plans = paired(events, "cin_plan_start", "cin_plan_end")
    sheet("List 6 - Children in Need", plans, "start", {"CIN Plan Start Date": plans["start"], "CIN Plan End Date": plans["end"]})

    cpp = paired(events, "cpp_start", "cpp_end")
    sheet("List 7 - Child Protection", cpp, "start", {
        "Child Protection Plan Start Date": cpp["start"], "Initial Category of Abuse": cpp["code"],
        "Child Protection Plan End Date": cpp["end"]})

    lac = paired(events, "lac_start", "lac_end", "reason")
    sheet("List 8 - Children Looked After", lac, "start", {
        "Date Started to be Looked After": lac["start"], "Legal Status": lac["code"],
        "Date Ceased to be Looked After": lac["end"],
        # As the 903 of the year it ended codes it (E45 was E43 before the 2019 return).
        "Reason Ceased to be Looked After": [as_returned(reason, collection_year(end)) if pd.notna(end) else reason
                                             for reason, end in zip(lac["reason"], lac["end"])]})
    return sheets


def _referrals_in_year_before(referrals: pd.DataFrame) -> list[int]:
    counts = []
    by_child: dict[str, list] = {}
    for child, date in zip(referrals["child_id"], referrals["date"]):
        earlier = by_child.setdefault(child, [])
        counts.append(sum(1 for d in earlier if (date - d).days <= 365 and d < date) + 1)
        earlier.append(date)
    return counts


def write_annex_a(log: EventLog, out_dir: Path) -> list[Path]:
    """Write annex_a.xlsx into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    workbook = Workbook(write_only=True)
    for name, frame in lists_of(log).items():
        ws = workbook.create_sheet(name)
        ws.append([f"Annex A \u2013 {name.replace(' - ', ': ')}"])
        ws.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            ws.append([_cell(v) for v in row])
    path = out_dir / "annex_a.xlsx"
    workbook.save(path)
    return [path]


def _cell(value):
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "dtype") and str(getattr(value, "dtype", "")).startswith("datetime64"):
        return pd.Timestamp(value).to_pydatetime()
    return value
