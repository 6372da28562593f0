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
#: Reasons a period of care ended (REC) in a special guardianship or child arrangements order.
SGO_ENDINGS = {"E45", "E46"}
CAO_ENDINGS = {"E41", "E43", "E44", "E47", "E48"}


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
        "Interim order": cases["interim_order"].map({"ico": "ICO", "iso": "ISO", "s20": "s.20 continued", "none": "None"}),
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
