"""Balanced uniforms: each context's draws spread evenly over [0, 1), not clumped by chance.

Twins are a sample, and a figure resting on a few hundred cases (conferences that make a
plan, assessments of children referred three times before) moves by a point or two from one
draw of twins to the next just by chance. Most of that is multinomial noise in the draws
themselves: 1,000 conferences drawn with a 86% chance of a plan make 860 +- 11 plans.

So the n-th draw from a context takes the n-th point of its own Weyl sequence
``frac(offset + n / golden ratio)``, with a random offset per context: every draw is uniform
on its own, yet after n draws each outcome of the context has been drawn its expected
number of times give or take one or two (Weyl 1916; the three-gap theorem bounds the spacing).
Which twin gets which point is random (the draws of one batch are ranked in a random
order), so the twins' journeys stay independent of each other in everything but the
totals. This is randomised quasi-Monte Carlo; nothing of any real child is in the offsets.
"""

from __future__ import annotations

import numpy as np

from generator.synth.row_order import stable_order

GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


class BalancedUniforms:
    """Per-context Weyl sequences for the contexts of every level of a fitted model."""

    def __init__(self, sizes: list[int], rng: np.random.Generator):
        self.offset = [rng.random(n) for n in sizes]
        self.count = [np.zeros(n, dtype=np.int64) for n in sizes]

    def take(self, level: int, block: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One uniform for each draw from context ``block[i]`` of ``level``."""
        order = rng.permutation(len(block))
        shuffled = block[order]
        by_block = stable_order(shuffled, len(self.count[level]))
        sorted_blocks = shuffled[by_block]
        first = np.ones(len(sorted_blocks), dtype=bool)
        first[1:] = sorted_blocks[1:] != sorted_blocks[:-1]
        run_start = np.maximum.accumulate(np.where(first, np.arange(len(sorted_blocks)), 0))
        rank = np.empty(len(block), dtype=np.int64)
        rank[by_block] = np.arange(len(sorted_blocks)) - run_start
        n = self.count[level][shuffled] + rank
        self.count[level] += np.bincount(shuffled, minlength=len(self.count[level]))
        u = np.empty(len(block))
        u[order] = (self.offset[level][shuffled] + n * GOLDEN) % 1.0
        return u


__all__ = ["BalancedUniforms"]
