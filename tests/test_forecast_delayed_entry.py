"""The forecast's stays with delayed entry (a stay seen only from the day the records began) and
a thin group's tail handed to its coarser group, on hand-built stays whose answer is known."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from generator.analyses.forecast import fitting_window
from generator.analyses.forecast_paths import LEAVES, _hazard_ratio, fit_stays
from generator.analyses.forecast_rates import CENSORED, OFF

FIVE_YEARS = 1825.0


def _stays(length, to, entered, age=0, legal=0):
    return pd.DataFrame({"station": 0, "age_band": age, "legal": legal, "start": 0.0, "end": length, "to": to,
                         "entered": entered})


def _moved_by(stays):
    """The cumulative chance of having moved by each time a move was seen (group 0)."""
    mass = stays.mass_key % 2
    return {float(t): float(mass[stays.time == t].max()) for t in np.unique(stays.time)}


def _seen_from_the_start_and_from_year_5():
    # 40 stays seen from their start: 20 end at day 100, 20 still open at day 200. 30 stays seen
    # only from 5 years in (the records began then): 15 end at day 2000, 15 still open at 2200.
    length = np.r_[np.full(20, 100.0), np.full(20, 200.0), np.full(15, 2000.0), np.full(15, 2200.0)]
    to = np.r_[np.full(20, OFF), np.full(20, CENSORED), np.full(15, OFF), np.full(15, CENSORED)]
    entered = np.r_[np.zeros(40), np.full(30, FIVE_YEARS)]
    return length, to, entered


def test_a_stay_seen_only_from_year_5_is_at_risk_from_year_5_and_not_before():
    stays = fit_stays(_stays(*_seen_from_the_start_and_from_year_5()), stations=1, ages=1)
    # Day 100: 20 of the 40 seen then move (the 30 seen from year 5 were not at risk): 1/2.
    # Day 2000: 15 of the 30 at risk (the 20 open at day 200 no longer followed) move, of the
    # half still there: 1/2 + 1/2 x 15/30 = 3/4.
    assert _moved_by(stays) == pytest.approx({100.0: 0.5, 2000.0: 0.75})


def test_without_delayed_entry_the_long_stayers_would_dilute_the_early_moves():
    length, to, _ = _seen_from_the_start_and_from_year_5()
    stays = fit_stays(_stays(length, to, np.zeros(len(length))), stations=1, ages=1)
    # Counted from day 0 the 30 long stays sit in the risk set at day 100: 20 of 70.
    assert _moved_by(stays)[100.0] == pytest.approx(20 / 70)


def test_a_child_five_years_in_leaves_at_the_rate_of_the_stays_seen_that_long():
    stays = fit_stays(_stays(*_seen_from_the_start_and_from_year_5()), stations=1, ages=1)
    n = 20000
    stay, where = stays.step(np.zeros(n, dtype=int), np.zeros(n, dtype=int), np.full(n, FIVE_YEARS),
                             np.random.default_rng(0).random(n), np.random.default_rng(1).random(n))
    moved = np.isfinite(stay)
    # Half of those at risk at day 2000 moved then; the other half were followed to 2200 and
    # then too few remained: the tail from 2000 has no move, so they stay.
    assert np.mean(moved) == pytest.approx(0.5, abs=0.015)
    assert stay[moved] == pytest.approx(2000.0 - FIVE_YEARS) and (where[moved] == LEAVES).all()


def test_the_fitting_window_keeps_stays_under_way_when_it_opens_with_their_duration_then():
    spells = pd.DataFrame({"start": [0.0, 50.0, 120.0, 90.0], "end": [80.0, 300.0, 200.0, 100.0],
                           "to": [OFF, CENSORED, 3, CENSORED]})
    window = fitting_window(spells, 100.0)
    # The stay over before day 100 is left out; one open on day 100 (and still open) is kept.
    assert window["start"].tolist() == [50.0, 120.0, 90.0]
    assert window["entered"].tolist() == [50.0, 0.0, 10.0]


def test_past_a_thin_groups_last_followed_stay_it_leaves_as_its_coarser_group_does():
    # Section 20 stays (legal 1). Age band 3: 30 end at day 10, 5 still open at day 50, so past
    # day 10 fewer than 20 are followed and its own tail has no move. Age band 0: 200 stays
    # that all end at day 500. A 10-15-year-old 20 days in leaves with the status's stays
    # over all ages: at day 500 (before, the tail said never).
    length = np.r_[np.full(30, 10.0), np.full(5, 50.0), np.full(200, 500.0)]
    to = np.r_[np.full(30, OFF), np.full(5, CENSORED), np.full(200, OFF)]
    age = np.r_[np.full(35, 3), np.zeros(200, dtype=int)]
    spells = _stays(length, to, 0.0, age=age, legal=1)
    stays = fit_stays(spells, stations=1, ages=6, legal_groups=4)
    n = 500
    stay, where = stays.step(np.full(n, 3), np.zeros(n, dtype=int), np.full(n, 20.0),
                             np.random.default_rng(2).random(n), np.random.default_rng(3).random(n),
                             np.ones(n, dtype=int))
    assert stay == pytest.approx(480.0) and (where == LEAVES).all()
    # Before its tail, the age band's own moves: a child just arrived leaves at day 10 with the
    # product-limit chance 30/35, else follows the coarser group from day 10 (to day 500).
    stay, _ = stays.step(np.full(n * 10, 3), np.zeros(n * 10, dtype=int), np.zeros(n * 10),
                         np.random.default_rng(4).random(n * 10), np.random.default_rng(5).random(n * 10),
                         np.ones(n * 10, dtype=int))
    assert np.mean(stay == 10.0) == pytest.approx(30 / 35, abs=0.015)
    assert set(np.unique(stay)) == {10.0, 500.0}


def test_a_groups_hazard_ratio_is_its_moves_over_those_its_coarser_groups_hazard_expects():
    # The coarser group's cumulative hazard: 0.1 after day 10, 0.3 after day 20. Three stays:
    # to day 15 (moved; expects 0.1), seen from day 12 to day 20 (still open; 0.3 - 0.1), to
    # day 25 (moved; 0.3): 2 moves over 0.6 expected.
    ratio = _hazard_ratio(np.array([15.0, 20.0, 25.0]), np.array([OFF, CENSORED, 1]), np.array([0.0, 12.0, 0.0]),
                          np.array([10.0, 20.0]), np.array([0.1, 0.3]))
    assert ratio == pytest.approx(2 / 0.6)


def test_past_its_tail_a_group_with_twice_the_hazard_stays_half_as_long_as_its_coarser_group():
    # Age band 3: 30 stays end at day 10, 5 are open at day 50 (its tail starts at day 10).
    # Age band 0: 3000 stays with exponential lengths, mean 100 days. A 10-15-year-old 20 days
    # in follows the coarser group's hazard times the group's ratio.
    rng = np.random.default_rng(6)
    length = np.r_[np.full(30, 10.0), np.full(5, 50.0), rng.exponential(100.0, 3000)]
    to = np.r_[np.full(30, OFF), np.full(5, CENSORED), np.full(3000, OFF)]
    age = np.r_[np.full(35, 3), np.zeros(3000, dtype=int)]
    stays = fit_stays(_stays(length, to, 0.0, age=age), stations=1, ages=6)
    n = 20000
    draw = [replace(stays, tail_ratio=np.full(len(stays.tail_ratio), r)).step(
        np.full(n, 3), np.zeros(n, dtype=int), np.full(n, 20.0), np.random.default_rng(7).random(n),
        np.random.default_rng(8).random(n))[0] for r in (1.0, 2.0)]
    assert draw[0].mean() == pytest.approx(100.0, rel=0.05)  # memoryless: 100 days more
    assert draw[1].mean() == pytest.approx(50.0, rel=0.05)
