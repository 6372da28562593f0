"""How good the link between the legal department's list and the children's records is, as
Harron et al. (2017, "A guide to evaluating linkage quality for the analysis of linked data",
IJE 46:1699) ask it to be reported: the match rate overall and by group (age, sex, and the
ethnicity of the children found), the characteristics of linked rows against unlinked ones
(a link that misses some groups more than others biases every figure built on it), and the
borderline pairs a person should look at.

Inputs: the proceedings table (`generator.ingest.proceedings.read_proceedings`), the links
and scored pairs of `generator.analyses.linkage.link`, the event log's children and, when the
list was linked by names, the person list. Every rate carries a Wilson interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.analyses.intervals import wilson_interval
from generator.eventlog import EventLog

#: Age at application (years) bands, as the DfE's children looked after tables band ages.
AGE_BANDS = ((0, 1, "Under 1"), (1, 5, "1 to 4"), (5, 10, "5 to 9"), (10, 16, "10 to 15"), (16, 200, "16 and over"))
SEX_WORDS = {"1": "Male", "2": "Female"}
NOT_GIVEN = "Not given"


def _age_band(years: pd.Series) -> pd.Series:
    out = pd.Series(NOT_GIVEN, index=years.index, dtype="object")
    for low, high, label in AGE_BANDS:
        out[(years >= low) & (years < high)] = label
    # Ordered, so that tables list the bands youngest first.
    return pd.Categorical(out, categories=[label for *_, label in AGE_BANDS] + [NOT_GIVEN], ordered=True)


def link_table(proceedings: pd.DataFrame, links: pd.DataFrame, log: EventLog) -> pd.DataFrame:
    """One row per proceedings row with what the list says of the child and whether it linked.

    Returns
    -------
    DataFrame
        ``proceedings_id``, ``status`` (match / review / non-match), ``linked`` (bool: a
        match), ``age`` (band at application, from the list's date of birth), ``sex`` (the
        list's), ``ethnicity`` (the linked child's DfE code; "Not linked"), ``birth_date_given``,
        ``forename_given`` (a full forename, not only initials), ``final_order``.
    """
    rows = proceedings.drop(columns=["child_id"], errors="ignore").merge(
        links[["proceedings_id", "child_id", "status"]], on="proceedings_id", how="left")
    linked = rows["status"].eq("match")
    years = (rows["application_date"] - rows["birth_date"]).dt.days / 365.25
    ethnicity = log.children.astype({"child_id": str}).set_index("child_id").get("ethnicity")
    codes = rows["child_id"].astype("string").map(ethnicity) if ethnicity is not None else pd.Series(pd.NA, index=rows.index)
    return pd.DataFrame({
        "proceedings_id": rows["proceedings_id"], "status": rows["status"].fillna("non-match"), "linked": linked,
        "age": _age_band(years), "sex": rows["sex"].map(SEX_WORDS).fillna(NOT_GIVEN),
        "ethnicity": codes.where(linked).fillna(NOT_GIVEN).where(linked, "Not linked"),
        "birth_date_given": rows["birth_date"].notna(), "forename_given": rows["forenames"].notna(),
        "final_order": rows["final_order"].fillna(NOT_GIVEN)})


def match_rates(table: pd.DataFrame, by: str | None = None, alpha: float = 0.05) -> pd.DataFrame:
    """Share of proceedings rows linked (a match), overall or by ``by``, with Wilson intervals.

    Returns
    -------
    DataFrame
        ``group``, ``rows``, ``linked``, ``review`` (sent to clerical review), ``pct``,
        ``pct_low``, ``pct_high`` (percentages of rows).

    Examples
    --------
    >>> table = pd.DataFrame({"linked": [True, True, False, True], "status": ["match", "match", "review", "match"],
    ...                       "sex": ["Male", "Female", "Female", "Male"]})
    >>> match_rates(table, "sex")[["group", "rows", "linked", "pct"]].values.tolist()
    [['Female', 2, 1, 50.0], ['Male', 2, 2, 100.0]]
    """
    groups = table.groupby(by, sort=True, observed=True) if by else [("All rows", table)]
    rows = [{"group": str(group), "rows": len(part), "linked": int(part["linked"].sum()),
             "review": int(part["status"].eq("review").sum())} for group, part in groups]
    out = pd.DataFrame(rows, columns=["group", "rows", "linked", "review"])
    low, high = wilson_interval(out["linked"].to_numpy(), out["rows"].to_numpy(), alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["pct"] = 100 * out["linked"] / out["rows"]
    out["pct_low"], out["pct_high"] = 100 * low, 100 * high
    return out


def interim_orders_found(log: EventLog, links: pd.DataFrame, by: str, alpha: float = 0.05) -> pd.DataFrame:
    """The match rate seen from the records: of the children whose 903 shows an interim care
    order (legal status C1), the share found in the proceedings list, by a column of the
    children table (``ethnicity``, ``sex``). Every interim care order is made in proceedings,
    so a group the list misses more often is one the link misses (or the list leaves out);
    the list itself holds no ethnicity, so this is where a rate by ethnicity comes from.

    Returns
    -------
    DataFrame
        As `match_rates`, with ``rows`` the children with an interim care order and
        ``linked`` those matched to a row of the list (``review`` is 0).
    """
    events = log.events
    c1 = events[events["event"].isin(["lac_start", "legal_status"]) & events["code"].astype(str).eq("C1")]
    children = log.children[log.children["child_id"].isin(set(c1["child_id"]))].astype({"child_id": str})
    found = set(links.loc[links["status"] == "match", "child_id"].dropna().astype(str))
    table = pd.DataFrame({"group": children[by].astype("string").fillna(NOT_GIVEN).map(lambda v: SEX_WORDS.get(v, v))
                          if by == "sex" else children[by].astype("string").fillna(NOT_GIVEN),
                          "linked": children["child_id"].isin(found), "status": "match"})
    table["status"] = np.where(table["linked"], "match", "non-match")
    return match_rates(table, "group", alpha)


def linked_against_unlinked(table: pd.DataFrame) -> pd.DataFrame:
    """Characteristics of linked and unlinked rows side by side (Harron et al. 2017).

    Returns
    -------
    DataFrame
        ``characteristic``, ``linked_count``, ``linked_rows``, ``linked_pct``,
        ``unlinked_count``, ``unlinked_rows``, ``unlinked_pct``: how many rows of each kind
        have the characteristic (a date of birth given, a full forename, an age band, a sex,
        a care or placement order).
    """
    checks = {"Date of birth given": table["birth_date_given"], "Full forename given": table["forename_given"],
              "Ended in a care or placement order": table["final_order"].isin(["care_order", "placement_order"])}
    checks.update({f"Sex: {sex}": table["sex"].eq(sex) for sex in ("Female", "Male", NOT_GIVEN)})
    checks.update({f"Age at application: {label}": table["age"].eq(label) for *_, label in AGE_BANDS})
    checks[f"Age at application: {NOT_GIVEN.lower()}"] = table["age"].eq(NOT_GIVEN)
    rows = []
    for name, has in checks.items():
        row = {"characteristic": name}
        for side, part in (("linked", table["linked"]), ("unlinked", ~table["linked"])):
            rows_of = int(part.sum())
            count = int((has & part).sum())
            row.update({f"{side}_count": count, f"{side}_rows": rows_of,
                        f"{side}_pct": 100 * count / rows_of if rows_of else np.nan})
        rows.append(row)
    return pd.DataFrame(rows)


def review_list(proceedings: pd.DataFrame, links: pd.DataFrame, pairs: pd.DataFrame,
                persons: pd.DataFrame | None, per_row: int = 3) -> pd.DataFrame:
    """The borderline pairs for clerical review: each row sent to review with its best
    ``per_row`` candidates, the list's details beside the record's, and a blank ``decision``
    for a person to fill in ("match" / "non-match") and put in the data folder; in the order of
    the list's rows, each row's candidates most likely first.

    This names children: internal reports only (the page never builds it for a public one).

    Returns
    -------
    DataFrame
        ``proceedings_id``, ``child_id``, ``decision`` (blank), ``probability``, ``weight``,
        ``row``, ``case_number``, ``list_surname``, ``list_forenames``, ``list_initials``,
        ``list_birth_date``, ``list_sex``, and, with a person list, ``record_surname``,
        ``record_forenames``, ``record_birth_date``, ``record_sex``.
    """
    review = links.loc[links["status"] == "review", "proceedings_id"]
    candidates = pairs[pairs["proceedings_id"].isin(set(review))]
    candidates = candidates.sort_values(["proceedings_id", "probability"], ascending=[True, False], kind="mergesort")
    candidates = candidates.groupby("proceedings_id").head(per_row)[["proceedings_id", "child_id", "probability", "weight"]]
    listed = proceedings[["proceedings_id", "row", "case_number", "surname", "forenames", "initials", "birth_date", "sex"]]
    listed = listed.rename(columns={c: f"list_{c}" for c in ("surname", "forenames", "initials", "birth_date", "sex")})
    out = candidates.merge(listed, on="proceedings_id", how="left").assign(decision="")
    if persons is not None:
        record = persons[["child_id", "surname", "forenames", "birth_date", "sex"]].astype({"child_id": str})
        record = record.rename(columns={c: f"record_{c}" for c in ("surname", "forenames", "birth_date", "sex")})
        out = out.merge(record, on="child_id", how="left")
    first = ["proceedings_id", "child_id", "decision", "probability", "weight"]
    # In the list's own order (its row numbers), as a reviewer works down it; ids read as text
    # would put P20 after P197.
    out = out.sort_values(["row", "probability"], ascending=[True, False], kind="mergesort")
    return out[first + [c for c in out.columns if c not in first]].reset_index(drop=True)
