"""Problem profiles over time: the same children's problems at three points, and what changed.

This module owns the paired comparisons of the seed's section 6 (figures 5-7): the prevalence
of each child and parent problem (CIN assessment factor) among the same children at the start
of proceedings, at their end and at a follow-up point; Cochran's Q across the three points and
exact McNemar tests between pairs of points, Holm-corrected, marked like the seed's dagger
(start to end) and double dagger (end to follow-up); and the trend in the likelihood of abuse
or neglect with the number of carer problems (Cochran-Armitage). Every test is statsmodels'.

Input for the profiles: one row per child and factor, ``child_id``, ``factor`` and one 0/1
column per time point (``start``, ``end``, ``follow_up`` by default; the names are a parameter).
A child with a point missing (NaN) is left out of that factor: the tests are paired.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from statsmodels.stats.contingency_tables import Table, cochrans_q, mcnemar

from generator.analyses.intervals import wilson_interval
from generator.errors import InputError, Problem

POINTS = ("start", "end", "follow_up")
#: The seed's marks (section 6, figures 5 and 6): dagger for a significant change from the start
#: to the end of proceedings, double dagger from the end to the follow-up.
MARKS = {("start", "end"): "\u2020", ("end", "follow_up"): "\u2021"}


def _checked(profiles: pd.DataFrame, points, source: str) -> pd.DataFrame:
    needed = ["child_id", "factor", *points]
    missing = [c for c in needed if c not in profiles.columns]
    if missing:
        raise InputError(Problem(source, "columns", f"missing column(s) {', '.join(missing)}",
                                 f"give one row per child and factor with {', '.join(needed)}"))
    frame = profiles[needed].copy()
    problems = []
    for point in points:
        values = pd.to_numeric(frame[point], errors="coerce")
        bad = frame.index[(values.notna() & ~values.isin([0, 1])) | (values.isna() & frame[point].notna())]
        if len(bad):
            problems.append(Problem(source, f"column {point}, rows {', '.join(map(str, bad[:5]))}",
                                    "expected 0 or 1 (or blank when the child was not seen)",
                                    "mark each factor present (1) or absent (0) at each point"))
        frame[point] = values
    duplicated = frame.duplicated(["child_id", "factor"])
    if duplicated.any():
        problems.append(Problem(source, f"rows {', '.join(map(str, frame.index[duplicated][:5]))}",
                                "a child has the same factor twice", "keep one row per child and factor"))
    if problems:
        raise InputError(problems)
    return frame.dropna(subset=list(points))


def prevalence_by_point(profiles: pd.DataFrame, points=POINTS, alpha: float = 0.05,
                        source: str = "problem profiles") -> pd.DataFrame:
    """Share of children with each factor at each time point, with Wilson intervals.

    Only children seen at every point count, so that the bars compare the same children.

    Returns
    -------
    DataFrame
        Columns factor, point, children, present, prevalence, lower, upper (proportions 0-1;
        Wilson 1927 score intervals), one row per factor and point in the order of ``points``.
    """
    frame = _checked(profiles, points, source)
    grouped = frame.groupby("factor", sort=True)
    present = grouped[list(points)].sum().astype(int)
    out = (present.reset_index().melt(id_vars="factor", var_name="point", value_name="present")
           .merge(grouped.size().rename("children"), left_on="factor", right_index=True))
    out["point"] = pd.Categorical(out["point"], categories=list(points), ordered=True)
    out = out.sort_values(["factor", "point"], kind="stable").reset_index(drop=True)
    out["point"] = out["point"].astype(str)
    out = out[["factor", "point", "children", "present"]]
    low, high = wilson_interval(out["present"], out["children"], alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        prevalence = out["present"] / out["children"].where(out["children"] > 0)
    return out.assign(prevalence=prevalence, lower=low, upper=high)


def paired_change(before, after, exact: bool = True, correction: bool = True) -> tuple[float, float]:
    """McNemar's test of a change in a paired proportion (McNemar 1947; Agresti 2002, 10.1.1).

    Parameters
    ----------
    before, after : array-like of 0/1
        The same children at two points.
    exact : bool
        Binomial test on the discordant pairs (statsmodels' default, right for small counts);
        otherwise the chi-squared statistic.
    correction : bool
        Continuity correction of the chi-squared version.

    Returns
    -------
    (statistic, p_value) : tuple of float
        With ``exact`` the statistic is the smaller discordant count.

    Examples
    --------
    Agresti's presidential approval table [[794, 150], [86, 570]]:

    >>> before = [1] * 944 + [0] * 656
    >>> after = [1] * 794 + [0] * 150 + [1] * 86 + [0] * 570
    >>> round(paired_change(before, after, exact=False, correction=False)[0], 3)
    17.356
    """
    b = np.asarray(before, dtype=int)
    a = np.asarray(after, dtype=int)
    table = np.array([[np.sum((b == 1) & (a == 1)), np.sum((b == 1) & (a == 0))],
                      [np.sum((b == 0) & (a == 1)), np.sum((b == 0) & (a == 0))]])
    result = mcnemar(table, exact=exact, correction=correction)
    return float(result.statistic), float(result.pvalue)


def holm_adjusted(p_values) -> np.ndarray:
    """Holm's (1979) step-down adjusted p-values: the i-th smallest of m is multiplied by
    m - i + 1, made non-decreasing, capped at 1.

    The same numbers as statsmodels ``multipletests(p, method="holm")[1]``, which is not called
    here because it runs ``gc.collect()`` on every call (0.25 s each with a large profile table
    in memory, 8 s for 32 factors).

    Examples
    --------
    >>> holm_adjusted([0.01, 0.04, 0.03]).round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p, kind="stable")
    m = len(p)
    adjusted = np.minimum(1.0, np.maximum.accumulate(p[order] * (m - np.arange(m))))
    out = np.empty(m)
    out[order] = adjusted
    return out


