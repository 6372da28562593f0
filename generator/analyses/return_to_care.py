"""Return to care: of the children who leave care before 18, how many come back, and when.

Each period of care that ended (lac_end with a reason other than X1) for a child under 18 is
followed from the day they left to the first of: their next entry (the event), their 18th
birthday (after which they cannot come back into children's care: a competing event), or the
end of the data (censored). Two estimates, by group (age at leaving, legal status at leaving,
reason for leaving):

* ``kaplan_meier``: 1 - Kaplan-Meier with turning 18 treated as censoring (Kaplan and Meier
  1958, lifelines, Greenwood log(-log) interval): the share who would return if nobody aged
  out; it overstates the real share where many leave close to 18;
* ``aalen_johansen``: the cumulative incidence of return with turning 18 as a competing event
  (Aalen and Johansen 1978), by statsmodels ``CumIncidenceRight``, which is deterministic with
  tied days (lifelines' AalenJohansenFitter jitters ties), with a log(-log) interval on its
  delta-method standard error (Choudhury 2002). The same estimator and interval as the
  court-orders analysis (issue 17).

Both are read at 1, 2 and 5 years (365, 730, 1826 days) with the number still followed then.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.analyses.survival import aalen_johansen, kaplan_meier_at, log_log_interval, step_at
from generator.eventlog import EventLog

#: Days read off the curves: 1, 2 and 5 years.
YEARS_DAYS = (365, 730, 1826)
AGE_BANDS = ((0, "Under 5"), (5, "5 to 9"), (10, "10 to 15"), (16, "16 or 17"))
LEGAL_GROUPS = {"V2": "Section 20", "V3": "Section 20", "V4": "Section 20", "C1": "Care order", "C2": "Care order",
                "D1": "Placement order", "E1": "Placement order"}
REASON_GROUPS = {"E4A": "Returned home", "E4B": "Returned home", "E13": "Returned home",
                 "E11": "Adopted", "E12": "Adopted", "E41": "SGO or CAO", "E43": "SGO or CAO", "E44": "SGO or CAO",
                 "E45": "SGO or CAO", "E46": "SGO or CAO", "E47": "SGO or CAO", "E48": "SGO or CAO"}
GROUPINGS = {"age_at_leaving": "Age at leaving", "legal_status": "Legal status at leaving",
             "reason": "Reason for leaving"}
COLUMNS = ["grouping", "group", "method", "days", "estimate", "lower", "upper", "at_risk"]


def care_leavers(log: EventLog, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """One row per period of care that ended before 18, with its follow-up.

    Returns
    -------
    DataFrame
        ``child_id``, ``left`` (date), ``reason`` (REC), ``legal_status`` (the last legal
        status of the period), ``age_at_leaving`` (whole years), the group labels
        ``age_group``, ``legal_group``, ``reason_group``, ``days`` (to return, 18th birthday
        or end of data, whichever is first) and ``event`` (1 returned, 2 turned 18, 0 still
        out of care at the end of the data). Children without a birth month are left out.
    """
    end = log.last_date if end is None else pd.Timestamp(end)
    ends = log.of_event("lac_end")
    ends = ends[ends["code"].notna() & ends["code"].ne("X1")][["child_id", "date", "code"]]
    ends = ends.rename(columns={"date": "left", "code": "reason"}).astype({"child_id": object})
    starts = log.of_event("lac_start", "legal_status")[["child_id", "date", "code", "event"]].astype({"child_id": object})
    # The last legal status on or before the day of leaving.
    legal = pd.merge_asof(ends.sort_values("left"), starts.rename(columns={"date": "left", "code": "legal_status"})
                          [["child_id", "left", "legal_status"]].sort_values("left", kind="mergesort"),
                          on="left", by="child_id", direction="backward")
    # The next entry strictly after the day of leaving.
    entries = starts[starts["event"] == "lac_start"][["child_id", "date"]].rename(columns={"date": "returned"})
    entries = entries.assign(left=entries["returned"] - pd.Timedelta(days=1)).sort_values("left", kind="mergesort")
    leavers = pd.merge_asof(legal.sort_values("left"), entries, on="left", by="child_id", direction="forward")
    births = log.children[["child_id", "birth_month"]].astype({"child_id": object}).dropna()
    leavers = leavers.merge(births, on="child_id")
    # Born mid-month: the birth month is all the returns give.
    birth = leavers["birth_month"] + pd.Timedelta(days=14)
    eighteen = birth + pd.DateOffset(years=18)
    age = (leavers["left"].dt.year - birth.dt.year
           - ((leavers["left"].dt.month < birth.dt.month)
              | ((leavers["left"].dt.month == birth.dt.month) & (leavers["left"].dt.day < birth.dt.day))).astype(int))
    leavers = leavers.assign(age_at_leaving=age.astype("int64"), eighteen=eighteen)
    leavers = leavers[(leavers["left"] < leavers["eighteen"]) & (leavers["left"] <= end)]
    stop = pd.concat([leavers["returned"].fillna(pd.Timestamp.max), leavers["eighteen"],
                      pd.Series(end, index=leavers.index)], axis=1)
    first = stop.min(axis=1)
    event = np.select([leavers["returned"].notna() & (leavers["returned"] == first) & (leavers["returned"] <= end),
                       (leavers["eighteen"] == first) & (leavers["eighteen"] <= end)], [1, 2], 0)
    bands = np.array([label for _, label in AGE_BANDS], dtype=object)
    edges = np.array([lower for lower, _ in AGE_BANDS])
    out = pd.DataFrame({
        "child_id": leavers["child_id"].astype("string"), "left": leavers["left"], "reason": leavers["reason"],
        "legal_status": leavers["legal_status"], "age_at_leaving": leavers["age_at_leaving"],
        "age_group": bands[np.searchsorted(edges, leavers["age_at_leaving"].to_numpy(), side="right") - 1],
        "legal_group": leavers["legal_status"].map(LEGAL_GROUPS).fillna("Other legal status"),
        "reason_group": leavers["reason"].map(REASON_GROUPS).fillna("Other reason"),
        "days": (first - leavers["left"]).dt.days.astype("int64"), "event": event.astype("int64"),
    })
    return out.sort_values(["child_id", "left"], kind="mergesort").reset_index(drop=True)


def _kaplan_meier(days: np.ndarray, returned: np.ndarray, at: np.ndarray, alpha: float):
    # One minus staying out of care: the share returned, its limits swapped.
    survival, low, high = kaplan_meier_at(days, returned, at, alpha)
    return 1 - survival, 1 - high, 1 - low


def _aalen_johansen(days: np.ndarray, event: np.ndarray, at: np.ndarray, alpha: float):
    times, incidence, se = aalen_johansen(days, event)
    estimate = step_at(times, incidence, at, 0.0)
    return (estimate, *log_log_interval(estimate, step_at(times, se, at, 0.0), alpha))


def return_to_care(leavers: pd.DataFrame, by: str = "age_group", days=YEARS_DAYS, alpha: float = 0.05) -> pd.DataFrame:
    """The share returning to care within ``days`` of leaving, by group, both ways.

    Parameters
    ----------
    leavers : DataFrame
        From `care_leavers`.
    by : {"age_group", "legal_group", "reason_group"}
        The grouping; every leaver also counts in the group "All".
    days : sequence of int
        Days at which to read the curves.

    Returns
    -------
    DataFrame
        ``grouping``, ``group``, ``method`` ("kaplan_meier" | "aalen_johansen"), ``days``,
        ``estimate``, ``lower``, ``upper`` (0-1) and ``at_risk`` (leavers still followed and
        not yet returned or 18 at ``days``: the at-risk table). Rows beyond a group's longest
        follow-up are left out.

    Notes
    -----
    R: ``1 - survfit(Surv(days, event == 1) ~ group)``; ``cmprsk::cuminc(days, event, group)``.
    """
    at = np.asarray(days, dtype=float)
    label = {"age_group": "age_at_leaving", "legal_group": "legal_status", "reason_group": "reason"}[by]
    parts = []
    for group, rows in [("All", leavers), *leavers.groupby(by, sort=True)]:
        if rows.empty:
            continue
        d, e = rows["days"].to_numpy(float), rows["event"].to_numpy()
        at_risk = len(d) - np.searchsorted(np.sort(d), at, side="left")
        for method, curve in (("kaplan_meier", _kaplan_meier(d, e == 1, at, alpha)),
                              ("aalen_johansen", _aalen_johansen(d, e, at, alpha))):
            parts.append(pd.DataFrame({"grouping": GROUPINGS[label], "group": group, "method": method, "days": at.astype(int),
                                       "estimate": curve[0], "lower": curve[1], "upper": curve[2], "at_risk": at_risk,
                                       "_followed": at <= d.max()}))
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    table = pd.concat(parts, ignore_index=True)
    return table[table.pop("_followed")].reset_index(drop=True)[COLUMNS]
