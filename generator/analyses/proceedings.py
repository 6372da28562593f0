"""Children's journeys through care proceedings, once the legal department's list is linked to
their records (seed section 5): where each child was before proceedings, during them and at
their end; how many were never looked after; how long proceedings took against the 26-week
limit; and how long children who entered care with proceedings stayed, against those without.

Inputs are the proceedings table of `generator.ingest.proceedings.read_proceedings`, the
links of `generator.analyses.linkage.link` (``proceedings_id``, ``child_id``, ``status``) and
the event log's periods of care (lac_start .. lac_end by record_id, with their legal
statuses). The unit is a child's set of proceedings (one row of the list); children are
counted once where the question is about children (never looked after, leaving care).

* **Before, during, end** (`journeys`, `sankey_links`): the legal status on the application
  date (not looked after; accommodated under section 20 for less than 3 months or for 3
  months or more; already on an order), the interim order, the final order. Nodes with fewer
  than ``smallest`` children are merged into "Other" in their column, so every column sums
  to the same children (a test holds the Sankey to that for any input).
* **Never looked after** (`never_looked_after`): linked children with no period of care in
  the records at all, with a Wilson interval (North Yorkshire found 17-24%).
* **Duration** (`durations_by_year`): weeks from application to final order, by the
  financial year the order was made; the share within the 26 weeks of the Children and
  Families Act 2014 s.14.
* **Leaving care** (`leaving_care_cohort`, `still_in_care`, `log_rank`): each child's first
  entry to care in the records, classified by whether proceedings were open on the day of
  entry, followed to leaving care (Kaplan-Meier, Greenwood variance with lifelines'
  log(-log) interval; Kaplan and Meier 1958) and compared by the log-rank test (Mantel
  1966). Classifying at entry avoids immortal-time bias (Suissa 2008, "Immortal time bias in
  pharmacoepidemiology", AJE 167:492): a child who stays longer has more time in which
  proceedings could start, so classifying by proceedings at any time would credit
  proceedings with the longer stays of children who merely had time to acquire them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from lifelines.statistics import multivariate_logrank_test

from generator.analyses.intervals import wilson_interval
from generator.analyses.survival import kaplan_meier_at
from generator.eventlog import EventLog

#: The columns of the Sankey, left to right.
COLUMNS = ("before", "during", "end")
#: Legal statuses (SSDA903 LS) that are accommodation under section 20 (V2, V3, V4), and
#: police protection and its like (L1 police protection, L3 under arrest: no order).
SECTION_20 = frozenset({"V2", "V3", "V4"})
NO_ORDER_STATUSES = frozenset({"L1", "L3"})
#: Days of section 20 before proceedings that count as "3 months or more".
LONG_SECTION_20_DAYS = 91
#: The statutory limit on care proceedings (Children and Families Act 2014 s.14).
LIMIT_WEEKS = 26
BEFORE = ("Not looked after", "Section 20, under 3 months", "Section 20, 3 months or more", "Already on an order",
          "Not linked to a record", "Application date not given")
DURING = {"ico": "Interim care order", "iso": "Interim supervision order", "s20": "Section 20 continued",
          "none": "No interim order"}
END = {"care_order": "Care order", "placement_order": "Placement order", "sgo": "Special guardianship order",
       "sgo_with_supervision": "SGO with supervision order", "supervision_order": "Supervision order",
       "child_arrangements_order": "Child arrangements order", "no_order": "No order", "withdrawn": "Withdrawn"}
NOT_RECORDED = "Interim order not recorded"
OPEN = "Proceedings still open"
UNKNOWN_END = "Final order not known"
OTHER = {"before": "Other status before", "during": "Other interim order", "end": "Other final order"}
WITH, WITHOUT = "With proceedings at entry", "Without proceedings at entry"


def care_periods(log: EventLog) -> pd.DataFrame:
    """Each period of care: ``child_id``, ``record_id``, ``start``, ``end`` (NaT while open),
    ``end_code``."""
    events = log.events
    starts = events[events["event"] == "lac_start"][["child_id", "record_id", "date"]]
    ends = events[events["event"] == "lac_end"][["record_id", "date", "code"]]
    periods = starts.merge(ends, on="record_id", how="left", suffixes=("", "_end"))
    return periods.rename(columns={"date": "start", "date_end": "end", "code": "end_code"}).reset_index(drop=True)


def _statuses(log: EventLog) -> pd.DataFrame:
    """Legal statuses with their dates: the period's start code, then each change."""
    events = log.events
    rows = events[events["event"].isin(["lac_start", "legal_status"])][["child_id", "record_id", "date", "code"]]
    return rows.dropna(subset=["code"]).astype({"code": str}).sort_values(["date"], kind="mergesort")


