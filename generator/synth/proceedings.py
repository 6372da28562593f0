"""A legal department's proceedings list and the case-management person list, synthetic,
with the truth of which row is which child.

The person list gives every child a surname (families share one; some children carry the
other parent's), a forename, and a day of birth inside the month the event log holds; twins
share a surname and a date of birth. The proceedings list copies those details as a legal
clerk would, with mistakes (`generator.synth.names`): misspelt surnames, forenames cut to
initials or left out, day and month of birth swapped, a mistyped day, blank dates of birth
and sex. Sets of proceedings are about families: siblings share a case number.

For the demo (`demo_legal`) the proceedings follow the 903 the demo holds: an interim care
order (legal status C1) a few days after the application, a care or placement order (C2, E1)
or a period of care ending in a special guardianship or child arrangements order on the final
order's date; and about one child in five of the proceedings is never looked after (a child
on a protection plan, ending on a supervision or child arrangements order or no order), as
North Yorkshire found (17-24%, seed section 5). `synthetic_linkage` makes a standalone list
of any size for tests and benchmarks. Everything is drawn from the generator given, so the
rest of the demo does not move.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from generator.analyses.linkage import CAO_ENDINGS, SGO_ENDINGS
from generator.synth.names import draw_forenames, draw_surnames, misspell

#: Share of children whose surname is not the family's (a half-sibling, the other parent's).
OWN_SURNAME = 0.15
#: Share of children who are one of twins (same surname and date of birth).
TWINS = 0.02
#: Mistakes in the proceedings list, per row.
MISSPELT_SURNAME = 0.08
OTHER_SURNAME = 0.02
INITIALS_ONLY = 0.35
NO_FORENAME = 0.05
SWAPPED_BIRTH_DATE = 0.04
MISTYPED_DAY = 0.02
NO_BIRTH_DATE = 0.02
NO_SEX = 0.10
#: Children in proceedings never looked after, per child looked after with proceedings.
NEVER_LOOKED_AFTER = 0.25
COURTS = ("Canterbury", "Maidstone", "Medway", "Dartford")


@dataclass(frozen=True)
class LegalDemo:
    """A synthetic proceedings list, the person list, and which child each row is."""

    proceedings: pd.DataFrame
    persons: pd.DataFrame
    truth: pd.DataFrame  # proceedings_id, child_id


def person_list(rng: np.random.Generator, children: pd.DataFrame) -> pd.DataFrame:
    """Names and a day of birth for ``children`` (``child_id``, ``sex``, ``birth_month``).

    Returns
    -------
    DataFrame
        ``child_id``, ``surname``, ``forenames``, ``birth_date``, ``sex``, ``family``.
    """
    n = len(children)
    sex = children["sex"].astype(str).to_numpy()
    family = np.cumsum(rng.random(n) < 0.6)  # neighbours in the list form families of about 1.7
    family -= family.min()
    order = rng.permutation(n)
    family = family[np.argsort(order)]
    surname = draw_surnames(rng, family.max() + 1)[family]
    own = rng.random(n) < OWN_SURNAME
    surname[own] = draw_surnames(rng, int(own.sum()))
    month = pd.to_datetime(children["birth_month"]).to_numpy()
    days_in = pd.DatetimeIndex(month).days_in_month.to_numpy()
    day = (rng.random(n) * days_in).astype(int)
    birth = month + day.astype("timedelta64[D]")
    forenames = draw_forenames(rng, sex)
    # Twins: pairs of children born in the same month become one family born on one day.
    by_month = pd.Series(np.arange(n)).groupby(pd.DatetimeIndex(month).to_period("M")).agg(list)
    for rows in by_month:
        for a, b in zip(rows[0::2], rows[1::2]):
            if rng.random() < TWINS:
                surname[b], birth[b], family[b] = surname[a], birth[a], family[a]
                while forenames[b] == forenames[a]:
                    forenames[b] = draw_forenames(rng, sex[b:b + 1])[0]
    return pd.DataFrame({"child_id": children["child_id"].astype(str).to_numpy(), "surname": surname,
                         "forenames": forenames, "birth_date": pd.to_datetime(birth), "sex": sex, "family": family})


def _copied(rng: np.random.Generator, people: pd.DataFrame) -> pd.DataFrame:
    """The children's details as a legal clerk copies them (with mistakes)."""
    n = len(people)
    surname = people["surname"].to_numpy(dtype=object).copy()
    for i in np.flatnonzero(rng.random(n) < MISSPELT_SURNAME):
        surname[i] = misspell(rng, surname[i])
    other = rng.random(n) < OTHER_SURNAME
    surname[other] = draw_surnames(rng, int(other.sum()))
    forenames = people["forenames"].to_numpy(dtype=object).copy()
    initials = np.array([f[0] for f in forenames], dtype=object)
    cut = rng.random(n)
    forenames[cut < INITIALS_ONLY + NO_FORENAME] = None
    initials[cut < NO_FORENAME] = None
    birth = pd.to_datetime(people["birth_date"]).reset_index(drop=True)
    draw = rng.random(n)
    swap = (draw < SWAPPED_BIRTH_DATE) & (birth.dt.day <= 12) & (birth.dt.day != birth.dt.month)
    swapped = pd.to_datetime({"year": birth.dt.year, "month": birth.dt.day.clip(1, 12), "day": birth.dt.month}, errors="coerce")
    birth = birth.where(~swap, swapped)
    typo = (draw >= SWAPPED_BIRTH_DATE) & (draw < SWAPPED_BIRTH_DATE + MISTYPED_DAY)
    shift = pd.to_timedelta(rng.choice([-10, -1, 1, 10], n), unit="D")
    birth = birth.where(~typo, birth + shift)
    birth = birth.where(rng.random(n) >= NO_BIRTH_DATE)
    sex = people["sex"].astype(object).where(rng.random(n) >= NO_SEX).map({"1": "M", "2": "F"})
    return pd.DataFrame({"Surname": surname, "Forename(s)": forenames, "Initials": initials,
                         "DOB": birth.dt.strftime("%d/%m/%Y").to_numpy(), "Sex": sex.to_numpy()})


