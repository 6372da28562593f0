"""The journey model behind synthetic twins: its estimator, its censoring and its draws.

The demo-wide fidelity of the twins is in tests/test_twins.py; these pin the pieces that
make it: silence after a child turns 18 is not an end (`generator.synth.twin_model`), an
unborn child is its own age band, each context's draws are balanced
(`generator.synth.balanced`), and a 903 history before the front door is left out of the
fit, a period of care open when the front door begins carried with its clock.
"""

from __future__ import annotations

import numpy as np
import pytest
import pandas as pd

from generator.eventlog import EventLog
from generator.synth import twin_model
from generator.synth.balanced import BalancedUniforms
from generator.synth.twin_model import END, _weights, fit_model
from generator.synth.twin_states import (
    CLOCK_EDGES,
    CLOSED,
    FLAGS,
    STATUS_SHIFT,
    UNKNOWN_CLOCK,
    age_band_of,
    encode,
    flag_effects,
    legal_statuses,
)
from generator.synth.twins import _draw, front_door_span
from tests.helpers import log_of


def test_a_departure_censored_early_leaves_the_risk_set_instead_of_ending():
    # 50 departures followed by an event 400 days later; 50 silent ones whose follow-up
    # stops after 36 days (a 17-year-old turning 18), in one context.
    n = 50
    ctx = np.zeros(2 * n, dtype=np.int64)
    day = np.zeros(2 * n, dtype=np.int64)
    gap = np.r_[np.full(n, 400), np.zeros(n, dtype=np.int64)]
    observed = np.r_[np.ones(n, bool), np.zeros(n, bool)]
    weight, keys, end = _weights(ctx, day, gap, observed, horizon=np.r_[np.full(n, 3000), np.full(n, 36)])
    assert list(keys) == [0]
    assert end[0] == 0.0  # nobody seen long enough stayed silent
    assert np.allclose(weight[:n], 1 / n) and np.allclose(weight[n:], 0.0)
    # Followed to the data's end (3,000 days), the same silence is an end for half of them.
    _, _, end = _weights(ctx, day, gap, observed, horizon=np.full(2 * n, 3000))
    assert end[0] == pytest.approx(0.5)


def _families(young: int, old: int) -> EventLog:
    """Young children referred 400 days after a contact; 17-year-olds silent after theirs."""
    rows, kids = [], []
    start = pd.Timestamp("2015-01-05")
    for i in range(young):
        rows += [(f"Y{i}", "contact", start, "nfa"), (f"Y{i}", "referral", start + pd.Timedelta(days=400), None)]
        kids.append((f"Y{i}", "1", "2005-01-01"))
    for i in range(old):
        rows.append((f"O{i}", "contact", start, "nfa"))
        kids.append((f"O{i}", "1", "1997-02-01"))  # 18 on 1 February 2015
    rows.append(("Z", "contact", pd.Timestamp("2018-03-31"), "nfa"))  # the data run to 2018
    kids.append(("Z", "1", "2005-01-01"))
    events = pd.DataFrame(rows, columns=["child_id", "event", "date", "code"])
    children = pd.DataFrame(kids, columns=["child_id", "sex", "birth_month"])
    children["birth_month"] = pd.to_datetime(children["birth_month"])
    return EventLog.from_frames(events, children)


def test_a_context_shared_with_children_about_to_turn_18_does_not_end_the_young_ones(monkeypatch):
    # 40 + 40 children: too few to read apart by age band, so their contact is read in one
    # context. The 17-year-olds' silence is their 18th birthday, not the end of a journey.
    monkeypatch.setattr(twin_model, "MIN_CONTEXT", 60)
    enc = encode(_families(40, 40))
    model = fit_model(enc)
    young = np.flatnonzero((enc.child == enc.child[0]) & (np.array(enc.token_event)[enc.token] == "contact"))
    rows = np.repeat(young, 2000)
    nxt, gap = _draw(model, np.random.default_rng(1), enc.token[rows], enc.flags[rows], enc.clock[rows],
                     enc.history[rows], enc.day[rows], enc.birth_day[enc.child[rows]],
                     enc.birth_day[enc.child[rows]] > -10**6, enc.sex[rows])
    assert np.mean(nxt == END) < 0.02
    assert set(gap[nxt != END]) == {400}


def test_an_unborn_child_is_an_age_band_of_its_own():
    days = np.array([-60, 0, 200, 3 * 365, 17 * 365 + 100])
    bands = age_band_of(days, np.ones(len(days), bool))
    assert bands[0] != bands[1] == bands[2]
    assert len(set(bands)) == 4