def status_before(rows: pd.DataFrame, log: EventLog) -> pd.Series:
    """The legal status of each linked row's child on its application date (`BEFORE`).

    ``rows`` has ``child_id`` (NA when not linked) and ``application_date``. A child is
    looked after on a day from the period's start to the day before it ends.
    """
    out = pd.Series(BEFORE[4], index=rows.index, dtype="object")
    linked = rows["child_id"].notna()
    out[linked & rows["application_date"].isna()] = BEFORE[5]
    ask = rows[linked & rows["application_date"].notna()][["child_id", "application_date"]].astype({"child_id": str})
    out[ask.index] = BEFORE[0]
    if ask.empty:
        return out
    periods = care_periods(log).astype({"child_id": str})
    inside = ask.reset_index().merge(periods, on="child_id")
    inside = inside[(inside["start"] <= inside["application_date"])
                    & (inside["end"].isna() | (inside["end"] > inside["application_date"]))]
    if inside.empty:
        return out
    statuses = _statuses(log).astype({"record_id": str})
    known = inside.astype({"record_id": str}).merge(statuses[["record_id", "date", "code"]], on="record_id")
    known = known[known["date"] <= known["application_date"]].sort_values(["index", "date"], kind="mergesort")
    latest = known.groupby("index").last()
    for index, row in latest.iterrows():
        days = (row["application_date"] - row["start"]).days
        if row["code"] in SECTION_20:
            out[index] = BEFORE[1] if days < LONG_SECTION_20_DAYS else BEFORE[2]
        elif row["code"] not in NO_ORDER_STATUSES:
            out[index] = BEFORE[3]
    return out


def journeys(proceedings: pd.DataFrame, links: pd.DataFrame, log: EventLog) -> pd.DataFrame:
    """One row per proceedings row: where the child was before, during and at the end.

    Returns
    -------
    DataFrame
        ``proceedings_id``, ``child_id`` (the linked child; NA unless the link is a match),
        ``application_date``, ``final_date``, ``final_order``, ``before`` (`BEFORE`),
        ``during`` (`DURING`, or not recorded), ``end`` (`END`, still open, or not known),
        ``weeks`` (application to final order; NaN while open or when a date is missing or
        out of order).
    """
    matched = links.loc[links["status"] == "match", ["proceedings_id", "child_id"]]
    rows = proceedings.drop(columns=["child_id"], errors="ignore").merge(matched, on="proceedings_id", how="left")
    rows["child_id"] = rows["child_id"].astype("string")
    before = status_before(rows, log)
    during = rows["interim_order"].map(DURING).fillna(NOT_RECORDED)
    end = rows["final_order"].map(END)
    end = end.where(end.notna(), np.where(rows["final_date"].isna(), OPEN, UNKNOWN_END))
    weeks = (rows["final_date"] - rows["application_date"]).dt.days / 7
    return pd.DataFrame({"proceedings_id": rows["proceedings_id"], "child_id": rows["child_id"],
                         "application_date": rows["application_date"], "final_date": rows["final_date"],
                         "final_order": rows["final_order"], "before": before.to_numpy(), "during": during.to_numpy(),
                         "end": end.to_numpy(), "weeks": weeks.where(weeks >= 0)})


def sankey_links(table: pd.DataFrame, smallest: int = 10) -> pd.DataFrame:
    """Links of a three-column Sankey (before -> during -> end) of ``table``'s rows.

    Parameters
    ----------
    table : DataFrame
        Columns ``before``, ``during``, ``end`` (labels; `journeys`).
    smallest : int
        Nodes with fewer rows are merged into their column's "Other" node (`OTHER`), which
        keeps small flows from being read one child at a time and keeps every column's total.

    Returns
    -------
    DataFrame
        ``source``, ``target``, ``count``, ``source_count`` (the rows at the source node) and
        ``pct`` (of the source), links from the first column then the second. Every column's
        links carry every row once: both columns of links sum to ``len(table)``.

    Examples
    --------
    >>> rows = pd.DataFrame({"before": ["Not looked after"] * 3, "during": ["Interim care order"] * 3,
    ...                      "end": ["Care order", "Care order", "No order"]})
    >>> sankey_links(rows, smallest=1)[["source", "target", "count"]].values.tolist()
    [['Not looked after', 'Interim care order', 3], ['Interim care order', 'Care order', 2], ['Interim care order', 'No order', 1]]
    """
    merged = pd.DataFrame(index=table.index)
    for column in COLUMNS:
        labels = table[column].astype(str)
        sizes = labels.map(labels.value_counts())
        merged[column] = labels.where(sizes >= smallest, OTHER[column])
    parts = []
    for source, target in zip(COLUMNS[:-1], COLUMNS[1:]):
        counts = merged.groupby([source, target], sort=False).size().rename("count").reset_index()
        counts.columns = ["source", "target", "count"]
        counts["source_count"] = counts["source"].map(merged[source].value_counts())
        parts.append(counts.sort_values(["source", "target"], kind="mergesort"))
    links = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["source", "target", "count", "source_count"])
    links["count"] = links["count"].astype(int)
    links["source_count"] = links["source_count"].astype(int)
    links["pct"] = 100 * links["count"] / links["source_count"]
    return links.reset_index(drop=True)


