"""Fitting the journey model behind synthetic twins (`generator.synth.twins`).

The model is a semi-Markov chain over the tokens and states of `generator.synth.twin_states`:
from a state, the next token and the days until it are drawn together, as one of the real
(next token, gap) pairs seen leaving that state, or "no further event" (END). Each state is a
*context* read at the most detailed of ten levels that was left at least `MIN_CONTEXT`
times (`MIN_COARSE` times from level 6 on):

====== ==================================================================
level  context
====== ==================================================================
0      token, open flags, clock, history, year, age band, sex
1      token, open flags, clock, history, year, age band
2      token, open flags, clock, history, year
3      token, open flags, clock, history
4      token, open flags, clock, referrals so far
5      token, open flags, clock
6      token, open flags (and legal status)
7      token, main open record (care, CP plan, CIN plan, CIN, early help)
8      event (the token without its code), main open record
9      token
====== ==================================================================

Level 4 keeps the referrals when the contacts so far split the history too finely (a
between-episodes contact late after a closure): the referrals are what says whether a family
comes back.

The main open record keeps a child in care in care when their exact mix of open flags is
too rare to read: without it, a child who entered care would drift into new episodes as if
nothing were open. Care begun while a child protection plan is open is a main record of its
own (`CARE_WITH_CP_PLAN`), not care: the plan ends on the day the child becomes looked after
(in the demo all 127 plans that met care did, after the lac_start and its placement), and
read as care alone its closing step is lost among the placements of every child in care, so
the plan stays open through the stay and the twins' CP plans ran long (median 271 days
against 237 real, upper quartile 439 against 355, seed 2018) once periods of care lasted
longer. For the same reason level 8 reads the event without its code: the 127 are split by
placement and legal status into cells too rare for level 7 (a placement in U3, 19 of them),
and whether a plan ends the day care begins does not depend on the placement's type. With
both, every twin plan that meets care ends that day and the quartiles are 139, 239 and 375
days (seed 2018). Monitoring events (statutory visits, pathway plan reviews, needs
assessments) stay in the model: they are not journey steps, but leaving them out did not
mend CP plans by itself (upper quartile still 16.6% long without this fix) nor
bring NFA after 3+ previous referrals closer (46.2, 47.2, 46.2% at seeds 2018, 1, 2 against
44.9% real).

Censoring. The data stop on their last day, so a long gap is only ever seen after an early
event, and a child whose last event is late may not have finished. Counting raw pairs would
make long gaps rare and END common. Instead each context's pairs get the jumps of the
Aalen-Johansen estimator (competing next tokens, censored at the data's end): the chance of
a pair is the chance of no event before its gap over the departures still at risk then, and
END gets the chance of no event at all (`_weights`). Gaps too long to be seen from any
departure of a context are folded into END, which only matters for departures that would be
censored anyway.

The 18th birthday censors too. Children's services stop at 18, so a 15-year-old's family
that would have come back at 19 is never seen to. Were that silence counted as END, a
context pooling 10- to 15-year-olds would end the young ones' journeys too often, and the
twins, stopped at 18 as well (`generator.synth.twins`), would lose the older ones twice:
three-year re-referral ran two points low that way. So a departure with no next event is
censored at whichever comes first, the data's end or the child's 18th birthday.

Codes that are not part of a token (a referral's source, a legal status) are drawn from the
real codes of the token in the same year (the token's codes in any year when the year has
fewer than `MIN_CONTEXT`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from generator.synth.twin_states import (
    ADULT_DAYS,
    AGE_BAND_YEARS,
    CLOSED,
    CONTACT_BANDS,
    RECORD_FLAGS,
    UNKNOWN_BIRTH_DAY,
    EncodedLog,
    flag_effects,
)
from generator.synth.row_order import dense_numbers, lexsorted, stable_order

MIN_CONTEXT = 60
#: From this level on a context is structural (a token and the records open, with no clock,
#: history or cohort), and is read when left `MIN_COARSE` times: a rare state such as a
#: child taken into police protection a day ago is better read from its own 25 cases than
#: from every placement of every child in care.
COARSE_LEVEL = 6
MIN_COARSE = 25
#: Record flags from the one that shapes a child's path most (care) to the least.
MAIN_RECORDS = (5, 4, 3, 2, 0)
#: The main record's value for care with a child protection plan still open (after the
#: `MAIN_RECORDS` ranks): the plan is a record that must be closed, see the module docstring.
CARE_WITH_CP_PLAN = len(MAIN_RECORDS) + 1
CARE_BIT, CP_PLAN_BIT = 5, 4
END = -1


@dataclass
class Outcomes:
    """One level's contexts and what followed them.

    ``keys`` sorted context keys; per context a block of outcomes (``next`` token or `END`,
    ``gap`` days) with ``position`` = block number + cumulative chance within the block, so
    that one `numpy.searchsorted` over all blocks draws an outcome for many children at once.
    """

    keys: np.ndarray
    next: np.ndarray
    gap: np.ndarray
    position: np.ndarray
    end_share: np.ndarray  # per context: the chance of END (END is first in every block)

    def draw(self, block: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Indices of the outcomes drawn for contexts ``block`` with uniforms ``u`` in [0, 1)."""
        index = np.searchsorted(self.position, block + u, side="right")
        return np.minimum(index, len(self.position) - 1)


