"""Court proceedings as a legal department keeps them, the person list they are linked to,
and the clerical decisions a user records about borderline links.

Three tables that are not events, each recognised by its header row (never its file name):

* **proceedings**: one row per child per set of care proceedings: court case number, the
  child's surname, forenames or initials, date of birth, sex, application date, interim order
  and its date, final hearing date, final order, court or DFJ area. A file is proceedings when
  it has an application date and a final order (or final hearing date) column.
* **person list**: the case-management system's children (child id, surname, forenames, date
  of birth, sex): child id, a surname and a date of birth.
* **clerical decisions**: ``proceedings_id``, ``child_id``, ``decision`` (match / non-match),
  as the linkage page's review list is filled in.

Column names are matched tolerantly, as for Annex A (`generator.ingest.annex_a.key`): case,
spacing and punctuation do not matter, and the wordings legal departments use are accepted
("Case No.", "DOB", "Date of application", "Final order made"). Order labels are folded to
`ORDERS`. Rows are never dropped silently: a missing or impossible date or order is a
`Finding` naming the rows (by case number and spreadsheet row, never by name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from generator.errors import InputError, Problem
from generator.ingest.annex_a import CHILD_ID, key
from generator.ingest.findings import lenient_dates
from generator.ingest.sniff import csv_columns
from generator.ingest.tabular import CSV_SUFFIXES, TABLE_SUFFIXES, read_table, table_columns
from generator.quality import Finding

#: Field -> regexes on the column key (letters and digits only), first match wins.
FIELDS: dict[str, tuple[str, ...]] = {
    "case_number": (r"^(court)?(case)?(no|number|ref|reference)$", r"^(court|case)(no|number|ref|reference)",),
    "child_id": (CHILD_ID, r"^(lcs|mosaic|liquidlogic|system)?(child|person)?id$"),
    "surname": (r"^(childs?)?(sur|last|family)name$", r"^surname"),
    "forenames": (r"^(childs?)?(fore|first|given)names?$", r"^forename"),
    "initials": (r"^(childs?)?initials?$",),
    "birth_date": (r"^(childs?)?(dateofbirth|dob|birthdate|dateborn)$",),
    "sex": (r"^(childs?)?(sex|gender)$",),
    "application_date": (r"^(dateof)?(the)?application(date)?$", r"^(dateissued|issuedate|issued|dateofissue)$",
                         r"^(proceedings|application)(issue|start)(d)?(date)?$"),
    "interim_date": (r"^(dateof)?(first)?interim(order)?date$", r"^(ico|iso|interimorder)(made)?date$",
                     r"^dateof(first)?interimorder$"),
    "interim_order": (r"^(first)?interim(order)?(type|made)?$", r"^interimorders?$"),
    "final_date": (r"^(dateof)?(the)?final(hearing|order)?date$", r"^finalhearing$", r"^dateoffinal(hearing|order)$",
                   r"^(proceedings)?(end|concluded|conclusion)(date)?$"),
    "final_order": (r"^final(order)?(made|type)?$", r"^(final)?outcome$", r"^ordermade$", r"^finalorders$"),
    "area": (r"^(court|dfj|dfjarea|courtarea|area|designatedfamilyjudgearea|courtcentre)$",),
}
#: Columns a proceedings file must have for the reader to claim it.
PROCEEDINGS_NEEDS = ("application_date", "final_order")
PERSON_NEEDS = ("child_id", "surname", "birth_date")
DECISION_COLUMNS = ("proceedings_id", "child_id", "decision")

#: Final orders (and how proceedings end without one), the labels of `generator.analyses.orders`.
ORDERS = ("care_order", "placement_order", "sgo", "sgo_with_supervision", "supervision_order",
          "child_arrangements_order", "no_order", "withdrawn")
ORDER_WORDS: dict[str, tuple[str, ...]] = {
    "placement_order": (r"placement", r"^po$", r"^(co|careorder)(and|with|plus)?po$"),
    "sgo_with_supervision": (r"^(sgo|specialguardianship(order)?)(and|with|plus)?(a)?(so|supervision(order)?)$",),
    "sgo": (r"^sgo$", r"^specialguardianship(order)?$"),
    "care_order": (r"^(full)?(care)?order$", r"^(full)?careorder(s31)?$", r"^co$", r"^s31(careorder)?$", r"^fco$"),
    "supervision_order": (r"^(so|supervisionorder|s31supervisionorder|12monthsupervisionorder)$",),
    "child_arrangements_order": (r"^(cao|rco|childarrangements?(order)?|residence(order)?|liveswithorder)"
                                 r"((and|with|plus)?(a)?(so|supervisionorder))?$",),
    "no_order": (r"^(no|nil)(order)?(made)?$", r"^noorder", r"^none$", r"^dismissed$", r"^refused$"),
    "withdrawn": (r"^(application)?withdrawn$", r"^withdrawn", r"^leavetowithdraw"),
}
INTERIM_WORDS: dict[str, tuple[str, ...]] = {
    "ico": (r"^ico$", r"^interimcare(order)?$"),
    "iso": (r"^iso$", r"^interimsupervision(order)?$"),
    "s20": (r"^s20", r"^section20", r"^s20continued$", r"accommodated"),
    "none": (r"^(none|no|nointerimorder|noorder|nil)$",),
}
#: Care and supervision orders cannot be made for a child of 17 (Children Act 1989 s.31(3)).
CARE_ORDER_AGE_LIMIT = 17
SEX_WORDS = {"1": "1", "m": "1", "male": "1", "boy": "1", "2": "2", "f": "2", "female": "2", "girl": "2"}
FIX_HEADER = ("give one row per child per proceedings with a date of birth and the application date, final "
              "hearing date and final order (README: \"Data: court proceedings\")")


@dataclass(frozen=True)
class LegalInputs:
    """The legal department's list and what it is linked with: none of them are events.

    proceedings : DataFrame
        One row per child per set of proceedings (`read_proceedings`).
    persons : DataFrame or None
        The case-management system's person list (`read_persons`), when the LA gave one.
    decisions : DataFrame or None
        Clerical decisions read back (`read_decisions`): ``proceedings_id``, ``child_id``,
        ``decision`` ("match" | "non-match").
    """

    proceedings: pd.DataFrame
    persons: pd.DataFrame | None = None
    decisions: pd.DataFrame | None = None


def _columns(columns: list[str]) -> dict[str, str]:
    """Field -> the column that holds it; each column used once, fields in `FIELDS` order."""
    keys = {key(c): c for c in columns if c != "_row"}
    found: dict[str, str] = {}
    for field, patterns in FIELDS.items():
        for pattern in patterns:
            hit = next((k for k in keys if k and keys[k] not in found.values() and re.search(pattern, k)), None)
            if hit is not None:
                found[field] = keys[hit]
                break
    return found


def table_kind(columns: list[str]) -> str | None:
    """"proceedings", "persons" or "decisions" for a header row (names as read), else None."""
    keys = {key(c) for c in columns}
    if {key(c) for c in DECISION_COLUMNS} <= keys:
        return "decisions"
    found = _columns(columns)
    if all(f in found for f in PROCEEDINGS_NEEDS) or ("application_date" in found and "final_date" in found):
        return "proceedings"
    if all(f in found for f in PERSON_NEEDS) and "application_date" not in found:
        return "persons"
    return None


def claims(path: Path, display: str) -> str | None:
    """Which legal table ``path`` holds, by its header row (None when it is none of them)."""
    if path.suffix.lower() not in TABLE_SUFFIXES:
        return None
    try:
        columns = csv_columns(path) if path.suffix.lower() in CSV_SUFFIXES else table_columns(path, display)
        return table_kind(columns)
    except InputError:
        return None  # unreadable as a table: the event readers say why


def _text(frame: pd.DataFrame, column: str | None) -> pd.Series:
    if column is None:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    text = frame[column].astype("string").str.strip()
    return text.mask(text.isin(["", "nan", "None", "NaT"]))


def _fold(values: pd.Series, words: dict[str, tuple[str, ...]]) -> pd.Series:
    def one(value):
        folded = key(value)
        for label, patterns in words.items():
            if any(re.search(p, folded) for p in patterns):
                return label
        return "?" + str(value)
    # Each distinct label is folded once: a list of 100,000 proceedings holds a few dozen.
    codes, distinct = pd.factorize(values)
    labels = pd.array([one(value) for value in distinct], dtype="string")
    return pd.Series(labels.take(codes, allow_fill=True), index=values.index, dtype="string")


def _where(rows: pd.DataFrame) -> list[str]:
    """Examples naming a row without naming the child: case number and spreadsheet row."""
    cases = rows["case_number"].fillna("no case number").astype(str)
    return [f"{case}, row {row}" for case, row in zip(cases.head(5), rows["row"].head(5))]


def _finding(check: str, rows: pd.DataFrame, message: str, action: str, display: str) -> Finding | None:
    if rows.empty:
        return None
    return Finding(check, "warning", int(len(rows)), message, action, _where(rows), display)


def read_proceedings(path: Path, display: str | None = None) -> tuple[pd.DataFrame, list[Finding]]:
    """Read a legal department's proceedings list into one typed table, with its findings.

    Returns
    -------
    DataFrame
        ``proceedings_id`` (``P<row>`` of the file, or the file stem and row when several
        files are read), ``row``, ``case_number``, ``child_id`` (when the list has one),
        ``surname``, ``forenames``, ``initials`` (from the forenames when not given),
        ``birth_date``, ``sex`` ("1"/"2"), ``application_date``, ``interim_order``
        ("ico", "iso", "s20", "none"), ``interim_date``, ``final_date``, ``final_order``
        (`ORDERS`; NA while proceedings are open or the order cannot be read), ``area``.
    list of Finding
        Missing and impossible dates and orders, each naming case numbers and rows.

    Raises
    ------
    InputError
        When the file has neither a name nor a date of birth to link on, naming the file.
    """
    path = Path(path)
    display = display or str(path)
    frame = read_table(path, display)
    found = _columns(list(frame.columns))
    if "birth_date" not in found and "surname" not in found and "child_id" not in found:
        raise InputError(Problem(display, "header row", "names no child: no surname, date of birth or child id column, "
                                 f"so no row can be linked (found {', '.join(c for c in frame.columns if c != '_row')})",
                                 "add the child's surname, forenames and date of birth (or the child id) to the list"))
    out = pd.DataFrame({"row": frame["_row"].astype("int64")})
    for field in ("case_number", "child_id", "surname", "forenames", "initials", "area"):
        out[field] = _text(frame, found.get(field))
    out["surname"] = out["surname"].str.upper()
    out["forenames"] = out["forenames"].str.upper()
    initials = out["initials"].str.upper().str.replace(r"[^A-Z]", "", regex=True)
    from_names = out["forenames"].str.split().map(lambda names: "".join(n[0] for n in names) if isinstance(names, list) else pd.NA)
    out["initials"] = initials.fillna(from_names.astype("string")).mask(lambda s: s == "")
    sex = _text(frame, found.get("sex")).str.lower().map(SEX_WORDS)
    out["sex"] = sex.astype("string")
    findings: list[Finding] = []
    for field in ("birth_date", "application_date", "interim_date", "final_date"):
        if field in found:
            dates, bad = lenient_dates(frame[found[field]], display, found[field], frame["_row"])
            findings += bad
        else:
            dates = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
        out[field] = dates.to_numpy()
    out["interim_order"] = _fold(_text(frame, found.get("interim_order")), INTERIM_WORDS)
    out["final_order"] = _fold(_text(frame, found.get("final_order")), ORDER_WORDS)
    out.insert(0, "proceedings_id", "P" + out["row"].astype(str))
    findings += _checks(out, found, display)
    for column in ("interim_order", "final_order"):
        out[column] = out[column].mask(out[column].str.startswith("?", na=False))
    return out.reset_index(drop=True), [f for f in findings if f is not None]


def _checks(out: pd.DataFrame, found: dict[str, str], display: str) -> list[Finding | None]:
    """The findings of one proceedings table (`read_proceedings`)."""
    named = "surname" in found or "forenames" in found or "initials" in found
    findings: list[Finding | None] = []
    if not named:
        findings.append(_finding("proceedings without names", out, "the list has no surname, forename or initials "
                                 "column", "kept: linked on date of birth, sex and the legal statuses in the 903", display))
    else:
        findings.append(_finding("proceedings without a name", out[out["surname"].isna() & out["initials"].isna()],
                                 "rows with neither a surname nor initials", "kept: linked on the date of birth and dates alone",
                                 display))
    findings.append(_finding("proceedings without a date of birth", out[out["birth_date"].isna()],
                             "rows with no date of birth (or one that cannot be read)",
                             "kept: linked by name only, so more of them go to clerical review", display))
    findings.append(_finding("proceedings without an application date", out[out["application_date"].isna()],
                             "rows with no application (issue) date", "kept: left out of durations and of 'before proceedings'",
                             display))
    odd = out[out["final_order"].str.startswith("?", na=False) | out["interim_order"].str.startswith("?", na=False)]
    findings.append(_finding("proceedings with an order not in the list", odd,
                             "order labels that are not a care, placement, special guardianship, supervision or child "
                             "arrangements order, no order or withdrawn", "kept: the order is read as unknown", display))
    backwards = out[(out["final_date"] < out["application_date"]) | (out["interim_date"] < out["application_date"])
                    | (out["application_date"] < out["birth_date"])]
    findings.append(_finding("proceedings ending before they start", backwards,
                             "an interim or final order dated before the application, or an application before birth",
                             "kept: left out of durations", display))
    age = (out["final_date"] - out["birth_date"]).dt.days / 365.25
    too_old = out[out["final_order"].isin(["care_order", "supervision_order", "placement_order"]) & (age >= CARE_ORDER_AGE_LIMIT)]
    findings.append(_finding("orders the court cannot make at the child's age", too_old,
                             f"care, supervision or placement orders made when the child was {CARE_ORDER_AGE_LIMIT} or "
                             "over (Children Act 1989 s.31(3)): a wrong date of birth, order or date", "kept as given", display))
    unpaired = out[(out["final_order"].notna() & ~out["final_order"].eq("withdrawn") & out["final_date"].isna())
                   | (out["final_date"].notna() & out["final_order"].isna())]
    findings.append(_finding("final orders without a date", unpaired,
                             "a final order with no final hearing date, or a final hearing date with no order",
                             "kept: counted in the order mix, left out of durations", display))
    return findings


def read_persons(path: Path, display: str | None = None) -> tuple[pd.DataFrame, list[Finding]]:
    """Read the case-management system's person list.

    Returns
    -------
    DataFrame
        ``child_id``, ``surname``, ``forenames`` (upper case), ``initials``, ``birth_date``,
        ``sex`` ("1"/"2"/NA).
    list of Finding
        Rows without a date of birth or a surname (kept; linked on what they have).
    """
    path = Path(path)
    display = display or str(path)
    frame = read_table(path, display)
    found = _columns(list(frame.columns))
    out = pd.DataFrame({"child_id": _text(frame, found["child_id"]),
                        "surname": _text(frame, found["surname"]).str.upper(),
                        "forenames": _text(frame, found.get("forenames")).str.upper()})
    out["initials"] = out["forenames"].str.split().map(
        lambda names: "".join(n[0] for n in names) if isinstance(names, list) else pd.NA).astype("string")
    dates, findings = lenient_dates(frame[found["birth_date"]], display, found["birth_date"], frame["_row"], out["child_id"])
    out["birth_date"] = dates.to_numpy()
    out["sex"] = _text(frame, found.get("sex")).str.lower().map(SEX_WORDS).astype("string")
    missing = out["birth_date"].isna() | out["surname"].isna() | out["child_id"].isna()
    if missing.any():
        findings.append(Finding("person list rows without a date of birth or name", "warning", int(missing.sum()),
                                "person-list rows with no child id, surname or date of birth",
                                "kept (rows with no child id dropped): linked on what they have",
                                [f"row {r}" for r in frame.loc[missing, "_row"].head(5)], display))
    return out[out["child_id"].notna()].reset_index(drop=True), findings


def read_decisions(path: Path, display: str | None = None) -> pd.DataFrame:
    """Read clerical decisions: ``proceedings_id``, ``child_id``, ``decision`` ("match" | "non-match").

    Rows with a blank decision (a review list put back partly filled in) are left out.

    Raises
    ------
    InputError
        Naming each row whose decision is not match or non-match.
    """
    path = Path(path)
    display = display or str(path)
    frame = read_table(path, display)
    columns = {key(c): c for c in frame.columns}
    out = pd.DataFrame({name: _text(frame, columns[key(name)]) for name in DECISION_COLUMNS})
    decision = out["decision"].map(lambda v: key(v) if pd.notna(v) else "")
    out["decision"] = decision.map({"match": "match", "yes": "match", "y": "match", "same": "match",
                                    "nonmatch": "non-match", "no": "non-match", "n": "non-match", "notamatch": "non-match",
                                    "different": "non-match"})
    # The linkage page's review list comes back partly filled in: a blank decision is a pair
    # not decided yet, and is left out; a word that is neither match nor non-match is refused.
    undecided = decision.eq("")
    bad = ~undecided & (out["decision"].isna() | out["proceedings_id"].isna() | out["child_id"].isna())
    if bad.any():
        raise InputError([Problem(display, f"row {row}", "needs a proceedings_id, a child_id and a decision of 'match' or "
                                  "'non-match'", "fill in the decision column of the review list, or delete the row")
                          for row in frame.loc[bad, "_row"].head(20)])
    out = out[~undecided.to_numpy()]
    return out.drop_duplicates(["proceedings_id", "child_id"], keep="last").reset_index(drop=True)


def read_legal(files: dict[str, list[tuple[Path, str]]],
               authorities: dict[Path, str | None] | None = None) -> tuple[LegalInputs | None, list[Finding]]:
    """Read every legal table found (`claims` gave each file's kind) into one `LegalInputs`.

    Several proceedings files are stacked; their ``proceedings_id`` then carries the file stem
    (``care2017:P12``) so that decisions stay tied to one row. ``authorities`` (file -> the LA
    subfolder it is in, `generator.ingest.combine.authority_of`) adds an ``la`` column; when
    the proceedings come from several LAs, their ``proceedings_id`` and ``child_id`` carry the
    LA too (``kent/care2017:P12``, ``kent/123``), as the event log's child ids do.
    """
    findings: list[Finding] = []
    parts = []
    authorities = authorities or {}
    proceedings_files = files.get("proceedings", [])
    many = len(proceedings_files) > 1
    las = {authorities.get(path) for path, _ in proceedings_files}
    several = len(las) > 1 and None not in las
    for path, display in proceedings_files:
        part, found = read_proceedings(path, display)
        la = authorities.get(path)
        if many:
            part["proceedings_id"] = path.stem + ":" + part["proceedings_id"]
        part["la"] = pd.Series(la, index=part.index, dtype="string")
        if several:
            part["proceedings_id"] = la + "/" + part["proceedings_id"]
            part["child_id"] = (la + "/" + part["child_id"]).astype("string")
        parts.append(part)
        findings += found
    persons = []
    for path, display in files.get("persons", []):
        part, found = read_persons(path, display)
        persons.append(part)
        findings += found
    decisions = [read_decisions(path, display) for path, display in files.get("decisions", [])]
    if not parts:
        if persons or decisions:
            where = (files.get("persons") or files.get("decisions"))[0][1]
            raise InputError(Problem(where, "", "is a person list or clerical decisions, but the data holds no court "
                                     "proceedings list to link it with", "add the legal department's proceedings list"))
        return None, findings
    return LegalInputs(pd.concat(parts, ignore_index=True),
                       pd.concat(persons, ignore_index=True).drop_duplicates("child_id") if persons else None,
                       pd.concat(decisions, ignore_index=True) if decisions else None), findings
