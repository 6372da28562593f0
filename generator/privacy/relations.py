"""A report's published numbers and the relations between them, as the attacker sees them.

The privacy stage hands every public table here after suppressing it; this module turns the
table's declarations (`generator.published.Table`: ``groups``, ``totals``, ``rates``,
``names``) into variables and linear relations of the report's `Ledger`
(`generator.privacy.differencing`):

* every count cell is a variable, published or hidden; cells with one declared ``name`` are
  one variable across the report (a month's referrals on two pages, a junction's branch by
  month and over the whole period);
* every group of ``groups`` sums to its total: the cell, `Count` or `Metric` its ``totals``
  entry names, or, when it names none, a total taken as published (the cautious reading);
* a rate's numerator and its rest sum to its denominator, the rest being a count of its own
  (the "4 with a plan" of "9 of 13"), checked when it is 1 to 5;
* headline figures (metrics.json, the overview) are variables named ``metric:<key>``, and a
  ``<key>_n`` and ``<key>_d`` have a rest too.

`repair` is the report-wide secondary suppression: for each hidden number the audit could
narrow, it hides one more published cell of the relation that narrowed it, the one that
costs least (the smallest non-zero count; a cell that already takes part in other hidden
sums first). The privacy stage repeats suppression, audit and repair until nothing can be
narrowed: the greedy, audit-checked variant of the cost-minimising secondary suppression of
tau-Argus (Hundepool et al., *Statistical Disclosure Control*, 2012, section 4.4.5).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.privacy.curves import at_risk_column
from generator.privacy.differencing import MIN_RANGE, Ledger, Narrowed
from generator.privacy.suppression import SMALLEST_SHOWN, statistic_columns


def _text(value) -> str:
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


class _Row(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def _fill(template: str, values: dict) -> str:
    return template.format_map(_Row({k: _text(v) for k, v in values.items()}))


def _numbers(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def add_table(ledger: Ledger, name: str, frame: pd.DataFrame, kept: np.ndarray, hidden_cells: pd.DataFrame, *,
              groups=None, rates=None, names=None, totals=None, at_risk=None) -> None:
    """Add one published table's cells and relations to ``ledger``.

    ``frame`` is the table before suppression, ``kept`` the positions of its published rows
    and ``hidden_cells`` (over those rows, one column per count) which cells are "c".
    """
    raw = frame.reset_index(drop=True).iloc[np.asarray(kept, dtype=int)].reset_index(drop=True)
    counts = list(hidden_cells.columns)
    rates = {r: pair for r, pair in (rates or {}).items()}
    names = dict(names or {})
    statistics = statistic_columns(raw, counts)
    at_risk = at_risk or at_risk_column(raw)  # a curve's number at risk is a count (rounded), not a key
    keys = [c for c in raw.columns if c not in counts and c not in rates and c not in statistics and c != at_risk]
    cells: dict[str, list[int | None]] = {}
    values: dict[str, np.ndarray] = {}

    def where(i: int) -> str:
        return ", ".join(f"{k} {_text(raw.at[i, k])}" for k in keys[:3])

    for column in counts:
        values[column] = _numbers(raw[column])
        hidden = hidden_cells[column].to_numpy(dtype=bool)
        cells[column] = []
        for i, value in enumerate(values[column]):
            if np.isnan(value):
                cells[column].append(None)
                continue
            key = _fill(names[column], raw.iloc[i].to_dict()) if column in names else None
            # A hidden zero is checked by none: zeros are published, and pinning one tells nothing.
            cells[column].append(ledger.variable(
                f"{name}, row {i + 1} ({where(i)}), column '{column}'", value, shown=not hidden[i], key=key,
                checked=value > 0,
                owner=(name, int(kept[i]), column)))

    for rate, (numerator, denominator) in rates.items():
        if numerator not in cells or denominator not in cells:
            continue
        rest = f"{denominator}-{numerator}"
        values[rest] = values[denominator] - values[numerator]
        cells[rest] = []
        for i, value in enumerate(values[rest]):
            top, bottom = cells[numerator][i], cells[denominator][i]
            if top is None or bottom is None:
                cells[rest].append(None)
                continue
            key = _fill(names[rest], raw.iloc[i].to_dict()) if rest in names else None
            index = ledger.variable(f"{name}, row {i + 1} ({where(i)}), '{denominator}' minus '{numerator}'", value,
                                    shown=False, checked=0 < value < SMALLEST_SHOWN, key=key)
            cells[rest].append(index)
            ledger.relate(f"{name}, row {i + 1}: '{numerator}' and the rest make '{denominator}'",
                          [(bottom, 1.0), (top, -1.0), (index, -1.0)])

    specs = [()] + [(c,) for c in keys] if groups is None else [(g,) if isinstance(g, str) else tuple(g) for g in groups]
    named = {((t,) if isinstance(t, str) else tuple(t)): template for t, template in (totals or {}).items()}
    specs += [spec for spec in named if spec not in specs]
    for spec in specs:
        spec = tuple(c for c in spec if c in raw.columns)
        if spec:
            codes = raw[list(spec)].astype(str).groupby(list(spec), sort=False).ngroup().to_numpy()
        else:
            codes = np.zeros(len(raw), dtype=int)
        template = named.get(spec)
        for group in np.unique(codes):
            members = np.flatnonzero(codes == group)
            group_values = {c: raw.at[members[0], c] for c in spec}
            said = ", ".join(f"{c} {_text(v)}" for c, v in group_values.items()) or "all rows"
            for column in cells:
                terms = [(cells[column][i], -1.0) for i in members if cells[column][i] is not None]
                own = template.get(column) if isinstance(template, dict) else template
                if isinstance(template, dict) and own is None:
                    continue  # a group whose total is named for other columns only
                if not terms or (own is None and len(terms) < 2):
                    continue
                total = float(np.nansum(values[column][members]))
                if own is not None:
                    key = _fill(own, {**group_values, "column": column})
                    index = ledger.variable(f"'{key}' (published elsewhere)", total, shown=False, checked=False, key=key)
                else:  # a total taken as published: the cautious reading
                    index = ledger.variable(f"{name}: total of '{column}' over {said}", total, shown=True, checked=False)
                ledger.relate(f"{name}: '{column}' over {said} adds up to its total", [(index, 1.0)] + terms)


def add_metrics(ledger: Ledger, metrics: dict, shown: dict) -> None:
    """The headline figures: one variable per count (``metric:<key>``), and the rest of each
    ``<key>_n`` of ``<key>_d``."""
    index_of = {}
    for key, value in metrics.items():
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            index_of[key] = ledger.variable(f"metrics.json '{key}'", float(value), shown=shown.get(key) != "c", key=f"metric:{key}",
                            owner=("metric", key))
    for key in [k[: -len("_pct")] for k in metrics if k.endswith("_pct")]:
        numerator, denominator = metrics.get(f"{key}_n"), metrics.get(f"{key}_d")
        if f"{key}_n" in index_of and f"{key}_d" in index_of:
            rest = denominator - numerator
            index = ledger.variable(f"metrics.json '{key}_d' minus '{key}_n'", rest, shown=False,
                                    checked=0 < rest < SMALLEST_SHOWN)
            ledger.relate(f"metrics.json: '{key}_n' and the rest make '{key}_d'",
                          [(index_of[f"{key}_d"], 1.0), (index_of[f"{key}_n"], -1.0), (index, -1.0)])


def add_count(ledger: Ledger, label: str, value, shown: bool, name: str | None, owner) -> None:
    """A `Count` on a page: a variable of its own, or the named quantity it shows."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        ledger.variable(label, float(value), shown=shown, key=name, owner=owner)


