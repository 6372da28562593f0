"""Which child of the records each row of the legal department's proceedings list is.

Probabilistic record linkage after Fellegi and Sunter (1969, "A theory for record linkage",
JASA 64:1183), as Harron et al. (2017, "Challenges in administrative data linkage for
research", Big Data & Society) describe its use on administrative data:

1. **Blocking**: only pairs that share a key are compared: the date of birth, the date of
   birth with day and month swapped, the surname's Soundex code with the year of birth, or
   with the first initial (for a wrong or missing date of birth).
2. **Comparison**: each pair gets an agreement level per field: surname (Jaro-Winkler
   similarity, rapidfuzz; Metaphone keys, jellyfish), forenames or initials, date of birth
   (exact, day and month swapped, one part wrong), sex. A blank is missing, not a disagreement.
3. **Weights**: m (the chance of each level among true matches) and u (among non-matches)
   are estimated from the pairs themselves by expectation-maximisation under conditional
   independence (Winkler 1988, "Using the EM algorithm for weight computation in the
   Fellegi-Sunter model of record linkage"); a pair's match probability follows.
4. **Decisions**: each row's best candidate is a match above ``match`` probability (and
   clearly better than the next), goes to clerical review between ``review`` and ``match``,
   and is a non-match below. A clerk's decisions, read back from a CSV, override the score.

**Without names** (a list with only dates of birth) the fields are the month of birth and sex
the event log holds, and the legal statuses care proceedings leave in the 903: an interim care
order near the application date, and near the final order date a care or placement order,
or a period of care ending in a special guardianship or child arrangements order.
"""

from __future__ import annotations

from dataclasses import dataclass

import jellyfish
import numpy as np
import pandas as pd
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cpdist

from generator.eventlog import EventLog


@dataclass(frozen=True)
class Thresholds:
    """Match probabilities that separate match, review and non-match; and by how many bits of
    weight a match must beat the row's next candidate (a twin with the same initial does not)."""

    match: float = 0.9
    review: float = 0.2
    margin: float = 3.0


#: Reasons a period of care ended (REC) in an order to a family member or carer.
SGO_ENDINGS = ("E45", "E46")
CAO_ENDINGS = ("E41", "E43", "E44", "E47", "E48")
#: Which 903 evidence each final order leaves: (events, codes).
ORDER_EVIDENCE = {
    "care_order": (("legal_status", "lac_start"), ("C2",)),
    "placement_order": (("legal_status", "lac_start"), ("E1", "C2")),
    "sgo": (("lac_end",), SGO_ENDINGS),
    "sgo_with_supervision": (("lac_end",), SGO_ENDINGS),
    "child_arrangements_order": (("lac_end",), CAO_ENDINGS),
}


def _initial(text: pd.Series) -> pd.Series:
    return text.astype("string").str[:1]


def _soundex(names: pd.Series) -> pd.Series:
    return names.map(lambda s: jellyfish.soundex(str(s).replace("-", "").replace("'", "").replace(" ", ""))
                     if pd.notna(s) and str(s) else pd.NA).astype("string")


def _swapped(dates: pd.Series) -> pd.Series:
    """The date with day and month swapped (NaT where that is not a date or is the same date)."""
    swapped = pd.to_datetime({"year": dates.dt.year, "month": dates.dt.day, "day": dates.dt.month}, errors="coerce") \
        if len(dates) else pd.Series(pd.NaT, index=dates.index)
    return swapped.where(swapped != dates)


