"""Whether groups of children are treated differently: the key rates and durations split by
sex, age band, ethnic group, disability and any other attribute of the children.

Each measure is a set of cases (referrals, assessments, enquiries) with a yes/no outcome or a
duration, and the day the child's age is taken on. Groups (DfE "Characteristics of children
in need" categories):

* **sex**: the DfE codes 1 male, 2 female, 0 not known, 9 not stated;
* **age band** on the day: unborn, under 1, 1-4, 5-9, 10-15, 16 and over; age in completed
  years from the first day of the birth month (birth dates are held to the month);
* **ethnic group**: White, Mixed, Asian or Asian British, Black or Black British, Other
  ethnic groups (including Chinese), Refused or not yet obtained, from the DfE codes;
* **disability**: disabled, not disabled;
* any other column of the children table, as recorded.

A child with no value is in "Not recorded". Rates carry Wilson intervals; medians the
distribution-free interval (`generator.analyses.intervals`).

Rates that look back use complete look-backs only, as the headline figures do: re-referrals
over referrals with 365 days of data before them (`generator.analyses.referrals.has_look_back`),
assessment timeliness over assessments ended 180 days or more after the data begin
(`generator.analyses.timeliness.with_look_back`). Earlier cases lack their history (a
previous referral, the slow assessments begun before the data) and would read low.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.analyses.intervals import median_interval, with_rate
from generator.analyses.period import Period
from generator.analyses.referrals import DAYS_12_MONTHS, has_look_back, referral_history
from generator.analyses.timeliness import ASSESSMENT_LOOK_BACK_DAYS, assessment_durations, with_look_back
from generator.eventlog import SEX_LABELS, EventLog

NOT_RECORDED = "Not recorded"
AGE_BANDS = ((None, 0, "Unborn"), (0, 1, "Under 1"), (1, 5, "1-4"), (5, 10, "5-9"), (10, 16, "10-15"), (16, None, "16 and over"))
ETHNIC_GROUPS = {
    "White": ("WBRI", "WIRI", "WIRT", "WOTH", "WROM"),
    "Mixed": ("MWBC", "MWBA", "MWAS", "MOTH"),
    "Asian or Asian British": ("AIND", "APKN", "ABAN", "AOTH"),
    "Black or Black British": ("BCRB", "BAFR", "BOTH"),
    "Other ethnic groups": ("CHNE", "OOTH"),
    "Refused or not yet obtained": ("REFU", "NOBT"),
}
ETHNIC_GROUP_OF = {code: group for group, codes in ETHNIC_GROUPS.items() for code in codes}
#: The built-in dimensions: (key, name), in chart order.
DIMENSIONS = (("sex", "Sex"), ("age_band", "Age"), ("ethnic_group", "Ethnic group"), ("disability", "Disability"))


def age_band(birth_month: pd.Series, on: pd.Series) -> pd.Series:
    """The DfE age band of each child on each day (see the module docstring)."""
    months = (on.dt.year - birth_month.dt.year) * 12 + (on.dt.month - birth_month.dt.month)
    years = np.floor(months / 12)
    band = pd.Series(NOT_RECORDED, index=on.index, dtype=object)
    for low, high, label in AGE_BANDS:
        inside = pd.Series(True, index=on.index)
        if low is not None:
            inside &= years >= low
        if high is not None:
            inside &= years < high
        band[inside & birth_month.notna()] = label
    return band


def child_groups(log: EventLog, cases: pd.DataFrame, attributes: list[str]) -> pd.DataFrame:
    """``cases`` (``child_id``, ``date``) with one column per dimension, each a group label."""
    kids = log.children.set_index("child_id")
    out = cases.copy()
    child = out["child_id"]
    sex = child.map(kids["sex"]).astype(object)
    out["sex"] = sex.map(lambda v: SEX_LABELS.get(v, str(v)) if isinstance(v, str) else NOT_RECORDED)
    birth = pd.to_datetime(child.map(kids["birth_month"]))
    out["age_band"] = age_band(birth, out["date"])
    ethnicity = child.map(kids["ethnicity"]).astype(object)
    out["ethnic_group"] = ethnicity.map(lambda v: ETHNIC_GROUP_OF.get(str(v).strip().upper(), "Other ethnic groups")
                                        if isinstance(v, str) and v.strip() else NOT_RECORDED)
    disabled = child.map(kids["disability"]).astype(object)
    out["disability"] = disabled.map(lambda v: NOT_RECORDED if v is None or v is pd.NA or v != v else ("Disabled" if v else "Not disabled"))
    for column in attributes:
        values = child.map(kids[column]).astype(object)
        out[column] = values.map(lambda v: NOT_RECORDED if v is None or v is pd.NA or v != v or str(v).strip() == "" else str(v))
    return out


def measure_cases(log: EventLog, period: Period, episodes: pd.DataFrame, enquiries: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The cases of each measure: ``child_id``, ``date`` (age is taken then) and ``outcome``
    (bool) or ``value`` (working days).

    Measures: ``rereferral_12m`` (referrals in the period with 365 days of data before them;
    re-referred within 365 days); ``assessment_nfa`` (assessments authorised in the period;
    ended in no further action); ``assessment_late`` (assessments authorised in the period,
    180 days or more after the data begin; over 45 working days); ``s47_without_plan``
    (enquiries in the period whose conference window has closed; no plan);
    ``assessment_days`` (working days to authorise, the same assessments as
    ``assessment_late``).
    """
    history = referral_history(log)
    history = history[period.contains(history["date"])
                      & has_look_back(history["date"], log.front_door_first_date, DAYS_12_MONTHS)]
    cases = {"rereferral_12m": pd.DataFrame({"child_id": history["child_id"], "date": history["date"],
                                             "outcome": history["days_since_previous"] <= DAYS_12_MONTHS})}
    done = episodes[episodes["authorised"].notna() & period.contains(episodes["authorised"]) & episodes["outcome"].isin(["nfa", "in_need"])]
    cases["assessment_nfa"] = pd.DataFrame({"child_id": done["child_id"], "date": done["referral"], "outcome": done["outcome"] == "nfa"})
    timed = with_look_back(assessment_durations(episodes, period), log.front_door_first_date, ASSESSMENT_LOOK_BACK_DAYS)
    cases["assessment_late"] = pd.DataFrame({"child_id": timed["child_id"], "date": timed["start"], "outcome": ~timed["within"]})
    cases["assessment_days"] = pd.DataFrame({"child_id": timed["child_id"], "date": timed["start"], "value": timed["working_days"]})
    q = enquiries[enquiries["s47"].notna() & period.contains(enquiries["s47"]) & ~enquiries["icpc_open"]]
    plan = q["plan"].fillna(False).astype(bool)
    cases["s47_without_plan"] = pd.DataFrame({"child_id": q["child_id"], "date": q["s47"], "outcome": ~plan})
    return {key: frame.reset_index(drop=True) for key, frame in cases.items()}