def proceedings_list(rng: np.random.Generator, people: pd.DataFrame, cases: pd.DataFrame) -> LegalDemo:
    """The legal department's spreadsheet for ``cases`` (one row per child per proceedings).

    ``cases`` has ``child_id``, ``case``, ``application_date``, ``interim_order``,
    ``interim_date``, ``final_date``, ``final_order``. The spreadsheet's columns are worded as
    clerks word them; its rows are in application order. ``people`` is `person_list`.
    """
    cases = cases.sort_values(["application_date", "case", "child_id"]).reset_index(drop=True)
    who = people.set_index("child_id").loc[cases["child_id"]].reset_index()
    copied = _copied(rng, who)
    year = cases["application_date"].dt.strftime("%y")
    number = pd.Series(pd.factorize(cases["case"])[0] + 101)
    court = np.array(COURTS, dtype=object)[pd.factorize(cases["case"])[0] % len(COURTS)]
    date = "%d/%m/%Y"
    sheet = pd.DataFrame({
        "Case No.": ("ME" + year + "C" + number.astype(str).str.zfill(5)).to_numpy(),
        **{c: copied[c] for c in copied.columns},
        "Date of application": cases["application_date"].dt.strftime(date),
        "Interim order": cases["interim_order"].map({"ico": "ICO", "iso": "ISO", "s20": "s.20 continued", "none": "No interim order"}),
        "Interim order date": cases["interim_date"].dt.strftime(date),
        "Final hearing date": cases["final_date"].dt.strftime(date),
        "Final order": cases["final_order"].map(ORDER_WORDING),
        "Court": court,
    })
    truth = pd.DataFrame({"proceedings_id": "P" + (sheet.index + 2).astype(str), "child_id": cases["child_id"].to_numpy()})
    return LegalDemo(sheet, people.drop(columns="family").rename(columns={
        "child_id": "Child ID", "surname": "Surname", "forenames": "Forenames", "birth_date": "Date of birth", "sex": "Gender"}),
        truth)


