"""Cumulative incidence of first entry to care by birth cohort, from a life table.

A snapshot (children looked after on one day) understates how many children the care system
touches; the cumulative incidence says what share of a birth cohort has entered care by each
age. Following the synthetic-cohort life tables of Wildeman and Emanuel (2014, "Cumulative
risks of foster care placement by age 18 for U.S. children, 2000-2011", PLoS ONE 9(3)
e92785) and Bilson and Martin (2017, "Referrals and child protection in England: one in five
children referred to children's services and one in nineteen investigated before the age of
five", BJSW 47(3)), for each birth cohort c and year of age a:

* first entries E(c, a): children born in calendar year c whose first entry in this LA's
  records came while they were aged a ("first" means first in these records, so cohorts are
  only followed from birth where the records reach back to their birth);
* cohort size N(c, a): the ONS mid-year estimate of children aged a in year c + a (those born
  from July c - 1 to June c: the usual one-year approximation of the calendar cohort), or the
  births in year c for age 0 when supplied;
* at risk R(c, a) = N(c, a) - sum of E(c, b) for b < a: the cohort still in the LA, less those
  who have already entered (a child counts once);
* hazard h = E / R and cumulative incidence by exact age a + 1,
  CI = 1 - prod over b <= a of (1 - h(c, b)),
  with Greenwood's variance of the survivor function (Greenwood 1926),
  Var(S) = S^2 sum E / (R (R - E)), and a 95% interval on the log(-log S) scale (Kalbfleisch
  and Prentice 2002), as lifelines and R ``survfit(conf.type = "log-log")`` give it.

Cohorts are truncated where the data end: an age is shown only when every child of the cohort
has lived through it inside the observed window.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from generator.eventlog import EventLog

#: Ages followed: entries at ages 0..17, so the last value is the incidence by 18.
MAX_AGE = 18


def first_entries(log: EventLog, event: str = "lac_start") -> pd.DataFrame:
    """Each child's first ``event`` in the records (first entry to care by default; a CIN
    census log gives first referrals with "referral", first CP plans with "cpp_start").

    Returns
    -------
    DataFrame
        ``child_id``, ``first_entry_date``, ``birth_month``, ``sex``, ``ethnicity``; children
        without a birth month are left out (no cohort).
    """
    first = log.of_event(event).groupby("child_id", sort=True)["date"].min().rename("first_entry_date")
    table = log.children[["child_id", "birth_month", "sex", "ethnicity"]].merge(first.reset_index(), on="child_id")
    return table[table["birth_month"].notna()][["child_id", "first_entry_date", "birth_month", "sex", "ethnicity"]].reset_index(drop=True)


def age_at_first_entry(first_entries: pd.DataFrame) -> pd.DataFrame:
    """Birth cohort and whole years of age at first entry.

    ``birth_month`` (a date, month precision) is used when present: the child is taken as
    born on the 15th; otherwise ``birth_year`` with a birth on 1 July.
    """
    entry = pd.to_datetime(first_entries["first_entry_date"])
    if "birth_month" in first_entries.columns:
        birth = pd.to_datetime(first_entries["birth_month"]).dt.to_period("M").dt.to_timestamp() + pd.Timedelta(days=14)
    else:
        birth = pd.to_datetime(first_entries["birth_year"].astype(int).astype(str) + "-07-01")
    had_birthday = (entry.dt.month > birth.dt.month) | ((entry.dt.month == birth.dt.month) & (entry.dt.day >= birth.dt.day))
    age = entry.dt.year - birth.dt.year - (~had_birthday).astype(int)
    return first_entries.assign(cohort=birth.dt.year.astype(int), age=age.astype(int))


def observed_ages(cohorts, observed_from: pd.Timestamp, observed_to: pd.Timestamp) -> pd.DataFrame:
    """The (cohort, age) cells the data cover completely.

    A cohort born in calendar year c is followed from birth only if the records start by
    1 January c; its age a is complete once every member has turned a + 1, by 31 December
    c + a + 1.
    """
    observed_from, observed_to = pd.Timestamp(observed_from), pd.Timestamp(observed_to)
    last_full_year = observed_to.year if (observed_to.month, observed_to.day) == (12, 31) else observed_to.year - 1
    rows = [(c, a) for c in sorted(set(int(c) for c in cohorts))
            if pd.Timestamp(year=c, month=1, day=1) >= observed_from
            for a in range(MAX_AGE) if c + a + 1 <= last_full_year]
    return pd.DataFrame(rows, columns=["cohort", "age"], dtype="int64")


def cohort_sizes(population: pd.DataFrame, births: pd.DataFrame | None = None, by=()) -> pd.DataFrame:
    """N(c, a) from tidy population estimates (``year``, ``age``, ``count`` and ``by``)."""
    by = list(by)
    pop = population.groupby(["year", "age", *by], as_index=False)["count"].sum()
    pop = pop.assign(cohort=pop["year"] - pop["age"])
    if births is not None:
        born = births.groupby(["year", *by], as_index=False)["count"].sum().rename(columns={"year": "cohort"})
        pop = pd.concat([pop[pop["age"] != 0], born.assign(age=0)], ignore_index=True)
    return pop[["cohort", "age", *by, "count"]].rename(columns={"count": "cohort_size"})


def cumulative_incidence(first_entries: pd.DataFrame, population: pd.DataFrame, observed_from, observed_to,
                         births: pd.DataFrame | None = None, by=(), alpha: float = 0.05) -> pd.DataFrame:
    """The life table of first entries by birth cohort (and ``by`` groups), truncated where the
    data end.

    Parameters
    ----------
    first_entries : DataFrame
        One row per child: ``child_id``, ``birth_month`` (or ``birth_year``),
        ``first_entry_date`` and the ``by`` columns (e.g. ``sex``, ``ethnicity``).
    population : DataFrame
        Tidy estimates ``year``, ``age``, ``count`` and the ``by`` columns (summed over any
        others, such as ``la``); from `generator.ingest.population.read_population`, or the
        children known to the LA for a rate among them (label it so).
    observed_from, observed_to : date
        The window the records cover.
    births : DataFrame, optional
        ``year``, ``count`` (and ``by``): cohort sizes at age 0.
    by : sequence of str
        Group columns present in both tables.

    Returns
    -------
    DataFrame
        ``cohort``, the ``by`` columns, ``age`` (year of age 0-17), ``first_entries``,
        ``cohort_size``, ``at_risk``, ``hazard``, ``by_age`` (age + 1), ``cumulative`` (share
        first entered by exact age ``by_age``), ``low``, ``high`` (its interval, 0-1).

    Notes
    -----
    R: per cohort, ``cumprod(1 - E / R)`` is ``survfit``'s S(t) for grouped data;
    ``1 - S``. Cells without population (a missing estimate) end the cohort's line there.
    """
    by = list(by)
    entries = age_at_first_entry(first_entries)
    entries = entries[(entries["age"] >= 0) & (entries["age"] < MAX_AGE)]
    cells = observed_ages(entries["cohort"].tolist() + (population["year"] - population["age"]).tolist(),
                          observed_from, observed_to)
    sizes = cohort_sizes(population, births, by)
    groups = sizes[by].drop_duplicates() if by else pd.DataFrame(index=[0])
    table = cells.merge(groups, how="cross") if by else cells
    table = table.merge(sizes, on=["cohort", "age", *by], how="inner")
    counted = entries.groupby(["cohort", "age", *by]).size().rename("first_entries").reset_index()
    table = table.merge(counted, on=["cohort", "age", *by], how="left").fillna({"first_entries": 0})
    table = table.sort_values(["cohort", *by, "age"], kind="mergesort").reset_index(drop=True)
    # A cohort's line stops at its first missing age: later ages cannot be chained.
    keys = ["cohort", *by]
    table = table[table.groupby(keys)["age"].transform(lambda a: a.to_numpy() == np.arange(len(a)))].copy()
    table["first_entries"] = table["first_entries"].astype("int64")
    before = table.groupby(keys)["first_entries"].cumsum() - table["first_entries"]
    table["at_risk"] = table["cohort_size"] - before
    e, r = table["first_entries"].to_numpy(float), table["at_risk"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        table["hazard"] = np.where(r > 0, e / r, np.nan)
        greenwood_terms = np.where(r > e, e / (r * (r - e)), np.nan)
    survival = (1 - table["hazard"]).groupby([table[k] for k in keys]).cumprod()
    variance_sum = pd.Series(greenwood_terms, index=table.index).groupby([table[k] for k in keys]).cumsum()
    low_s, high_s = _log_log_interval(survival.to_numpy(), variance_sum.to_numpy(), alpha)
    table["by_age"] = table["age"] + 1
    table["cumulative"] = 1 - survival.to_numpy()
    table["low"], table["high"] = 1 - high_s, 1 - low_s
    return table[["cohort", *by, "age", "first_entries", "cohort_size", "at_risk", "hazard", "by_age",
                  "cumulative", "low", "high"]].reset_index(drop=True)


def _log_log_interval(survival: np.ndarray, greenwood_sum: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """S^exp(+-z sqrt(V) / log S) with V = Greenwood's sum (Kalbfleisch and Prentice)."""
    z = norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = z * np.sqrt(greenwood_sum) / np.log(survival)
        low = survival ** np.exp(-spread)
        high = survival ** np.exp(spread)
    # No entries yet: S = 1 exactly, so the interval is the point.
    none = survival >= 1
    low[none], high[none] = 1.0, 1.0
    return low, high