@dataclass
class CodeTable:
    """Codes by token and year (``keys`` = token * 64 + year, or token * 64 + 63 for any year)."""

    keys: np.ndarray
    codes: np.ndarray  # object array of strings (None = no code)
    position: np.ndarray


@dataclass
class JourneyModel:
    """A fitted model: everything `generator.synth.twins.sample_twins` needs, no child ids."""

    start: pd.Timestamp
    days: int
    years: int
    tokens: list[str]
    token_event: list[str]
    opens: np.ndarray
    closes: np.ndarray
    ends_flag: np.ndarray
    closing_token: np.ndarray  # per record flag: the token that closes it at 18 (-1: none seen)
    levels: list[Outcomes]
    codes: CodeTable
    entries: pd.DataFrame  # one row per real child: week, day, token, flags, history, age, sex, ATTRIBUTE + columns
    attributes: list[str]  # the children columns twins carry (besides ethnicity)
    ethnicities: np.ndarray
    children: int


#: Each level's context fields, most detailed first (see the module docstring).
LEVEL_FIELDS: tuple[tuple[str, ...], ...] = (
    ("token", "flags", "clock", "history", "year", "age_band", "sex"),
    ("token", "flags", "clock", "history", "year", "age_band"),
    ("token", "flags", "clock", "history", "year"),
    ("token", "flags", "clock", "history"),
    ("token", "flags", "clock", "referrals"),
    ("token", "flags", "clock"),
    ("token", "flags"),
    ("token", "main_record"),
    ("event", "main_record"),
    ("token",),
)
LEVELS = len(LEVEL_FIELDS)
#: Bits each field takes in a context key.
FIELD_BITS = {"token": 10, "event": 10, "flags": 16, "main_record": 3, "clock": 4, "history": 5, "referrals": 3, "year": 6,
              "age_band": 3, "sex": 2}


def context_keys(level: int, token, flags, clock, history, year, age_band, sex, event_of=None) -> np.ndarray:
    """The int64 key of each state's context at ``level``: its fields' bits side by side.
    ``event_of`` (from `event_numbers`) maps tokens to their events, for the ``event`` field."""
    values = {"token": token, "flags": flags, "clock": clock, "history": history, "year": year,
              "age_band": age_band, "sex": sex}
    key = np.zeros(len(np.atleast_1d(token)), dtype=np.int64)
    for field in LEVEL_FIELDS[level]:
        if field == "event":
            value = np.asarray(event_of, dtype=np.int64)[np.asarray(token, dtype=np.int64)]
        elif field == "main_record":
            value = main_record(np.asarray(flags, dtype=np.int64))
        elif field == "referrals":
            value = np.asarray(history, dtype=np.int64) // CONTACT_BANDS
        else:
            value = np.asarray(values[field], dtype=np.int64)
        key = (key << FIELD_BITS[field]) | value
    return key