def never_looked_after(table: pd.DataFrame, log: EventLog, alpha: float = 0.05) -> dict:
    """The linked children in proceedings never looked after in the records (no lac_start).

    Returns
    -------
    dict
        ``children`` (distinct linked children), ``never`` (of them, with no period of care
        before, during or after proceedings), ``share`` (0-1), ``lower``, ``upper`` (Wilson).
    """
    children = pd.Series(table["child_id"].dropna().astype(str).unique())
    looked_after = set(log.events.loc[log.events["event"] == "lac_start", "child_id"].astype(str))
    never = int((~children.isin(looked_after)).sum())
    low, high = wilson_interval(np.array([never]), np.array([len(children)]), alpha)
    return {"children": int(len(children)), "never": never, "share": never / len(children) if len(children) else np.nan,
            "lower": float(low[0]), "upper": float(high[0])}


def financial_year(dates: pd.Series) -> pd.Series:
    """April-to-March year labels ("2016-17") of ``dates``."""
    start = dates.dt.year - (dates.dt.month < 4).astype(int)
    return start.map(lambda y: f"{int(y)}-{(int(y) + 1) % 100:02d}" if pd.notna(y) else pd.NA)


def durations_by_year(table: pd.DataFrame, limit: int = LIMIT_WEEKS) -> pd.DataFrame:
    """Duration of concluded proceedings by the year of the final order, against ``limit``.

    Returns
    -------
    DataFrame
        ``year``, ``concluded`` (rows with both dates in order), ``within_limit`` (of them,
        ended within ``limit`` weeks), ``pct_within_limit``, ``median_weeks``,
        ``lower_quartile_weeks``, ``upper_quartile_weeks``.
    """
    done = table[table["weeks"].notna()].assign(year=lambda f: financial_year(f["final_date"]))
    rows = []
    for year, part in done.groupby("year", sort=True):
        weeks = part["weeks"].to_numpy(dtype=float)
        within = int((weeks <= limit).sum())
        rows.append({"year": year, "concluded": len(weeks), "within_limit": within,
                     "pct_within_limit": 100 * within / len(weeks), "median_weeks": float(np.median(weeks)),
                     "lower_quartile_weeks": float(np.quantile(weeks, 0.25)),
                     "upper_quartile_weeks": float(np.quantile(weeks, 0.75))})
    return pd.DataFrame(rows, columns=["year", "concluded", "within_limit", "pct_within_limit", "median_weeks",
                                       "lower_quartile_weeks", "upper_quartile_weeks"])


