"""Decision points of the front door: at each junction, which way each case went.

The seed report (section 9) asks for "a tool to assess the impact of current referral
thresholds": the flow through the map depends on decisions at its junctions. Each junction is
a kind of case, the day it is counted on, and the branches it can take (first match wins):

========================  ==================  =============================================
junction (unit)           counted on          branches
========================  ==================  =============================================
referral                  referral day        assessment; no further action at referral;
                                              no recorded next step
assessment                authorisation day   strategy discussion (one linked to the same
                                              referral); no further action (code ``nfa``);
                                              child in need, no strategy discussion
strategy discussion       discussion day      section 47 enquiry; no section 47 enquiry
section 47 enquiry        enquiry day         conference and plan; conference, no plan;
                                              no conference
initial conference        conference day      child protection plan; no plan
========================  ==================  =============================================

A case counts at its junction only when its window is complete at the end of the data.
Cases whose window is still open (`generator.analyses.front_door`) are **pending**: reported
in their own column, never in a share's numerator or denominator, even when their next step
has already happened (counting those alone would keep the quick outcomes and drop the rest).
Shares carry Wilson intervals.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.analyses.intervals import with_rate
from generator.analyses.period import Period

#: (key, name, unit, branches in order) of every junction.
JUNCTIONS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("referral", "Referral", "referrals", ("Assessment", "No further action at referral", "No recorded next step")),
    ("assessment", "Assessment", "assessments", ("Strategy discussion", "No further action", "Child in need, no strategy discussion")),
    ("strategy", "Strategy discussion", "strategy discussions", ("Section 47 enquiry", "No section 47 enquiry")),
    ("s47", "Section 47 enquiry", "section 47 enquiries", ("Conference and plan", "Conference, no plan", "No conference")),
    ("icpc", "Initial conference", "conferences", ("Child protection plan", "No plan")),
)
JUNCTION_NAMES = {key: name for key, name, _, _ in JUNCTIONS}
JUNCTION_UNITS = {key: unit for key, _, unit, _ in JUNCTIONS}
BRANCHES = {key: branches for key, _, _, branches in JUNCTIONS}


#: The branch of a case whose window is still open at the end of the data.
PENDING = "Pending"

#: The event a junction's cases are counted on, and the event each branch needs (the others are
#: what is left when it is absent). Data that hold none of a junction's event cannot measure the
#: junction; data without a branch's event cannot tell that branch from the rest.
JUNCTION_EVENT = {"referral": "referral", "assessment": "assessment_authorised", "strategy": "strategy_discussion",
                  "s47": "s47", "icpc": "icpc"}
BRANCH_EVENT = {("referral", "Assessment"): "assessment_start", ("referral", "No further action at referral"): "referral_nfa",
                ("assessment", "Strategy discussion"): "strategy_discussion",
                ("strategy", "Section 47 enquiry"): "s47", ("s47", "Conference and plan"): "icpc",
                ("s47", "Conference, no plan"): "icpc", ("icpc", "Child protection plan"): "cpp_start"}
#: Each event in words, with the returns that record it.
EVENT_WORDS = {"referral": "referrals (CIN census, Annex A list 3)",
               "assessment_start": "assessments (CIN census, Annex A list 4)",
               "assessment_authorised": "authorised assessments (CIN census, Annex A list 4)",
               "referral_nfa": "no further action at referral (CIN census, Annex A list 3)",
               "strategy_discussion": "strategy discussions (Annex A list 5; the CIN census does not record them)",
               "s47": "section 47 enquiries (CIN census, Annex A list 5)",
               "icpc": "initial child protection conferences (CIN census, Annex A list 5)",
               "cpp_start": "child protection plans (CIN census, Annex A list 7)"}


def unmeasured_steps(held: frozenset[str] | set[str]) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """The junctions, and the branches of the others, that data holding ``held`` events cannot show.

    Parameters
    ----------
    held : set of str
        The event names the data hold (`generator.analyses.coverage.events_held`).

    Returns
    -------
    (dict, dict)
        Junction key -> why it cannot be shown; (junction, branch) -> why, for the branches
        of measured junctions whose event the data lack (their count would be 0 by absence,
        not by practice).

    Examples
    --------
    >>> junctions, branches = unmeasured_steps({"referral", "assessment_start", "assessment_authorised", "s47", "icpc"})
    >>> list(junctions), list(branches)
    (['strategy'], [('referral', 'No further action at referral'), ('assessment', 'Strategy discussion'), ('icpc', 'Child protection plan')])
    """
    junctions = {key: f"these data do not record {EVENT_WORDS[event]}"
                 for key, event in JUNCTION_EVENT.items() if event not in held}
    branches = {(key, branch): f"these data do not record {EVENT_WORDS[event]}"
                for (key, branch), event in BRANCH_EVENT.items() if key not in junctions and event not in held}
    return junctions, branches


def _decisions(junction: str, date: pd.Series, branch: np.ndarray, keep: pd.Series, child: pd.Series,
               pending: pd.Series | None = None) -> pd.DataFrame:
    waiting = np.zeros(len(branch), bool) if pending is None else pending.to_numpy(dtype=bool)
    branch = np.where(waiting, PENDING, branch)
    return pd.DataFrame({"junction": junction, "child_id": child[keep].to_numpy(), "date": date[keep].to_numpy(),
                         "branch": branch[keep.to_numpy()], "pending": waiting[keep.to_numpy()]})


def junction_decisions(episodes: pd.DataFrame, enquiries: pd.DataFrame) -> pd.DataFrame:
    """Every decision at every junction, one row each.

    Parameters
    ----------
    episodes : DataFrame
        From `generator.analyses.front_door.referral_episodes`.
    enquiries : DataFrame
        From `generator.analyses.front_door.protection_enquiries`.

    Returns
    -------
    DataFrame
        ``junction`` (key), ``child_id``, ``date`` (the day it is counted on), ``branch``
        (`PENDING` for a case whose window is still open) and ``pending``.
    """
    parts = []
    e = episodes
    branch = np.select([e["assessment_start"].notna(), e["referral_nfa"].notna()], BRANCHES["referral"][:2],
                       BRANCHES["referral"][2])
    parts.append(_decisions("referral", e["referral"], branch, e["referral"].notna(), e["child_id"], e["decision_open"]))

    outcome = e["outcome"].fillna("")
    assessed = e["authorised"].notna() & outcome.isin(["nfa", "in_need"])
    branch = np.select([e["strategy"].notna(), outcome == "nfa"], BRANCHES["assessment"][:2], BRANCHES["assessment"][2])
    parts.append(_decisions("assessment", e["authorised"], branch, assessed, e["child_id"], e["strategy_open"]))

    q = enquiries
    branch = np.where(q["s47"].notna(), *BRANCHES["strategy"])
    parts.append(_decisions("strategy", q["strategy"], branch, q["strategy"].notna(), q["child_id"], q["s47_open"]))

    plan = q["plan"].fillna(False).astype(bool)
    branch = np.select([q["icpc"].notna() & plan, q["icpc"].notna()], BRANCHES["s47"][:2], BRANCHES["s47"][2])
    parts.append(_decisions("s47", q["s47"], branch, q["s47"].notna(), q["child_id"], q["icpc_open"]))

    branch = np.where(plan, *BRANCHES["icpc"])
    parts.append(_decisions("icpc", q["icpc"], branch, q["icpc"].notna(), q["child_id"]))
    return pd.concat(parts, ignore_index=True)


def junction_shares(decisions: pd.DataFrame, period: Period, freq: str | None = None) -> pd.DataFrame:
    """The share of decisions taking each branch, per junction (and per month or quarter).

    Parameters
    ----------
    decisions : DataFrame
        From `junction_decisions`.
    freq : {None, "M", "Q"}
        None for the whole period; "M" per calendar month, "Q" per quarter (zero-filled, so a
        month without decisions has ``n`` = 0 and no share).

    Returns
    -------
    DataFrame
        ``junction``, ``branch``, (``month``: the first day of the month or quarter), ``count``,
        ``n`` (decisions at the junction), ``pct``, ``pct_low``, ``pct_high``, ``pending``
        (cases at the junction in the same period whose window is still open: in no share);
        junctions and branches in the order of `JUNCTIONS`.
    """
    rows = decisions[period.contains(decisions["date"])]
    if "pending" not in rows:
        rows = rows.assign(pending=False)
    waiting = rows[rows["pending"]]
    rows = rows[~rows["pending"]]
    keys = ["junction", "branch"]
    full = [(key, branch) for key, _, _, branches in JUNCTIONS for branch in branches]
    if freq is None:
        counted = rows.groupby(keys).size().reindex(pd.MultiIndex.from_tuples(full, names=keys), fill_value=0)
        table = counted.rename("count").reset_index()
        table["n"] = table.groupby("junction")["count"].transform("sum")
        table["pending"] = table["junction"].map(waiting.groupby("junction").size()).fillna(0)
    else:
        rows = rows.assign(month=rows["date"].dt.to_period(freq).dt.start_time)
        months = pd.period_range(period.start, period.end, freq=freq).start_time
        index = pd.MultiIndex.from_tuples([(k, b, m) for k, b in full for m in months], names=keys + ["month"])
        counted = rows.groupby(keys + ["month"]).size().reindex(index, fill_value=0)
        table = counted.rename("count").reset_index()
        table["n"] = table.groupby(["junction", "month"])["count"].transform("sum")
        waiting = waiting.assign(month=waiting["date"].dt.to_period(freq).dt.start_time).groupby(["junction", "month"]).size()
        keys_of = pd.MultiIndex.from_frame(table[["junction", "month"]])
        table["pending"] = waiting.reindex(keys_of, fill_value=0).to_numpy()
    table = table.astype({"count": "int64", "n": "int64", "pending": "int64"})
    return with_rate(table)
