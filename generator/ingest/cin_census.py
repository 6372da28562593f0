"""CIN census (children in need): the DfE's XML return, one or more years.

Message/Header (CollectionDetails/Year or ReferenceDate, Source/LEA) and Message/Children/
Child/{ChildIdentifiers, ChildCharacteristics, CINdetails*}; the schemas from 2017 on (sex as
GenderCurrent, or Sex in later years; dates ISO). Each CINdetails is an episode: a referral and
what followed it. An episode open at a census date is in that census and the next, so the
censuses are deduplicated on (child, referral date), keeping the latest census's copy: it
knows how the episode went on (the LIIA CIN cleaner does the same).

Events of an episode (the canonical vocabulary):
  referral (code ReferralSource) on CINreferralDate;
  referral_nfa on CINclosureDate (else the referral date) when ReferralNFA is true;
  cin_start on the referral date unless the episode was NFA'd at referral or closed RC8 (no
    further action after assessment) or RC9 (closed after assessment, referred to early help;
    from the 2023 census): those children were not found to be in need;
  assessment_start, assessment_authorised (code nfa for an episode's last assessment when the
    episode closed RC8 or RC9, else in_need); s47; icpc (code cpp when a CP plan of the episode starts
    that day, else no_plan; none when ICPCnotRequired); cin_plan_start/end; cpp_start (code
    InitialCategoryOfAbuse)/cpp_end; cpp_review on each Reviews/CPPreviewDate of a plan (the
    key practice of reviewing a plan within 3 months, then every 6); cin_end (code
    ReasonForClosure) on CINclosureDate.

An assessment's factors (FactorsIdentifiedAtAssessment holding one AssessmentFactors code
each, as the DfE schema has it, or AssessmentFactors holding AssessmentFactor codes, as some
suppliers write them) are not events: they come back as the `factors` table
(`generator.ingest.assessment_factors` has its columns), dated by the assessment's
authorisation date, else its start, and checked against the code list of their census's year.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from generator.errors import InputError, Problem
from generator.eventlog import EventLog
from generator.ingest import codelists
from generator.ingest.dates import EARLIEST, LATEST
from generator.ingest.findings import finding, keep, lenient_dates
from generator.ingest.tidy import SEX_CODES
from generator.ingest.xmlfiles import iter_records, local, xml_root
from generator.quality import Finding

XML_ROOT = "Message"
TRUE = {"1", "true", "yes", "y"}
#: Reasons for closure that close a case after its assessment: the child was not found to be
#: in need (RC8 no further action; RC9, from the 2023 census, referred to early help).
CLOSED_AFTER_ASSESSMENT = {"RC8", "RC9"}
SEX_WORDS = {**SEX_CODES, "m": "1", "f": "2", "u": "0", "x": "0"}
#: Elements that hold an assessment's factor codes, and the leaves that are one code each.
FACTOR_CONTAINERS = ("FactorsIdentifiedAtAssessment", "AssessmentFactors")
FACTOR_LEAVES = ("AssessmentFactors", "AssessmentFactor")
_CODES = "_factor_codes"


def claims(path: Path, display: str) -> bool:
    """Whether ``path`` is a CIN census XML file (by its root element)."""
    if path.suffix.lower() not in {".xml", ""}:
        return False
    if xml_root(path) != XML_ROOT:
        return False
    with path.open("rb") as handle:
        head = handle.read(65536)
    return b"Child" in head or b"CIN" in head


def _fields(element) -> dict[str, object]:
    """Child elements by local name: text for leaves, the element itself for containers."""
    out: dict[str, object] = {}
    for child in element:
        name = local(child.tag)
        if len(child):
            out.setdefault(name, []).append(child)  # type: ignore[union-attr]
        elif name in FACTOR_LEAVES:
            # Repeated, one code each: a list (a leaf of the dict would keep only the last).
            if (child.text or "").strip():
                out.setdefault(_CODES, []).append(child.text.strip())  # type: ignore[union-attr]
        else:
            out[name] = (child.text or "").strip() or None
    return out


def _each(fields: dict, container: str, item: str) -> list[dict]:
    """Items under a container ('Assessments' / 'Assessment'), or the containers themselves
    when the supplier wrote the items directly (both forms are in use)."""
    items = []
    for element in fields.get(container, []) or []:
        inner = [c for c in element if local(c.tag) == item and len(c)]
        items += [_fields(i) for i in inner] if inner else [_fields(element)]
    if item != container:
        for element in fields.get(item, []) or []:
            if not isinstance(element, str):
                items.append(_fields(element))
    return items


def _census(path: Path, display: str) -> tuple[dict, list[tuple], list[dict], list[tuple]]:
    header: dict = {}
    rows: list[tuple] = []
    children: list[dict] = []
    factors: list[tuple] = []
    number = 0
    for element in iter_records(path, display, "Child"):
        if local(element.tag) == "Header":
            for item in element.iter():
                name = local(item.tag)
                if name in {"Year", "ReferenceDate", "LEA"} and (item.text or "").strip():
                    header[name] = item.text.strip()
            continue
        number += 1
        f = _fields(element)
        ids = _fields(f["ChildIdentifiers"][0]) if f.get("ChildIdentifiers") else {}
        chars = _fields(f["ChildCharacteristics"][0]) if f.get("ChildCharacteristics") else {}
        child = ids.get("LAchildID")
        disabilities = [d.text.strip().upper() for c in (chars.get("Disabilities") or []) for d in c if d.text and d.text.strip()]
        children.append({
            "child_id": child, "sex": ids.get("GenderCurrent") or ids.get("Sex"),
            "birth": ids.get("PersonBirthDate") or ids.get("ExpectedPersonBirthDate"),
            "ethnicity": chars.get("Ethnicity"), "disability": (any(d != "NONE" for d in disabilities) if disabilities else None),
            "_row": f"child {number}",
        })
        for episode in f.get("CINdetails") or []:
            details = _fields(episode)
            rows += _episode_rows(child, details, number)
            factors += _factor_rows(child, details, number)
    return header, rows, children, factors


def _factor_rows(child, e: dict, number: int) -> list[tuple]:
    """(child, date, code, row) for each factor of each assessment of one CINdetails."""
    out = []
    for a in _each(e, "Assessments", "Assessment"):
        codes = list(a.get(_CODES, []))
        for name in FACTOR_CONTAINERS:
            for element in a.get(name) or []:
                if not isinstance(element, str):
                    codes += [c.text.strip() for c in element.iter()
                              if local(c.tag) in FACTOR_LEAVES and not len(c) and (c.text or "").strip()]
        date = a.get("AssessmentAuthorisationDate") or a.get("AssessmentActualStartDate")
        out += [(child, date, code.upper(), f"child {number}") for code in codes]
    return out


def _episode_rows(child, e: dict, number: int) -> list[tuple]:
    """(child, referral date, event, date, code, part, row) for one CINdetails."""
    referral = e.get("CINreferralDate")
    closure, reason = e.get("CINclosureDate"), e.get("ReasonForClosure")
    nfa = (e.get("ReferralNFA") or "").lower() in TRUE
    where = f"child {number}"
    out = [(child, referral, "referral", referral, e.get("ReferralSource"), "", where)]
    if nfa:
        out.append((child, referral, "referral_nfa", closure or referral, None, "", where))
    assessments = _each(e, "Assessments", "Assessment")
    authorised = [a.get("AssessmentAuthorisationDate") for a in assessments if a.get("AssessmentAuthorisationDate")]
    last = max(authorised) if authorised else None
    if not nfa and reason not in CLOSED_AFTER_ASSESSMENT:
        out.append((child, referral, "cin_start", referral, None, "", where))
    for n, a in enumerate(assessments):
        out.append((child, referral, "assessment_start", a.get("AssessmentActualStartDate"), None, f"-A{n}", where))
        if a.get("AssessmentAuthorisationDate"):
            code = "nfa" if reason in CLOSED_AFTER_ASSESSMENT and a.get("AssessmentAuthorisationDate") == last else "in_need"
            out.append((child, referral, "assessment_authorised", a["AssessmentAuthorisationDate"], code, f"-A{n}", where))
    plans = _each(e, "ChildProtectionPlans", "ChildProtectionPlan")
    plan_starts = {p.get("CPPstartDate") for p in plans}
    icpcs = set()
    for n, s in enumerate(_each(e, "Section47", "Section47")):
        out.append((child, referral, "s47", s.get("S47ActualStartDate"), None, f"-S{n}", where))
        if s.get("DateOfInitialCPC") and (s.get("ICPCnotRequired") or "").lower() not in TRUE:
            icpcs.add(s["DateOfInitialCPC"])
            out.append((child, referral, "icpc", s["DateOfInitialCPC"], "cpp" if s["DateOfInitialCPC"] in plan_starts else "no_plan", f"-S{n}", where))
    if e.get("DateOfInitialCPC") and e["DateOfInitialCPC"] not in icpcs:
        out.append((child, referral, "icpc", e["DateOfInitialCPC"], "cpp" if e["DateOfInitialCPC"] in plan_starts else "no_plan", "-S", where))
    for n, p in enumerate(_each(e, "CINPlanDates", "CINPlanDates")):
        out.append((child, referral, "cin_plan_start", p.get("CINPlanStartDate"), None, f"-P{n}", where))
        if p.get("CINPlanEndDate"):
            out.append((child, referral, "cin_plan_end", p["CINPlanEndDate"], None, f"-P{n}", where))
    for n, p in enumerate(plans):
        out.append((child, referral, "cpp_start", p.get("CPPstartDate"), p.get("InitialCategoryOfAbuse"), f"-CP{n}", where))
        if p.get("CPPendDate"):
            out.append((child, referral, "cpp_end", p["CPPendDate"], None, f"-CP{n}", where))
        for k, day in enumerate(_review_dates(p)):
            out.append((child, referral, "cpp_review", day, None, f"-CP{n}-R{k}", where))
    if closure and not nfa:
        out.append((child, referral, "cin_end", closure, reason, "", where))
    return out


def _review_dates(plan: dict) -> list[str]:
    """A plan's CPPreviewDates: under Reviews (one element holding them all, or one each), or
    written directly in the plan."""
    days = []
    for element in plan.get("Reviews") or []:
        if isinstance(element, str):
            continue
        days += [(c.text or "").strip() for c in element.iter() if local(c.tag) == "CPPreviewDate" and (c.text or "").strip()]
    if isinstance(plan.get("CPPreviewDate"), str):
        days.append(plan["CPPreviewDate"])
    return days


def census_year(header: dict, name: str, dates: pd.Series) -> int | None:
    """The census's year (the 31 March it ends on): header, else file name, else its dates."""
    for value in (header.get("Year"), (header.get("ReferenceDate") or "")[:4]):
        if value and re.fullmatch(r"\d{4}", value):
            return int(value)
    years = re.findall(r"(?<!\d)(20\d\d)(?!\d)", name)
    if years:
        return int(years[-1])
    dates = dates.dropna()
    return int(codelists.collection_year(dates.max())) if len(dates) else None