def rate_ratios(table: pd.DataFrame, by: str, reference: str, alpha: float = 0.05) -> pd.DataFrame:
    """First-entry rate of each group over the reference group's, over all cohorts and ages.

    The rate is first entries over children at risk, summed over the life table's cells (each
    at-risk child-year counts once): a Poisson rate whose log ratio has standard error
    sqrt(1/E_g + 1/E_ref) (Rothman, Greenland and Lash, "Modern epidemiology", 3rd ed., ch. 14).

    Returns
    -------
    DataFrame
        ``by``, ``first_entries``, ``at_risk``, ``rate`` (per 1,000 child-years),
        ``rate_ratio``, ``low``, ``high``; the reference row has ratio 1 and no interval.
    """
    summed = table.groupby(by, as_index=False)[["first_entries", "at_risk"]].sum()
    summed["rate"] = 1000 * summed["first_entries"] / summed["at_risk"]
    ref = summed[summed[by] == reference]
    if ref.empty:
        raise ValueError(f"invalid reference: {reference!r} is not a value of {by!r}")
    ref_rate, ref_entries = float(ref["rate"].iloc[0]), float(ref["first_entries"].iloc[0])
    ratio = summed["rate"] / ref_rate
    with np.errstate(divide="ignore"):
        se = np.sqrt(1 / summed["first_entries"] + 1 / ref_entries)
    z = norm.ppf(1 - alpha / 2)
    summed["rate_ratio"] = ratio
    summed["low"] = np.where(summed[by] == reference, np.nan, ratio * np.exp(-z * se))
    summed["high"] = np.where(summed[by] == reference, np.nan, ratio * np.exp(z * se))
    return summed[[by, "first_entries", "at_risk", "rate", "rate_ratio", "low", "high"]]