def _enough(relation, pool: list[int], hidden: np.ndarray, chosen: dict, values: np.ndarray, target: int) -> list[int]:
    """Published terms of ``relation`` to hide so that its hidden terms other than ``target``
    hold at least `MIN_RANGE` between them (room for ``target`` to move): the cheapest one cell that is enough,
    else the largest and again. None when only zeros are left: a hidden zero gives no room
    (every hidden number is at least 0), so the repair looks further along the relations."""
    # ``target`` moves only as far as the other hidden terms can move against it.
    mass = sum(values[i] for i, _ in relation.terms if (hidden[i] or i in chosen) and i != target)
    need = MIN_RANGE - mass
    nonzero = sorted((i for i in pool if values[i] > 0), key=lambda i: (values[i], i))
    if not nonzero:
        return []
    picks = []
    while nonzero and need > 0:
        enough = [i for i in nonzero if values[i] >= need]
        pick = enough[0] if enough else nonzero[-1]
        picks.append(pick)
        nonzero.remove(pick)
        need -= values[pick]
    return picks


def repair(ledger: Ledger, problems: list[Narrowed]) -> list:
    """The owners (cells, counts, metrics) to hide next so that each narrowed number gains room.

    For each narrowed variable: the nearest relation (through hidden numbers: a hidden rest
    is bounded by its hidden total, which is bounded by the months around it) that still has
    a published term that can be hidden; of its terms, those that cost least and bring the
    relation's hidden terms to `MIN_RANGE` between them (`_enough`) are hidden. A narrowed number with nothing left to hide near
    it is left to the final audit, which fails the build.
    """
    hidden = ledger.hidden()
    values = np.asarray(ledger.values)
    holding: dict[int, list] = {}
    for relation in ledger.relations:
        for index, _ in relation.terms:
            holding.setdefault(index, []).append(relation)
    chosen: dict[int, None] = {}
    widened: set[int] = set()  # relations given a cell this round: the next round's audit says if it was enough
    for problem in problems:
        # Cells that give the nearest relation enough room; failing that (the room a relation's
        # other hidden terms seem to hold is tied up elsewhere), its cheapest non-zero cell.
        for lenient in (False, True):
            picks = _nearest_picks(ledger, holding, hidden, values, chosen, widened, problem.variable, lenient)
            if picks is None or picks:
                break
        for pick in picks or []:
            chosen[pick] = None
    return [owner for index in chosen for owner in ledger.owners[index]]


