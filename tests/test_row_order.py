"""The twin model's quick orders and per-child runs give what the plain calls give.

`generator.synth.row_order` replaces ``np.lexsort``, ``np.unique`` and pandas'
``groupby(child).ffill()`` / ``.cumsum()`` on the twin model's hot paths, so that the twins stay
the same for a seed; each test checks one of them against the call it replaces, on random
rows with ties, and on the inputs that take the slow path (wide keys, many values, negatives).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from generator.synth.row_order import RADIX_LIMIT, ChildRuns, dense_numbers, lexsorted, stable_order
from generator.synth.twin_model import _context_weights


def _rng() -> np.random.Generator:
    return np.random.default_rng(7)


@pytest.mark.parametrize("highs", [(50, 400, 2), (2**40, 2**12, 2), (2**62, 5, 3)])
def test_lexsorted_orders_rows_as_numpy_lexsort_does_ties_kept_in_place(highs):
    rng = _rng()
    columns = [rng.integers(0, high, 5000) for high in highs]  # many ties at the low highs
    assert np.array_equal(lexsorted(*columns), np.lexsort(columns[::-1]))


def test_lexsorted_with_negative_values_falls_back_to_numpy_lexsort():
    rng = _rng()
    columns = [rng.integers(-5, 5, 1000), rng.integers(0, 3, 1000)]
    assert np.array_equal(lexsorted(*columns), np.lexsort(columns[::-1]))


@pytest.mark.parametrize("limit", [300, RADIX_LIMIT, RADIX_LIMIT * 4])
def test_stable_order_is_a_stable_argsort_below_and_above_the_radix_limit(limit):
    numbers = _rng().integers(0, limit, 20000)
    assert np.array_equal(stable_order(numbers, limit), np.argsort(numbers, kind="stable"))


def test_dense_numbers_are_numpy_unique_with_its_inverse():
    values = _rng().integers(-(2**50), 2**50, 3000)
    values = np.concatenate([values, values[:500]])  # repeated values
    distinct, inverse = dense_numbers(values)
    expected, expected_inverse = np.unique(values, return_inverse=True)
    assert np.array_equal(distinct, expected)
    assert np.array_equal(inverse, expected_inverse.reshape(-1))


def _runs(rng: np.random.Generator, n: int = 4000) -> np.ndarray:
    return np.sort(rng.integers(0, 300, n))


def test_child_runs_carry_values_forward_within_a_child_as_groupby_ffill_does():
    rng = _rng()
    child = _runs(rng)
    values = np.where(rng.random(len(child)) < 0.2, rng.integers(0, 9, len(child)).astype(float), np.nan)
    expected = pd.Series(values).groupby(child).ffill().to_numpy()
    assert np.array_equal(ChildRuns(child).ffill(values), expected, equal_nan=True)


def test_child_runs_latest_marked_row_and_running_totals_stay_within_each_child():
    rng = _rng()
    child = _runs(rng)
    marked = rng.random(len(child)) < 0.1
    rows = np.arange(len(child))
    expected_last = pd.Series(np.where(marked, rows, np.nan)).groupby(child).ffill().fillna(-1).to_numpy(dtype=np.int64)
    assert np.array_equal(ChildRuns(child).last_of(marked), expected_last)
    counts = rng.integers(0, 3, len(child))
    assert np.array_equal(ChildRuns(child).cumsum(counts), pd.Series(counts).groupby(child).cumsum().to_numpy())


def test_child_runs_first_marked_value_per_child_is_groupby_first():
    rng = _rng()
    child = _runs(rng)
    marked = rng.random(len(child)) < 0.1
    values = rng.integers(0, 2, len(child)).astype(float)
    first = pd.Series(values[marked]).groupby(child[marked]).first()
    expected = np.zeros(300)
    expected[first.index.to_numpy()] = first.to_numpy()
    assert np.array_equal(ChildRuns(child).first_of(marked, values, 300), expected)


def test_child_runs_refuse_children_out_of_order():
    with pytest.raises(ValueError, match="one run"):
        ChildRuns(np.array([0, 1, 0]))


def test_context_weights_from_a_shared_time_order_equal_those_sorted_afresh():
    rng = _rng()
    n = 6000
    ctx = rng.integers(0, 40, n) << 20  # wide keys, few contexts
    day = rng.integers(0, 1000, n)
    observed = rng.random(n) < 0.7
    gap = np.where(observed, rng.integers(0, 60, n), 0)
    horizon = np.full(n, 1400)
    fresh = _context_weights(ctx, day, gap, observed, horizon)
    time = np.where(observed, gap, np.maximum(horizon - day, 0))
    shared = _context_weights(ctx, day, gap, observed, horizon, np.lexsort(((~observed).astype(int), time)))
    for a, b in zip(fresh, shared):
        assert np.array_equal(a, b)
    # Each context's jumps and what is left for END make its whole chance.
    weight, keys, end, inverse, counts = fresh
    assert np.array_equal(keys[inverse], ctx) and counts.sum() == n
    assert np.allclose(np.bincount(inverse, weights=weight) + end, 1.0)
