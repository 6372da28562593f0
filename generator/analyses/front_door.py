"""Linking the front door's steps into episodes: which assessment, strategy discussion, section
47 enquiry and conference belong to which referral.

Most extracts carry no key that ties a section 47 enquiry to the strategy discussion before
it, so the sector links steps by time (DOMAIN.md: "30 / 45 / 60 days, or most recent prior
event"). Here both rules apply at once, one rule for every step:

* A later step belongs to an earlier one when it is the child's **first** such step on or
  after the earlier step's day, **within the window** of days (same day included), and
  **before the child's next earlier step** (a new referral starts a new episode; a new
  strategy discussion starts a new enquiry). Each later step therefore belongs to at most one
  earlier step: the most recent one before it.
* Steps of one child on the same day count once (two referrals on one day are one contact with
  the front door recorded twice).
* A step whose window had not closed by the last date in the data is **open** (pending),
  whether or not a next step has already been linked to it: its outcome is not known yet, so
  shares of outcomes leave it out. Keeping the open steps whose next step came early, and
  dropping the others, would count only the quick outcomes near the end of the data.

The windows (`LinkWindows`) are page options with these defaults: referral to assessment or
to no further action 30 days; referral to strategy discussion 60 days; strategy discussion to
section 47 enquiry 14 days; strategy discussion to initial conference 60 days (about 42
working days, nearly three times the 15-working-day standard, so late conferences are still
found); conference to plan 7 days
(used only when a conference carries no outcome code). An assessment's authorisation is the
first one after its start and before the child's next assessment start, however long it took.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from generator.analyses.referrals import referral_history
from generator.eventlog import EventLog


@dataclass(frozen=True)
class LinkWindows:
    """Days within which a later step is linked to an earlier one (see the module docstring)."""

    referral_to_assessment: int = 30
    referral_to_strategy: int = 60
    strategy_to_s47: int = 14
    strategy_to_icpc: int = 60
    icpc_to_plan: int = 7


@dataclass(frozen=True)
class FrontDoorLinks:
    """The front door's steps linked with one set of windows: ``episodes`` (one row per
    referral, `link_referral_episodes`) and ``enquiries`` (one row per strategy discussion or
    lone section 47 enquiry, `link_protection_enquiries`). Shared by every page and figure
    that uses the same windows: read them, never change them in place."""

    episodes: pd.DataFrame
    enquiries: pd.DataFrame


def link_front_door(log: EventLog, windows: LinkWindows = LinkWindows()) -> FrontDoorLinks:
    """Referral episodes and protection enquiries of ``log``, linked with ``windows``."""
    enquiries = link_protection_enquiries(log, windows)
    return FrontDoorLinks(link_referral_episodes(log, windows, enquiries), enquiries)


def distinct_days(log: EventLog, event: str) -> pd.DataFrame:
    """One row per child and day on which ``event`` happened, with the child's next such day.

    Returns
    -------
    DataFrame
        ``child_id``, ``date``, ``code`` (the first code recorded that day) and ``next_date``
        (NaT for the child's last), sorted by child and date.
    """
    return log.derived(("distinct days", event), lambda: _distinct_days(log, event))


def _distinct_days(log: EventLog, event: str) -> pd.DataFrame:
    rows = log.of_event(event)[["child_id", "date", "code"]]
    rows = rows.drop_duplicates(["child_id", "date"], keep="first").reset_index(drop=True)
    rows["next_date"] = rows.groupby("child_id", sort=False)["date"].shift(-1)
    return rows


def link_next(left: pd.DataFrame, right: pd.DataFrame, window_days: int | None, carry: tuple[str, ...] = ()) -> pd.DataFrame:
    """For each row of ``left``, the first row of ``right`` of the same child on or after its
    date, at most ``window_days`` later (no limit when None), and before ``left.next_date``.

    Parameters
    ----------
    left : DataFrame
        ``child_id``, ``date``, ``next_date`` (from `distinct_days`).
    right : DataFrame
        ``child_id``, ``date`` and the columns named in ``carry``.

    Returns
    -------
    DataFrame
        Indexed like ``left``: ``linked_date`` (NaT when nothing is linked) and ``carry``.
    """
    right, result = unlinked(left, right, carry)
    if left.empty or right.empty:
        return result
    found = _first_on_or_after(left, right, window_days)
    linked = np.full(len(left), np.datetime64("NaT"), dtype="datetime64[ns]")
    linked[found >= 0] = right["date"].to_numpy(dtype="datetime64[ns]")[found[found >= 0]]
    result["linked_date"] = linked
    for column in carry:
        result[column] = right[column].array.take(found, allow_fill=True)
    return result


def unlinked(left: pd.DataFrame, right: pd.DataFrame, carry=()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``right`` with its yes/no columns nullable, and `link_next`'s result before any link:
    ``linked_date`` NaT and each ``carry`` column missing, indexed like ``left``."""
    right = right.astype({c: "boolean" for c in carry if right[c].dtype == bool})
    result = pd.DataFrame(index=left.index)
    result["linked_date"] = pd.Series(pd.NaT, index=left.index, dtype="datetime64[ns]")
    for column in carry:
        result[column] = pd.Series(pd.NA, index=left.index, dtype=right[column].dtype)
    return right, result


def _first_on_or_after(left: pd.DataFrame, right: pd.DataFrame, window_days: int | None) -> np.ndarray:
    """Per row of ``left``, the position in ``right`` of its link (`link_next`), -1 for none.

    One stable sort of both tables' rows by child, date, left rows before right rows on a
    day, right rows in their own order (the first of several on a day is the one linked, as
    ``pandas.merge_asof`` forward takes it); each left row's link is then the next right row
    of the sort, when it is the same child's, within the window and before ``next_date``."""
    n_left = len(left)
    codes, _ = pd.factorize(pd.concat([left["child_id"], right["child_id"]], ignore_index=True))
    days = np.concatenate([left["date"].to_numpy(dtype="datetime64[ns]"),
                           right["date"].to_numpy(dtype="datetime64[ns]")]).view(np.int64)
    is_right = np.arange(len(codes)) >= n_left
    order = np.lexsort((is_right, days, codes))  # stable: right rows keep their order
    # Per sorted row, the sorted position of the next right row at or after it.
    position = np.where(is_right[order], np.arange(len(order)), len(order))
    following = np.minimum.accumulate(position[::-1])[::-1]
    at = np.empty(len(order), dtype=np.int64)
    at[order] = np.arange(len(order))
    nxt = following[at[:n_left]]
    has = nxt < len(order)
    candidate = np.where(has, order[np.minimum(nxt, len(order) - 1)], 0)
    ok = has & (codes[candidate] == codes[:n_left])
    gap = days[candidate] - days[:n_left]
    if window_days is not None:
        ok &= gap <= pd.Timedelta(days=window_days).value
    before_next = left["next_date"].to_numpy(dtype="datetime64[ns]")
    ok &= np.isnat(before_next) | (days[candidate] < before_next.view(np.int64))
    return np.where(ok, candidate - n_left, -1)


def window_open(dates: pd.Series, next_dates: pd.Series, window_days: int | None, data_end: pd.Timestamp) -> pd.Series:
    """True where a step's window had not closed by ``data_end`` (and no next step closed it)."""
    if window_days is None:
        return next_dates.isna()
    return next_dates.isna() & (dates + pd.Timedelta(days=window_days) > data_end)


def protection_enquiries(log: EventLog, windows: LinkWindows = LinkWindows()) -> pd.DataFrame:
    """Every strategy discussion (and lone section 47 enquiry) with what followed; see
    `link_protection_enquiries`. (A build links once per windows: `link_front_door`.)"""
    return link_protection_enquiries(log, windows)


def link_protection_enquiries(log: EventLog, windows: LinkWindows) -> pd.DataFrame:
    """Every strategy discussion with the section 47 enquiry and conference linked to it, and
    every section 47 enquiry that follows no strategy discussion.

    Returns
    -------
    DataFrame
        One row per child and day with a strategy discussion, or with a section 47 enquiry
        linked to none (``strategy`` NaT), in child and date order: ``child_id``, ``strategy``,
        ``s47``, ``icpc`` (dates, NaT when none is linked), ``plan`` (boolean: the conference
        made a child protection plan; NA without a conference), and ``s47_open``,
        ``icpc_open`` (the window was still open at the end of the data).
    """
    data_end = log.last_date
    strategy = distinct_days(log, "strategy_discussion")
    s47 = link_next(strategy, log.of_event("s47"), windows.strategy_to_s47)
    # Enquiries with no strategy discussion before them (the CIN census records none) start
    # their own row, so conferences and plans are still found from the enquiry's day.
    enquiries = distinct_days(log, "s47")
    linked = pd.MultiIndex.from_arrays([strategy["child_id"], s47["linked_date"]])
    alone = enquiries[~pd.MultiIndex.from_arrays([enquiries["child_id"], enquiries["date"]]).isin(linked)]
    starts = pd.concat([
        pd.DataFrame({"child_id": strategy["child_id"], "date": strategy["date"], "strategy": strategy["date"],
                      "s47": s47["linked_date"]}),
        pd.DataFrame({"child_id": alone["child_id"], "date": alone["date"], "strategy": pd.NaT, "s47": alone["date"]}),
    ], ignore_index=True).astype({"strategy": "datetime64[ns]", "s47": "datetime64[ns]"})
    starts = starts.sort_values(["child_id", "date"], kind="mergesort").reset_index(drop=True)
    starts["next_date"] = starts.groupby("child_id", sort=False)["date"].shift(-1)
    icpc = link_next(starts, log.of_event("icpc"), windows.strategy_to_icpc, carry=("code",))
    out = pd.DataFrame({
        "child_id": starts["child_id"],
        "strategy": starts["strategy"],
        "s47": starts["s47"],
        "icpc": icpc["linked_date"],
    })
    code = icpc["code"].str.lower()
    plan = pd.Series(pd.NA, index=out.index, dtype="boolean")
    plan[code == "cpp"] = True
    plan[code == "no_plan"] = False
    uncoded = out["icpc"].notna() & plan.isna()
    if uncoded.any():
        conferences = pd.DataFrame({"child_id": out["child_id"], "date": out["icpc"]})[uncoded]
        conferences = conferences.assign(next_date=pd.NaT).astype({"next_date": "datetime64[ns]"})
        plans = link_next(conferences, log.of_event("cpp_start"), windows.icpc_to_plan)
        plan[uncoded] = plans["linked_date"].notna().to_numpy()
    out["plan"] = plan
    # A section 47 window is closed by the child's next strategy discussion only.
    s47_open = window_open(strategy["date"], strategy["next_date"], windows.strategy_to_s47, data_end)
    open_at = pd.MultiIndex.from_arrays([strategy["child_id"], strategy["date"]])[s47_open.to_numpy()]
    out["s47_open"] = pd.MultiIndex.from_arrays([starts["child_id"], starts["strategy"]]).isin(open_at)
    out["icpc_open"] = window_open(starts["date"], starts["next_date"], windows.strategy_to_icpc, data_end)
    return out.reset_index(drop=True)


def referral_episodes(log: EventLog, windows: LinkWindows = LinkWindows()) -> pd.DataFrame:
    """Every referral with the steps that followed it; see `link_referral_episodes`.
    (A build links once per windows: `link_front_door`.)"""
    return link_referral_episodes(log, windows)


def link_referral_episodes(log: EventLog, windows: LinkWindows, enquiries: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every referral (child and day) with the steps that followed it.

    Returns
    -------
    DataFrame
        One row per child and referral day: ``child_id``, ``referral``, ``previous_referrals``
        (referrals of the child on earlier days), ``days_since_previous`` (NaN for a first),
        ``next_referral``; ``referral_nfa`` and ``assessment_start`` (dates linked within the
        referral-to-assessment window), ``authorised`` and ``outcome`` (``nfa`` / ``in_need``)
        of that assessment; ``strategy`` (linked within the referral-to-strategy window) with
        ``s47``, ``icpc`` and ``plan`` from `protection_enquiries`; and the open flags
        ``decision_open`` (the referral-to-assessment window still open at the end of the data,
        whether or not a decision is already recorded), ``authorisation_open`` (assessment
        started, not yet authorised), ``strategy_open``, ``s47_open``, ``icpc_open`` (likewise).
    """
    data_end = log.last_date
    history = referral_history(log).drop_duplicates(["child_id", "date"], keep="first").reset_index(drop=True)
    referrals = distinct_days(log, "referral")
    # referral_history and distinct_days both sort by child and date: rows align.
    out = pd.DataFrame({
        "child_id": referrals["child_id"],
        "referral": referrals["date"],
        "previous_referrals": history["previous_referrals"].to_numpy(),
        "days_since_previous": history["days_since_previous"].to_numpy(),
        "next_referral": referrals["next_date"],
    })
    nfa = link_next(referrals, log.of_event("referral_nfa"), windows.referral_to_assessment)
    out["referral_nfa"] = nfa["linked_date"]
    starts = distinct_days(log, "assessment_start")
    authorised = link_next(starts, log.of_event("assessment_authorised"), None, carry=("code",))
    starts = starts.assign(authorised=authorised["linked_date"], outcome=authorised["code"].str.lower())
    start = link_next(referrals, starts, windows.referral_to_assessment, carry=("authorised", "outcome"))
    out["assessment_start"] = start["linked_date"]
    out["authorised"] = start["authorised"].astype("datetime64[ns]")
    out["outcome"] = start["outcome"].astype("string")

    if enquiries is None:
        enquiries = link_protection_enquiries(log, windows)
    discussions = enquiries[enquiries["strategy"].notna()].rename(columns={"strategy": "date"})
    strategy = link_next(referrals, discussions, windows.referral_to_strategy,
                         carry=("s47", "icpc", "plan", "s47_open", "icpc_open"))
    out["strategy"] = strategy["linked_date"]
    for column in ("s47", "icpc"):
        out[column] = strategy[column].astype("datetime64[ns]")
    out["plan"] = strategy["plan"].astype("boolean")
    out["decision_open"] = window_open(out["referral"], out["next_referral"], windows.referral_to_assessment, data_end)
    out["authorisation_open"] = out["assessment_start"].notna() & out["authorised"].isna()
    out["strategy_open"] = window_open(out["referral"], out["next_referral"], windows.referral_to_strategy, data_end)
    out["s47_open"] = strategy["s47_open"].fillna(False).astype(bool).to_numpy()
    out["icpc_open"] = strategy["icpc_open"].fillna(False).astype(bool).to_numpy()
    return out


def completed_assessments(log: EventLog) -> pd.DataFrame:
    """Every assessment start (child and day) with its authorisation: the first one after the
    start and before the child's next start, however long it took. The DfE counts assessment
    timeliness over all of these, whether or not a referral is linked to them.

    Returns
    -------
    DataFrame
        ``child_id``, ``assessment_start``, ``authorised`` (NaT when not yet authorised) and
        ``outcome``.
    """
    starts = distinct_days(log, "assessment_start")
    authorised = link_next(starts, log.of_event("assessment_authorised"), None, carry=("code",))
    return pd.DataFrame({"child_id": starts["child_id"], "assessment_start": starts["date"],
                         "authorised": authorised["linked_date"], "outcome": authorised["code"].str.lower()})