def _nearest_picks(ledger: Ledger, holding: dict, hidden, values, chosen: dict, widened: set, variable: int,
                   lenient: bool) -> list[int] | None:
    """The cells to hide for ``variable``: in the nearest relation (breadth first through hidden
    terms) with published non-zero cells, those `_enough` picks, or with ``lenient`` the
    cheapest one. None when a relation on the way was already widened this round."""
    frontier, seen_vars, seen = [variable], {variable}, set()
    while frontier:
        relations = [r for v in frontier for r in holding.get(v, []) if id(r) not in seen]
        relations.sort(key=lambda r: sum(1 for i, _ in r.terms if hidden[i]))
        if any(id(r) in widened for r in relations):
            return None
        next_frontier = []
        for relation in relations:
            seen.add(id(relation))
            pool = [i for i, _ in relation.terms if not hidden[i] and ledger.owners[i] and i not in chosen]
            if lenient:
                cheapest = sorted((i for i in pool if values[i] > 0), key=lambda i: (values[i], i))
                picks = cheapest[:1]
            else:
                picks = _enough(relation, pool, hidden, chosen, values, variable) if pool else []
            if picks:
                widened.add(id(relation))
                return picks
            for i, _ in relation.terms:
                if hidden[i] and i not in seen_vars:
                    seen_vars.add(i)
                    next_frontier.append(i)
        frontier = next_frontier
    return []


__all__ = ["add_table", "add_metrics", "add_count", "repair"]
