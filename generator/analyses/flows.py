"""Journeys through the front door as flows: how many referrals went from each step to each
next one, per reporting year.

Each referral (child and day, from `front_door.referral_episodes`) follows one path through
these columns, stopping where its journey stops:

0. where it came from: "Re-referral" (a previous referral of the child within 365 days:
   the DfE definition) or "New referral";
1. "Referral";
2. "Assessment", "No further action at referral", or "No recorded next step" ("Not yet
   decided" while its window is open at the end of the data); a referral with a strategy
   discussion but no assessment goes straight to column 3;
3. after an assessment: "Strategy discussion" (one linked to the referral), "No further
   action" (authorised ``nfa``), "Child in need" (authorised ``in_need``), or "Not yet
   authorised";
4. after a strategy discussion: "Section 47 enquiry" or "No section 47 enquiry";
5. after an enquiry: "Initial conference" or "No conference";
6. after a conference: "Child protection plan" or "No plan".

Unit: referrals, counted in the reporting year of the referral day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.analyses.period import Period
from generator.analyses.referrals import DAYS_12_MONTHS
from generator.analyses.rereferral_curves import reporting_years

#: Every node: (column, name, tone). Order within a column is the drawing order, top down:
#: the way onward first, so the deepest journeys run along the top.
NODES: tuple[tuple[int, str, str], ...] = (
    (0, "Re-referral", "return"),
    (0, "New referral", "onward"),
    (1, "Referral", "onward"),
    (2, "Assessment", "onward"),
    (2, "No further action at referral", "stop"),
    (2, "No recorded next step", "unknown"),
    (2, "Not yet decided", "unknown"),
    (3, "Strategy discussion", "onward"),
    (3, "Child in need", "service"),
    (3, "No further action", "stop"),
    (3, "Not yet authorised", "unknown"),
    (4, "Section 47 enquiry", "onward"),
    (4, "No section 47 enquiry", "stop"),
    (5, "Initial conference", "onward"),
    (5, "No conference", "stop"),
    (6, "Child protection plan", "onward"),
    (6, "No plan", "stop"),
)
NODE_COLUMN = {name: column for column, name, _ in NODES}
NODE_TONE = {name: tone for _, name, tone in NODES}


def journey_steps(episodes: pd.DataFrame) -> pd.DataFrame:
    """Each referral's node in each column (None where its journey has stopped).

    Returns
    -------
    DataFrame
        ``child_id``, ``referral`` and one column ``c0`` ... ``c6`` per column of nodes.
    """
    e = episodes
    n = len(e)
    steps = pd.DataFrame({"child_id": e["child_id"].to_numpy(), "referral": e["referral"].to_numpy()})
    steps["c0"] = np.where(e["days_since_previous"].to_numpy() <= DAYS_12_MONTHS, "Re-referral", "New referral")
    steps["c1"] = "Referral"
    assessed = e["assessment_start"].notna().to_numpy()
    strategy = e["strategy"].notna().to_numpy()
    steps["c2"] = np.select(
        [assessed, strategy, e["referral_nfa"].notna().to_numpy(), e["decision_open"].to_numpy()],
        ["Assessment", None, "No further action at referral", "Not yet decided"], "No recorded next step")
    outcome = e["outcome"].fillna("").to_numpy()
    steps["c3"] = np.select(
        [strategy, ~assessed, outcome == "nfa", outcome == "in_need"],
        ["Strategy discussion", None, "No further action", "Child in need"], "Not yet authorised")
    s47 = e["s47"].notna().to_numpy()
    steps["c4"] = np.where(strategy, np.where(s47, "Section 47 enquiry", "No section 47 enquiry"), None)
    icpc = e["icpc"].notna().to_numpy()
    steps["c5"] = np.where(s47, np.where(icpc, "Initial conference", "No conference"), None)
    plan = e["plan"].fillna(False).to_numpy(dtype=bool) if n else np.zeros(0, bool)
    steps["c6"] = np.where(icpc & s47, np.where(plan, "Child protection plan", "No plan"), None)
    return steps


def flow_links(episodes: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Referrals moving from each node to the next, per reporting year of the referral.

    Returns
    -------
    DataFrame
        ``year``, ``source``, ``target``, ``count`` (referrals), ``source_count`` (referrals
        that reached the source) and ``pct`` (count over source_count, 0-100), one row per
        link that any referral took, in the order of `NODES`.
    """
    steps = journey_steps(episodes)
    columns = [f"c{i}" for i in range(7)]
    rows = []
    for label, start, end in reporting_years(period):
        year = steps[(steps["referral"] >= start) & (steps["referral"] <= end)]
        if year.empty:
            continue
        for i, source_column in enumerate(columns[:-1]):
            # A journey's next node is the first one named after this column (one may be skipped).
            later = year[columns[i + 1]]
            for column in columns[i + 2:]:
                later = later.where(later.notna(), year[column])
            pairs = pd.DataFrame({"source": year[source_column], "target": later}).dropna()
            counted = pairs.value_counts().rename("count").reset_index()
            counted["year"] = label
            rows.append(counted)
    if not rows:
        return pd.DataFrame(columns=["year", "source", "target", "count", "source_count", "pct"])
    links = pd.concat(rows, ignore_index=True)
    order = {name: i for i, (_, name, _) in enumerate(NODES)}
    links = links.assign(_s=links["source"].map(order), _t=links["target"].map(order))
    links = links.sort_values(["year", "_s", "_t"], kind="mergesort").drop(columns=["_s", "_t"]).reset_index(drop=True)
    outflow = links.groupby(["year", "source"])["count"].transform("sum")
    links["source_count"] = outflow.astype("int64")
    links["pct"] = 100 * links["count"] / outflow  # rounded where published
    return links[["year", "source", "target", "count", "source_count", "pct"]].astype({"count": "int64"})