ORDER_WORDING = {"care_order": "Care Order", "placement_order": "Placement Order", "sgo": "SGO",
                 "sgo_with_supervision": "SGO + SO", "supervision_order": "Supervision Order",
                 "child_arrangements_order": "CAO", "no_order": "No order", "withdrawn": "Withdrawn"}


def synthetic_linkage(rng: np.random.Generator, children: int = 30_000, proceedings: int = 300,
                      first_birth: str = "2000-01-01", last_birth: str = "2018-12-01") -> LegalDemo:
    """A person list of ``children`` and a proceedings list of about ``proceedings`` rows.

    Children in proceedings are whole families (siblings share a case), so the list holds
    ``proceedings`` rows give or take a family.
    """
    months = pd.date_range(first_birth, last_birth, freq="MS")
    kids = pd.DataFrame({"child_id": [f"C{i:06d}" for i in range(children)],
                         "sex": rng.choice(["1", "2"], children), "birth_month": rng.choice(months, children)})
    people = person_list(rng, kids)
    families = rng.permutation(people["family"].unique())
    sizes = people.groupby("family").size()
    chosen = families[np.cumsum(sizes.loc[families].to_numpy()) <= proceedings]
    members = people[people["family"].isin(chosen)]
    n = len(members)
    application = pd.Timestamp("2016-01-01") + pd.to_timedelta(rng.integers(0, 900, len(chosen)), unit="D")
    start = pd.Series(application, index=chosen).loc[members["family"]].to_numpy()
    weeks = pd.Series(rng.gamma(6, 5, len(chosen)), index=chosen).loc[members["family"]].to_numpy()
    cases = pd.DataFrame({"child_id": members["child_id"].to_numpy(), "case": members["family"].to_numpy(),
                          "application_date": pd.to_datetime(start),
                          "interim_order": rng.choice(["ico", "iso", "none"], n, p=[0.75, 0.1, 0.15]),
                          "interim_date": pd.to_datetime(start) + pd.to_timedelta(rng.integers(1, 10, n), unit="D"),
                          "final_date": pd.to_datetime(start) + pd.to_timedelta(weeks * 7, unit="D").round("D"),
                          "final_order": rng.choice(list(ORDER_WORDING)[:7], n)})
    return proceedings_list(rng, people, cases)


#: Second key of the demo's generator for its proceedings and person list (`demo_legal`).
PROCEEDINGS_STREAM = 5
#: What `synth demo` names the two files (`generator.cli`).
LEGAL_FILES = ("court_proceedings", "person_list")
#: Final orders of proceedings that end with the child going home (REC E4A, E4B, E13, E8...),
#: and of proceedings about children never looked after (a supervision order is the commonest
#: order without care; a child arrangements or special guardianship order places the child
#: with family).
HOME_ORDERS = (("supervision_order", "no_order", "withdrawn"), (0.60, 0.25, 0.15))
#: No proceedings start after this age in the demo (a care order must be made before 17).
OLDEST = 16.0
UNLOOKED_ORDERS = (("supervision_order", "child_arrangements_order", "sgo", "no_order", "withdrawn"),
                   (0.45, 0.25, 0.10, 0.12, 0.08))
#: Siblings: a child whose proceedings were issued within this many days of the last child's
#: joins that case (same case number and surname) with this chance.
SIBLING_DAYS = 7
SIBLING_CHANCE = 0.5
#: An SGO ending care comes with a supervision order this often.
SGO_WITH_SUPERVISION = 0.15


