"""The demo's longer care history: twelve years of the county's 903 before the extract, and its
population estimates.

The demo's front door runs from April 2014 (`generator.synth.demo`); a cumulative incidence
by birth cohort (`generator.analyses.incidence`) needs a child's whole childhood. An LA's
merged SSDA903 returns reach further back than its CIN census, so the demo's 903 history
starts in April 2002 (`HISTORY_START`): children who first entered care from then until the
extract opens, each with their periods of care, legal statuses, placements and returns (to
31 March 2018). They are children of their own (ids ``H...``): the front-door extract, as a
real one, holds only the children it saw from April 2014.

Calibration. The county's births (`population_estimates`) are sized so that the first
entries the front-door extract holds, by single year of age, give a period cumulative
incidence by 18 of `TARGET_BY_18` (3.3% of a birth cohort in England, Bilson and Martin 2017;
about 3% here). Before 2014 the same age profile is scaled down by `TREND_PER_YEAR` a year
backwards: more children entered care each year after 2008 (DfE "Children looked after in
England" 2009-2018), so later cohorts enter earlier, as in the seed's Figure 1. Boys and some
ethnic groups enter more often (`SEX_RISK`, `ETHNICITY_RISK`, rounded from DfE looked-after
rates per 10,000 by ethnicity). Lengths of stay, reasons for leaving and returns follow the
shares of DfE 2015-18 (about one child in three who goes home comes back within five years,
Farmer and Wijedasa 2013). Orders and placements come from `generator.synth.legal`.

Everything is drawn from a random generator of its own, after the front-door demo, so the
extract's figures are the same with or without this layer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.eventlog import EventLog
from generator.ingest.codelists import SGO_BEFORE_SPLIT, SGO_SPLIT_YEAR
from generator.synth.legal import add_legal_journeys
from generator.synth.population import ETHNICITY_SHARES, LOCALITY_WEIGHTS
from generator.synth.practice import add_practice_events

HISTORY_START = pd.Timestamp("2002-04-01")
HISTORY_SOURCE = "synth care history"
#: Second key of this layer's random generator (`generate_demo`'s seed is the first).
HISTORY_STREAM = 1803
#: Share of a birth cohort that enters care by 18, at the extract's rates.
TARGET_BY_18 = 0.03
#: First-entry rates fall by this share a year going back from 2016 (the extract's middle).
TREND_PER_YEAR = 0.06
TREND_ANCHOR_YEAR = 2016.0
#: Males per female at birth (ONS), and how much more often boys enter care.
MALE_SHARE = 0.513
SEX_RISK = {"1": 1.1, "2": 0.9}
#: Relative rates of entering care by DfE ethnicity code (others 1).
ETHNICITY_RISK = {"MWBC": 2.0, "MWBA": 1.6, "MOTH": 1.8, "WROM": 2.5, "BCRB": 1.5, "BAFR": 1.2, "BOTH": 1.4,
                  "AIND": 0.3, "APKN": 0.5, "ABAN": 0.5, "AOTH": 0.6, "CHNE": 0.3, "NOBT": 0.6}
#: Net migration into the county: each year of age is this much larger than the cohort's births.
NET_MIGRATION_PER_YEAR = 0.004
#: Age bands over which the extract's first-entry rates are averaged (noise of single years).
RATE_BANDS = ((0, 1), (1, 5), (5, 10), (10, 13), (13, 16), (16, 18))
#: First legal status by age band (<1, 1-9, 10+): section 20, interim care order, police protection, remand.
START_STATUS = {
    "baby": (("V2", "C1", "L1", "L2"), (0.40, 0.45, 0.10, 0.05)),
    "child": (("V2", "C1", "L1"), (0.50, 0.35, 0.15)),
    "teen": (("V2", "C1", "L1", "J1"), (0.70, 0.15, 0.10, 0.05)),
}
#: How a period ends, by whether the court is involved and the child's age: (reasons, shares,
#: median days). "stay" means the child stays in care (until 18 or the data's end).
OUTCOMES = {
    ("order", "under 5"): (("E11", "E45", "E41", "E4A", "stay"), (0.38, 0.17, 0.08, 0.22, 0.15), (640, 420, 420, 220, 0)),
    ("order", "5 to 12"): (("E45", "E41", "E4A", "E8", "stay"), (0.15, 0.10, 0.35, 0.10, 0.30), (500, 450, 450, 260, 0)),
    ("order", "13+"): (("E4A", "E8", "E5", "stay"), (0.35, 0.15, 0.10, 0.40), (300, 240, 200, 0)),
    ("voluntary", "under 5"): (("E4A", "E13", "E45", "E8", "stay"), (0.62, 0.08, 0.05, 0.10, 0.15), (80, 60, 380, 120, 0)),
    ("voluntary", "5 to 12"): (("E4A", "E13", "E8", "stay"), (0.62, 0.08, 0.12, 0.18), (90, 70, 150, 0)),
    ("voluntary", "13+"): (("E4A", "E13", "E8", "E5", "stay"), (0.52, 0.08, 0.15, 0.07, 0.18), (100, 70, 150, 260, 0)),
}
#: Reasons at 18 for children who stayed: staying put, independent living, other.
AT_EIGHTEEN = (("E17", "E5", "E6", "E8"), (0.30, 0.35, 0.20, 0.15))
#: After leaving, the chance of coming back (home or other reasons; after an order to family
#: or adoption) and the median days before it.
RETURN_CHANCE = {"home": 0.33, "permanence": 0.04}
RETURN_MEDIAN_DAYS = 330
#: Special guardianship before the 2019 return (`generator.ingest.codelists`): E43 for former
#: foster carers and E44 for other carers, not the four codes of later returns. The history
#: ends in March 2018, so every order in it is coded the old way.
_NEW_SGO_FROM = pd.Timestamp(f"{SGO_SPLIT_YEAR - 1}-04-01")


def _code_of_its_year(reason: str, end: pd.Timestamp) -> str:
    """The reason a period of care ended, as the return of its year codes it."""
    return SGO_BEFORE_SPLIT.get(reason, reason) if end < _NEW_SGO_FROM else reason


PERMANENCE = frozenset({"E11", "E12", "E41", "E43", "E44", "E45", "E46", "E47", "E48"})
MAX_PERIODS = 5
#: Ages followed (entries at 0..17), as `generator.analyses.incidence.MAX_AGE`.
MAX_AGE = 18


def _band_rates(first_entry_age: np.ndarray, cohort_size: float, years: float) -> np.ndarray:
    """First-entry rate at each single year of age, averaged over `RATE_BANDS`."""
    counts = np.bincount(first_entry_age[(first_entry_age >= 0) & (first_entry_age < MAX_AGE)], minlength=MAX_AGE)
    rates = np.zeros(MAX_AGE)
    for low, high in RATE_BANDS:
        rates[low:high] = counts[low:high].sum() / (high - low) / (cohort_size * years)
    return rates


def extract_first_entry_ages(demo: EventLog) -> np.ndarray:
    """Whole years of age at each child's first lac_start in the front-door extract."""
    starts = demo.of_event("lac_start").groupby("child_id")["date"].min()
    births = demo.children.set_index("child_id")["birth_month"].reindex(starts.index) + pd.Timedelta(days=14)
    return ((starts - births).dt.days // 365.25).dropna().astype(int).to_numpy()


def births_for(first_entry_ages: np.ndarray, years: float, target: float = TARGET_BY_18) -> float:
    """The yearly births that make the extract's first entries a period incidence of ``target``.

    With B children in each year of age, the period incidence by 18 is
    1 - prod(1 - E_a / (years B)); solved for B by bisection.
    """
    counts = np.bincount(first_entry_ages[(first_entry_ages >= 0) & (first_entry_ages < MAX_AGE)], minlength=MAX_AGE)
    low, high = 1.0, 1e8
    for _ in range(200):
        mid = (low + high) / 2
        incidence = 1 - np.prod(1 - np.minimum(counts / (years * mid), 1))
        low, high = (mid, high) if incidence > target else (low, mid)
    return (low + high) / 2


def population_estimates(births: float, la: str, years=range(2002, 2018)) -> pd.DataFrame:
    """Mid-year estimates of children 0-17 (tidy layout: la, year, age, sex, count).

    Births rise 1% a year to 2012 and then level off, as England's did; each year of age adds
    `NET_MIGRATION_PER_YEAR`.
    """
    rows = []
    for year in years:
        for age in range(MAX_AGE):
            cohort = year - age
            born = births * (1 + 0.01 * (min(cohort, 2012) - 2012))
            total = born * (1 + NET_MIGRATION_PER_YEAR * age)
            males = round(total * MALE_SHARE)
            rows += [(la, year, age, "1", males), (la, year, age, "2", round(total) - males)]
    return pd.DataFrame(rows, columns=["la", "year", "age", "sex", "count"])


def generate_care_history(demo: EventLog, rng: np.random.Generator, la: str,
                          extract_start: pd.Timestamp, extract_end: pd.Timestamp) -> tuple[EventLog, pd.DataFrame]:
    """The 903 history before the extract, and the population estimates that go with it.

    Parameters
    ----------
    demo : EventLog
        The front-door extract (its first entries to care set the rates and the births).
    rng : numpy.random.Generator
        This layer's own generator.
    la : str
        The LA's name, as the extract's children carry it and the estimates' ``la``.
    extract_start, extract_end : Timestamp
        The front-door extract's first and last days.

    Returns
    -------
    (EventLog, DataFrame)
        The history's events (lac_start, legal_status, placement, lac_end, source
        `HISTORY_SOURCE`) and children; the estimates (`population_estimates`).
    """
    years = (extract_end - extract_start).days / 365.25
    ages = extract_first_entry_ages(demo)
    births = births_for(ages, years)
    population = population_estimates(births, la)
    rates = _band_rates(ages, births, years)

    # First entries: for each cohort and age, Poisson draws month by month of birth, kept
    # when the entry falls in the history's window (before the extract opens).
    rows = []
    for cohort in range(HISTORY_START.year - MAX_AGE, extract_start.year + 1):
        born = births * (1 + 0.01 * (min(cohort, 2012) - 2012))
        for age in range(MAX_AGE):
            year = cohort + age + 0.5
            if year < HISTORY_START.year - 1 or year > extract_start.year + 1:
                continue
            expected = born * (1 + NET_MIGRATION_PER_YEAR * age) * rates[age] * np.exp(TREND_PER_YEAR * (year - TREND_ANCHOR_YEAR))
            n = rng.poisson(expected)
            month = rng.integers(1, 13, n)
            offset = rng.random(n)
            for m, f in zip(month, offset):
                birth = pd.Timestamp(year=cohort, month=int(m), day=1)
                entry = birth + pd.Timedelta(days=14) + pd.DateOffset(years=age) + pd.Timedelta(days=int(f * 365))
                if HISTORY_START <= entry < extract_start:
                    rows.append((birth, entry.normalize()))
    n = len(rows)
    birth_months = pd.to_datetime([b for b, _ in rows])
    first_entry = pd.to_datetime([e for _, e in rows])

    male = MALE_SHARE * SEX_RISK["1"]
    sex = np.where(rng.random(n) < male / (male + (1 - MALE_SHARE) * SEX_RISK["2"]), "1", "2")
    codes = list(ETHNICITY_SHARES)
    weights = np.array([ETHNICITY_SHARES[c] * ETHNICITY_RISK.get(c, 1.0) for c in codes])
    ethnicity = rng.choice(codes, n, p=weights / weights.sum())
    localities = list(LOCALITY_WEIGHTS)
    locality_weights = np.array(list(LOCALITY_WEIGHTS.values()))
    order = np.argsort(first_entry.to_numpy(), kind="mergesort")
    ids = np.empty(n, dtype=object)
    ids[order] = [f"H{i:06d}" for i in rng.permutation(n) + 1]
    children = pd.DataFrame({
        "child_id": ids, "sex": sex, "birth_month": birth_months, "ethnicity": ethnicity,
        "disability": rng.random(n) < 0.12, "la": la,
        "locality": rng.choice(localities, n, p=locality_weights / locality_weights.sum()),
    })
    events = []
    for i in order:
        eighteen = birth_months[i] + pd.DateOffset(years=18)
        events += _periods(rng, ids[i], first_entry[i], birth_months[i], eighteen, extract_end)
    frame = pd.DataFrame(events, columns=["child_id", "event", "date", "record_id", "code"]).assign(source=HISTORY_SOURCE)
    layer = add_legal_journeys(EventLog.from_frames(frame, children), rng, extract_end)
    # A 903 holds every looked-after child's reviews, missing episodes and, for care leavers,
    # pathway plans: the history's children get theirs as the extract's do (drawn last, so
    # nothing above moves).
    return add_practice_events(layer, rng, extract_end), population


def _periods(rng: np.random.Generator, child: str, entry: pd.Timestamp, birth: pd.Timestamp,
             eighteen: pd.Timestamp, last_day: pd.Timestamp) -> list[tuple]:
    """One child's periods of care from their first entry: (child, event, date, record, code)."""
    out = []
    for number in range(1, MAX_PERIODS + 1):
        age = (entry - birth).days / 365.25
        band = "baby" if age < 1 else "child" if age < 10 else "teen"
        statuses, shares = START_STATUS[band]
        status = str(rng.choice(statuses, p=shares))
        record = f"{child}-LA{number}"
        out.append((child, "lac_start", entry, record, status))
        court = "order" if status in ("C1", "L1", "L2") and rng.random() < 0.8 else "voluntary"
        stage = "under 5" if age < 5 else "5 to 12" if age < 13 else "13+"
        reasons, shares, medians = OUTCOMES[(court, stage)]
        pick = int(rng.choice(len(reasons), p=shares))
        reason = reasons[pick]
        if reason == "stay":
            end, reason = eighteen - pd.Timedelta(days=1), str(rng.choice(AT_EIGHTEEN[0], p=AT_EIGHTEEN[1]))
        else:
            median = medians[pick] or 300
            end = entry + pd.Timedelta(days=int(max(1, rng.lognormal(np.log(median), 0.7))))
            if end >= eighteen:
                end, reason = eighteen - pd.Timedelta(days=1), str(rng.choice(AT_EIGHTEEN[0], p=AT_EIGHTEEN[1]))
        if end > last_day:
            break  # still looked after when the data end
        out.append((child, "lac_end", end, record, _code_of_its_year(reason, end)))
        if end >= eighteen - pd.Timedelta(days=1):
            break
        chance = RETURN_CHANCE["permanence" if reason in PERMANENCE else "home"]
        if rng.random() >= chance:
            break
        entry = end + pd.Timedelta(days=int(max(1, rng.lognormal(np.log(RETURN_MEDIAN_DAYS), 0.9))))
        if entry >= eighteen or entry > last_day:
            break
    return out


__all__ = ["generate_care_history", "population_estimates", "births_for", "HISTORY_START", "HISTORY_STREAM"]
