"""SSDA903 episodes -> one history per child -> periods of care and their events.

Several years' returns hold the same episode more than once (an episode open on 31 March is in
that year's return with no end date, and in the next year's with one), and they disagree. We
merge them as the sector's cleaner does (LIIA's 903 "fix episodes", which the D2I tools share):

1. The same episode (child, DECOM) in several returns: the latest return's copy is kept.
2. An open episode in a return that is not the latest (stage 1):
   - replaced: a later return holds the episode before it, or the same episode with another
     start date -> dropped;
   - followed by an episode that starts a new period (RNE S) -> ends on the day before that,
     or on 31 March of its return if earlier; REC E99 ("ceased, reason unknown");
   - followed by another episode -> ends when that one starts; REC X1 (care continues);
   - followed by nothing -> ends on 31 March of its return; REC E99.
3. An episode that ends after the next one starts, or ends X1 with a gap before the next one
   from a later return (stage 2) -> ends when the next one starts.

A period of care starts at an episode with RNE S (or a child's first episode, or the first
after an episode that ceased with a REC other than X1) and ends at the first DEC whose REC is
not X1. Events: lac_start (code LS) and lac_end (code REC) per period; legal_status (code LS)
when LS changes inside a period; placement (code PLACE) at the start of a period and at each
change of placement (RNE P, T, B or U, or a new PLACE).
"""

from __future__ import annotations

import pandas as pd

from generator.ingest import codelists
from generator.ingest.findings import finding, keep
from generator.quality import Finding

PLACEMENT_CHANGE = {"P", "T", "B", "U"}
ONE_DAY = pd.Timedelta(days=1)


def year_end(year: pd.Series) -> pd.Series:
    """31 March of each collection year: the day a 903 return is extracted."""
    return pd.to_datetime(year.astype("Int64").astype(str) + "-03-31", errors="coerce")


def merge_returns(ep: pd.DataFrame, source: str) -> tuple[pd.DataFrame, list[Finding]]:
    """One history per child from all returns' episodes (columns child_id, decom, dec, rne,
    ls, place, rec, year, and _file/_row for messages). See the module docstring."""
    findings: list[Finding] = []
    ep = plain(ep)
    ep = ep.sort_values(["child_id", "decom", "year", "_order"], kind="mergesort").reset_index(drop=True)

    # 1. The same episode in several returns (or twice in one): the latest copy wins.
    duplicate = ep.duplicated(["child_id", "decom"], keep="last")
    same_year = ep.duplicated(["child_id", "decom", "year"], keep="last")
    keep(findings, finding(
        "duplicate episodes", ep[same_year],
        "the same episode (child and start date) twice in one year's return",
        "dropped: the last copy is kept", source))
    keep(findings, finding(
        "episodes in more than one return", ep[duplicate & ~same_year],
        "episodes open on 31 March are in that year's return and the next, as expected",
        "merged: the copy from the latest return is kept", source, severity="info"))
    ep = ep[~duplicate].reset_index(drop=True)

    latest = ep["year"].max()
    ep = _neighbours(ep)
    open_error = ep["dec"].isna() & (ep["year"] < latest)
    same_values = (ep["rne"].eq(ep["rne_next"]) & ep["ls"].eq(ep["ls_next"]) & ep["place"].fillna("").eq(ep["place_next"].fillna("")))
    same_prev = (ep["rne"].eq(ep["rne_prev"]) & ep["ls"].eq(ep["ls_prev"]) & ep["place"].fillna("").eq(ep["place_prev"].fillna("")))
    replaced = open_error & ((ep["has_next"] & same_values) | (ep["has_prev"] & same_prev & ep["dec_prev"].isna())
                             | (ep["has_prev"] & (ep["year_prev"] > ep["year"])))
    keep(findings, finding(
        "open episode replaced in a later return", ep[replaced],
        "an episode left open in one year's return that a later return replaced (same episode "
        "under another start date, or superseded by an earlier-starting episode)",
        "dropped: the later return's version is kept", source))
    ep = _neighbours(ep[~replaced].reset_index(drop=True))
    open_error = ep["dec"].isna() & (ep["year"] < latest)

    end = year_end(ep["year"])
    restart = open_error & ep["has_next"] & ep["rne_next"].eq("S")
    carry_on = open_error & ep["has_next"] & ~ep["rne_next"].eq("S")
    ceased = open_error & ~ep["has_next"]
    ep.loc[restart, "dec"] = pd.concat([end[restart], ep.loc[restart, "decom_next"] - ONE_DAY], axis=1).min(axis=1)
    ep.loc[restart | ceased, "rec"] = "E99"
    ep.loc[carry_on, "dec"] = ep.loc[carry_on, "decom_next"]
    ep.loc[carry_on, "rec"] = "X1"
    ep.loc[ceased, "dec"] = end[ceased]
    keep(findings, finding(
        "open episode in an earlier return", ep[open_error],
        "an episode with no end date in a return that is not the latest: the child's later "
        "returns say what happened next",
        f"repaired: ended when the next episode starts (X1, {int(carry_on.sum())}), the day before "
        f"a new period of care (E99, {int(restart.sum())}), or on 31 March of its return (E99, "
        f"{int(ceased.sum())})", source))

    # 3. Overlaps, and X1 gaps before an episode from a later return.
    ep = _neighbours(ep)
    overlap = ep["has_next"] & ep["dec"].notna() & (ep["dec"] > ep["decom_next"])
    gap = ep["has_next"] & ep["rec"].eq("X1") & (ep["dec"] < ep["decom_next"]) & (ep["year"] < ep["year_next"])
    # An open episode followed by another in the same (latest) return overlaps it too.
    open_overlap = ep["has_next"] & ep["dec"].isna()
    fix = overlap | gap | open_overlap
    keep(findings, finding(
        "overlapping episodes", ep[overlap | open_overlap],
        "an episode that ends after the child's next episode starts (or never ends)",
        "repaired: ended when the next episode starts", source))
    keep(findings, finding(
        "gap after a continuing episode", ep[gap & ~overlap],
        "an episode that ceased X1 (care continues) before the next episode from a later return",
        "repaired: ended when the next episode starts", source))
    ep.loc[fix, "dec"] = ep.loc[fix, "decom_next"]
    ep.loc[open_overlap & ep["rec"].isna(), "rec"] = "X1"
    return ep.drop(columns=[c for c in ep.columns if c.endswith(("_next", "_prev")) or c.startswith("has_")]), findings


