"""Synthetic twins: a dataset with the statistical shape of a real one and nobody in it.

The seed report's prototype map ran on "a synthetic dataset having the same statistical
properties as the original but randomly generated". `synthetic_twins(log)` makes one:

1. **Fit** (`generator.synth.twin_model`): a semi-Markov model of journeys. From each state
   (the last event, the records open and how long the most pressing one has been open,
   referrals and contacts so far, year, age band, sex) the next event and the days until it
   are drawn together from what followed that state in the real data, censoring by the
   data's end corrected for.
2. **Arrivals**: one twin per real child, arriving in the same week as that child first
   appears (so weekly volumes are the real ones), on the first day of another child of that
   week. Its first event, open records, age at arrival (moved by up to a month), sex and
   other attributes are those of a random *donor* arriving that week; its ethnicity is drawn
   from the whole population. No twin carries a real child's id, date of birth, postcode or
   any attribute that fewer than 10 children share.
3. **Sample** every twin's journey forward from its arrival, one step at a time for all
   twins at once, until the model says it ends, the child turns 18 or the data's period ends.
4. **Privacy check** (`generator.synth.journey_keys`): a twin whose journey equals a rare
   real journey (shared by fewer than 6 real children) is sampled again; after
   `RESAMPLE_ROUNDS` tries its last events are dropped until it is not.

A 903 history. An LA's merged 903 returns often reach years before its front-door records
(`EventLog.front_door_first_date`). The twins are made of the front door's span only
(`front_door_span`): a model year, arrival weeks and re-referral look-backs all read from the
span, as the report's figures do. Children in care when the span opens enter it part-way,
their period of care carried with the day it began, so the model's clock knows they have been
in care for years; and children the data knew before the span are fitted and sampled by a
model of their own (`synthetic_twins`), since their long stays would otherwise lengthen the
front door's fresh periods of care wherever a context is too rare to read with its clock.

What the model does not keep: a child's history before the data begin (families referred
again and again are a little less alike in the twins); children in care through the whole
span with no event in it (nothing in the span to arrive with: in the demo, 76 of
the 238 in care on 1 April 2014), so the twins' count of children in care at the end is
short of the real one; and seasons after arrival (August and Christmas dips show in arrivals
only). The history's 187 children in the span make a small model: of their twins' 386
states in care, 171 are read from the event and the main open record alone
(`generator.synth.twin_model` level 8), and their periods of care begun in the span run short
at the quartiles (Kaplan-Meier 63, 136 and 352 days against 86, 135 and 407 real, 61 periods,
seed 2018); over every period of care begun in the span the twins are within 10%
(`generator.synth.fidelity`).
The fidelity page (`generator.pages.fidelity`) shows every figure beside the real one.

Deterministic for a seed. The twins' ids are ``T`` and a number (another letter if the real
ids already start with T and a number), in an order that says nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from generator.eventlog import EventLog
from generator.synth.balanced import BalancedUniforms
from generator.synth.journey_keys import journey_keys, log_journey_keys, rare_journeys
from generator.synth.row_order import ChildRuns, stable_order
from generator.synth.twin_model import ATTRIBUTE, END, LEVELS, SINCE, JourneyModel, context_keys, event_numbers, fit_model
from generator.synth.twin_states import (
    ADULT_DAYS,
    CLOSED,
    CONTACT_BANDS,
    FLAGS,
    MAX_CONTACTS,
    MAX_REFERRALS,
    RECORD_FLAGS,
    UNKNOWN_BIRTH_DAY,
    age_band_of,
    before_data,
    clock_band,
    encode,
    history_code,
    year_of,
)

TWIN_SOURCE = "synthetic twin"
#: Arrivals' ages are moved by up to this many days, so a twin's birth month is not a donor's.
AGE_JITTER_DAYS = 31
RESAMPLE_ROUNDS = 8
MAX_STEPS = 5000
#: Care and child protection plans (twin_states.FLAGS bits 5 and 4): an END drawn while one
#: is open is drawn again (see `_draw`).
LONG_RECORDS = (1 << 5) | (1 << 4)
END_WITH_OPEN_RECORD_REDRAWN = True


@dataclass
class Arrivals:
    """The twins' starting states (one row per twin)."""

    day: np.ndarray
    token: np.ndarray
    flags: np.ndarray
    history: np.ndarray
    sex: np.ndarray
    birth_day: np.ndarray
    birth_known: np.ndarray
    since: np.ndarray  # twins x flags: days each record open on arrival had been open (CLOSED: unknown)

    def take(self, rows: np.ndarray) -> "Arrivals":
        return Arrivals(*(getattr(self, f)[rows] for f in self.__dataclass_fields__))