def read_cin(files: list[tuple[Path, str]]) -> tuple[EventLog, list[Finding], dict[str, pd.DataFrame]]:
    """Read one LA's CIN censuses, all years, into one EventLog.

    Returns
    -------
    (EventLog, findings, tables)
        ``tables`` holds ``factors`` (``child_id``, ``date``, ``factor``: one row per
        assessment and factor, as `generator.ingest.assessment_factors.read_factors` gives
        them) when any assessment records its factors, else nothing.
    """
    parts, kids, problems, leas, factor_parts = [], [], [], set(), []
    for order, (path, display) in enumerate(files):
        header, rows, children, factors = _census(path, display)
        if not children:
            problems.append(Problem(display, "Children", "is a CIN census with no Child records",
                                    "export the census again with its children"))
            continue
        frame = pd.DataFrame(rows, columns=["child_id", "referral", "event", "date", "code", "part", "_row"])
        frame["_file"], frame["_order"] = display, order
        year = census_year(header, Path(display).name, pd.to_datetime(frame["date"], errors="coerce", format="%Y-%m-%d"))
        frame["year"] = year
        parts.append(frame)
        factor_parts.append(pd.DataFrame(factors, columns=["child_id", "date", "factor", "_row"]).assign(year=year))
        kid = pd.DataFrame(children)
        kid["year"], kid["_order"], kid["_file"] = year or 0, order, display
        kids.append(kid)
        if header.get("LEA"):
            leas.add(header["LEA"])
    if problems:
        raise InputError(problems)
    source = ", ".join(sorted(d for _, d in files))
    findings: list[Finding] = []
    events = pd.concat(parts, ignore_index=True)
    events, found = _deduplicate(events, source)
    findings += found
    events, found = _dates(events, source)
    findings += found
    findings += _codes(events, source)
    children = _children(pd.concat(kids, ignore_index=True), findings, source)
    if len(leas) == 1:
        children["la"] = leas.pop()
    record = events["child_id"] + ":" + events["referral"].fillna("") + events["part"]
    log_events = pd.DataFrame({"child_id": events["child_id"], "event": events["event"], "date": events["date"],
                               "record_id": record, "code": events["code"], "source": events["_file"]})
    factors = _factors(pd.concat(factor_parts, ignore_index=True), findings, source)
    return EventLog.from_frames(log_events, children), findings, ({} if factors is None else {"factors": factors})