def plain(ep: pd.DataFrame) -> pd.DataFrame:
    """Text columns as Python objects with None for missing, so comparisons give plain
    True/False (pandas' nullable strings give NA, which a boolean mask cannot hold)."""
    ep = ep.copy()
    for column in ("child_id", "rne", "ls", "place", "rec", "_file"):
        if column in ep:
            ep[column] = ep[column].astype(object).where(ep[column].notna(), None)
    ep["year"] = ep["year"].astype("int64")
    return ep


def _neighbours(ep: pd.DataFrame) -> pd.DataFrame:
    ep = ep.drop(columns=[c for c in ep.columns if c.endswith(("_next", "_prev")) or c.startswith("has_")])
    same_next = ep["child_id"].eq(ep["child_id"].shift(-1))
    same_prev = ep["child_id"].eq(ep["child_id"].shift(1))
    for column in ("decom", "dec", "rne", "ls", "place", "year", "rec"):
        ep[f"{column}_next"] = ep[column].shift(-1).where(same_next)
        ep[f"{column}_prev"] = ep[column].shift(1).where(same_prev)
    ep["has_next"], ep["has_prev"] = same_next, same_prev
    return ep


def episode_events(ep: pd.DataFrame) -> pd.DataFrame:
    """Events of merged episodes: lac_start, lac_end, legal_status, placement (see module)."""
    ep = plain(ep).sort_values(["child_id", "decom"], kind="mergesort").reset_index(drop=True)
    same_prev = ep["child_id"].eq(ep["child_id"].shift(1))
    prev_rec = ep["rec"].shift(1).where(same_prev)
    prev_ended = prev_rec.notna() & ~prev_rec.eq("X1")
    starts = ~same_prev | ep["rne"].eq("S") | prev_ended
    period = starts.cumsum()
    first_decom = ep["decom"].groupby(period).transform("first")
    record = ep["child_id"] + ":" + first_decom.dt.strftime("%Y-%m-%d")
    last_in_period = ~period.eq(period.shift(-1))
    prev_ls = ep["ls"].shift(1).where(~starts)
    prev_place = ep["place"].shift(1).where(~starts)

    parts = []

    def add(mask, event, date, code):
        parts.append(pd.DataFrame({
            "child_id": ep.loc[mask, "child_id"], "event": event, "date": date[mask],
            "record_id": record[mask], "code": code[mask], "source": ep.loc[mask, "_file"],
        }))

    add(starts, "lac_start", ep["decom"], ep["ls"])
    changed_ls = ~starts & ep["ls"].notna() & ~ep["ls"].eq(prev_ls)
    add(changed_ls, "legal_status", ep["decom"], ep["ls"])
    has_place = ep["place"].notna()
    placed = has_place & (starts | ep["rne"].isin(PLACEMENT_CHANGE) | ~ep["place"].eq(prev_place))
    add(placed, "placement", ep["decom"], ep["place"])
    ended = last_in_period & ep["dec"].notna() & ep["rec"].notna() & ~ep["rec"].eq("X1")
    add(ended, "lac_end", ep["dec"], ep["rec"])
    return pd.concat(parts, ignore_index=True)


