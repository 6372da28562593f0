"""`link_next` links as ``pandas.merge_asof`` (forward, by child) did before it was one sort.

The reference below is the merge_asof version `generator.analyses.front_door.link_next` had;
random steps with ties (several on one child's day, left and right on the same day), windows
and carried columns of every dtype the build carries must link the same rows to the same
values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from generator.analyses.front_door import link_next, unlinked


def _merge_asof_link_next(left, right, window_days, carry=()):
    right, result = unlinked(left, right, carry)
    if left.empty or right.empty:
        return result
    codes, _ = pd.factorize(pd.concat([left["child_id"], right["child_id"]], ignore_index=True))
    lhs = pd.DataFrame({"_row": np.arange(len(left)), "_child": codes[: len(left)], "_date": left["date"].to_numpy(),
                        "_next": left["next_date"].to_numpy()})
    rhs = pd.DataFrame({"_child": codes[len(left):], "linked_date": right["date"].to_numpy()})
    for column in carry:
        rhs[column] = right[column].to_numpy()
    lhs = lhs.sort_values("_date", kind="mergesort")
    rhs = rhs.sort_values("linked_date", kind="mergesort")
    tolerance = None if window_days is None else pd.Timedelta(days=window_days)
    merged = pd.merge_asof(lhs, rhs, left_on="_date", right_on="linked_date", by="_child",
                           direction="forward", tolerance=tolerance, allow_exact_matches=True)
    belongs = merged["_next"].isna() | (merged["linked_date"] < merged["_next"])
    merged.loc[~belongs, "linked_date"] = pd.NaT
    merged = merged.sort_values("_row")
    result["linked_date"] = merged["linked_date"].to_numpy()
    for column in carry:
        values = merged[column].where(belongs.loc[merged.index])
        result[column] = pd.array(values.to_numpy(), dtype=right[column].dtype)
    return result


def _steps(rng, n, children, days, next_date=True):
    frame = pd.DataFrame({
        "child_id": pd.array([f"C{c:03d}" for c in rng.integers(0, children, n)], dtype="string"),
        "date": pd.Timestamp("2016-01-01") + pd.to_timedelta(rng.integers(0, days, n), unit="D"),
    }).sort_values(["child_id", "date"], kind="mergesort").reset_index(drop=True)
    if next_date:
        frame["next_date"] = frame.groupby("child_id", sort=False)["date"].shift(-1)
    return frame


@pytest.mark.parametrize("window", [None, 0, 7, 30])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_link_next_links_the_rows_merge_asof_linked(window, seed):
    rng = np.random.default_rng(seed)
    left = _steps(rng, 400, 60, 200)
    left.index = left.index * 3 + 5  # an index of its own, kept by the result
    right = _steps(rng, 500, 70, 220, next_date=False).sample(frac=1.0, random_state=seed)  # any order
    right["code"] = pd.array(rng.choice(["nfa", "in_need", None], len(right)), dtype="string")
    right["plan"] = rng.random(len(right)) < 0.5
    right["flag"] = pd.array(rng.choice([True, False, None], len(right)), dtype="boolean")
    right["when"] = right["date"] + pd.to_timedelta(rng.integers(0, 90, len(right)), unit="D")
    carry = ("code", "plan", "flag", "when")
    expected = _merge_asof_link_next(left, right, window, carry)
    got = link_next(left, right, window, carry)
    pd.testing.assert_frame_equal(got, expected)
    # The draw links enough rows (same-day ones only with a window of 0) to mean something.
    assert got["linked_date"].notna().sum() > (5 if window == 0 else 50)


def test_link_next_with_nothing_to_link_keeps_the_left_index_and_dtypes():
    rng = np.random.default_rng(4)
    left = _steps(rng, 10, 5, 30)
    right = _steps(rng, 0, 5, 30, next_date=False).assign(code=pd.array([], dtype="string"))
    pd.testing.assert_frame_equal(link_next(left, right, 30, ("code",)), _merge_asof_link_next(left, right, 30, ("code",)))