def _periods(log) -> pd.DataFrame:
    """Each period of care: ``child_id``, ``record_id``, ``start``, ``start_code``, ``end``,
    ``end_code``, and the dates of its first C1, C2 and E1 (at the start or later)."""
    events = log.events
    starts = events[events["event"] == "lac_start"][["child_id", "record_id", "date", "code"]]
    ends = events[events["event"] == "lac_end"][["record_id", "date", "code"]]
    periods = starts.merge(ends, on="record_id", how="left", suffixes=("", "_end")).rename(
        columns={"date": "start", "code": "start_code", "date_end": "end", "code_end": "end_code"})
    statuses = pd.concat([starts.rename(columns={"code": "status"}),
                          events[events["event"] == "legal_status"][["record_id", "date", "code"]].rename(columns={"code": "status"})])
    for code in ("C1", "C2", "E1"):
        first = statuses[statuses["status"].astype(str) == code].groupby("record_id")["date"].min()
        periods[code] = periods["record_id"].map(first)
    return periods.sort_values(["start", "record_id"], kind="mergesort").reset_index(drop=True)


def _in_care_cases(rng: np.random.Generator, periods: pd.DataFrame, births: pd.Series) -> pd.DataFrame:
    """One set of proceedings per period of care with an interim care order (C1), dated from
    the 903: applied for a few days before the ICO; ended by the order the period shows.
    Periods whose ICO came after the child was `OLDEST` are left out (no court makes a care
    order for a child of 17, Children Act 1989 s.31(3))."""
    age = (periods["C1"] - periods["child_id"].map(births)).dt.days / 365.25
    rows = periods[periods["C1"].notna() & (age < OLDEST)].reset_index(drop=True)
    n = len(rows)
    application = rows["C1"] - pd.to_timedelta(rng.integers(1, 11, n), unit="D")
    end = rows["end_code"].astype("string")
    final_order = pd.Series(pd.NA, index=rows.index, dtype="object")
    final_date = pd.Series(pd.NaT, index=rows.index, dtype="datetime64[ns]")
    home_order = rng.choice(HOME_ORDERS[0], n, p=HOME_ORDERS[1])
    sgo = np.where(rng.random(n) < SGO_WITH_SUPERVISION, "sgo_with_supervision", "sgo")
    for i, row in rows.iterrows():
        if pd.notna(row["E1"]):
            final_order[i], final_date[i] = "placement_order", row["E1"]
        elif pd.notna(row["C2"]) and row["C2"] > row["C1"]:
            final_order[i], final_date[i] = "care_order", row["C2"]
        elif pd.notna(row["end"]) and end[i] in SGO_ENDINGS:
            final_order[i], final_date[i] = sgo[i], row["end"]
        elif pd.notna(row["end"]) and end[i] in CAO_ENDINGS:
            final_order[i], final_date[i] = "child_arrangements_order", row["end"]
        elif pd.notna(row["end"]):
            final_order[i], final_date[i] = home_order[i], row["end"]
    return pd.DataFrame({"child_id": rows["child_id"].astype(str), "application_date": application,
                         "interim_order": "ico", "interim_date": rows["C1"], "final_date": final_date,
                         "final_order": final_order})