def _factors(rows: pd.DataFrame, findings: list[Finding], source: str) -> pd.DataFrame | None:
    """The assessment factors of the censuses, once each; None when no assessment has any.

    A code outside the list of its census's year is counted; kept when it is a code of other
    years (the problem profiles read it), dropped when no census has it. A factor whose
    assessment has no date it can be placed on is counted and dropped (the assessment's own
    date is counted with the events).
    """
    rows = rows[rows["child_id"].notna()]
    if rows.empty:
        return None
    codes = codelists.ASSESSMENT_FACTORS
    bad, shown = [], []
    for year, part in rows.groupby(rows["year"].fillna(0).astype(int)):
        wrong = part[~part["factor"].isin(codes.in_year(int(year) or None))]
        bad.append(wrong)
        shown += codes.outside(wrong["factor"], int(year) or None)
    keep(findings, finding("codes outside the code list", pd.concat(bad),
                           f"{codes.label} codes not in the DfE list for their census's year: "
                           f"{', '.join(list(dict.fromkeys(shown))[:5])}",
                           "kept when a code of other census years; dropped from the problem profiles when no census "
                           "has it", source))
    dates = pd.to_datetime(rows["date"], format="%Y-%m-%d", errors="coerce")
    dates = dates.where((dates >= EARLIEST) & (dates <= LATEST))
    keep(findings, finding("assessment factors without a date", rows[dates.isna()],
                           "factors of an assessment with no authorisation or start date that can be read",
                           "dropped: a factor is placed in time by its assessment", source))
    rows = rows.assign(date=dates)[dates.notna() & rows["factor"].isin(codes.ever())]
    long = pd.DataFrame({"child_id": pd.array(rows["child_id"], dtype="string"), "date": rows["date"].to_numpy(),
                         "factor": rows["factor"].astype("string").to_numpy()})
    long = long.drop_duplicates()  # an episode open on a census date is in two censuses
    return long.sort_values(["child_id", "date", "factor"], kind="mergesort").reset_index(drop=True)