def rates_by_group(cases: pd.DataFrame, dimensions: list[tuple[str, str]]) -> pd.DataFrame:
    """A yes/no measure's rate in every group of every dimension, with the overall rate.

    Parameters
    ----------
    cases : DataFrame
        From `child_groups`: ``outcome`` and one column per dimension key.
    dimensions : list of (key, name)

    Returns
    -------
    DataFrame
        ``dimension`` (name), ``group``, ``count`` (outcome true), ``n``, ``pct``,
        ``pct_low``, ``pct_high``, ``overall_pct`` (all cases); groups in a fixed order
        (age bands by age, others by size, "Not recorded" last).
    """
    overall = 100.0 * cases["outcome"].mean() if len(cases) else np.nan
    parts = []
    for key, name in dimensions:
        counted = cases.groupby(key)["outcome"].agg(["sum", "size"])
        counted = counted.loc[_group_order(key, counted["size"])]
        parts.append(pd.DataFrame({"dimension": name, "group": counted.index.astype(str),
                                   "count": counted["sum"].astype("int64").to_numpy(), "n": counted["size"].astype("int64").to_numpy()}))
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["dimension", "group", "count", "n"])
    table = with_rate(table.astype({"count": "int64", "n": "int64"}))
    return table.assign(overall_pct=overall)  # rounded where published, as metrics.json's rate


def medians_by_group(cases: pd.DataFrame, dimensions: list[tuple[str, str]]) -> pd.DataFrame:
    """A duration's median in every group, with its 95% interval and the overall median.

    Returns
    -------
    DataFrame
        ``dimension``, ``group``, ``n``, ``median``, ``median_low``, ``median_high``,
        ``overall_median``.
    """
    overall = float(cases["value"].median()) if len(cases) else np.nan
    rows = []
    for key, name in dimensions:
        sizes = cases.groupby(key).size()
        values = dict(list(cases.groupby(key)["value"]))
        for group in _group_order(key, sizes):
            median, low, high = median_interval(values[group])
            rows.append({"dimension": name, "group": str(group), "n": int(sizes[group]), "median": median,
                         "median_low": low, "median_high": high})
    table = pd.DataFrame(rows, columns=["dimension", "group", "n", "median", "median_low", "median_high"])
    return table.assign(overall_median=overall)


def _group_order(key: str, sizes: pd.Series) -> list:
    if key == "age_band":
        known = [label for _, _, label in AGE_BANDS if label in sizes.index]
    else:
        known = sizes.drop(NOT_RECORDED, errors="ignore").sort_values(ascending=False, kind="mergesort").index.tolist()
    return known + ([NOT_RECORDED] if NOT_RECORDED in sizes.index else [])