def test_balanced_uniforms_are_uniform_and_spread_each_context_evenly():
    rng = np.random.default_rng(7)
    uniforms = BalancedUniforms([3], rng)
    # 1,000 draws from context 0 in batches of varying size, mixed with other contexts.
    drawn = []
    for size in (1, 7, 92, 400, 500):
        block = rng.permutation(np.r_[np.zeros(size, dtype=np.int64), np.full(size, 2)])
        u = uniforms.take(0, block, rng)
        drawn.append(u[block == 0])
    u = np.concatenate(drawn)
    assert len(u) == 1000 and ((u >= 0) & (u < 1)).all()
    # A chance of 0.86 drawn 1,000 times comes up 860 times, give or take 2 (independent
    # uniforms would be off by 11 on average).
    assert abs((u < 0.86).sum() - 860) <= 2
    assert np.abs(np.histogram(u, bins=10, range=(0, 1))[0] - 100).max() <= 2
    # Which draw gets which point is random: the same contexts in another order differ.
    again = BalancedUniforms([3], np.random.default_rng(7))
    assert not np.array_equal(again.take(0, np.zeros(5, dtype=np.int64), np.random.default_rng(1)),
                              again.take(0, np.zeros(5, dtype=np.int64), np.random.default_rng(1)))


def test_a_looked_after_childs_legal_status_is_held_in_the_state_until_care_ends():
    rows = [("A", "lac_start", "2015-01-05", "L1"), ("A", "placement", "2015-01-05", "U6"),
            ("A", "legal_status", "2015-01-07", "C1"), ("A", "missing_start", "2015-03-01"),
            ("A", "missing_end", "2015-03-02"), ("A", "legal_status", "2015-06-01", "C2"),
            ("A", "lac_end", "2016-01-04", "E41"), ("A", "contact", "2016-05-01", "nfa")]
    events = pd.DataFrame([(r[0], r[1], pd.Timestamp(r[2]), r[3] if len(r) > 3 else None) for r in rows],
                          columns=["child_id", "event", "date", "code"])
    enc = encode(EventLog.from_frames(events, None))
    names = legal_statuses(enc.tokens)
    held = [names[s - 1] if s else None for s in (enc.flags >> STATUS_SHIFT) & 0xF]
    assert held == ["L1", "L1", "C1", "C1", "C1", "C2", None, None]
    # The twins' step rule (flags & ~closes | opens) moves the status the same way.
    opens, closes, _ = flag_effects(enc.tokens)
    flags = 0
    for token, expected in zip(enc.token, enc.flags):
        flags = (flags & ~closes[token]) | opens[token]
        assert (flags >> STATUS_SHIFT) == (expected >> STATUS_SHIFT)


def _history_and_front_door() -> EventLog:
    # H1 in care since 2010 (a 903 history), still in care when the front door's records begin
    # in April 2014; H2 left care in 2012; F1 is a front-door child.
    return log_of([
        ("H1", "lac_start", "2010-03-01", "V2"), ("H1", "placement", "2015-06-01", "U1"), ("H1", "lac_end", "2016-01-04", "E4A"),
        ("H2", "lac_start", "2011-05-02", "V2"), ("H2", "lac_end", "2012-01-09", "E4A"),
        ("F1", "contact", "2014-04-01", "referral"), ("F1", "referral", "2014-04-02", "6"),
    ])


def test_twins_are_fitted_on_the_front_doors_span_carrying_a_period_of_care_open_when_it_begins():
    span, carried = front_door_span(_history_and_front_door())
    assert span.first_date == pd.Timestamp("2014-04-01")
    assert set(span.children["child_id"]) == {"H1", "F1"}  # H2 left care before the span
    lac_bit = [name for name, *_ in FLAGS].index("lac")
    assert carried.to_dict("records") == [{"child_id": "H1", "bit": lac_bit, "date": pd.Timestamp("2010-03-01")}]
    # The clock of H1's placement runs from 2010 (the longest band), not from an unknown day.
    enc = encode(span, carried)
    row = int(np.flatnonzero(span.events["event"].to_numpy() == "placement")[0])
    assert (enc.flags[row] >> lac_bit) & 1 == 1
    assert enc.opened[row, lac_bit] == (pd.Timestamp("2010-03-01") - span.first_date).days
    assert enc.clock[row] == len(CLOCK_EDGES)  # days since 2010: past the last edge, known
    unknown = encode(span)  # without the carried day: opened before the data, clock unknown
    assert unknown.opened[row, lac_bit] == CLOSED and unknown.clock[row] == UNKNOWN_CLOCK


def test_a_log_without_an_earlier_history_is_its_own_span():
    log = log_of([("F1", "contact", "2014-04-01", "referral"), ("F1", "lac_start", "2014-05-01", "V2")])
    span, carried = front_door_span(log)
    assert span is log and carried.empty
