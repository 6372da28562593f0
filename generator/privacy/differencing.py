"""The attacker's audit: how closely can each hidden number be worked out from the report?

A public report publishes many numbers that are tied together: a month's branches add up to
the month's total, months add up to the year, a rate's numerator and the rest add up to its
denominator, the overview's figures are the pages' totals. A number hidden as "c" in one
table can be given back by arithmetic on numbers shown in others ("differencing"). This
module plays the attacker, as statistical offices audit a suppression pattern (the
"interval" or "protection level" audit of tau-Argus and sdcTable; Hundepool et al.,
*Statistical Disclosure Control*, Wiley 2012, section 5.6): every variable of the report is
either published (its value known) or hidden (only known to be >= 0), every declared relation
is a linear equation between them, and for each hidden variable linear programming finds its
smallest and largest value consistent with everything published. A hidden cell whose range
(largest minus smallest) is under `MIN_RANGE` is disclosed: the build fails naming it.

`Ledger` holds the variables and relations (the privacy stage fills it from every table's
declarations, `generator.privacy.publish`); `narrowed(ledger)` is the audit. Variables that
share a key are one quantity wherever it is published (the same month's referrals in two
tables, a headline figure and its page's total). The programmes are solved one connected
component of the relations at a time with scipy's HiGHS (`scipy.optimize.linprog`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components

#: A hidden number must keep at least this much room (largest minus smallest feasible value).
MIN_RANGE = 5
#: Programmes in mixed directions over all components before each number left gets its own.
MIXED_ATTEMPTS = 4


@dataclass
class Relation:
    """``sum(coef * variable) == 0``: what the report says ties its numbers together."""

    label: str
    terms: list[tuple[int, float]]


@dataclass
class Narrowed:
    """A hidden variable the published numbers pin to a range under `MIN_RANGE`."""

    label: str
    value: float
    low: float
    high: float
    relation: str
    variable: int = -1

    def __str__(self) -> str:
        return (f"{self.label} (hidden) can be worked out to between {self.low:g} and {self.high:g} "
                f"from the published numbers and '{self.relation}'")


@dataclass
class Ledger:
    """Every number of a report that takes part in a relation, published or hidden.

    ``checked`` marks hidden variables that must keep their range (every hidden cell; a
    rate's implicit rest only when it is a small count). ``owners`` says, for variables a
    table shows, which (table, row, column) cells show it, so suppression can hide them.
    """

    labels: list[str] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    shown: list[bool] = field(default_factory=list)
    checked: list[bool] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    owners: list[list] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    _keys: dict[str, int] = field(default_factory=dict)

    def variable(self, label: str, value: float, *, shown: bool, checked: bool = True, key: str | None = None,
                 owner=None) -> int:
        """A variable (a new one, or the one already under ``key``: shown if any copy is)."""
        if key is not None and key in self._keys:
            index = self._keys[key]
            if not np.isclose(self.values[index], value):
                # Two numbers declared the same quantity disagree: the declaration is wrong.
                # Keep them apart rather than make the programme infeasible, and say so.
                self.conflicts.append(f"{label} = {value:g} but {self.labels[index]} = {self.values[index]:g} "
                                      f"(both declared '{key}')")
                key = f"{key}#{value:g}"
                return self.variable(label, value, shown=shown, checked=checked, key=key, owner=owner)
            self.shown[index] = self.shown[index] or shown
            self.checked[index] = self.checked[index] or (checked and not shown)
            if owner is not None:
                self.owners[index].append(owner)
            if not shown and self.labels[index].endswith("(published elsewhere)"):
                self.labels[index] = label
            return index
        self.labels.append(label)
        self.values.append(float(value))
        self.shown.append(bool(shown))
        self.checked.append(bool(checked))
        self.owners.append([owner] if owner is not None else [])
        if key is not None:
            self._keys[key] = len(self.labels) - 1
        return len(self.labels) - 1

    def relate(self, label: str, terms: list[tuple[int, float]]) -> None:
        merged: dict[int, float] = {}
        for index, coef in terms:
            merged[index] = merged.get(index, 0.0) + coef
        terms = [(i, c) for i, c in merged.items() if c != 0]
        if len(terms) >= 2:
            self.relations.append(Relation(label, terms))

    def hidden(self) -> np.ndarray:
        return ~np.asarray(self.shown, dtype=bool)


def _components(n: int, relations: list[Relation]) -> np.ndarray:
    """Each variable's connected component (a representative index) under ``relations``."""
    heads = np.fromiter((r.terms[0][0] for r in relations for _ in r.terms[1:]), dtype=np.int64)
    tails = np.fromiter((i for r in relations for i, _ in r.terms[1:]), dtype=np.int64)
    graph = coo_matrix((np.ones(len(heads)), (heads, tails)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


@dataclass
class AuditCache:
    """What the audit found per component, by the component's content: a repair round that
    changes some tables re-solves only the components those tables take part in."""

    found: dict = field(default_factory=dict)
    solved: int = 0
    reused: int = 0


def narrowed(ledger: Ledger, min_range: float = MIN_RANGE, cache: AuditCache | None = None) -> list[Narrowed]:
    """Every checked hidden variable whose feasible range is under ``min_range``.

    For each connected component of the relations holding a checked hidden variable, the
    published variables are fixed at their values and the hidden ones bounded below by 0.
    A hidden number's range is at least ``min_range`` as soon as two feasible points (its
    true value is one) put it ``min_range`` apart. So a few programmes over every component
    at once come first (`_System.clear_at_once`: the sum of the checked numbers maximised,
    each capped, then minimised); they clear nearly all, and every feasible point found later
    clears more. Only those left get their own two programmes (largest, then smallest
    value). ``cache`` (`AuditCache`) keeps each
    component's answer by its content across the privacy stage's rounds.
    """
    n = len(ledger.labels)
    if n == 0 or not ledger.relations:
        return []
    values = np.asarray(ledger.values, dtype=float)
    hidden = ledger.hidden()
    checked = hidden & np.asarray(ledger.checked, dtype=bool)
    # Relations between published numbers only say nothing about hidden ones.
    relations = [r for r in ledger.relations if any(hidden[i] for i, _ in r.terms)]
    if not relations:
        return []
    component = _components(n, relations)
    by_component: dict[int, list[int]] = {}
    for r, relation in enumerate(relations):
        by_component.setdefault(int(component[relation.terms[0][0]]), []).append(r)
    in_relation = np.zeros(n, dtype=bool)
    for relation in relations:
        for index, _ in relation.terms:
            in_relation[index] = True
    order = np.argsort(component, kind="stable")
    starts = np.searchsorted(component[order], np.arange(component.max() + 2))

    found: list[Narrowed] = []
    todo = []  # components to solve: (rows, unknown, targets, cache key)
    for comp, rows in by_component.items():
        members = order[starts[comp]:starts[comp + 1]]
        targets = members[checked[members] & in_relation[members]]
        if targets.size == 0:
            continue
        key = None
        if cache is not None:
            key = _signature(ledger, relations, rows, hidden, values, targets)
            if key in cache.found:
                cache.reused += 1
                found += [Narrowed(ledger.labels[targets[t]], float(values[targets[t]]), low, high, relation,
                                   int(targets[t])) for t, low, high, relation in cache.found[key]]
                continue
            cache.solved += 1
        todo.append((rows, members[hidden[members]], targets, key))
    if not todo:
        return found
    # Every component to solve in one block-diagonal programme first (one call, not one per
    # component): it clears nearly every target; only the rest get programmes of their own.
    everything = _System(relations, [r for rows, *_ in todo for r in rows],
                         np.concatenate([unknown for _, unknown, *_ in todo]), hidden, values)
    all_targets = np.concatenate([targets for *_, targets, _ in todo])
    pending, high, low = everything.clear_at_once(all_targets, values[all_targets], min_range)
    start = 0
    for rows, unknown, targets, key in todo:
        part = slice(start, start + len(targets))
        start += len(targets)
        answer = []
        if pending[part].any():
            system = _System(relations, rows, unknown, hidden, values)
            answer = [(t, lo, hi, _tightest(relations, rows, int(targets[t]), hidden))
                      for t, lo, hi in system.ranges(targets, pending[part], high[part], low[part], min_range)]
        if cache is not None:
            cache.found[key] = answer
        found += [Narrowed(ledger.labels[targets[t]], float(values[targets[t]]), low, high, relation, int(targets[t]))
                  for t, low, high, relation in answer]
    return found


def _signature(ledger: Ledger, relations: list[Relation], rows: list[int], hidden, values, targets) -> tuple:
    """A component's content: its relations, which numbers are hidden and the published values."""
    parts = [tuple(ledger.labels[i] for i in targets)]
    for r in rows:
        parts.append((relations[r].label, tuple((ledger.labels[i], c, bool(hidden[i]), float(values[i]))
                                                for i, c in relations[r].terms)))
    return tuple(parts)


class _System:
    """``A x = b, x >= 0`` over the hidden numbers ``unknown`` of the relations ``rows``, the
    published numbers moved to the right-hand side."""

    def __init__(self, relations, rows, unknown, hidden, values):
        self.column = {int(v): j for j, v in enumerate(unknown)}
        data, row_ind, col_ind, rhs = [], [], [], []
        for k, r in enumerate(rows):
            constant = 0.0
            for index, coef in relations[r].terms:
                if hidden[index]:
                    data.append(coef)
                    row_ind.append(k)
                    col_ind.append(self.column[index])
                else:
                    constant -= coef * values[index]
            rhs.append(constant)
        self.size = len(unknown)
        self.a_eq = csr_matrix((data, (row_ind, col_ind)), shape=(len(rows), self.size))
        self.b_eq = np.asarray(rhs)

    def solve(self, targets, signs, caps):
        """Maximise (sign +1) or minimise (-1) the sum of ``targets``' columns, each capped."""
        objective, upper = np.zeros(self.size), np.full(self.size, np.inf)
        objective[targets] = -np.asarray(signs, dtype=float)
        upper[targets] = caps
        return linprog(objective, A_eq=self.a_eq, b_eq=self.b_eq,
                       bounds=np.column_stack([np.zeros(self.size), upper]), method="highs")

    def clear_at_once(self, targets, values, min_range) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Which ``targets`` keep ``min_range`` of room in the feasible points of a few
        programmes over all of them at once, and the largest and smallest value seen of each.

        A target's true value is feasible, so seen values start there. The sum of the targets
        still in doubt is maximised, each capped at its smallest seen value plus ``min_range``
        (so no programme is unbounded), then minimised, then pushed in random directions
        while that clears some.
        Returns (pending, high seen, low seen).
        """
        where = np.array([self.column[int(t)] for t in targets], dtype=int)
        high, low = np.asarray(values, dtype=float).copy(), np.asarray(values, dtype=float).copy()
        pending = np.ones(len(targets), dtype=bool)

        def seen(x):
            high[:] = np.maximum(high, x[where])
            low[:] = np.minimum(low, x[where])
            pending[:] &= high - low < min_range - 1e-6

        # All up, all down, then mixed directions (numbers that trade off against each other,
        # as a hidden cell and its hidden rest do, move apart only when pushed apart).
        rng = np.random.default_rng(0)
        for attempt in range(MIXED_ATTEMPTS + 2):
            count = int(pending.sum())
            if count == 0:
                break
            signs = np.full(count, 1.0 if attempt == 0 else -1.0) if attempt < 2 else rng.choice([-1.0, 1.0], count)
            caps = np.where(signs > 0, low[pending] + min_range, np.inf)
            result = self.solve(where[pending], signs, caps)
            if result.status != 0:
                break
            seen(result.x)
            if attempt >= 2 and pending.sum() == count:
                break
        return pending, high, low

    def ranges(self, targets, pending, high, low, min_range):
        """(position in ``targets``, low, high) of each pending target narrowed under ``min_range``;
        ``high`` and ``low``: values already seen (`clear_at_once`)."""
        where = np.array([self.column[int(t)] for t in targets], dtype=int)
        pending, high, low = pending.copy(), high.copy(), low.copy()

        def seen(x):
            high[:] = np.maximum(high, x[where])
            low[:] = np.minimum(low, x[where])
            pending[:] &= high - low < min_range - 1e-6

        out = []
        for t in np.flatnonzero(pending):
            if not pending[t]:  # cleared by an earlier target's solution
                continue
            top = self.solve(where[[t]], [1.0], [low[t] + min_range])
            if top.status == 0:
                seen(top.x)
            if not pending[t]:
                continue
            top_value = -top.fun if top.status == 0 else np.inf
            bottom = self.solve(where[[t]], [-1.0], [np.inf])
            if bottom.status == 0:
                seen(bottom.x)
            if not pending[t]:
                continue
            bottom_value = bottom.fun if bottom.status == 0 else -np.inf
            if top_value - bottom_value < min_range - 1e-6:
                out.append((int(t), round(float(bottom_value), 6) + 0.0, round(float(top_value), 6) + 0.0))
        return out


def _tightest(relations: list[Relation], rows: list[int], target: int, hidden: np.ndarray) -> str:
    """The relation most to blame: of those holding the variable, the one with fewest hidden terms."""
    holding = [relations[r] for r in rows if any(i == target for i, _ in relations[r].terms)]
    if not holding:
        return "no relation"
    best = min(holding, key=lambda r: sum(1 for i, _ in r.terms if hidden[i]))
    return best.label


__all__ = ["Ledger", "Relation", "Narrowed", "AuditCache", "narrowed", "MIN_RANGE"]