def _deduplicate(events: pd.DataFrame, source: str) -> tuple[pd.DataFrame, list[Finding]]:
    no_id = events["child_id"].isna()
    findings: list[Finding] = []
    keep(findings, finding("rows without a child id", int(no_id.sum()), "CIN census records with no LAchildID",
                           "dropped: an event must belong to a child", source))
    events = events[~no_id]
    key = events["child_id"] + "|" + events["referral"].fillna("")
    latest = events.groupby(key)["year"].transform("max")
    newest = events.groupby(key)["_order"].transform("max")
    older = (events["year"].fillna(0) < latest.fillna(0)) | ((events["year"].fillna(0) == latest.fillna(0)) & (events["_order"] < newest))
    dropped = events[older & events["event"].eq("referral")]
    same_year = dropped["year"].fillna(0).eq(latest[dropped.index].fillna(0))
    keep(findings, finding(
        "duplicate episodes", dropped[same_year],
        "the same CIN episode (child and referral date) twice in one census",
        "dropped: the copy from the last file is kept", source))
    keep(findings, finding(
        "episodes in more than one census", dropped[~same_year],
        "episodes open on a census date are in that census and the next, as expected",
        "merged: the copy from the latest census is kept", source, severity="info"))
    return events[~older].reset_index(drop=True), findings