def candidate_pairs(proceedings: pd.DataFrame, persons: pd.DataFrame) -> pd.DataFrame:
    """Pairs (``p``, ``c``: row positions in ``proceedings`` and ``persons``) that share a blocking
    key, and the first ``block`` that found them ("birth", "surname and year", "surname and initial")."""
    left = pd.DataFrame({"p": np.arange(len(proceedings)), "dob": proceedings["birth_date"].to_numpy(),
                         "swap": _swapped(proceedings["birth_date"].reset_index(drop=True)).to_numpy(),
                         "sx": _soundex(proceedings["surname"]).to_numpy(),
                         "year": proceedings["birth_date"].dt.year.to_numpy(),
                         "ini": _initial(proceedings["initials"]).to_numpy()})
    right = pd.DataFrame({"c": np.arange(len(persons)), "dob": persons["birth_date"].to_numpy(),
                          "sx": _soundex(persons["surname"]).to_numpy(), "year": persons["birth_date"].dt.year.to_numpy(),
                          "ini": _initial(persons["initials"]).to_numpy()})
    parts = [left.dropna(subset=["dob"]).merge(right.dropna(subset=["dob"]), on="dob")[["p", "c"]].assign(block="birth"),
             left.dropna(subset=["swap"]).merge(right.dropna(subset=["dob"]), left_on="swap", right_on="dob")[["p", "c"]]
             .assign(block="birth"),
             left.dropna(subset=["sx", "year"]).merge(right.dropna(subset=["sx", "year"]), on=["sx", "year"])[["p", "c"]]
             .assign(block="surname and year"),
             left.dropna(subset=["sx", "ini"]).merge(right.dropna(subset=["sx", "ini"]), on=["sx", "ini"])[["p", "c"]]
             .assign(block="surname and initial")]
    return pd.concat(parts, ignore_index=True).drop_duplicates(["p", "c"]).reset_index(drop=True)


def _similarity(a: pd.Series, b: pd.Series) -> np.ndarray:
    present = (a.notna() & b.notna()).to_numpy()
    out = np.full(len(a), np.nan)
    if present.any():
        out[present] = cpdist(a[present].astype(str).tolist(), b[present].astype(str).tolist(),
                              scorer=JaroWinkler.normalized_similarity, workers=1)
    return out


