"""Competing risks: how many children return to court by each time, when turning 18 ends the watch.

This module owns cumulative incidence with a competing event: the Aalen-Johansen estimator
(Aalen and Johansen 1978; for one event type among several it is the estimator of Kalbfleisch
and Prentice 1980, section 7.2), computed by statsmodels' ``CumIncidenceRight``, which handles
tied times deterministically (lifelines' AalenJohansenFitter breaks ties by random jitter,
lifelines issue 1521). One minus Kaplan-Meier, treating the competing event as censoring,
overstates the incidence; this is why the competing event must be modelled. The comparison
between groups is the cause-specific log-rank test (competing events censored), which compares
cause-specific hazards; Gray's (1988) test of the incidence functions themselves is not
implemented here.

Input: one row per child and episode of follow-up, ``group`` (e.g. the final order), ``days``
(from the start of follow-up, e.g. the final order, to the event or to censoring) and ``event``
(0 censored, 1 the event of interest such as new proceedings, 2, 3, ... competing events such
as turning 18).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import survdiff

from generator.analyses.survival import aalen_johansen, log_log_interval, step_at
from generator.errors import InputError, Problem

#: Columns of the cumulative incidence table (the page's CSV).
COLUMNS = ["group", "days", "estimate", "lower", "upper", "at_risk"]


def _checked(follow_up: pd.DataFrame, group: str, days: str, event: str, source: str) -> pd.DataFrame:
    missing = [c for c in (group, days, event) if c not in follow_up.columns]
    if missing:
        raise InputError(Problem(source, "columns", f"missing column(s) {', '.join(missing)}",
                                 f"give one row per child with {group}, {days} and {event}"))
    frame = follow_up[[group, days, event]].rename(columns={group: "group", days: "days", event: "event"})
    d = pd.to_numeric(frame["days"], errors="coerce")
    e = pd.to_numeric(frame["event"], errors="coerce")
    problems = []
    bad_days = frame.index[d.isna() | (d < 0)]
    if len(bad_days):
        problems.append(Problem(source, f"rows {', '.join(map(str, bad_days[:5]))}", f"{days} must be a number >= 0",
                                "count days from the start of follow-up to the event or to its end"))
    bad_event = frame.index[e.isna() | (e < 0) | (e % 1 != 0)]
    if len(bad_event):
        problems.append(Problem(source, f"rows {', '.join(map(str, bad_event[:5]))}",
                                f"{event} must be 0 (censored) or a whole number 1, 2, ... naming the event",
                                "code the event of interest 1 and competing events 2, 3, ..."))
    if problems:
        raise InputError(problems)
    return frame.assign(days=d.astype(float), event=e.astype(int))


def _one_group(days: np.ndarray, event: np.ndarray, cause: int, times, alpha: float) -> pd.DataFrame:
    utimes, cif, se = aalen_johansen(days, event, cause)
    at = np.unique(utimes) if times is None else np.asarray(times, dtype=float)
    estimate = step_at(utimes, cif, at)
    # The standard error at the last time can be undefined (everyone left at risk has the event).
    error = step_at(utimes, se, at)
    lower, upper = log_log_interval(estimate, error, alpha)
    # Still followed at t: days >= t.
    at_risk = len(days) - np.searchsorted(np.sort(days), at, side="left")
    return pd.DataFrame({"days": at, "estimate": estimate, "lower": lower, "upper": upper, "at_risk": at_risk})


def cumulative_incidence(follow_up: pd.DataFrame, times=None, cause: int = 1, alpha: float = 0.05,
                         group: str = "group", days: str = "days", event: str = "event",
                         source: str = "proceedings") -> pd.DataFrame:
    """Cumulative incidence of one event by group, with competing events (Aalen-Johansen).

    Parameters
    ----------
    follow_up : DataFrame
        One row per child: group, days (follow-up, >= 0) and event (0 censored, 1, 2, ...).
    times : array-like, optional
        Times (in the unit of ``days``) at which to report; every distinct time of the group
        when omitted (for drawing the step curve).
    cause : int
        The event whose incidence is reported; every other non-zero code competes with it.
    alpha : float
        1 - confidence level of the pointwise intervals.
    group, days, event : str
        Column names in ``follow_up``.
    source : str
        The name of the input, for error messages.

    Returns
    -------
    DataFrame
        Columns group, days, estimate, lower, upper, at_risk: the estimated probability of
        ``cause`` by ``days`` (statsmodels ``CumIncidenceRight``; standard errors by the delta
        method of Dinse and Larson 1986 / Marubini and Valsecchi 1995), the pointwise log(-log)
        interval, and the number still followed at ``days`` (days >= t). Sorted by group, days.

    Raises
    ------
    InputError
        Missing columns, negative or non-numeric days, event codes that are not whole numbers >= 0.

    Notes
    -----
    R: ``cmprsk::cuminc(ftime, fstatus, group)`` with ``timepoints``; Stata: ``stcompet``.
    At-risk counts are disclosive when small: suppress them before publishing.

    Examples
    --------
    >>> follow_up = pd.DataFrame({"group": "SO", "days": [1, 2, 3, 4], "event": [1, 2, 0, 1]})
    >>> cumulative_incidence(follow_up, times=[1, 4])["estimate"].round(4).tolist()
    [0.25, 0.75]
    """
    frame = _checked(follow_up, group, days, event, source)
    parts = []
    for name, rows in frame.groupby("group", sort=True):
        part = _one_group(rows["days"].to_numpy(), rows["event"].to_numpy(), cause, times, alpha)
        parts.append(part.assign(group=name))
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(parts, ignore_index=True)[COLUMNS]


def cause_specific_logrank(follow_up: pd.DataFrame, cause: int = 1, group: str = "group", days: str = "days",
                           event: str = "event", source: str = "proceedings") -> dict:
    """Log-rank test of the cause-specific hazard of ``cause`` between groups.

    Competing events are treated as censoring, so the test compares the rate at which the
    event happens among those still at risk of it (Kalbfleisch and Prentice 1980, section 8.2;
    Putter, Fiocco and Geskus 2007, "Tutorial in biostatistics: competing risks and multi-state
    models", Statistics in Medicine 26:2389-2430). It is not Gray's test of the cumulative
    incidence functions, which can differ when the competing event's hazard differs between
    groups. Computed by statsmodels ``survdiff`` (R: ``survival::survdiff``).

    Returns
    -------
    dict
        ``test`` ("cause-specific log-rank"), ``statistic`` (chi-squared), ``df`` (groups - 1),
        ``p_value``; statistic and p NaN when there are fewer than two groups or no events.
    """
    frame = _checked(follow_up, group, days, event, source)
    groups = frame["group"].nunique()
    result = {"test": "cause-specific log-rank", "statistic": np.nan, "df": max(groups - 1, 0), "p_value": np.nan}
    status = (frame["event"] == cause).astype(int).to_numpy()
    if groups < 2 or status.sum() == 0:
        return result
    statistic, p_value = survdiff(frame["days"].to_numpy(), status, frame["group"].astype(str).to_numpy())
    result.update(statistic=float(statistic), p_value=float(p_value))
    return result