def _dates(events: pd.DataFrame, source: str) -> tuple[pd.DataFrame, list[Finding]]:
    findings: list[Finding] = []
    events = events.copy()
    events["date"], found = lenient_dates(events["date"], source, "date", events["_row"], events["child_id"])
    keep(findings, found)
    events["referral_date"] = pd.to_datetime(events["referral"], errors="coerce", format="%Y-%m-%d")
    no_date = events["date"].isna()
    keep(findings, finding("events without a date", events[no_date & ~events["event"].isin(["referral"])],
                           "assessments, enquiries or plans recorded with no start date",
                           "dropped: an event needs a date", source))
    keep(findings, finding("episodes without a referral date", events[no_date & events["event"].eq("referral")],
                           "CIN episodes with no CINreferralDate", "dropped: the referral has no date", source))
    events = events[~no_date]
    census_end = pd.to_datetime(events["year"].astype("Int64").astype(str) + "-03-31", errors="coerce")
    late = census_end.notna() & (events["date"] > census_end)
    keep(findings, finding("dates after the extract", events[late],
                           "events dated after the 31 March of the census they are in",
                           "dropped: a census cannot record what had not happened", source))
    events = events[~late]
    before = events["date"] < events["referral_date"]
    keep(findings, finding("events before their referral", events[before & ~events["event"].eq("referral")],
                           "assessments, plans or closures dated before the episode's referral",
                           "kept: the dates are shown as recorded", source))
    return events, findings


def _codes(events: pd.DataFrame, source: str) -> list[Finding]:
    """Codes outside the DfE list of their census's year (kept), a code of other years named
    with them (RC9 and referral source 5D are codes from the 2023 census)."""
    findings: list[Finding] = []
    for event, codes in (("referral", codelists.REFERRAL_SOURCE), ("cin_end", codelists.REASON_FOR_CLOSURE),
                         ("cpp_start", codelists.CATEGORY_OF_ABUSE)):
        rows = events[events["event"].eq(event) & events["code"].notna()]
        bad, shown = [], []
        for year, part in rows.groupby(rows["year"].fillna(0).astype(int)):
            year = int(year) or None
            wrong = part[~part["code"].isin(codes.in_year(year))]
            bad.append(wrong)
            shown += codes.outside(wrong["code"], year)
        bad = pd.concat(bad) if bad else rows.iloc[0:0]
        if len(bad):
            keep(findings, finding("codes outside the code list", bad,
                                   f"{codes.label} codes not in the DfE list for their census's year: "
                                   f"{', '.join(list(dict.fromkeys(shown))[:5])}",
                                   "kept: the event counts; the code is shown as recorded", source))
    return findings


def _children(kids: pd.DataFrame, findings: list[Finding], source: str) -> pd.DataFrame:
    kids = kids[kids["child_id"].notna()].sort_values(["year", "_order"], kind="mergesort")
    kids = kids.drop_duplicates("child_id", keep="last").reset_index(drop=True)
    birth, found = lenient_dates(kids["birth"], source, "PersonBirthDate", kids["_row"], kids["child_id"])
    keep(findings, found)
    sex = kids["sex"].astype("string").str.strip().str.lower().fillna("").map(SEX_WORDS)
    return pd.DataFrame({"child_id": kids["child_id"], "sex": sex, "birth_month": birth,
                         "ethnicity": kids["ethnicity"], "disability": kids["disability"].astype("boolean")})