def event_numbers(token_event: list[str]) -> np.ndarray:
    """Per token, the number of its event (tokens of one event, differing in code, share it)."""
    _, number = np.unique(np.asarray(token_event, dtype=object).astype(str), return_inverse=True)
    return number.astype(np.int64)


def main_record(flags: np.ndarray) -> np.ndarray:
    """1 + the position in `MAIN_RECORDS` of the main open record of each state; 0 for none;
    `CARE_WITH_CP_PLAN` for care begun while a child protection plan is open."""
    main = np.zeros(len(flags), dtype=np.int64)
    for rank, bit in reversed(list(enumerate(MAIN_RECORDS))):
        main = np.where(((flags >> bit) & 1) == 1, rank + 1, main)
    both = (((flags >> CARE_BIT) & 1) == 1) & (((flags >> CP_PLAN_BIT) & 1) == 1)
    return np.where(both, CARE_WITH_CP_PLAN, main)


def _weights(ctx: np.ndarray, day: np.ndarray, gap: np.ndarray, observed: np.ndarray,
             horizon: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Aalen-Johansen jumps: the chance of each observed departure's (next, gap), and of END.

    Per context, departures are ordered by time to their next event (observed) or to the
    data's end (censored), events before censorings on ties. With r the departures still at
    risk and S the chance of no event yet, each event's chance is S / r and S shrinks by
    (1 - 1/r) (processing tied events one at a time gives the grouped product). END is what
    S is left with. Kaplan and Meier (1958); Aalen and Johansen (1978).

    Returns
    -------
    (weight, keys, end) : per departure (0 when censored); the sorted context keys; END per key
    """
    return _context_weights(ctx, day, gap, observed, horizon)[:3]


def _context_weights(ctx, day, gap, observed, horizon, by_time: np.ndarray | None = None):
    """`_weights`, and each departure's context number (into the keys) and each context's
    count. ``by_time``: the departures' order by time and events first (`_by_time`), the same
    at every level."""
    time = np.where(observed, gap, np.maximum(horizon - day, 0))
    if by_time is None:
        by_time = _by_time(time, observed)
    keys, inverse = dense_numbers(ctx)
    # By context, then time, then events first: one stable sort of the context numbers
    # of the departures already in time order.
    order = by_time[stable_order(inverse[by_time], len(keys))]
    event = observed[order].astype(float)
    counts = np.bincount(inverse, minlength=len(keys))
    first = np.cumsum(counts) - counts
    block = inverse[order]
    at_risk = (first + counts)[block] - np.arange(len(order))
    factor = 1.0 - event / at_risk
    survival = pd.Series(factor).groupby(block).cumprod().to_numpy()
    before = np.ones(len(order))
    before[1:] = survival[:-1]
    before[first] = 1.0
    weight = np.zeros(len(ctx))
    weight[order] = event * before / at_risk
    end = survival[first + counts - 1]
    return weight, keys, end, inverse, counts


def _by_time(time: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Departures in order of time, events before censorings on ties, ties kept in place."""
    return lexsorted(time, (~observed).astype(np.int64))


def fit_level(level: int, enc: EncodedLog, next_token: np.ndarray, gap: np.ndarray, horizon: np.ndarray,
              orders: tuple[np.ndarray, np.ndarray] | None = None) -> Outcomes:
    """The contexts of ``level`` left at least `MIN_CONTEXT` times (all at the last level),
    each with its (next token, gap) chances; ``horizon`` is each departure's censoring day.
    ``orders``: the departures by time (`_by_time`) and by outcome (`_by_outcome`), which
    every level shares."""
    ctx = context_keys(level, enc.token, enc.flags, enc.clock, enc.history, enc.year, enc.age_band, enc.sex,
                       event_of=event_numbers(enc.token_event))
    observed = next_token != END
    gap = np.where(observed, gap, 0)
    by_time, by_outcome = orders if orders is not None else _orders(enc, next_token, gap, horizon)
    weight, keys, end_mass, inverse, counts = _context_weights(ctx, enc.day, gap, observed, horizon, by_time)
    enough = counts >= (1 if level == LEVELS - 1 else (MIN_CONTEXT if level < COARSE_LEVEL else MIN_COARSE))
    # Renumber the kept contexts 0..k-1 so that block numbers are dense.
    dense = np.cumsum(enough) - 1
    kept = int(enough.sum())

    # Each kept context's block: its END first, then what followed it by next token and gap
    # (ties in the log's order): the departures already in that order, stably by block.
    rows = by_outcome[(enough[inverse] & observed)[by_outcome]]
    rows = rows[stable_order(dense[inverse[rows]], kept)]
    row_block = dense[inverse[rows]]
    size = np.bincount(row_block, minlength=kept) + 1
    end_at = np.cumsum(size) - size
    at = np.arange(len(rows)) + row_block + 1  # after the ENDs of its block and those before
    block = np.repeat(np.arange(kept), size)
    nxt = np.full(len(block), END, dtype=np.int64)
    gaps = np.zeros(len(block), dtype=np.int64)
    w = np.empty(len(block))
    nxt[at], gaps[at], w[at] = next_token[rows], gap[rows], weight[rows]
    w[end_at] = end_mass[enough]

    total = pd.Series(w).groupby(block).transform("sum").to_numpy()
    share = np.divide(w, total, out=np.zeros(len(w)), where=total > 0)
    # A context whose weights are all zero (never left, never seen to end) ends.
    share[(total == 0) & (nxt == END)] = 1.0
    within = pd.Series(share).groupby(block).cumsum().to_numpy()
    position = block + np.minimum(within, 1.0)
    end_share = within[end_at]
    return Outcomes(keys=keys[enough], next=nxt, gap=gaps, position=position, end_share=end_share)


def _orders(enc: EncodedLog, next_token: np.ndarray, gap: np.ndarray, horizon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The departures by time (`_by_time`) and by outcome (next token, then gap; ties in the
    log's order): the same at every level, so sorted once per model."""
    observed = next_token != END
    gap = np.where(observed, gap, 0)
    time = np.where(observed, gap, np.maximum(horizon - enc.day, 0))
    return _by_time(time, observed), lexsorted(next_token - END, gap)


def fit_codes(enc: EncodedLog) -> CodeTable:
    # "\x00" stands for no code (it sorts first). Codes are numbered in sorted order, so
    # that (key, number) pairs sort as (key, code) pairs do.
    number, texts = pd.factorize(enc.code.astype("string").fillna("\x00").to_numpy(dtype=object), sort=True)
    year_key = enc.token * 64 + enc.year
    _, each, seen = np.unique(year_key, return_inverse=True, return_counts=True)
    keep_year = seen[each.reshape(-1)] >= MIN_CONTEXT
    width = max(len(texts), 1)
    pairs = np.concatenate([year_key[keep_year] * width + number[keep_year], (enc.token * 64 + 63) * width + number])
    pair, n = np.unique(pairs, return_counts=True)
    keys, block = np.unique(pair // width, return_inverse=True)
    total = pd.Series(n).groupby(block).transform("sum").to_numpy()
    within = pd.Series(n / total).groupby(block).cumsum().to_numpy()
    codes = np.array([None if c == "\x00" else c for c in np.asarray(texts, dtype=object)[pair % width]], dtype=object)
    return CodeTable(keys=keys, codes=codes, position=block + np.minimum(within, 1.0))


#: Children columns a twin may carry: few values, each shared by many children (never ids,
#: dates of birth or postcodes, which are many-valued).
MAX_ATTRIBUTE_VALUES = 60
#: Prefix of the children's attribute columns in `JourneyModel.entries` (apart from the
#: model's own fields of the same names, such as its sex code).
ATTRIBUTE = "attribute:"
#: Entry columns ``since<bit>``: days a record open at a child's first event had been open.
SINCE = "since"
MIN_ATTRIBUTE_CHILDREN = 10


def carried_attributes(children: pd.DataFrame) -> list[str]:
    """The low-cardinality attribute columns twins copy from a donor (rare values become NA)."""
    carried = []
    for column in children.columns:
        if column in ("child_id", "birth_month", "ethnicity"):
            continue
        values = children[column].dropna()
        if values.nunique() <= MAX_ATTRIBUTE_VALUES:
            carried.append(column)
    return carried


def fit_model(enc: EncodedLog) -> JourneyModel:
    """Fit the journey model to an encoded real log."""
    same_child = np.zeros(len(enc.child), dtype=bool)
    same_child[:-1] = enc.child[1:] == enc.child[:-1]
    next_token = np.full(len(enc.child), END, dtype=np.int64)
    next_token[:-1][same_child[:-1]] = enc.token[1:][same_child[:-1]]
    gap = np.zeros(len(enc.child), dtype=np.int64)
    gap[:-1] = np.where(same_child[:-1], enc.day[1:] - enc.day[:-1], 0)
    opens, closes, ends_flag = flag_effects(enc.tokens)
    # Censored at the data's end or at 18, whichever comes first (see the module docstring).
    born = enc.birth_day[enc.child]
    horizon = np.where(born > UNKNOWN_BIRTH_DAY, np.minimum(enc.days - 1, born + ADULT_DAYS), enc.days - 1)
    orders = _orders(enc, next_token, gap, horizon)
    levels = [fit_level(level, enc, next_token, gap, horizon, orders) for level in range(LEVELS)]

    first = np.flatnonzero(enc.first)
    children = enc.children
    attributes = carried_attributes(children)
    entries = pd.DataFrame({
        "child": enc.child[first],
        "day": enc.day[first],
        "week": enc.day[first] // 7,
        "token": enc.token[first],
        "flags": enc.flags[first],
        "history": enc.history[first],
        "sex": enc.sex[first],
        "age": enc.day[first] - enc.birth_day[enc.child[first]],
        "age_known": enc.birth_day[enc.child[first]] > UNKNOWN_BIRTH_DAY,
    })
    # How long each record open at the first event had been open (CLOSED: not open, or since
    # an unknown day), so that an arrival carries its donor's clocks.
    opened = enc.opened[first]
    for bit in range(opened.shape[1]):
        entries[f"{SINCE}{bit}"] = np.where(opened[:, bit] != CLOSED, enc.day[first] - opened[:, bit], CLOSED)
    for column in attributes:
        values = children[column].astype("object")
        counts = values.value_counts()
        rare = set(counts[counts < MIN_ATTRIBUTE_CHILDREN].index)
        entries[ATTRIBUTE + column] = values.where(~values.isin(rare), None).to_numpy()[entries["child"].to_numpy()]
    ethnicity = children["ethnicity"].astype("object") if "ethnicity" in children else pd.Series([None] * len(children))
    counts = ethnicity.value_counts()
    ethnicity = ethnicity.where(ethnicity.isin(counts[counts >= MIN_ATTRIBUTE_CHILDREN].index), None)
    # Records still open at 18 close with the token that most often closes them for 16-17s.
    closing_token = np.full(RECORD_FLAGS, -1, dtype=np.int64)
    for bit in range(RECORD_FLAGS):
        candidates = np.flatnonzero(ends_flag == bit)
        if candidates.size == 0:
            continue
        rows = np.isin(enc.token, candidates)
        older = rows & (enc.age_band == len(AGE_BAND_YEARS))
        pool = enc.token[older] if older.any() else enc.token[rows]
        if pool.size:
            closing_token[bit] = int(np.bincount(pool).argmax())
    return JourneyModel(start=enc.start, days=enc.days, years=enc.years, tokens=enc.tokens, token_event=enc.token_event,
                        opens=opens, closes=closes, ends_flag=ends_flag, closing_token=closing_token, levels=levels, codes=fit_codes(enc),
                        entries=entries.drop(columns="child"), attributes=attributes,
                        ethnicities=ethnicity.to_numpy(dtype=object), children=len(children))


__all__ = ["SINCE", "JourneyModel", "Outcomes", "CodeTable", "fit_model", "context_keys", "event_numbers", "END", "LEVELS", "MIN_CONTEXT"]