def _unlooked_cases(rng: np.random.Generator, log, wanted: int, last_day: pd.Timestamp) -> pd.DataFrame:
    """``wanted`` sets of proceedings about children on a protection plan who are never looked
    after: issued during the plan, most ending in a supervision or child arrangements order."""
    events = log.events
    looked_after = set(events.loc[events["event"] == "lac_start", "child_id"])
    plans = events[(events["event"] == "cpp_start") & ~events["child_id"].isin(looked_after)]
    plans = plans.sort_values(["date", "child_id"], kind="mergesort").drop_duplicates("child_id")
    births = log.children.set_index("child_id")["birth_month"]
    application = plans["date"] + pd.to_timedelta(rng.integers(30, 400, len(plans)), unit="D")
    age = (application - plans["child_id"].map(births)).dt.days / 365.25
    plans = plans.assign(application_date=application)[(application <= last_day - pd.Timedelta(days=14)) & (age < OLDEST)]
    chosen = plans.iloc[np.sort(rng.permutation(len(plans))[:wanted])].reset_index(drop=True)
    n = len(chosen)
    supervised = rng.random(n) < 0.45
    weeks = rng.gamma(6.0, 5.0, n)
    final_date = (chosen["application_date"] + pd.to_timedelta(np.round(weeks * 7), unit="D"))
    final_order = pd.Series(rng.choice(UNLOOKED_ORDERS[0], n, p=UNLOOKED_ORDERS[1]), dtype="object")
    still_open = (final_date > last_day).to_numpy()
    return pd.DataFrame({"child_id": chosen["child_id"].astype(str), "application_date": chosen["application_date"],
                         "interim_order": np.where(supervised, "iso", "none"),
                         "interim_date": chosen["application_date"].where(supervised) + pd.to_timedelta(
                             rng.integers(1, 15, n), unit="D"),
                         "final_date": final_date.mask(still_open), "final_order": final_order.mask(still_open)})


def demo_legal(log, rng: np.random.Generator, last_day: pd.Timestamp) -> LegalDemo:
    """The demo county's proceedings list and person list, consistent with its 903.

    Every period of care with an interim care order (legal status C1) has a set of
    proceedings, applied for 1-10 days before the ICO and ending on the date of the order the
    903 shows: a placement order (E1), a care order (C2), the special guardianship or child
    arrangements order a period ended in (REC E45-E46, E41-E48), or, when the child went
    home, a supervision order, no order or withdrawal on the day care ended; open periods
    without a care order are proceedings still running. A quarter as many again are about
    children on a protection plan who are never looked after, so about one child in five in
    proceedings is never looked after (seed section 5: 17-24%). Siblings issued together share
    a case number and surname. Names and days of birth are drawn for every child of the log
    (`person_list`), and the list copies them with a clerk's mistakes (`proceedings_list`).

    Parameters
    ----------
    log : EventLog
        The demo (`generator.synth.demo.generate_demo`), or the same read back from its files.
    rng : numpy.random.Generator
        A generator of these tables' own, so nothing else in the demo moves.
    last_day : Timestamp
        The extract's last day: later orders are not yet made.
    """
    children = log.children.sort_values("child_id", kind="mergesort").reset_index(drop=True)
    people = person_list(rng, children)
    in_care = _in_care_cases(rng, _periods(log), children.set_index("child_id")["birth_month"])
    never = _unlooked_cases(rng, log, int(round(NEVER_LOOKED_AFTER * in_care["child_id"].nunique())), last_day)
    cases = pd.concat([in_care, never], ignore_index=True)
    cases = cases.sort_values(["application_date", "child_id"], kind="mergesort").reset_index(drop=True)
    # Siblings: a case issued within a week of the one before joins it, and the child takes
    # that family's surname (the person list's truth changes with it).
    case = np.arange(len(cases))
    family = people.set_index("child_id")["family"].copy()
    surname = people.set_index("child_id")["surname"].copy()
    join = rng.random(len(cases)) < SIBLING_CHANCE
    gaps = cases["application_date"].diff().dt.days.to_numpy()
    for i in range(1, len(cases)):
        child, before = cases.at[i, "child_id"], cases.at[i - 1, "child_id"]
        if join[i] and gaps[i] <= SIBLING_DAYS and child != before and case[i - 1] == i - 1:
            case[i] = case[i - 1]
            cases.at[i, "application_date"] = cases.at[i - 1, "application_date"]
            surname[child], family[child] = surname[before], family[before]
    people = people.assign(surname=people["child_id"].map(surname).to_numpy(), family=people["child_id"].map(family).to_numpy())
    return proceedings_list(rng, people, cases.assign(case=case))