def compare_names(proceedings: pd.DataFrame, persons: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Agreement levels of each pair (NaN where either side is blank).

    ``surname``: 2 same (Jaro-Winkler >= 0.96), 1 alike (>= 0.85, or the same Metaphone key),
    0 different. ``forename``: 2 the same forename (>= 0.9), 1 the same initial where a full
    forename is missing on one side, 0 different. ``birth``: 3 same date, 2 day and month
    swapped, 1 two of day, month and year the same, 0 different. ``sex``: 1 same, 0 different.
    """
    p = proceedings.iloc[pairs["p"].to_numpy()].reset_index(drop=True)
    c = persons.iloc[pairs["c"].to_numpy()].reset_index(drop=True)
    sim = _similarity(p["surname"], c["surname"])
    meta = np.array([bool(a) and a == b for a, b in zip(
        p["surname"].fillna("").map(lambda s: jellyfish.metaphone(s) if s else ""),
        c["surname"].fillna("").map(lambda s: jellyfish.metaphone(s) if s else ""))])
    surname = np.where(np.isnan(sim), np.nan, np.where(sim >= 0.96, 2, np.where((sim >= 0.85) | meta, 1, 0)))
    fsim = _similarity(p["forenames"].str.split().str[0], c["forenames"].str.split().str[0])
    same_initial = (_initial(p["initials"]) == _initial(c["initials"])).astype("boolean")
    forename = np.where(~np.isnan(fsim), np.where(fsim >= 0.9, 2, 0),
                        np.where(same_initial.isna().to_numpy(), np.nan, np.where(same_initial.fillna(False).to_numpy(), 1, 0)))
    a, b = p["birth_date"], c["birth_date"]
    parts = (a.dt.year == b.dt.year).astype(int) + (a.dt.month == b.dt.month).astype(int) + (a.dt.day == b.dt.day).astype(int)
    swapped = (_swapped(a) == b).to_numpy()
    birth = np.where(a.isna() | b.isna(), np.nan, np.where(a == b, 3, np.where(swapped, 2, np.where(parts >= 2, 1, 0))))
    sex = np.where(p["sex"].isna() | c["sex"].isna(), np.nan, (p["sex"] == c["sex"]).astype(float))
    return pd.DataFrame({"surname": surname, "forename": forename, "birth": birth, "sex": sex})


@dataclass(frozen=True)
class Model:
    """Fellegi-Sunter parameters: per field, m and u of each level; the share of pairs that match."""

    m: dict[str, np.ndarray]
    u: dict[str, np.ndarray]
    prior: float


def level_shares(levels: pd.DataFrame, sizes: dict[str, int] | None = None) -> dict[str, np.ndarray]:
    """Each field's share of pairs at each level (blanks left out), with one pseudo-count per level."""
    out = {}
    for f in levels.columns:
        v = levels[f].to_numpy()
        size = (sizes or {}).get(f) or (int(np.nanmax(v)) + 1 if np.isfinite(v).any() else 1)
        counts = np.bincount(v[np.isfinite(v)].astype(int), minlength=size)[:size] + 1.0
        out[f] = counts / counts.sum()
    return out


def estimate(levels: pd.DataFrame, u: dict[str, np.ndarray] | None = None, sizes: dict[str, int] | None = None,
             iterations: int = 200, tolerance: float = 1e-7, fixed_m: dict[str, np.ndarray] | None = None) -> Model:
    """m (and u, unless given) and the match share by EM under conditional independence
    (Winkler 1988).

    ``u`` is best measured on random pairs (`random_pairs`), nearly all non-matches, as
    splink does; then only m and the match share are estimated, which keeps EM from settling
    on another latent class (siblings: same surname, different child). Without it, u starts
    from the blocked pairs' level shares. m starts leaning to each field's top level, or is
    held at ``fixed_m`` for the fields given there. Missing levels leave the field out of a
    pair's likelihood.
    """
    fixed_m = fixed_m or {}
    values = {f: levels[f].to_numpy() for f in levels.columns}
    fixed = u is not None
    sizes = {f: len(u[f]) for f in values} if fixed else {
        f: (sizes or {}).get(f) or (int(np.nanmax(v)) + 1 if np.isfinite(v).any() else 1) for f, v in values.items()}
    u = dict(u) if fixed else level_shares(levels, sizes)
    m = {}
    for f in values:
        start = np.full(sizes[f], 0.1 / max(sizes[f] - 1, 1))
        start[-1] = 0.9 if sizes[f] > 1 else 1.0
        m[f] = fixed_m[f] if f in fixed_m else start / start.sum()
    prior = 0.01
    for _ in range(iterations):
        g = _posterior(values, m, u, prior)
        new_m, new_u = {}, {}
        for f, v in values.items():
            ok = np.isfinite(v)
            level = v[ok].astype(int)
            new_m[f] = np.bincount(level, weights=g[ok], minlength=sizes[f]) + 1e-6
            new_u[f] = np.bincount(level, weights=1 - g[ok], minlength=sizes[f]) + 1e-6
            new_m[f] /= new_m[f].sum()
            new_u[f] /= new_u[f].sum()
        new_prior = float(np.clip(g.mean(), 1e-6, 1 - 1e-6))
        new_m.update({f: fixed_m[f] for f in fixed_m if f in new_m})
        change = abs(new_prior - prior) + max(np.abs(new_m[f] - m[f]).max() for f in values)
        m, u, prior = new_m, (u if fixed else new_u), new_prior
        if change < tolerance:
            break
    return Model(m, u, prior)


def _log_ratio(values: dict[str, np.ndarray], m: dict, u: dict) -> np.ndarray:
    total = np.zeros(len(next(iter(values.values()))))
    for f, v in values.items():
        ok = np.isfinite(v)
        level = v[ok].astype(int)
        total[ok] += np.log(m[f][level]) - np.log(u[f][level])
    return total


def _posterior(values, m, u, prior) -> np.ndarray:
    weight = _log_ratio(values, m, u) + np.log(prior / (1 - prior))
    return 1 / (1 + np.exp(-np.clip(weight, -50, 50)))


def score(levels: pd.DataFrame, model: Model) -> tuple[np.ndarray, np.ndarray]:
    """Each pair's Fellegi-Sunter weight (log2 of m/u summed over fields) and match probability."""
    values = {f: levels[f].to_numpy() for f in levels.columns}
    return _log_ratio(values, model.m, model.u) / np.log(2), _posterior(values, model.m, model.u, model.prior)


def decide(pairs: pd.DataFrame, proceedings: pd.DataFrame, thresholds: Thresholds,
           decisions: pd.DataFrame | None = None) -> pd.DataFrame:
    """One decision per proceedings row from its scored candidate pairs.

    ``pairs`` has ``proceedings_id``, ``child_id``, ``weight``, ``probability``. A clerk's
    "non-match" removes a pair; a "match" fixes it. Two rows of one case are never the same
    child: rows are settled best pair first.

    Returns
    -------
    DataFrame
        ``proceedings_id``, ``child_id`` (NA when none), ``weight``, ``probability``,
        ``status`` ("match" | "review" | "non-match"), ``decided_by`` ("score" | "clerk").
    """
    pairs = pairs.copy()
    pairs["decided_by"] = "score"
    if decisions is not None and len(decisions):
        said = decisions.set_index(["proceedings_id", "child_id"])["decision"]
        key = pd.MultiIndex.from_frame(pairs[["proceedings_id", "child_id"]])
        verdict = pd.Series(said.reindex(key).to_numpy(), index=pairs.index)
        pairs = pairs[verdict.ne("non-match")]
        verdict = verdict[pairs.index]
        pairs.loc[verdict.eq("match"), ["probability", "decided_by"]] = [1.0, "clerk"]
        clerk_rows = set(pairs.loc[verdict.eq("match"), "proceedings_id"])
        pairs = pairs[~pairs["proceedings_id"].isin(clerk_rows) | pairs["decided_by"].eq("clerk")]
    case = proceedings.set_index("proceedings_id")["case_number"]
    pairs["case"] = pairs["proceedings_id"].map(case).fillna(pairs["proceedings_id"])
    pairs = pairs.sort_values(["probability", "weight"], ascending=False, kind="mergesort")
    pairs = pairs[pairs.groupby("proceedings_id").cumcount() < 8]  # a row's best few are all a decision reads
    taken: set[tuple] = set()
    rows = {}
    for pid, group in pairs.groupby("proceedings_id", sort=False):
        free = group[[(c, ch) not in taken for c, ch in zip(group["case"], group["child_id"])]]
        if free.empty:
            continue
        best = free.iloc[0]
        runner = free["weight"].iloc[1] if len(free) > 1 else -np.inf
        status = "non-match"
        if best["decided_by"] == "clerk" or (best["probability"] >= thresholds.match
                                             and best["weight"] - runner >= thresholds.margin):
            status = "match"
        elif best["probability"] >= thresholds.review:
            status = "review"
        if status == "match":
            taken.add((best["case"], best["child_id"]))
        rows[pid] = (best["child_id"] if status != "non-match" else pd.NA, float(best["weight"]),
                     float(best["probability"]), status, best["decided_by"])
    out = pd.DataFrame({"proceedings_id": proceedings["proceedings_id"].to_numpy()})
    got = pd.DataFrame.from_dict(rows, orient="index", columns=["child_id", "weight", "probability", "status", "decided_by"])
    out = out.merge(got, left_on="proceedings_id", right_index=True, how="left")
    out["status"] = out["status"].fillna("non-match")
    out["decided_by"] = out["decided_by"].fillna("score")
    out["child_id"] = out["child_id"].astype("string")
    return out


def link_with_names(proceedings: pd.DataFrame, persons: pd.DataFrame, decisions: pd.DataFrame | None = None,
                    thresholds: Thresholds = Thresholds()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Link proceedings rows to the person list by names, date of birth and sex.

    Returns
    -------
    (links, pairs)
        ``links`` as `decide` returns them; ``pairs`` every compared pair with its levels,
        ``weight`` and ``probability`` (for the clerical-review list).
    """
    persons = persons.reset_index(drop=True)
    proceedings = proceedings.reset_index(drop=True)
    blocks = candidate_pairs(proceedings, persons)
    levels = compare_names(proceedings, persons, blocks)
    sizes = {"surname": 3, "forename": 3, "birth": 4, "sex": 2}
    u = level_shares(compare_names(proceedings, persons, random_pairs(len(proceedings), len(persons))), sizes)
    model = staged_model(levels, blocks["block"].to_numpy(), u, blocks["p"].nunique() / max(len(blocks), 1))
    return _scored(proceedings, blocks, levels, persons["child_id"].to_numpy(), decisions, thresholds, model)


def staged_model(levels: pd.DataFrame, block: np.ndarray, u: dict[str, np.ndarray], prior: float) -> Model:
    """m of names and sex learnt where birth dates agree, m of the birth date where birth dates or
    surnames and birth years agree (names held); u from random pairs; ``prior`` the match share (one per row among its pairs).

    Each field's m is learnt from a block that does not select on it, so EM cannot mistake
    children who share a common name (Jones, L.) for one child whose birth date was mistyped.
    """
    names = [f for f in levels.columns if f != "birth"]
    first = estimate(levels.loc[block == "birth", names].reset_index(drop=True), {f: u[f] for f in names})
    second = estimate(levels[block != "surname and initial"].reset_index(drop=True), u, fixed_m=first.m)
    m = {**first.m, "birth": second.m["birth"]}
    return Model(m, u, float(np.clip(prior, 1e-6, 0.5)))


def random_pairs(rows: int, people: int, n: int = 20_000, seed: int = 0) -> pd.DataFrame:
    """``n`` pairs drawn at random from all row x person pairs: nearly all non-matches, so their
    level shares measure u. A fixed seed: the same data gives the same weights."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"p": rng.integers(0, rows, n), "c": rng.integers(0, people, n)})


def _scored(proceedings, blocks, levels, child_ids, decisions, thresholds, model=None):
    model = model or estimate(levels)
    weight, probability = score(levels, model)
    pairs = pd.concat([pd.DataFrame({"proceedings_id": proceedings["proceedings_id"].to_numpy()[blocks["p"].to_numpy()],
                                     "child_id": child_ids[blocks["c"].to_numpy()].astype(str),
                                     "weight": weight, "probability": probability}), levels], axis=1)
    return decide(pairs, proceedings, thresholds, decisions), pairs


def legal_evidence(log: EventLog) -> pd.DataFrame:
    """The 903 events that proceedings leave: ``child_id``, ``event``, ``code``, ``date``."""
    events = log.events
    keep = events["event"].isin(["legal_status", "lac_start", "lac_end"])
    return events.loc[keep, ["child_id", "event", "code", "date"]].astype({"code": "string"}).reset_index(drop=True)


def _nearest_days(candidates: pd.DataFrame, evidence: pd.DataFrame, date_column: str) -> np.ndarray:
    """For each candidate pair, the days from ``date_column`` to the child's nearest evidence (inf when none)."""
    if candidates.empty or evidence.empty:
        return np.full(len(candidates), np.inf)
    joined = candidates[["pair", "child_id", date_column]].merge(evidence[["child_id", "date"]], on="child_id")
    gap = (joined["date"] - joined[date_column]).dt.days.abs()
    nearest = gap.groupby(joined["pair"]).min()
    return nearest.reindex(candidates["pair"]).fillna(np.inf).to_numpy(dtype=float)


def compare_without_names(proceedings: pd.DataFrame, log: EventLog) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Candidate pairs and their levels when the list has no names: every child of the log
    born in the row's month of birth (or the month of its day-and-month swap) of the same sex.

    Levels: ``birth`` 1 same month, 0 the swapped month; ``sex`` 1/0; ``interim`` 2 an interim
    care order (C1) within 7 days before to 42 days after the application, 1 within 30 days
    before to 120 after, 0 none; ``final`` 2 the final order's own 903 trace (C2 for a care
    order, E1 for a placement order, an ending in a special guardianship or child arrangements
    order) within 14 days of the final order date, 1 any order or end of care within 60 days,
    0 none; missing where the row has no such date.
    """
    children = log.children[["child_id", "birth_month", "sex"]].dropna(subset=["birth_month"]).copy()
    children["month"] = pd.to_datetime(children["birth_month"]).dt.to_period("M")
    rows = proceedings.drop(columns=["child_id"], errors="ignore").reset_index(drop=True).assign(p=lambda f: np.arange(len(f)))
    rows["month"] = rows["birth_date"].dt.to_period("M")
    rows["swap_month"] = _swapped(rows["birth_date"]).dt.to_period("M")
    same = rows.dropna(subset=["month"]).merge(children, on="month", suffixes=("", "_child")).assign(birth=1.0)
    swap = rows.dropna(subset=["swap_month"]).merge(children, left_on="swap_month", right_on="month",
                                                     suffixes=("", "_child")).assign(birth=0.0)
    pairs = pd.concat([same, swap], ignore_index=True).drop_duplicates(["p", "child_id"])
    pairs = pairs[pairs["sex"].isna() | pairs["sex_child"].isna() | (pairs["sex"] == pairs["sex_child"].astype("string"))]
    pairs = pairs.reset_index(drop=True).assign(pair=lambda f: np.arange(len(f)))
    evidence = legal_evidence(log)
    ico = evidence[evidence["code"].eq("C1")]
    signed = pairs[["pair", "child_id", "application_date"]].merge(ico[["child_id", "date"]], on="child_id")
    lag = (signed["date"] - signed["application_date"]).dt.days
    close = signed[(lag >= -7) & (lag <= 42)]["pair"].unique()
    near = signed[(lag >= -30) & (lag <= 120)]["pair"].unique()
    interim = np.where(pairs["application_date"].isna(), np.nan,
                       np.where(pairs["pair"].isin(close), 2, np.where(pairs["pair"].isin(near), 1, 0)))
    own = np.full(len(pairs), np.inf)
    for order, (events, codes) in ORDER_EVIDENCE.items():
        mine = pairs["final_order"].eq(order).fillna(False).to_numpy()
        trace = evidence[evidence["event"].isin(events) & evidence["code"].isin(codes)]
        own[mine] = _nearest_days(pairs[mine], trace, "final_date")
    other = evidence[evidence["event"].eq("lac_end") | evidence["code"].isin(["C2", "E1"])]
    anything = _nearest_days(pairs, other, "final_date")
    final = np.where(pairs["final_date"].isna(), np.nan, np.where(own <= 14, 2, np.where(anything <= 60, 1, 0)))
    sex = np.where(pairs["sex"].isna() | pairs["sex_child"].isna(), np.nan, 1.0)
    levels = pd.DataFrame({"birth": pairs["birth"].to_numpy(), "sex": sex, "interim": interim, "final": final})
    return pairs[["p", "child_id"]].rename(columns={"child_id": "c"}), levels


def link_without_names(proceedings: pd.DataFrame, log: EventLog, decisions: pd.DataFrame | None = None,
                       thresholds: Thresholds = Thresholds()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Link proceedings rows to the log's children by month of birth, sex and 903 legal statuses.

    Children never looked after leave no trace in the 903, so they are left unlinked: the
    page says so. Returns (links, pairs) as `link_with_names`.
    """
    proceedings = proceedings.reset_index(drop=True)
    blocks, levels = compare_without_names(proceedings, log)
    ids = blocks["c"].astype(str).to_numpy()
    blocks = blocks.assign(c=np.arange(len(blocks)))
    return _scored(proceedings, blocks, levels, ids, decisions, thresholds)


def has_names(proceedings: pd.DataFrame) -> bool:
    """Whether the list names children (any surname or initials)."""
    return bool(proceedings["surname"].notna().any() or proceedings["initials"].notna().any())


def link(proceedings: pd.DataFrame, log: EventLog, persons: pd.DataFrame | None = None,
         decisions: pd.DataFrame | None = None, thresholds: Thresholds = Thresholds()) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Link by names when there is a person list and the proceedings name children, else without.

    Returns (links, pairs, method) with method "names" or "dates". Rows the list gives a
    child id for are taken as given (decided_by "list").
    """
    if persons is not None and has_names(proceedings):
        links, pairs = link_with_names(proceedings, persons, decisions, thresholds)
        method = "names"
    else:
        links, pairs = link_without_names(proceedings, log, decisions, thresholds)
        method = "dates"
    given = proceedings["child_id"].notna().to_numpy() if "child_id" in proceedings else np.zeros(len(links), bool)
    if given.any():
        links.loc[given, ["child_id", "status", "decided_by", "probability"]] = pd.DataFrame(
            {"child_id": proceedings.loc[given, "child_id"].to_numpy(), "status": "match", "decided_by": "list",
             "probability": 1.0}, index=links.index[given])
    return links, pairs, method


def precision_recall(links: pd.DataFrame, truth: pd.DataFrame) -> tuple[float, float]:
    """Precision and recall of the rows linked as matches against ``truth`` (proceedings_id, child_id)."""
    matched = links[links["status"] == "match"][["proceedings_id", "child_id"]].astype(str)
    right = matched.merge(truth.astype(str), on=["proceedings_id", "child_id"])
    return (len(right) / len(matched) if len(matched) else float("nan"), len(right) / len(truth) if len(truth) else float("nan"))