def period_cumulative_incidence(first_entries: pd.DataFrame, population: pd.DataFrame, years, by=(),
                                alpha: float = 0.05) -> pd.DataFrame:
    """The share of children who would first enter care by each age at the rates of ``years``:
    a synthetic cohort (Bilson and Martin 2017; Wildeman and Emanuel 2014).

    For each year of age a, the hazard is the first entries at age a during ``years`` over the
    children of that age in those years (the mid-year estimates summed), and
    CI(a + 1) = 1 - prod over b <= a of (1 - h(b)), with Greenwood's variance on the same
    children as in `cumulative_incidence`. Older children's earlier entries may predate the
    records, so at older ages "first" is first in these records: say so.

    Parameters
    ----------
    first_entries, population : DataFrame
        As `cumulative_incidence`.
    years : sequence of int
        Calendar years (entries dated in them; estimates of those mid-years).
    by : sequence of str
        Group columns present in both tables.

    Returns
    -------
    DataFrame
        The ``by`` columns, ``age``, ``first_entries``, ``children`` (estimates summed),
        ``hazard``, ``by_age``, ``cumulative``, ``low``, ``high``.
    """
    by, years = list(by), sorted(int(y) for y in years)
    entries = age_at_first_entry(first_entries)
    entries = entries[entries["first_entry_date"].dt.year.isin(years) & (entries["age"] >= 0) & (entries["age"] < MAX_AGE)]
    counted = entries.groupby([*by, "age"]).size().rename("first_entries")
    pop = population[population["year"].isin(years) & (population["age"] < MAX_AGE)]
    children = pop.groupby([*by, "age"])["count"].sum().rename("children")
    table = pd.concat([children, counted], axis=1).fillna({"first_entries": 0}).dropna(subset=["children"]).reset_index()
    table["first_entries"] = table["first_entries"].astype("int64")
    table = table.sort_values([*by, "age"], kind="mergesort").reset_index(drop=True)
    e, r = table["first_entries"].to_numpy(float), table["children"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        table["hazard"] = np.where(r > 0, e / r, np.nan)
        terms = np.where(r > e, e / (r * (r - e)), np.nan)
    keys = [table[k] for k in by] if by else [np.zeros(len(table))]
    survival = (1 - table["hazard"]).groupby(keys).cumprod()
    variance = pd.Series(terms, index=table.index).groupby(keys).cumsum()
    low_s, high_s = _log_log_interval(survival.to_numpy(), variance.to_numpy(), alpha)
    table["by_age"] = table["age"] + 1
    table["cumulative"] = 1 - survival.to_numpy()
    table["low"], table["high"] = 1 - high_s, 1 - low_s
    return table[[*by, "age", "first_entries", "children", "hazard", "by_age", "cumulative", "low", "high"]]


def known_children_population(log: EventLog, observed_to, by=()) -> pd.DataFrame:
    """The children known to the LA as a stand-in population, in `cumulative_incidence`'s
    layout (``year``, ``age``, ``count`` and ``by``), for groups the estimates do not give
    (ONS mid-year estimates have no ethnicity).

    Every child in the records with a birth month counts in their birth cohort at every age
    up to ``observed_to``: the rate it gives is among children known to children's services,
    not among all children, and must be labelled so.
    """
    by = list(by)
    children = log.children[log.children["birth_month"].notna()]
    cohort = children["birth_month"].dt.year.astype(int)
    sizes = children.assign(cohort=cohort).groupby(["cohort", *by]).size().rename("count").reset_index()
    last = pd.Timestamp(observed_to).year
    rows = sizes.loc[sizes.index.repeat(MAX_AGE)].reset_index(drop=True)
    rows["age"] = np.tile(np.arange(MAX_AGE), len(sizes))
    rows["year"] = rows["cohort"] + rows["age"]
    return rows[rows["year"] <= last][["year", "age", *by, "count"]].reset_index(drop=True)