def leaving_care_cohort(log: EventLog, table: pd.DataFrame, last_day: pd.Timestamp) -> pd.DataFrame:
    """Each child's first entry to care in the records, classified at entry, followed to leaving.

    A child entered "with proceedings" when a linked set of proceedings was open on the day
    of entry (applied for on or before it, not yet ended); proceedings that start later do
    not count, whatever they led to (immortal-time bias, module docstring). Only entries on
    or after the list's first application are followed: before it the list cannot say whether
    proceedings were open (a 903 history reaching back before the legal department's list
    would put every earlier entry among those "without").

    Returns
    -------
    DataFrame
        ``child_id``, ``start``, ``group`` (`WITH` or `WITHOUT`), ``weeks`` (to leaving care,
        or to ``last_day`` while still looked after), ``left`` (bool).
    """
    periods = care_periods(log).astype({"child_id": str}).sort_values(["start", "record_id"], kind="mergesort")
    first = periods.drop_duplicates("child_id").reset_index(drop=True)
    linked = table[table["child_id"].notna() & table["application_date"].notna()].astype({"child_id": str})
    if table["application_date"].notna().any():
        first = first[first["start"] >= table["application_date"].min()].reset_index(drop=True)
    both = first[["child_id", "start"]].merge(linked[["child_id", "application_date", "final_date"]], on="child_id")
    open_at_entry = both[(both["application_date"] <= both["start"])
                         & (both["final_date"].isna() | (both["final_date"] >= both["start"]))]["child_id"]
    left = first["end"].notna() & (first["end"] <= last_day)
    stop = first["end"].where(left, last_day)
    weeks = (stop - first["start"]).dt.days / 7
    keep = weeks >= 0
    return pd.DataFrame({"child_id": first["child_id"], "start": first["start"],
                         "group": np.where(first["child_id"].isin(set(open_at_entry)), WITH, WITHOUT),
                         "weeks": weeks, "left": left.to_numpy()})[keep.to_numpy()].reset_index(drop=True)


def still_in_care(cohort: pd.DataFrame, weeks, alpha: float = 0.05) -> pd.DataFrame:
    """Share still looked after by weeks since entry, per group: Kaplan-Meier with its interval.

    Parameters
    ----------
    cohort : DataFrame
        ``group``, ``weeks`` (follow-up), ``left`` (True when the child left care then;
        False censored), as `leaving_care_cohort` gives.
    weeks : array-like
        The weeks at which each curve is read.
    alpha : float
        1 - confidence level of the log(-log) interval (lifelines, Greenwood variance).

    Returns
    -------
    DataFrame
        ``group``, ``weeks``, ``still_in_care``, ``lower``, ``upper`` (0-1), ``at_risk``
        (children still followed and looked after just before that week: the number at risk).

    Examples
    --------
    Freireich et al. (1963), the 6-MP arm (DOMAIN.md): S(6) = 0.8571, S(23) = 0.4482.

    >>> weeks = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
    >>> left = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
    >>> cohort = pd.DataFrame({"group": "6-MP", "weeks": weeks, "left": np.array(left, bool)})
    >>> still_in_care(cohort, [6, 23])["still_in_care"].round(4).tolist()
    [0.8571, 0.4482]
    """
    at = np.asarray(weeks, dtype=float)
    parts = []
    for group, rows in cohort.groupby("group", sort=True):
        durations = rows["weeks"].to_numpy(dtype=float)
        left = rows["left"].to_numpy(dtype=bool)
        at_risk = (durations[None, :] >= at[:, None]).sum(axis=1)
        survival, lower, upper = kaplan_meier_at(durations, left, at, alpha)
        # Past the longest follow-up the curve is not known.
        beyond = at > durations.max()
        parts.append(pd.DataFrame({"group": group, "weeks": at, "still_in_care": np.where(beyond, np.nan, survival),
                                   "lower": np.where(beyond, np.nan, lower), "upper": np.where(beyond, np.nan, upper),
                                   "at_risk": at_risk}))
    columns = ["group", "weeks", "still_in_care", "lower", "upper", "at_risk"]
    return pd.concat(parts, ignore_index=True)[columns] if parts else pd.DataFrame(columns=columns)


def log_rank(cohort: pd.DataFrame) -> dict:
    """The log-rank test of equal leaving-care curves across ``cohort``'s groups (lifelines).

    Returns
    -------
    dict
        ``statistic`` (chi-squared), ``df`` (groups - 1), ``p_value``; NaN with fewer than two
        groups or no one leaving.

    Examples
    --------
    Freireich et al. (1963), 6-MP against placebo (DOMAIN.md: chi-squared 16.79).

    >>> six_mp = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
    >>> left = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
    >>> placebo = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]
    >>> cohort = pd.DataFrame({"group": ["6-MP"] * 21 + ["placebo"] * 21, "weeks": six_mp + placebo,
    ...                        "left": np.array(left + [1] * 21, bool)})
    >>> round(log_rank(cohort)["statistic"], 2)
    16.79
    """
    groups = cohort["group"].nunique()
    if groups < 2 or not cohort["left"].any():
        return {"statistic": np.nan, "df": max(groups - 1, 0), "p_value": np.nan}
    result = multivariate_logrank_test(cohort["weeks"].to_numpy(float), cohort["group"].to_numpy(),
                                       cohort["left"].to_numpy(bool))
    return {"statistic": float(result.test_statistic), "df": groups - 1, "p_value": float(result.p_value)}