def change_tests(profiles: pd.DataFrame, points=POINTS, alpha: float = 0.05,
                 source: str = "problem profiles") -> pd.DataFrame:
    """Did each factor's prevalence change? Cochran's Q, then exact McNemar between pairs, Holm.

    Cochran's Q (Cochran 1950) tests whether the prevalence is the same at all points; the
    exact McNemar test compares each pair of points; within each factor the pairwise p-values
    are adjusted by Holm's (1979) step-down method, and a pair is marked significant when its
    adjusted p is below ``alpha``. The seed marks start-to-end with a dagger and end-to-follow-up
    with a double dagger; the start-to-follow-up pair is tested and reported but not marked.

    Returns
    -------
    DataFrame
        One row per factor and pair: factor, children, q_statistic, q_p_value, pair_from,
        pair_to, mcnemar_p_value, holm_p_value, significant, mark ("" when not significant).
        Statistics are NaN where a factor never changes (nothing to test).
    """
    frame = _checked(profiles, points, source)
    rows = []
    for factor, part in frame.groupby("factor", sort=True):
        values = part[list(points)].to_numpy(dtype=int)
        changes = len(part) > 0 and (values != values[:, :1]).any()
        q_stat, q_p = np.nan, np.nan
        if changes:
            q = cochrans_q(values)
            q_stat, q_p = float(q.statistic), float(q.pvalue)
        pairs = list(combinations(range(len(points)), 2))
        raw = []
        for i, j in pairs:
            discordant = (values[:, i] != values[:, j]).any() if len(part) else False
            raw.append(paired_change(values[:, i], values[:, j])[1] if discordant else np.nan)
        raw = np.array(raw)
        holm = np.full(raw.shape, np.nan)
        tested = ~np.isnan(raw)
        if tested.any():
            holm[tested] = holm_adjusted(raw[tested])
        for (i, j), p, p_holm in zip(pairs, raw, holm):
            significant = bool(p_holm < alpha) if not np.isnan(p_holm) else False
            mark = MARKS.get((points[i], points[j]), "") if significant and tuple(points) == POINTS else ""
            rows.append({"factor": factor, "children": len(part), "q_statistic": q_stat, "q_p_value": q_p,
                         "pair_from": points[i], "pair_to": points[j], "mcnemar_p_value": p,
                         "holm_p_value": p_holm, "significant": significant, "mark": mark})
    return pd.DataFrame(rows, columns=["factor", "children", "q_statistic", "q_p_value", "pair_from", "pair_to",
                                       "mcnemar_p_value", "holm_p_value", "significant", "mark"])


