"""Care histories as monthly state sequences, grouped by sequence analysis.

Each child who entered care becomes a string of states, one character per month since their
first entry (the state on the same day of each month as the day of entry), until the data end
or ``months``: in care under s.20, a care order, a placement order or another legal status,
placed for adoption; or out of care, at home, on a special guardianship or child arrangements
order, adopted, or left care for another reason. Re-entry resumes the in-care states.
`group_care_histories` clusters them (distances and Ward in
`generator.analyses.sequence_clustering`, on unique sequences weighted by their counts),
chooses the number of groups by the average silhouette width, and describes each group by its
chronogram (TraMineR ``seqdplot``), medoid (``seqrep``/``disscenter``), modal states
(``seqmodst``), size and children. Chronograms and sizes are aggregates; sequences are not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from generator.analyses.sequence_clustering import (
    cut_tree, dissimilarities, group_distance_sums, number_by_first_child, silhouette_widths, unique_sequences,
    weighted_ward,
)
from generator.eventlog import EventLog

#: State code (one character) -> label, in display order.
STATES = {
    "S": "Section 20", "C": "Care order", "P": "Placement order", "O": "Other legal status",
    "A": "Placed for adoption", "H": "At home", "G": "SGO or CAO after care", "D": "Adopted",
    "L": "Left care",
}
#: SSDA903 legal status -> in-care state (C1 interim and C2 full care orders together).
LEGAL_STATE = {"V2": "S", "V3": "S", "V4": "S", "C1": "C", "C2": "C", "D1": "P", "E1": "P"}
#: SSDA903 reason episode ceased -> state after care; any other reason is "L".
REASON_STATE = {
    "E4A": "H", "E4B": "H", "E13": "H", "E11": "D", "E12": "D",
    "E41": "G", "E43": "G", "E44": "G", "E45": "G", "E46": "G", "E47": "G", "E48": "G",
}
#: Placements that are placed for adoption (SSDA903 PLACE A3-A6).
ADOPTION_PLACEMENTS = frozenset({"A3", "A4", "A5", "A6"})
#: With ``placement_types``: in-care states by placement type (first letter of PLACE).
PLACEMENT_STATES = {"U": "F", "A": "A", "P": "W", "H": "I", "K": "R", "R": "R", "S": "R"}
PLACEMENT_LABELS = {"F": "Foster care", "W": "Placed with parents", "I": "Independent or semi-independent",
                    "R": "Residential, secure or health", "Q": "Other placement"}


def _month_anniversaries(entry: pd.Series, months: np.ndarray) -> pd.Series:
    """entry + months calendar months, on the same day (the month's last day if shorter)."""
    month = entry.dt.to_period("M").astype("int64").to_numpy() + months
    first = pd.PeriodIndex.from_ordinals(month, freq="M").to_timestamp()
    day = np.minimum(entry.dt.day.to_numpy(), first.days_in_month.to_numpy())
    return pd.Series(first + pd.to_timedelta(day - 1, unit="D"), index=entry.index)


def care_sequences(log: EventLog, months: int | None = None, placement_types: bool = False,
                   end: pd.Timestamp | None = None) -> pd.DataFrame:
    """Each child's care history as one character per month since first entry.

    Parameters
    ----------
    log : EventLog
        Reads lac_start (code = legal status), legal_status, placement and lac_end (code =
        reason episode ceased).
    months : int, optional
        Keep at most this many months (month 0 is the month of entry).
    placement_types : bool
        In care, show the placement type (foster, with parents, independent, residential,
        placed for adoption) instead of the legal status.
    end : Timestamp, optional
        Last day observed (default the log's last date): sequences stop there, so later
        entrants have shorter sequences.

    Returns
    -------
    DataFrame
        ``child_id``, ``entry_date``, ``sequence`` (str, codes in `STATES` or
        `PLACEMENT_LABELS`), ``length`` (months observed).
    """
    care = log.of_event("lac_start", "legal_status", "placement", "lac_end")
    columns = ["child_id", "entry_date", "sequence", "length"]
    if care.empty:
        return pd.DataFrame(columns=columns)
    end = log.last_date if end is None else pd.Timestamp(end)
    order = np.arange(len(care))  # the log's order breaks ties between events on one day
    # merge_asof needs one key dtype on both sides.
    care = care.assign(_order=order, child_id=care["child_id"].astype(object))
    entry = care[care["event"] == "lac_start"].groupby("child_id", sort=True)["date"].min()
    observed = ((end.year - entry.dt.year) * 12 + end.month - entry.dt.month + 1).to_numpy()
    if months is not None:
        observed = np.minimum(observed, months)
    grid = pd.DataFrame({"child_id": np.repeat(entry.index.to_numpy(), observed),
                         "month": np.concatenate([np.arange(k) for k in observed]) if len(observed) else []})
    grid["entry_date"] = pd.to_datetime(entry.reindex(grid["child_id"]).to_numpy())
    grid["date"] = _month_anniversaries(grid["entry_date"], grid["month"].to_numpy())
    grid = grid[grid["date"] <= end].sort_values(["date", "child_id"], kind="mergesort")

    legal = care[care["event"] != "placement"].copy()
    leaving = legal["event"] == "lac_end"
    legal["state"] = np.where(leaving, legal["code"].map(REASON_STATE).fillna("L"),
                              legal["code"].map(LEGAL_STATE).fillna("O"))
    legal["in_care"] = ~leaving
    placements = care[care["event"].isin(["placement", "lac_end"])].copy()
    placements["place"] = placements["code"].where(placements["event"] == "placement", "")

    def last_before(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        right = frame.sort_values(["date", "_order"], kind="mergesort")[["child_id", "date", *columns]]
        return pd.merge_asof(grid[["child_id", "date"]], right, on="date", by="child_id", direction="backward")

    state = last_before(legal, ["state", "in_care"])
    place = last_before(placements, ["place"])["place"].fillna("").astype(str).to_numpy()
    in_care = state["in_care"].fillna(False).astype(bool).to_numpy()
    code = state["state"].fillna("L").astype(str).to_numpy()
    adoption = np.isin(place, list(ADOPTION_PLACEMENTS))
    if placement_types:
        typed = np.array([PLACEMENT_STATES.get(p[:1], "Q") for p in place], dtype=object)
        code = np.where(in_care, np.where(adoption, "A", typed), code)
    else:
        code = np.where(in_care & adoption, "A", code)
    grid = grid.assign(code=code).sort_values(["child_id", "month"], kind="mergesort")
    strings = grid.groupby("child_id", sort=True)["code"].agg("".join)
    out = pd.DataFrame({"child_id": strings.index.astype("string"), "entry_date": entry.reindex(strings.index).to_numpy(),
                        "sequence": strings.to_numpy()})
    out["length"] = out["sequence"].str.len().astype("int64")
    return out.reset_index(drop=True)[columns]


@dataclass(frozen=True)
class GroupedHistories:
    """Children's groups and how each number of groups scored."""

    membership: pd.DataFrame  # child_id, group (1..k)
    quality: pd.DataFrame  # groups, asw (weighted average silhouette width)
    groups: int  # the chosen number
    medoids: pd.DataFrame  # group, sequence, children (of the group)


def group_care_histories(sequences: pd.DataFrame, method: str = "lcs", k_range=range(2, 11),
                         groups: int | None = None) -> GroupedHistories:
    """Ward groups of care histories, their number chosen by the average silhouette width.

    Parameters
    ----------
    sequences : DataFrame
        ``child_id`` and ``sequence`` (from `care_sequences`).
    method : {"lcs", "om"}
        See `generator.analyses.sequence_clustering.dissimilarities`.
    k_range : iterable of int
        Numbers of groups to consider.
    groups : int, optional
        Use this number instead of the best average silhouette width.

    Notes
    -----
    R: ``diss <- seqdist(seq, "LCS"); tree <- hclust(as.dist(diss), "ward.D");
    as.clustrange(tree, diss, ncluster = 10)``; the best "ASW" row. Ward's method depends on
    the order of the children where distances tie; the de-duplicated tree follows the order R
    and scipy would use on every child (see `unique_sequences`), and equals R's on mvad.
    """
    unique = unique_sequences(sequences["sequence"])
    k_values = [k for k in k_range if 2 <= k <= len(unique.sequences)]
    if not k_values:
        raise ValueError("need at least two distinct care histories to group them")
    tree = weighted_ward(dissimilarities(unique.sequences, method=method), unique.weights)
    cuts = {k: number_by_first_child(cut_tree(tree, k), unique.inverse) for k in k_values}
    if groups is not None and groups not in cuts:
        cuts[groups] = number_by_first_child(cut_tree(tree, groups), unique.inverse)
    sums = dict(zip(cuts, group_distance_sums(unique.sequences, list(cuts.values()), unique.weights, method)))
    asw = {k: float(np.average(silhouette_widths(sums[k], cuts[k], unique.weights), weights=unique.weights))
           for k in k_values}
    chosen = groups if groups is not None else max(k_values, key=lambda k: (asw[k], -k))
    labels = cuts[chosen]
    medoids = []
    for g in range(1, chosen + 1):
        members = np.flatnonzero(labels == g)
        # The member with the least weighted sum of distances to its group (TraMineR
        # disscenter); the first of equals.
        best = members[np.argmin(sums[chosen][members, g - 1])]
        medoids.append({"group": g, "sequence": unique.sequences[best], "children": int(unique.weights[members].sum())})
    return GroupedHistories(
        membership=pd.DataFrame({"child_id": sequences["child_id"].to_numpy(), "group": labels[unique.inverse]}),
        quality=pd.DataFrame({"groups": k_values, "asw": [asw[k] for k in k_values]}),
        groups=int(chosen),
        medoids=pd.DataFrame(medoids),
    )


def chronograms(sequences: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """The distribution of states by month since entry, per group (TraMineR ``seqdplot``).

    Returns
    -------
    DataFrame
        ``group``, ``month``, ``state`` (code), ``count``, ``share`` (of the group's children
        observed that month), ``observed``; and ``modal`` (bool: the month's commonest state,
        the first in `STATES` order among equals, as ``seqmodst``).
    """
    frame = sequences[["child_id", "sequence"]].merge(membership, on="child_id")
    rows = frame.assign(state=frame["sequence"].map(list)).explode("state")
    rows["month"] = rows.groupby(level=0).cumcount()
    counts = rows.groupby(["group", "month", "state"]).size().rename("count").reset_index()
    counts["observed"] = counts.groupby(["group", "month"])["count"].transform("sum")
    counts["share"] = counts["count"] / counts["observed"]
    rank = {code: i for i, code in enumerate([*STATES, *PLACEMENT_LABELS])}
    counts["_rank"] = counts["state"].map(rank)
    counts = counts.sort_values(["group", "month", "count", "_rank"], ascending=[True, True, False, True], kind="mergesort")
    counts["modal"] = ~counts.duplicated(["group", "month"])
    return (counts.drop(columns="_rank").sort_values(["group", "month", "state"], kind="mergesort")
            .reset_index(drop=True)[["group", "month", "state", "count", "share", "observed", "modal"]])


def group_characteristics(membership: pd.DataFrame, children: pd.DataFrame,
                          columns=("sex", "ethnicity", "age_at_entry")) -> pd.DataFrame:
    """Who is in each group: counts and shares of each value of each characteristic.

    ``children`` holds ``child_id`` and the columns (``age_at_entry`` can be computed as
    whole years from ``birth_month`` and the sequences' ``entry_date`` by the caller).

    Returns
    -------
    DataFrame
        ``group``, ``characteristic``, ``value``, ``count``, ``share`` (of the group).
    """
    frame = membership.merge(children, on="child_id", how="left")
    parts = []
    for column in columns:
        if column not in frame.columns:
            continue
        counted = (frame.assign(value=frame[column].astype("string").fillna("Not recorded"))
                   .groupby(["group", "value"]).size().rename("count").reset_index())
        counted["share"] = counted["count"] / counted.groupby("group")["count"].transform("sum")
        parts.append(counted.assign(characteristic=column))
    if not parts:
        return pd.DataFrame(columns=["group", "characteristic", "value", "count", "share"])
    return pd.concat(parts, ignore_index=True)[["group", "characteristic", "value", "count", "share"]]
