"""Order trends: which final orders the courts made each year, and where each is heading.

This module owns the seed's section 6 order profile: the share of children in care
proceedings by final order per year, with Wilson score intervals (Wilson 1927, computed by
statsmodels ``proportion_confint``), and a fitted trend per order, a binomial GLM (logistic
regression) of the order's share on the year, whose slope is the change in log-odds per year
with its Wald interval (Agresti 2002, "Categorical data analysis", section 5.1). When the
proceedings come from several areas, each area gets its own shares and trend, and so does all
areas together.

Input, the proceedings table: one row per child per set of care proceedings that ended with a
final order, with columns ``child_id``, ``area`` (the LA or DFJ area; optional, one area when
absent), ``year`` (the year of the final order, an integer such as 2017 or the start year of a
financial year) and ``final_order`` (the order made: see :data:`FINAL_ORDERS` for the usual
labels; other labels are counted as given).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.tools.tools import add_constant

from generator.analyses.intervals import wilson_interval
from generator.errors import InputError, Problem

#: The final orders the issue names, in the seed's order.
FINAL_ORDERS = ("supervision_order", "care_order", "placement_order", "sgo", "sgo_with_supervision",
                "child_arrangements_order", "no_order")
#: The area label for all areas together.
ALL_AREAS = "All areas"


def _checked(proceedings: pd.DataFrame, source: str) -> pd.DataFrame:
    missing = [c for c in ("child_id", "year", "final_order") if c not in proceedings.columns]
    if missing:
        raise InputError(Problem(source, "columns", f"missing column(s) {', '.join(missing)}",
                                 "give one row per child per proceedings with child_id, year, final_order"))
    frame = proceedings.assign(area=proceedings["area"] if "area" in proceedings.columns else ALL_AREAS)
    year = pd.to_numeric(frame["year"], errors="coerce")
    bad = frame.index[year.isna() | (year % 1 != 0) | frame["final_order"].isna() | frame["area"].isna()]
    if len(bad):
        raise InputError(Problem(source, f"rows {', '.join(map(str, bad[:5]))}",
                                 "each row needs a whole-number year, a final_order and an area",
                                 "fill in the year of the final order and the order made"))
    return frame[["child_id", "area", "year", "final_order"]].assign(year=year.astype(int))


def _areas(frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    parts = [(str(area), rows) for area, rows in frame.groupby("area", sort=True)]
    if len(parts) > 1:
        parts.append((ALL_AREAS, frame))
    return parts


def _counts(rows: pd.DataFrame, orders: list[str]) -> pd.DataFrame:
    # Every order made anywhere appears in every year of every area, with 0 where it was not
    # made, so that a missing order is a zero share rather than a gap and areas line up.
    counts = rows.groupby(["year", "final_order"]).size().unstack(fill_value=0)
    years = range(counts.index.min(), counts.index.max() + 1)
    counts = counts.reindex(index=years, columns=orders, fill_value=0)
    counts.columns.name = "final_order"
    tidy = counts.stack().rename("children").reset_index()
    totals = counts.sum(axis=1).rename("total")
    return tidy.merge(totals, left_on="year", right_index=True)


def _fit(year: np.ndarray, children: np.ndarray, total: np.ndarray, alpha: float) -> dict:
    """Binomial GLM of children/total on (year - mean year); slope in log-odds per year."""
    used = total > 0
    year, children, total = year[used], children[used], total[used]
    empty = {"slope": np.nan, "slope_lower": np.nan, "slope_upper": np.nan, "p_value": np.nan, "fitted": None}
    # No trend can be fitted over one year, or for an order never (or always) made: the
    # maximum likelihood estimate runs off to infinity.
    if len(year) < 2 or children.sum() == 0 or children.sum() == total.sum():
        return empty
    centre = year.mean()
    exog = add_constant(year - centre)
    endog = np.column_stack([children, total - children])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = GLM(endog, exog, family=families.Binomial()).fit()
    low, high = fit.conf_int(alpha=alpha)[1]
    return {"slope": float(fit.params[1]), "slope_lower": float(low), "slope_upper": float(high),
            "p_value": float(fit.pvalues[1]), "fitted": (centre, fit.params)}


def _shares_and_trends(frame: pd.DataFrame, alpha: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both tables from one fit per area and order (the fits are most of the time)."""
    orders = sorted(frame["final_order"].unique())
    parts, rows = [], []
    for area, part_rows in _areas(frame):
        counts = _counts(part_rows, orders)
        counts["fitted"] = np.nan
        for order, part in counts.groupby("final_order", sort=True):
            fit = _fit(part["year"].to_numpy(float), part["children"].to_numpy(float), part["total"].to_numpy(float), alpha)
            if fit["fitted"] is not None:
                centre, params = fit["fitted"]
                eta = params[0] + params[1] * (part["year"].to_numpy(float) - centre)
                counts.loc[part.index, "fitted"] = 1.0 / (1.0 + np.exp(-eta))
            rows.append({"area": area, "final_order": order, "years": int((part["total"] > 0).sum()),
                         "children": int(part["children"].sum()), "slope": fit["slope"],
                         "slope_lower": fit["slope_lower"], "slope_upper": fit["slope_upper"],
                         "p_value": fit["p_value"], "odds_ratio": float(np.exp(fit["slope"]))})
        parts.append(counts.assign(area=area))
    out = pd.concat(parts, ignore_index=True)
    low, high = wilson_interval(out["children"], out["total"], alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = out["children"] / out["total"].where(out["total"] > 0)
    out = out.assign(share=share, lower=low, upper=high)
    shares = out[["area", "year", "final_order", "children", "total", "share", "lower", "upper", "fitted"]]
    trends = pd.DataFrame(rows, columns=["area", "final_order", "years", "children", "slope", "slope_lower",
                                         "slope_upper", "p_value", "odds_ratio"])
    return shares, trends


def order_shares_and_trends(proceedings: pd.DataFrame, alpha: float = 0.05,
                            source: str = "proceedings") -> tuple[pd.DataFrame, pd.DataFrame]:
    """`order_shares` and `order_trends` together, fitting each area's and order's trend once.

    Returns
    -------
    (shares, trends) : tuple of DataFrame
        As the two functions return them.
    """
    return _shares_and_trends(_checked(proceedings, source), alpha)


def order_shares(proceedings: pd.DataFrame, alpha: float = 0.05, source: str = "proceedings") -> pd.DataFrame:
    """Share of children by final order per year and area, with intervals and fitted trend.

    Parameters
    ----------
    proceedings : DataFrame
        The proceedings table (see the module docstring).
    alpha : float
        1 - confidence level of the Wilson intervals.
    source : str
        The name of the input, for error messages.

    Returns
    -------
    DataFrame
        Columns area, year, final_order, children, total, share, lower, upper, fitted: the
        number of children with that order, of all children with a final order in the area and
        year; its share with the Wilson score interval; and the share the order's fitted
        logistic trend gives for that year (NaN where no trend can be fitted). Per area, and
        for all areas together when there are several.

    Examples
    --------
    >>> proceedings = pd.DataFrame({"child_id": range(4), "year": [2016, 2016, 2017, 2017],
    ...                             "final_order": ["care_order", "sgo", "care_order", "care_order"]})
    >>> order_shares(proceedings)[["year", "final_order", "share"]].to_dict("records")[:2]
    [{'year': 2016, 'final_order': 'care_order', 'share': 0.5}, {'year': 2016, 'final_order': 'sgo', 'share': 0.5}]
    """
    return _shares_and_trends(_checked(proceedings, source), alpha)[0]


def order_trends(proceedings: pd.DataFrame, alpha: float = 0.05, source: str = "proceedings") -> pd.DataFrame:
    """The fitted trend of each final order's share: slope of a binomial GLM on year.

    Returns
    -------
    DataFrame
        Columns area, final_order, years, children, slope, slope_lower, slope_upper, p_value,
        odds_ratio (exp(slope): the odds of the order multiply by this each year). R:
        ``glm(cbind(children, total - children) ~ year, family = binomial)``.
    """
    return _shares_and_trends(_checked(proceedings, source), alpha)[1]