def fit_twin_model(log: EventLog, carried: pd.DataFrame | None = None) -> JourneyModel:
    """Fit the journey model of ``log`` (`generator.synth.twin_model`); ``carried``: records
    open when it starts with a known opening day (`front_door_span`)."""
    return fit_model(encode(log, carried))


def _arrivals(model: JourneyModel, rng: np.random.Generator) -> tuple[Arrivals, pd.DataFrame]:
    """One arrival per real child, in its week, from donors of that week; and their attributes."""
    entries = model.entries.sort_values(["week", "day"], kind="mergesort").reset_index(drop=True)
    week = entries["week"].to_numpy()
    starts = np.searchsorted(week, week, side="left")
    sizes = np.searchsorted(week, week, side="right") - starts
    donor = starts + (rng.random(len(entries)) * sizes).astype(np.int64)
    day_donor = starts + (rng.random(len(entries)) * sizes).astype(np.int64)
    chosen = entries.iloc[donor].reset_index(drop=True)
    day = entries["day"].to_numpy()[day_donor]
    known = chosen["age_known"].to_numpy()
    age = chosen["age"].to_numpy() + rng.integers(-AGE_JITTER_DAYS, AGE_JITTER_DAYS + 1, len(chosen))
    birth = model.start + pd.to_timedelta(np.where(known, day - age, 0), unit="D")
    birth_month = birth.to_period("M").to_timestamp()
    birth_day = np.where(known, (birth_month - model.start).days.to_numpy(), UNKNOWN_BIRTH_DAY).astype(np.int64)
    attributes = chosen[[ATTRIBUTE + c for c in model.attributes]].copy()
    attributes.columns = list(model.attributes)
    attributes["birth_month"] = pd.Series(birth_month, index=attributes.index).where(known)
    pool = model.ethnicities
    attributes["ethnicity"] = pool[rng.integers(0, len(pool), len(chosen))] if len(pool) else None
    arrivals = Arrivals(day=day.astype(np.int64), token=chosen["token"].to_numpy(np.int64),
                        flags=chosen["flags"].to_numpy(np.int64), history=chosen["history"].to_numpy(np.int64),
                        sex=chosen["sex"].to_numpy(np.int64), birth_day=birth_day, birth_known=known,
                        since=chosen[[f"{SINCE}{bit}" for bit in range(len(FLAGS))]].to_numpy(np.int64))
    return arrivals, attributes


