"""The states of the journey model behind synthetic twins, read off a real EventLog.

A child's journey is a chain of *tokens*: the event, with its code where the code decides
what comes next (a contact's outcome, an assessment's nfa / in_need, a conference's plan or
none, a CIN closure's RC8, a legal status, a placement, the reason care ended). After each
token the child is in a *state*:

* ``flags``: which records are open (early help, assessment, CIN, CIN plan, CP plan, period
  of care, missing episode, court case) and which steps are pending (a referral waiting for
  its assessment, a strategy discussion for its section 47, a section 47 for its conference);
* ``legal status``: a looked-after child's current legal status (from the period of care's
  start or its latest change), held in the flags' upper bits;
* ``history``: referrals so far in the data (0 to 4, 4 = four or more) and contacts so far
  (0 to 3, 3 = three or more), the memory that makes re-referral and "no further action"
  depend on a child's past (DOMAIN.md: children with several previous referrals were NFA'd
  more often); one number, `history_code`;
* ``clock``: how long the most pressing open flag has been open (a section 47 waiting for its
  conference before a plan that has run for months), in doubling bands: what happens next
  depends on how long a child has waited, and without it a conference would drift later with
  every event recorded in between;
* ``age band`` (DfE bands), ``sex`` and ``year`` (years since the data's first day): the
  cohort and the time the next step is conditioned on.

Records open when the data starts (a plan whose start is before the extract) are open from
the child's first event: a child whose first CP event is ``cpp_end`` had a plan open. When the
day such a record opened is known (a period of care begun in a 903 history before the front
door's span, `generator.synth.twins.front_door_span`), ``encode`` is given it (``carried``)
and the clock runs from it, so a child long in care is not read as one whose care has an
unknown start; such days are before day 0 and kept below `CLOSED` (-1, "not open").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from generator.eventlog import EventLog
from generator.synth.row_order import ChildRuns

#: Events whose code is part of the token (the code decides the next step), and how many of
#: their most common codes are kept apart (the rest are "other").
DECISIVE_EVENTS = {"contact": 5, "assessment_authorised": 2, "icpc": 2, "cin_end": 2, "lac_start": 4,
                   "legal_status": 4, "placement": 4, "lac_end": 5}
MIN_CODE_SHARE = 0.01

#: (flag, events that open it, events that end it, other events that close it). Pending steps
#: end with what they wait for, and close on a new episode too.
FLAGS: tuple[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    ("early_help", ("early_help_assessment_start",), ("early_help_assessment_completion",), ()),
    ("assessment", ("assessment_start",), ("assessment_authorised",), ()),
    ("cin", ("cin_start",), ("cin_end",), ()),
    ("cin_plan", ("cin_plan_start",), ("cin_plan_end",), ()),
    ("cpp", ("cpp_start",), ("cpp_end",), ()),
    ("lac", ("lac_start",), ("lac_end",), ()),
    ("missing", ("missing_start",), ("missing_end",), ()),
    ("court", ("court_application",), ("final_order",), ()),
    ("referral_pending", ("referral",), ("assessment_start", "referral_nfa"), ("cin_end",)),
    ("strategy_pending", ("strategy_discussion",), ("s47",), ("icpc", "referral")),
    ("s47_pending", ("s47",), ("icpc",), ("referral", "cin_end")),
    # Between episodes: from a closed episode to the next referral (its clock times returns).
    ("between_episodes", ("cin_end", "referral_nfa"), ("referral",), ()),
)
#: Flags that are records (opened before the data when their first event closes them).
RECORD_FLAGS = 8
#: A looked-after child's legal status (the code of the latest lac_start or legal_status
#: token) is part of the state, above the flags' bits: 0 none, else 1 + its place in
#: `legal_statuses`. The courts' orders lead one to the next (an interim care order, a care
#: order, a placement order, adoption), and a status is held across the placements and
#: missing episodes between them.
STATUS_EVENTS = ("lac_start", "legal_status")
STATUS_SHIFT = len(FLAGS)
STATUS_BITS = 4
STATUS_MASK = ((1 << STATUS_BITS) - 1) << STATUS_SHIFT
#: The flag whose clock is read, most pressing first (by index into FLAGS).
CLOCK_ORDER = (10, 9, 8, 1, 0, 6, 7, 5, 4, 3, 2, 11)
#: Clock bands (days open): finer in the first four weeks, where conferences and assessments
#: are due, then doubling.
CLOCK_EDGES = np.array([1, 3, 5, 7, 10, 14, 18, 22, 28, 56, 112, 224, 448])
UNKNOWN_CLOCK = len(CLOCK_EDGES) + 1  # the flag opened before the data
NO_CLOCK = UNKNOWN_CLOCK + 1  # nothing open
#: Lower bounds of the age bands, in years: the DfE bands with 16-17 split at 17 (leaving
#: care is near); the band after the last = birth month not known.
AGE_BAND_YEARS = (0, 1, 5, 10, 16, 17)
UNKNOWN_AGE_BAND = len(AGE_BAND_YEARS) + 1
#: A birth day that says "not known" (days from the data's start).
UNKNOWN_BIRTH_DAY = -10**6
#: Children's services stop at 18 (birth months are months: the birthday is taken as the
#: month's middle).
ADULT_DAYS = int(18 * 365.25) + 14
#: Referrals so far are counted 0..4 (4 = four or more: three or more before this one),
#: contacts 0..3.
MAX_REFERRALS = 4
MAX_CONTACTS = 3
CONTACT_BANDS = MAX_CONTACTS + 1


def history_code(referrals, contacts):
    """The history field: referrals and contacts so far, as one number."""
    return np.asarray(referrals) * CONTACT_BANDS + np.asarray(contacts)
#: Sex codes of the model (the EventLog's 1 and 2; everything else is 2 = not known).
SEX_CODES = {"1": 0, "2": 1}


@dataclass
class EncodedLog:
    """A real log as the model sees it, one row per event in the log's order.

    ``child`` indexes ``children`` (the log's children with events); ``day`` counts days from
    ``start``; ``token`` indexes ``tokens``; ``flags``, ``history``, ``age_band``, ``sex``,
    ``year`` are the state after the event; ``opened`` (events x flags) the day each open
    flag opened (-1: closed, or opened before the data); ``first`` marks each child's first
    event.
    """

    start: pd.Timestamp
    days: int
    tokens: list[str]
    token_event: list[str]
    children: pd.DataFrame
    child: np.ndarray
    day: np.ndarray
    token: np.ndarray
    code: pd.Series
    flags: np.ndarray
    opened: np.ndarray
    clock: np.ndarray
    history: np.ndarray
    age_band: np.ndarray
    sex: np.ndarray
    year: np.ndarray
    first: np.ndarray
    birth_day: np.ndarray  # per child, days from start (UNKNOWN_BIRTH_DAY when unknown)

    @property
    def years(self) -> int:
        return years_in(self.days)


def token_names(events: pd.DataFrame) -> tuple[list[str], np.ndarray]:
    """The token vocabulary of a log and each event's token number."""
    names = events["event"].astype("object").fillna("unknown").to_numpy()
    codes = events["code"].astype("object")
    labels = names.astype(object).copy()
    number, vocabulary = pd.factorize(names)
    position = {event: i for i, event in enumerate(vocabulary)}
    for event, keep in DECISIVE_EVENTS.items():
        if event not in position:
            continue
        rows = number == position[event]
        values = codes[rows].fillna("none").astype(str)
        shares = values.value_counts(normalize=True)
        kept = set(shares[shares >= MIN_CODE_SHARE].index[:keep])
        # Labelled once per distinct code, not once per event.
        number_of_code, distinct = pd.factorize(values.to_numpy(dtype=object))
        named = np.array([f"{event}:{v if v in kept else 'other'}" for v in distinct], dtype=object)
        labels[rows] = named[number_of_code]
    # Numbered in sorted order, as `numpy.unique` would, by hashing rather than sorting the labels.
    token, vocabulary = pd.factorize(labels, sort=True)
    return [str(v) for v in vocabulary], token.astype(np.int64)


def age_band_of(age_days: np.ndarray, known: np.ndarray) -> np.ndarray:
    """DfE age band (0..4) of ages in days; `UNKNOWN_AGE_BAND` where the birth is unknown."""
    years = age_days / 365.25
    band = np.searchsorted(np.array(AGE_BAND_YEARS, dtype=float), years, side="right")
    return np.where(known, band, UNKNOWN_AGE_BAND).astype(np.int64)


def years_in(days: int) -> int:
    """Whole years in ``days`` (a last part-year of a day or two joins the year before)."""
    return max(1, days // 365)


def year_of(day: np.ndarray, years: int) -> np.ndarray:
    """Each day's year of the simulation, counted in 365-day years from day 0 and capped at ``years`` - 1."""
    return np.clip(day // 365, 0, years - 1).astype(np.int64)


#: ``opened`` of a flag that is not open, or opened on an unknown day before the data.
CLOSED = -1


def before_data(opened_day: np.ndarray) -> np.ndarray:
    """Opening days before day 0 as ``opened`` holds them: below `CLOSED`, so never read as it."""
    return np.where(opened_day < 0, np.minimum(opened_day, CLOSED - 1), opened_day)


def clock_band(flags: np.ndarray, opened: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The clock band of each state: days since its most pressing open flag opened."""
    band = np.full(len(flags), NO_CLOCK, dtype=np.int64)
    chosen = np.zeros(len(flags), dtype=bool)
    for bit in CLOCK_ORDER:
        on = ~chosen & (((flags >> bit) & 1) == 1)
        if on.any():
            since = opened[on, bit]
            band[on] = np.where(since != CLOSED, np.searchsorted(CLOCK_EDGES, day[on] - since, side="right"), UNKNOWN_CLOCK)
            chosen |= on
    return band


def legal_statuses(tokens: list[str]) -> list[str]:
    """The legal status tokens' codes, in order (their place + 1 is the state's status)."""
    codes = sorted({token.split(":", 1)[1] for token in tokens if token.split(":", 1)[0] in STATUS_EVENTS and ":" in token})
    return codes[: (1 << STATUS_BITS) - 1]


def status_of(tokens: list[str]) -> np.ndarray:
    """Per token, the status it sets (0 for lac_end, which clears it; -1 for no change)."""
    codes = legal_statuses(tokens)
    status = np.full(len(tokens), -1, dtype=np.int64)
    for t, token in enumerate(tokens):
        event, _, code = token.partition(":")
        if event in STATUS_EVENTS and code in codes:
            status[t] = 1 + codes.index(code)
        elif event == "lac_end":
            status[t] = 0
    return status


def flag_effects(tokens: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per token, the bit mask of flags (and legal status) it opens, the mask it closes, and
    the flag it ends (whose opening day its timing is measured from; -1 for none)."""
    opens = np.zeros(len(tokens), dtype=np.int64)
    closes = np.zeros(len(tokens), dtype=np.int64)
    ends_flag = np.full(len(tokens), -1, dtype=np.int64)
    status = status_of(tokens)
    closes[status >= 0] |= STATUS_MASK
    opens[status > 0] |= status[status > 0] << STATUS_SHIFT
    for t, token in enumerate(tokens):
        event = token.split(":", 1)[0]
        for bit, (_, starts, ends, others) in enumerate(FLAGS):
            if event in starts:
                opens[t] |= 1 << bit
            if event in ends or event in others:
                closes[t] |= 1 << bit
            if event in ends and ends_flag[t] < 0:
                ends_flag[t] = bit
    return opens, closes, ends_flag


def encode(log: EventLog, carried: pd.DataFrame | None = None) -> EncodedLog:
    """Read ``log`` into the model's states (see the module docstring). ``carried``: records
    open when ``log`` starts whose opening day is known (columns child_id, bit, date)."""
    events = log.events
    start = log.first_date
    days = int((log.last_date - start).days) + 1
    # Children numbered in the order of their ids (`numpy.unique`'s), by hashing the ids.
    child, ids = pd.factorize(events["child_id"].astype(str).to_numpy(), sort=True)
    ids = ids.astype(str)
    children = (pd.DataFrame({"child_id": ids})
                .merge(log.children.assign(child_id=log.children["child_id"].astype(str)), on="child_id", how="left"))
    day = ((events["date"] - start).dt.days).to_numpy(dtype=np.int64)
    tokens, token = token_names(events)
    token_event = [t.split(":", 1)[0] for t in tokens]
    first = np.ones(len(events), dtype=bool)
    first[1:] = child[1:] != child[:-1]
    by_child = ChildRuns(child)

    event_names = events["event"].astype("object").to_numpy()
    event_number, vocabulary = pd.factorize(event_names, use_na_sentinel=False)

    def one_of(names: tuple[str, ...]) -> np.ndarray:
        return np.array([isinstance(v, str) and v in names for v in vocabulary], dtype=bool)[event_number]

    flags = np.zeros(len(events), dtype=np.int64)
    opened_day = np.full((len(FLAGS), len(events)), CLOSED, dtype=np.int64)
    for bit, (_, starts, ends, others) in enumerate(FLAGS):
        opened, closed = one_of(starts), one_of(ends + others)
        # Each row's state is set by the child's latest event at or before it that opens or
        # closes the flag: open since that day, or closed.
        last = by_child.last_of(opened | closed)
        found = last >= 0
        at = np.where(found, last, 0)
        is_open = found & opened[at]
        opened_day[bit] = np.where(is_open, day[at], CLOSED)
        known = _carried_days(carried, bit, ids, start)
        if known is not None:
            # Before the child's first event of this record, open since its known day.
            fill = ~found & (known[child] != CLOSED)
            opened_day[bit, fill] = known[child][fill]
        if bit < RECORD_FLAGS:
            # Open before the data if the child's first event of this record closes it.
            initial = by_child.first_of(opened | closed, closed.astype(float), len(ids))
            if known is not None:
                initial[known != CLOSED] = 1.0
            is_open = np.where(found, is_open, initial[child] > 0)
        flags |= is_open.astype(np.int64) << bit
    opened_day = np.ascontiguousarray(opened_day.T)
    # The legal status, held from the token that sets it until the period of care ends.
    set_status = status_of(tokens)[token]
    held = by_child.ffill(np.where(set_status >= 0, set_status, np.nan))
    flags |= np.nan_to_num(held, nan=0.0).astype(np.int64) << STATUS_SHIFT

    referrals = np.minimum(by_child.cumsum(one_of(("referral",)).astype(np.int64)), MAX_REFERRALS)
    contacts = np.minimum(by_child.cumsum(one_of(("contact",)).astype(np.int64)), MAX_CONTACTS)

    birth = pd.to_datetime(children["birth_month"]) if "birth_month" in children else pd.Series(pd.NaT, index=children.index)
    known = birth.notna().to_numpy()
    birth_day = np.where(known, (birth - start).dt.days.fillna(0).to_numpy(), UNKNOWN_BIRTH_DAY).astype(np.int64)
    age_band = age_band_of(day - birth_day[child], known[child])
    sex = children["sex"].astype("string").map(SEX_CODES).fillna(2).to_numpy(dtype=np.int64)[child]
    return EncodedLog(start=start, days=days, tokens=tokens, token_event=token_event, children=children,
                      child=child, day=day, token=token, code=events["code"].reset_index(drop=True),
                      flags=flags, opened=opened_day, clock=clock_band(flags, opened_day, day),
                      history=history_code(referrals, contacts), age_band=age_band, sex=sex,
                      year=year_of(day, years_in(days)), first=first, birth_day=birth_day)


def _carried_days(carried: pd.DataFrame | None, bit: int, ids: np.ndarray, start: pd.Timestamp) -> np.ndarray | None:
    """Per child of ``ids``, the known day (before ``start``) its record ``bit`` opened; CLOSED if none."""
    if carried is None or carried.empty:
        return None
    rows = carried[carried["bit"] == bit]
    days = np.full(len(ids), CLOSED, dtype=np.int64)
    where = np.searchsorted(ids, rows["child_id"].astype(str).to_numpy())
    where = np.minimum(where, max(len(ids) - 1, 0))
    hit = ids[where] == rows["child_id"].astype(str).to_numpy() if len(ids) else np.zeros(len(rows), dtype=bool)
    days[where[hit]] = before_data((rows["date"] - start).dt.days.to_numpy(dtype=np.int64)[hit])
    return days


__all__ = ["EncodedLog", "CLOSED", "before_data", "encode", "FLAGS", "clock_band", "flag_effects", "age_band_of", "year_of", "years_in", "token_names",
           "AGE_BAND_YEARS", "UNKNOWN_AGE_BAND", "UNKNOWN_BIRTH_DAY", "ADULT_DAYS",
           "MAX_REFERRALS", "MAX_CONTACTS", "CONTACT_BANDS", "history_code"]