def code_findings(ep: pd.DataFrame, source: str) -> list[Finding]:
    """Codes outside the DfE code list for the episode's return year (kept), each named with
    the years it is valid in when it is a code of other years; and legal statuses the
    episode's start date rules out (D1 after 2005, E1 before)."""
    findings: list[Finding] = []
    for column, codes in (("ls", codelists.LEGAL_STATUS), ("rne", codelists.REASON_NEW_EPISODE),
                          ("place", codelists.PLACEMENT), ("rec", codelists.REASON_EPISODE_CEASED)):
        values = ep[column]
        bad = pd.Series(False, index=ep.index)
        shown: list[str] = []
        for year, rows in ep.groupby("year").groups.items():
            recorded = values.loc[rows]
            wrong = recorded.notna() & ~recorded.isin(codes.in_year(int(year)))
            bad.loc[rows] = wrong
            shown += codes.outside(recorded[wrong].dropna(), int(year))
        if bad.any():
            keep(findings, finding(
                "codes outside the code list", ep[bad],
                f"{codes.label} codes not in the DfE list for their return's year: "
                f"{', '.join(list(dict.fromkeys(shown))[:5])}",
                "kept: the episode counts; the code is shown as recorded", source))
    until = pd.Series(False, index=ep.index)
    for code, last in codelists.LEGAL_STATUS_UNTIL.items():
        until |= ep["ls"].eq(code) & (ep["decom"] > pd.Timestamp(last))
    for code, first in codelists.LEGAL_STATUS_FROM.items():
        until |= ep["ls"].eq(code) & (ep["decom"] < pd.Timestamp(first))
    keep(findings, finding(
        "codes outside the code list", ep[until.fillna(False).astype(bool)],
        "legal status (LS) codes not in use when the episode started: D1 (freeing order) after "
        "December 2005, E1 (placement order) before it",
        "kept: the episode counts; the code is shown as recorded", source))
    return findings


def date_findings(ep: pd.DataFrame, source: str) -> tuple[pd.DataFrame, list[Finding]]:
    """End before start (end set to the start) and dates after the return's 31 March."""
    findings: list[Finding] = []
    backwards = ep["dec"].notna() & (ep["dec"] < ep["decom"])
    keep(findings, finding(
        "end before start", ep[backwards], "episodes whose DEC is before their DECOM",
        "repaired: the episode ends on the day it started", source))
    ep.loc[backwards, "dec"] = ep.loc[backwards, "decom"]
    end = year_end(ep["year"])
    late_start = ep["decom"] > end
    keep(findings, finding(
        "dates after the extract", ep[late_start],
        "episodes starting after 31 March of the return they are in",
        "dropped: an episode cannot start after its return was made", source))
    ep = ep[~late_start]
    end = end[~late_start]
    late_end = ep["dec"].notna() & (ep["dec"] > end)
    keep(findings, finding(
        "dates after the extract", ep[late_end],
        "episodes ending after 31 March of the return they are in",
        "repaired: treated as still open at the end of the return", source))
    ep = ep.copy()
    ep.loc[late_end, "dec"] = pd.NaT
    ep.loc[late_end, "rec"] = pd.NA
    return ep, findings