def _simulate(model: JourneyModel, rng: np.random.Generator, start: Arrivals,
              twins: np.ndarray, uniforms: BalancedUniforms | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every twin's events from its arrival on: (twin, token, day) arrays, each twin's events
    in step order."""
    referral_tokens = np.array([event == "referral" for event in model.token_event])
    contact_tokens = np.array([event == "contact" for event in model.token_event])
    n_flags = len(FLAGS)
    out_twin, out_token, out_day = [twins], [start.token], [start.day]
    token, flags, day = start.token.copy(), start.flags.copy(), start.day.copy()
    refs, contacts = start.history // CONTACT_BANDS, start.history % CONTACT_BANDS
    # Flags the arrival's own event opened opened that day; others as long before as the
    # donor's had been open (`twin_states.encode`), or on an unknown day before the data.
    carried = np.where(start.since != CLOSED, before_data(day[:, None] - start.since), CLOSED)
    opened = np.where((model.opens[token][:, None] >> np.arange(n_flags)) & 1, day[:, None], carried)
    event_of = event_numbers(model.token_event)
    # Per token, the flags it opens and closes, as booleans (tokens x flags).
    opens_flag = ((model.opens[:, None] >> np.arange(n_flags)) & 1) == 1
    closes_flag = ((model.closes[:, None] >> np.arange(n_flags)) & 1) == 1
    adult_day = np.where(start.birth_known, start.birth_day + ADULT_DAYS, np.iinfo(np.int64).max // 2)
    alive = np.arange(len(twins))
    last_day = model.days - 1
    for _ in range(MAX_STEPS):
        if alive.size == 0:
            break
        clock = clock_band(flags[alive], opened[alive], day[alive])
        history = history_code(refs[alive], contacts[alive])
        nxt, gap = _draw(model, rng, token[alive], flags[alive], clock, history, day[alive],
                         start.birth_day[alive], start.birth_known[alive], start.sex[alive], uniforms, event_of)
        new_day = day[alive] + gap
        grown_up = (nxt != END) & (new_day > adult_day[alive])
        if grown_up.any():
            _come_of_age(model, alive[grown_up], flags, adult_day, last_day, out_twin, out_token, out_day, twins)
        going = (nxt != END) & (new_day <= last_day) & ~grown_up
        alive, nxt, new_day = alive[going], nxt[going], new_day[going]
        token[alive] = nxt
        day[alive] = new_day
        flags[alive] = (flags[alive] & ~model.closes[nxt]) | model.opens[nxt]
        opened[alive] = np.where(opens_flag[nxt], new_day[:, None], np.where(closes_flag[nxt], CLOSED, opened[alive]))
        refs[alive] = np.minimum(refs[alive] + referral_tokens[nxt], MAX_REFERRALS)
        contacts[alive] = np.minimum(contacts[alive] + contact_tokens[nxt], MAX_CONTACTS)
        out_twin.append(twins[alive])
        out_token.append(nxt)
        out_day.append(new_day)
    twin = np.concatenate(out_twin)
    token_all, day_all = np.concatenate(out_token), np.concatenate(out_day)
    order = stable_order(twin, int(twins.max(initial=0)) + 1)  # each twin's events in step order
    return twin[order], token_all[order], day_all[order]


def _draw(model: JourneyModel, rng: np.random.Generator, token, flags, clock, history, day, birth_day, birth_known, sex,
          uniforms: BalancedUniforms | None = None, event_of: np.ndarray | None = None):
    """Next token and gap for each state, drawn from its most detailed known context.
    ``event_of``: `event_numbers` of the model's tokens, when made already."""
    band = age_band_of(day - birth_day, birth_known)
    year = year_of(day, model.years)
    level_of = np.full(len(token), -1)
    block = np.zeros(len(token), dtype=np.int64)
    event_of = event_numbers(model.token_event) if event_of is None else event_of
    for level in range(LEVELS):
        todo = np.flatnonzero(level_of < 0)
        if todo.size == 0:
            break
        keys = context_keys(level, token[todo], flags[todo], clock[todo], history[todo], year[todo], band[todo], sex[todo],
                            event_of=event_of)
        table = model.levels[level].keys
        if len(table) == 0:
            continue
        pos = np.minimum(np.searchsorted(table, keys), len(table) - 1)
        found = table[pos] == keys
        level_of[todo[found]] = level
        block[todo[found]] = pos[found]
    nxt = np.full(len(token), END, dtype=np.int64)
    gap = np.zeros(len(token), dtype=np.int64)
    for level in range(LEVELS):
        rows = np.flatnonzero(level_of == level)
        if rows.size:
            outcomes = model.levels[level]
            u = uniforms.take(level, block[rows], rng) if uniforms is not None else rng.random(rows.size)
            drawn = outcomes.draw(block[rows], u)
            if END_WITH_OPEN_RECORD_REDRAWN:
                # Care and CP plans never stay open for ever: an END while one is open (a
                # wait longer than the data could show) is drawn again among the others.
                again = (outcomes.next[drawn] == END) & ((flags[rows] & LONG_RECORDS) != 0)
                share = outcomes.end_share[block[rows]]
                again &= share < 1.0
                if again.any():
                    u2 = share[again] + rng.random(int(again.sum())) * (1.0 - share[again])
                    drawn[again] = outcomes.draw(block[rows][again], np.minimum(u2, np.nextafter(1.0, 0.0)))
            nxt[rows], gap[rows] = outcomes.next[drawn], outcomes.gap[drawn]
    return nxt, gap


def _come_of_age(model, rows, flags, adult_day, last_day, out_twin, out_token, out_day, twins) -> None:
    """Close the records still open when a twin turns 18 (as returns do), on that day."""
    for bit in range(RECORD_FLAGS):
        ending = model.closing_token[bit]
        if ending < 0:
            continue
        open_ = rows[((flags[rows] >> bit) & 1 == 1) & (adult_day[rows] <= last_day)]
        if open_.size:
            out_twin.append(twins[open_])
            out_token.append(np.full(open_.size, ending, dtype=np.int64))
            out_day.append(adult_day[open_])


def _codes(model: JourneyModel, rng: np.random.Generator, token: np.ndarray, day: np.ndarray) -> np.ndarray:
    table = model.codes
    with_year = token * 64 + year_of(day, model.years)
    pos = np.minimum(np.searchsorted(table.keys, with_year), len(table.keys) - 1)
    use = np.where(table.keys[pos] == with_year, pos, np.searchsorted(table.keys, token * 64 + 63))
    index = np.minimum(np.searchsorted(table.position, use + rng.random(len(token)), side="right"), len(table.position) - 1)
    return table.codes[index]


def _record_ids(twin: np.ndarray, event: np.ndarray, record_prefix: str = "") -> np.ndarray:
    """Record ids tying each start to its end (``<flag initials><n>``); referrals get ``R<n>``;
    each after ``record_prefix``. ``twin`` is sorted (each twin's events one run)."""
    ids = np.full(len(twin), None, dtype=object)
    runs = ChildRuns(twin)
    event_number, names = pd.factorize(event)
    for name, starts, ends, _ in FLAGS[:RECORD_FLAGS]:
        prefix = record_prefix + "".join(part[0] for part in name.split("_")).upper()
        is_start, is_end = np.isin(names, starts)[event_number], np.isin(names, ends)[event_number]
        if not (is_start.any() or is_end.any()):
            continue
        current = runs.ffill(np.where(is_start, np.cumsum(is_start), np.nan))
        # An end with no start in the data (open before it) gets a number of its own.
        orphan = is_end & np.isnan(current)
        current[orphan] = is_start.sum() + np.cumsum(orphan)[orphan]
        rows = is_start | is_end
        ids[rows] = _numbered(prefix, current[rows])
    referral = event == "referral"
    ids[referral] = _numbered(record_prefix + "R", np.arange(1, int(referral.sum()) + 1))
    return ids


def _numbered(prefix: str, numbers: np.ndarray) -> np.ndarray:
    """``prefix`` and each whole number, as object strings."""
    return (prefix + pd.Series(numbers.astype(np.int64), dtype=np.int64).astype(str)).to_numpy(dtype=object)


def _twin_prefix(real_ids) -> str:
    """The first of T, S, Y, ... that no real id made of a letter and a number starts with."""
    ids = pd.Series(list(real_ids) if not isinstance(real_ids, pd.Series) else real_ids, dtype=object).astype(str)
    numbered = (ids.str.len() > 1) & ids.str[1:].str.isdigit()
    taken = set(ids[numbered].str[:1])
    return next((p for p in "TSYZXWV" if p not in taken), "TWIN-")


def sample_twins(model: JourneyModel, seed: int = 2018, real_ids=(), rare: set[bytes] | None = None,
                 record_prefix: str = "") -> EventLog:
    """A synthetic EventLog from ``model``: as many children as the real log, the same period.

    Parameters
    ----------
    model : JourneyModel
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same twins.
    real_ids : iterable of str
        The real child ids, so that no twin's id can be one of them.
    rare : set of bytes, optional
        Rare real journeys (`generator.synth.journey_keys.rare_journeys`) no twin may equal.
    record_prefix : str
        Put before every record id (twins of several models in one log keep theirs apart).
    """
    return EventLog.from_frames(*_sampled_tables(model, seed, _twin_prefix(real_ids), rare, record_prefix))


def _sampled_tables(model: JourneyModel, seed: int, prefix: str, rare: set[bytes] | None,
                    record_prefix: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`sample_twins`'s events and children tables, before `EventLog.from_frames` sorts them
    (twins of several models are sorted once, together, by `_renamed`)."""
    rng = np.random.default_rng(seed)
    arrivals, attributes = _arrivals(model, rng)
    n = len(attributes)
    twins = np.arange(n)
    uniforms = BalancedUniforms([len(level.keys) for level in model.levels], rng)
    twin, token, day = _simulate(model, rng, arrivals, twins, uniforms)
    if rare:
        twin, token, day = _avoid_rare(model, rng, arrivals, twin, token, day, rare, uniforms)

    event = np.array(model.token_event, dtype=object)[token]
    width = max(6, len(str(n)))
    names = np.array([f"{prefix}{i:0{width}d}" for i in rng.permutation(n) + 1], dtype=object)
    events = pd.DataFrame({
        "child_id": names[twin],
        "event": event,
        "date": model.start + pd.to_timedelta(day, unit="D"),
        "record_id": _record_ids(twin, event, record_prefix),
        "code": _codes(model, rng, token, day),
        "source": TWIN_SOURCE,
    })
    return events, attributes.assign(child_id=names)


def _event_numbers(model: JourneyModel, token: np.ndarray) -> np.ndarray:
    from generator.eventlog import EVENT_RANK, VOCABULARY

    ranks = np.array([EVENT_RANK.get(e, len(VOCABULARY)) for e in model.token_event], dtype=np.int64)
    return ranks[token]


def _keys_of(model, twin, token, day) -> dict[int, bytes]:
    """Journey key of each twin in ``twin`` (in the log's same-day order, as an EventLog sorts)."""
    event = _event_numbers(model, token)
    order = np.lexsort((event, day, twin))
    twin, event, day = twin[order], event[order], day[order]
    first = pd.Series(day).groupby(twin).transform("min").to_numpy()
    return dict(zip(np.unique(twin).tolist(), journey_keys(twin, event, day - first)))


def _avoid_rare(model, rng, arrivals, twin, token, day, rare, uniforms=None):
    """Sample again every twin whose journey is a rare real one; then trim the stubborn.

    A twin's key depends on its own events only, so after the first round only the keys of
    the twins sampled again (or trimmed) are made again."""
    n = len(arrivals.day)
    keys = [b""] * n
    for t, key in _keys_of(model, twin, token, day).items():
        keys[t] = key
    for _ in range(RESAMPLE_ROUNDS):
        clash = np.array([k in rare for k in keys])
        if not clash.any():
            return twin, token, day
        redo = np.flatnonzero(clash)
        keep = ~np.isin(twin, redo)
        new_twin, new_token, new_day = _simulate(model, rng, arrivals.take(redo), redo, uniforms)
        _replace_keys(keys, redo, _keys_of(model, new_twin, new_token, new_day))
        twin = np.concatenate([twin[keep], new_twin])
        token = np.concatenate([token[keep], new_token])
        day = np.concatenate([day[keep], new_day])
        order = stable_order(twin, n)
        twin, token, day = twin[order], token[order], day[order]
    while True:
        clash = np.array([k in rare for k in keys])
        if not clash.any():
            return twin, token, day
        # Drop each clashing twin's last step (its events are in step order).
        last = np.ones(len(twin), dtype=bool)
        last[:-1] = twin[1:] != twin[:-1]
        drop = last & clash[twin]
        twin, token, day = twin[~drop], token[~drop], day[~drop]
        redo = np.flatnonzero(clash)
        mine = np.isin(twin, redo)
        _replace_keys(keys, redo, _keys_of(model, twin[mine], token[mine], day[mine]))


def _replace_keys(keys: list[bytes], twins: np.ndarray, made: dict[int, bytes]) -> None:
    """The keys of ``twins`` made again (b"" for a twin left with no event)."""
    for t in twins.tolist():
        keys[t] = made.get(t, b"")


def front_door_span(log: EventLog) -> tuple[EventLog, pd.DataFrame]:
    """The part of ``log`` the twins are made of, and the records open when it starts.

    The span is the log's events from the front door's first date
    (`EventLog.front_door_first_date`) on, and the children who have any; the whole log when a
    903 history does not reach back before it. Children who left care before the span are
    not in it. Those still in care when it opens enter it part-way, and their records open
    then are *carried* (columns child_id, bit, date: the `twin_states.FLAGS` bit and the day
    it opened), so the model's clock knows how long they have been in care.
    """
    start = log.front_door_first_date
    carried = pd.DataFrame({"child_id": pd.Series(dtype="string"), "bit": pd.Series(dtype="int64"),
                            "date": pd.Series(dtype="datetime64[ns]")})
    if start is None or log.first_date >= start:
        return log, carried
    inside = (log.events["date"] >= start).to_numpy()
    events = log.events[inside]
    in_span = log.children["child_id"].isin(events["child_id"].unique()).to_numpy()
    children = log.children[in_span]
    before = log.events[~inside & log.events["child_id"].isin(children["child_id"])]
    child, date = before["child_id"].to_numpy(dtype=object), before["date"].to_numpy()
    event, names = pd.factorize(before["event"].to_numpy(dtype=object))
    parts = []
    for bit, (_, starts, ends, others) in enumerate(FLAGS[:RECORD_FLAGS]):
        rows = np.flatnonzero(np.isin(names, starts + ends + others)[event])
        # Each child's last such event (the log is in child, then date order).
        last = rows[np.append(child[rows][1:] != child[rows][:-1], True)] if rows.size else rows
        still_open = last[np.isin(names, starts)[event[last]]]
        parts.append(pd.DataFrame({"child_id": child[still_open], "bit": bit, "date": date[still_open]}))
    carried = pd.concat([carried, *parts], ignore_index=True) if parts else carried
    return log.subset(inside, in_span), carried


def synthetic_twins(log: EventLog, seed: int = 2018) -> EventLog:
    """Fit the model to the front door's span of ``log`` (`front_door_span`) and sample its
    twins, no twin on a rare real journey (whole, or as the span shows it).

    Children the data knew before the span (a 903 history) are fitted and sampled apart from
    those first seen in it: in care for years, with no referral in the span, they would
    otherwise lend their long stays to the fresh periods of care of the front door's children
    wherever a context is too rare to read with its clock (`generator.synth.twin_model`).
    """
    span, carried = front_door_span(log)
    real_ids = log.children["child_id"].astype(str)
    # No twin equals a rare real journey, whole or as the span shows it.
    rare = rare_journeys(log_journey_keys(span))
    earlier = log.events.loc[log.events["date"] < span.first_date, "child_id"].unique() if len(span.events) else []
    known_before = span.children["child_id"].isin(earlier)
    if not known_before.any():
        return sample_twins(fit_twin_model(span, carried), seed=seed, real_ids=real_ids, rare=rare)
    twin_prefix = _twin_prefix(real_ids)
    rare |= rare_journeys(log_journey_keys(log))
    parts = []
    of_child = pd.Index(span.children["child_id"]).get_indexer(span.events["child_id"])
    for group, prefix in ((~known_before, ""), (known_before, "H")):
        ids = span.children.loc[group, "child_id"]
        part = span.subset(group.to_numpy()[of_child], group)
        model = fit_twin_model(part, carried[carried["child_id"].isin(ids.astype(str))])
        parts.append(_sampled_tables(model, seed, twin_prefix, rare, prefix))
    return _renamed(parts, seed, twin_prefix)


def _renamed(parts: list[tuple[pd.DataFrame, pd.DataFrame]], seed: int, prefix: str) -> EventLog:
    """Twins of several models (each `_sampled_tables`) as one log, numbered afresh in an
    order that says nothing (not which model a twin came from)."""
    rng = np.random.default_rng([seed, len(parts)])
    # Each part's twins in the order of their ids, as a log of the part would hold them.
    old = [pd.Index(np.sort(children["child_id"].to_numpy(dtype=object))) for _, children in parts]
    n = sum(len(ids) for ids in old)
    width = max(6, len(str(n)))
    new = np.array([f"{prefix}{i:0{width}d}" for i in rng.permutation(n) + 1], dtype=object)
    offsets = np.cumsum([0] + [len(ids) for ids in old])

    def renamed(table: pd.DataFrame, i: int) -> pd.DataFrame:
        return table.assign(child_id=new[offsets[i] + old[i].get_indexer(table["child_id"].to_numpy(dtype=object))])

    events = pd.concat([renamed(events, i) for i, (events, _) in enumerate(parts)], ignore_index=True)
    children = pd.concat([renamed(children, i) for i, (_, children) in enumerate(parts)], ignore_index=True)
    return EventLog.from_frames(events, children)


__all__ = ["synthetic_twins", "front_door_span", "fit_twin_model", "sample_twins", "TWIN_SOURCE"]