def abuse_by_carer_problems(children: pd.DataFrame, alpha: float = 0.05,
                            source: str = "problem profiles") -> tuple[pd.DataFrame, dict]:
    """Likelihood of abuse or neglect by the number of carer problems, and its trend.

    Parameters
    ----------
    children : DataFrame
        One row per child: ``carer_problems`` (a whole number >= 0) and ``abused`` (0/1: abuse or
        neglect during the order).

    Returns
    -------
    (table, trend)
        ``table``: carer_problems, children, abused, proportion, lower, upper (Wilson).
        ``trend``: the Cochran-Armitage test (Cochran 1954; Armitage 1955) in its
        linear-by-linear form M^2 = (N - 1) r^2 with the counts as scores (Agresti 2002,
        section 3.4.6), from statsmodels ``Table.test_ordinal_association``: ``statistic``
        (M^2, chi-squared on 1 df), ``z`` (signed: positive when abuse rises with problems),
        ``p_value``.
    """
    missing = [c for c in ("carer_problems", "abused") if c not in children.columns]
    if missing:
        raise InputError(Problem(source, "columns", f"missing column(s) {', '.join(missing)}",
                                 "give one row per child with carer_problems and abused"))
    counts = pd.to_numeric(children["carer_problems"], errors="coerce")
    abused = pd.to_numeric(children["abused"], errors="coerce")
    bad = children.index[counts.isna() | (counts < 0) | (counts % 1 != 0) | ~abused.isin([0, 1])]
    if len(bad):
        raise InputError(Problem(source, f"rows {', '.join(map(str, bad[:5]))}",
                                 "carer_problems must be a whole number >= 0 and abused 0 or 1",
                                 "count each child's carer problems; mark abuse or neglect 1, else 0"))
    crosstab = pd.crosstab(counts.astype(int), abused.astype(int)).reindex(columns=[0, 1], fill_value=0)
    table = pd.DataFrame({"carer_problems": crosstab.index.to_numpy(),
                          "children": crosstab.sum(axis=1).to_numpy(),
                          "abused": crosstab[1].to_numpy()})
    low, high = wilson_interval(table["abused"], table["children"], alpha)
    table = table.assign(proportion=table["abused"] / table["children"], lower=low, upper=high)
    return table, trend_test(crosstab.to_numpy(), crosstab.index.to_numpy(dtype=float))


def trend_test(counts, scores) -> dict:
    """Cochran-Armitage test for a trend in a proportion across ordered groups.

    Parameters
    ----------
    counts : array-like, shape (groups, 2)
        Per ordered group, the counts without and with the outcome.
    scores : array-like
        A score per group (e.g. the number of carer problems).

    Returns
    -------
    dict
        ``test``, ``statistic`` (M^2 = (N - 1) r^2, chi-squared on 1 df; Agresti 2002, 3.4.6),
        ``z`` (signed) and ``p_value``; NaN when there is one group or no variation.

    Examples
    --------
    Agresti (2002, table 3.7), infant malformation by mother's alcohol consumption:

    >>> counts = [[17066, 48], [14464, 38], [788, 5], [126, 1], [37, 1]]
    >>> round(trend_test(counts, [0, 0.5, 1.5, 4.0, 7.0])["statistic"], 2)
    6.57
    """
    counts = np.asarray(counts, dtype=float)
    trend = {"test": "Cochran-Armitage (linear-by-linear)", "statistic": np.nan, "z": np.nan, "p_value": np.nan}
    column_totals = counts.sum(axis=0)
    if len(counts) > 1 and (column_totals > 0).all() and np.unique(scores).size > 1:
        # shift_zeros=False: statsmodels otherwise replaces empty cells by 0.5, which biases the test.
        result = Table(counts, shift_zeros=False).test_ordinal_association(row_scores=np.asarray(scores, dtype=float),
                                                        col_scores=np.array([0.0, 1.0]))
        trend.update(statistic=float(result.zscore ** 2), z=float(result.zscore), p_value=float(result.pvalue))
    return trend
