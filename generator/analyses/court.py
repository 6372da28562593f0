"""From a legal department's proceedings list to the tables the court analyses take.

This module owns the three derivations of the seed's section 6 that sit between the
proceedings list (`generator.ingest.proceedings.read_proceedings`: one row per child per set
of proceedings) and the statistics: the orders made each year (`generator.analyses.orders`),
each final order's follow-up until new proceedings, turning 18 or the end of the records
(`generator.analyses.competing_risks`), and the children's CIN assessment factors at the
start of proceedings, at their end and at a follow-up point (`generator.analyses.paired`).
Each is a pure function of tables; nothing here draws or publishes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.analyses import competing_risks

#: The six final orders of the seed's order profile (section 6), in its order.
SIX_ORDERS = ("supervision_order", "care_order", "placement_order", "sgo", "sgo_with_supervision",
              "child_arrangements_order")
#: The three points of a problem profile (`generator.analyses.paired.POINTS`).
POINTS = ("start", "end", "follow_up")
#: Event codes of the return-to-court follow-up (`competing_risks.cumulative_incidence`).
CENSORED, NEW_PROCEEDINGS, TURNED_18 = 0, 1, 2


def child_key(proceedings: pd.DataFrame) -> pd.Series:
    """Who each row is about: ``child_id`` where the list has one, else the LA, date of birth
    and name (initials and surname) together, so that a child's later proceedings find their
    earlier ones without a linked id."""
    fallback = (proceedings.get("la", pd.Series("", index=proceedings.index)).astype("string").fillna("")
                + "|" + proceedings["birth_date"].astype("string").fillna("")
                + "|" + proceedings.get("surname", pd.Series("", index=proceedings.index)).astype("string").fillna("")
                + "|" + proceedings.get("initials", pd.Series("", index=proceedings.index)).astype("string").fillna(""))
    if "child_id" not in proceedings.columns:
        return fallback
    return proceedings["child_id"].astype("string").fillna("?" + fallback)


def orders_by_year(proceedings: pd.DataFrame, orders=SIX_ORDERS, by: str | None = "la") -> pd.DataFrame:
    """The orders table of `generator.analyses.orders.order_shares`: one row per child per set of
    proceedings ending in one of ``orders``, the year of the final order, and the area.

    Parameters
    ----------
    proceedings : DataFrame
        ``final_order``, ``final_date`` and the column ``by`` (the LA or the court/DFJ area).
    orders : sequence of str
        The final orders counted; proceedings ending otherwise (no order, withdrawn) are left out.
    by : str or None
        The column naming the area; None (or a column with one value) gives one area.

    Returns
    -------
    DataFrame
        Columns child_id, area, year, final_order.
    """
    made = proceedings[proceedings["final_order"].isin(list(orders)) & proceedings["final_date"].notna()]
    area = made[by].astype("string") if by and by in made.columns and made[by].nunique() > 1 else None
    out = pd.DataFrame({"child_id": child_key(made), "year": made["final_date"].dt.year.astype(int),
                        "final_order": made["final_order"].astype(str)})
    if area is not None:
        out.insert(1, "area", area.fillna("Not recorded"))
    return out.reset_index(drop=True)


def return_to_court(proceedings: pd.DataFrame, orders=SIX_ORDERS, end: pd.Timestamp | None = None,
                    by: str | None = None) -> pd.DataFrame:
    """Follow-up of each final order until new proceedings for the same child, with turning 18
    competing and the end of the records censoring.

    A child's follow-up starts on the day of a final order in ``orders``. It ends at the
    application date of the child's next proceedings (event `NEW_PROCEEDINGS`), at the 18th
    birthday when that comes first (`TURNED_18`: no new care proceedings can begin, Children
    Act 1989 s.31(3)), or at ``end`` (`CENSORED`). A child with several final orders is
    followed from each, so a return is counted after the order it followed.

    Parameters
    ----------
    proceedings : DataFrame
        ``application_date``, ``final_date``, ``final_order``, ``birth_date`` and a child id
        (`child_key`).
    orders : sequence of str
        The final orders followed, each its own group.
    end : Timestamp, optional
        The end of the records: the latest application or final date in the list by default
        (per LA when ``la`` is given, so that each LA is followed to its own last record).
    by : str, optional
        A column to keep beside the group (e.g. ``la``).

    Returns
    -------
    DataFrame
        Columns group (the final order), days, event (0, 1, 2), and ``by`` when given; one row
        per final order followed. Rows with no date of birth are followed as if 18 were never
        reached (they cannot be placed on the competing clock).
    """
    frame = proceedings.assign(_child=child_key(proceedings))
    if end is None:
        last = frame[["application_date", "final_date"]].max(axis=1)
        end_of = last.groupby(frame["la"]).transform("max") if "la" in frame.columns and frame["la"].notna().all() \
            else pd.Series(last.max(), index=frame.index)
    else:
        end_of = pd.Series(pd.Timestamp(end), index=frame.index)
    frame = frame.assign(_end=end_of)
    starts = frame[frame["final_order"].isin(list(orders)) & frame["final_date"].notna()]
    applications = frame.loc[frame["application_date"].notna(), ["_child", "application_date"]]
    applications = applications.sort_values("application_date", kind="mergesort")
    followed = starts[["_child", "final_date", "final_order", "birth_date", "_end"] + ([by] if by else [])]
    followed = followed.sort_values("final_date", kind="mergesort").reset_index(drop=True)
    # The next application strictly after the final order (the same day's is the one it ended).
    nxt = pd.merge_asof(followed, applications.rename(columns={"application_date": "_next"}), left_on="final_date",
                        right_on="_next", by="_child", direction="forward", allow_exact_matches=False)
    eighteen = nxt["birth_date"] + pd.DateOffset(years=18)
    court = nxt["_next"].where(nxt["_next"] <= nxt["_end"])
    candidates = pd.DataFrame({NEW_PROCEEDINGS: court, TURNED_18: eighteen.where(eighteen <= nxt["_end"]),
                               CENSORED: nxt["_end"]})
    # Ties go to the event of interest, then to 18 (a new application on the 18th birthday is
    # not possible, but a record may say so): the order of the columns above.
    stop = candidates.min(axis=1)
    event = candidates.eq(stop, axis=0).idxmax(axis=1).astype(int)
    days = (stop - nxt["final_date"]).dt.days.clip(lower=0)
    out = pd.DataFrame({"group": nxt["final_order"].astype(str), "days": days.astype(float), "event": event})
    if by:
        out[by] = nxt[by].to_numpy()
    return out


def return_by_area(follow_up: pd.DataFrame, by: str, horizon_days: float) -> pd.DataFrame:
    """Each area's cumulative incidence of new proceedings by ``horizon_days`` after a final
    order (all orders together), with turning 18 competing: the figure an LA compares itself
    on.

    The Aalen-Johansen estimate of `generator.analyses.competing_risks.cumulative_incidence`
    (statsmodels ``CumIncidenceRight``, pointwise log(-log) 95% interval) with the area as the
    group, read at the horizon.

    Parameters
    ----------
    follow_up : DataFrame
        `return_to_court` with ``by`` kept: group, days, event and the area column.
    by : str
        The area column.
    horizon_days : float
        When the incidence is read (5 years: 5 * 365.25).

    Returns
    -------
    DataFrame
        Columns area, followed (final orders followed), returned (new proceedings within the
        horizon), at_risk (still followed at the horizon), estimate, lower, upper; one row per
        area, in area order.
    """
    follow_up = follow_up.assign(_area=follow_up[by].astype("string").fillna("Not recorded").astype(str))
    at = competing_risks.cumulative_incidence(follow_up, times=[float(horizon_days)], group="_area")
    returned = (follow_up["event"].eq(NEW_PROCEEDINGS) & (follow_up["days"] <= horizon_days)).groupby(follow_up["_area"])
    counts = pd.DataFrame({"followed": follow_up.groupby("_area").size(), "returned": returned.sum().astype(int)})
    out = at.rename(columns={"group": "area"}).merge(counts, left_on="area", right_index=True)
    return out[["area", "followed", "returned", "at_risk", "estimate", "lower", "upper"]].sort_values(
        "area", kind="mergesort").reset_index(drop=True)


def _nearest(children: pd.DataFrame, assessments: pd.DataFrame, at: str, window_days: int) -> pd.DataFrame:
    """For each child, the date of the assessment nearest to ``children[at]`` within the window."""
    left = children[["_child", at]].dropna().sort_values(at, kind="mergesort")
    right = assessments.rename(columns={"date": "_assessed"}).sort_values("_assessed", kind="mergesort")
    hit = pd.merge_asof(left, right, left_on=at, right_on="_assessed", by="_child", direction="nearest",
                        tolerance=pd.Timedelta(days=window_days))
    return hit.dropna(subset=["_assessed"])[["_child", "_assessed"]]


def profile_points(proceedings: pd.DataFrame, factors: pd.DataFrame, follow_up_years: float = 4.0,
                   window_days: int = 183, orders=SIX_ORDERS, codes=None) -> pd.DataFrame:
    """Each child's CIN assessment factors at the start of proceedings, at their end and at a
    follow-up point: the paired table of `generator.analyses.paired`.

    A child's first proceedings ending in one of ``orders`` are used. At each point the child's
    assessment nearest to the date (the application; the final order; the final order plus
    ``follow_up_years``) within ``window_days`` either side is read; a factor is present (1)
    when that assessment lists it, absent (0) when it does not, and the child is left out of the
    table when any point has no assessment (the tests are paired, the same children at all
    three points, as in the seed).

    Parameters
    ----------
    proceedings : DataFrame
        ``child_id``, ``application_date``, ``final_date``, ``final_order``.
    factors : DataFrame
        ``child_id``, ``date``, ``factor`` (`generator.ingest.assessment_factors.read_factors`).
    codes : sequence of str, optional
        The factors reported; by default every factor recorded for these children.

    Returns
    -------
    DataFrame
        Columns child_id, factor, start, end, follow_up (0/1), one row per child and factor.
    """
    made = proceedings[proceedings["final_order"].isin(list(orders)) & proceedings["final_date"].notna()
                       & proceedings["application_date"].notna() & proceedings["child_id"].notna()]
    first = made.sort_values("final_date", kind="mergesort").drop_duplicates("child_id")
    children = pd.DataFrame({"_child": first["child_id"].astype(str).to_numpy(),
                             "start": first["application_date"].to_numpy(), "end": first["final_date"].to_numpy()})
    children["follow_up"] = children["end"] + pd.Timedelta(days=round(365.25 * follow_up_years))
    recorded = factors.assign(_child=factors["child_id"].astype(str))
    recorded = recorded[recorded["_child"].isin(set(children["_child"]))]
    # Whole-number child keys: merge_asof's "by" on text is most of its time.
    codes_of = pd.Index(children["_child"].unique())
    children["_child"] = codes_of.get_indexer(children["_child"])
    recorded = recorded.assign(_child=codes_of.get_indexer(recorded["_child"]))
    assessments = recorded[["_child", "date"]].drop_duplicates()
    seen = {point: _nearest(children, assessments, point, window_days) for point in POINTS}
    paired = seen["start"].merge(seen["end"], on="_child", suffixes=("_start", "_end")).merge(
        seen["follow_up"].rename(columns={"_assessed": "_assessed_follow_up"}), on="_child")
    ids = paired["_child"].to_numpy()
    recorded = recorded[recorded["_child"].isin(set(ids))]
    wanted = sorted(set(recorded["factor"]) if codes is None else set(codes))
    # One cell per child, factor and point, filled from the assessment read at each point (the
    # arrays stay small where a three-way merge of a million rows would not).
    child_index = pd.Index(ids)
    factor_index = pd.Index(wanted)
    present = np.zeros((len(ids), len(wanted), len(POINTS)), dtype=np.int8)
    for k, point in enumerate(POINTS):
        when = pd.DataFrame({"_child": ids, "date": paired[f"_assessed_{point}"].to_numpy()})
        hits = recorded.merge(when, on=["_child", "date"])
        column = factor_index.get_indexer(hits["factor"])
        kept = column >= 0
        present[child_index.get_indexer(hits["_child"])[kept], column[kept], k] = 1
    out = pd.DataFrame({"child_id": np.repeat(codes_of[ids].to_numpy(), len(wanted)),
                        "factor": np.tile(np.asarray(wanted, dtype=object), len(ids))})
    for k, point in enumerate(POINTS):
        out[point] = present[:, :, k].ravel().astype(int)
    return out


def carer_problems_and_abuse(points: pd.DataFrame, carer_codes, abuse_codes, point: str = "start") -> pd.DataFrame:
    """Per child, the number of carer problems and whether abuse or neglect was recorded, at one
    point of `profile_points` (the start of proceedings by default): the table of
    `generator.analyses.paired.abuse_by_carer_problems`.

    Returns
    -------
    DataFrame
        Columns child_id, carer_problems, abused (0/1).
    """
    present = points[points[point] == 1]
    children = pd.Index(points["child_id"].unique(), name="child_id")
    carers = present[present["factor"].isin(list(carer_codes))].groupby("child_id").size().reindex(children, fill_value=0)
    abused = present[present["factor"].isin(list(abuse_codes))].groupby("child_id").size().reindex(children, fill_value=0)
    return pd.DataFrame({"child_id": children, "carer_problems": carers.to_numpy().astype(int),
                         "abused": (abused.to_numpy() > 0).astype(int)})


def funnel_areas(proceedings: pd.DataFrame, numerator_orders, orders=SIX_ORDERS, by: str = "la",
                 years=None) -> pd.DataFrame:
    """One row per area: children whose proceedings ended in one of ``numerator_orders``, of all
    ending in one of ``orders`` (e.g. supervision orders of all orders), over ``years`` (all
    when None): the table of `generator.analyses.funnel.proportion_funnel`.

    Returns
    -------
    DataFrame
        Columns area, numerator, denominator.
    """
    made = proceedings[proceedings["final_order"].isin(list(orders)) & proceedings["final_date"].notna()]
    if years is not None:
        made = made[made["final_date"].dt.year.isin(list(years))]
    hit = made["final_order"].isin(list(numerator_orders)).astype(int)
    area = made[by].astype("string").fillna("Not recorded") if by in made.columns else pd.Series("All", index=made.index)
    out = hit.groupby(area.astype(str).to_numpy()).agg(["sum", "size"])
    return pd.DataFrame({"area": out.index.astype(str), "numerator": out["sum"].to_numpy(),
                         "denominator": out["size"].to_numpy()})
