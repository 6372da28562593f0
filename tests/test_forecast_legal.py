"""Legal status in the forecast's journey model, and the stays' constant-hazard tail, on
hand-built stays whose answer is known."""

import numpy as np
import pandas as pd
import pytest

from generator.analyses.forecast import Levers, fit_journey_model, forecast_stock, month_end_days, walk_journeys
from generator.analyses.forecast_legal import (
    NOT_LOOKED_AFTER,
    ON_AN_ORDER,
    OTHER_STATUS,
    SECTION_20,
    LegalArrivals,
    fit_legal_arrivals,
    has_legal_status,
    with_legal_status,
)
from generator.analyses.forecast_paths import LEAVES, TAIL_AT_RISK, fit_stays
from generator.analyses.forecast_rates import CENSORED, OFF

EPOCH = pd.Timestamp("1970-01-01")


def _day(date: str) -> float:
    return float((pd.Timestamp(date) - EPOCH).days)


def _care_events(rows):
    return pd.DataFrame(rows, columns=["child_id", "event", "date", "code"]).assign(date=lambda e: pd.to_datetime(e["date"]))


def test_each_stay_in_care_takes_the_legal_status_it_began_under_and_other_stays_none():
    # Child a: referral (station 0) on 1 May, into care (station 1) under s.20 on 3 May, an
    # interim care order on 20 May (no move), out of care to station 2 on 1 July.
    # Child b: into care on an interim care order on 2 June, still there.
    # Child c: into care with no legal status code (station 1).
    spells = pd.DataFrame({
        "child": [0, 0, 0, 1, 2], "station": [0, 1, 2, 1, 1],
        "start": [_day("2016-05-01"), _day("2016-05-03") - 0.25, _day("2016-07-01"), _day("2016-06-02"),
                  _day("2016-06-05")],
        "end": [_day("2016-05-03") - 0.25, _day("2016-07-01"), _day("2016-07-08"), _day("2016-09-30"),
                _day("2016-09-30")],
        "to": [1, 2, OFF, CENSORED, CENSORED], "entry": [True, False, False, True, True],
    })
    events = _care_events([
        ("a", "lac_start", "2016-05-03", "V2"), ("a", "legal_status", "2016-05-20", "C1"),
        ("a", "lac_end", "2016-07-01", "E13"), ("b", "lac_start", "2016-06-02", "C1"),
        ("c", "lac_start", "2016-06-05", None),
    ])
    legal = with_legal_status(spells, events, ["a", "b", "c"])["legal"].tolist()
    assert legal == [NOT_LOOKED_AFTER, SECTION_20, NOT_LOOKED_AFTER, ON_AN_ORDER, OTHER_STATUS]


def test_data_with_no_legal_status_codes_leave_the_model_without_the_covariate():
    spells = pd.DataFrame({"child": [0], "station": [1], "start": [_day("2016-06-02")], "end": [_day("2016-09-30")],
                           "to": [CENSORED], "entry": [True]})
    events = _care_events([("b", "lac_start", "2016-06-02", None)])
    marked = with_legal_status(spells, events, ["b"])
    assert marked["legal"].tolist() == [NOT_LOOKED_AFTER] and not has_legal_status(marked)


def _care_stays(n=400, seed=0):
    """Station 0 (care): children under s.20 stay 30 days, those on an order 300, then leave."""
    rng = np.random.default_rng(seed)
    legal = np.where(rng.random(n) < 0.5, SECTION_20, ON_AN_ORDER)
    start = _day("2014-04-01") + rng.uniform(0, 1000, n)
    return pd.DataFrame({"child": np.arange(n), "station": 0, "start": start,
                         "end": start + np.where(legal == SECTION_20, 30.0, 300.0), "to": OFF,
                         "entry": True, "age_band": 2, "legal": legal, "birth": start - 9 * 365.25})


def test_stays_in_care_are_drawn_by_legal_status():
    stays = fit_stays(_care_stays(), stations=1, ages=6, legal_groups=4)
    u = np.random.default_rng(1).random(2)
    stay, where = stays.step(np.full(2, 2), np.zeros(2, dtype=int), np.zeros(2), u, legal=np.array([1, 2]))
    assert stay.tolist() == pytest.approx([30.0, 300.0]) and (where == LEAVES).all()


def test_a_legal_status_with_too_few_moves_in_an_age_band_borrows_its_own_status_over_all_ages():
    spells = _care_stays()
    # Ten order stays of 16-year-olds, 20 days each: too few for their own estimate; they take
    # the order stays of all ages (mostly 300 days), not the station's (half of them 30 days).
    extra = spells.head(10).assign(age_band=4, legal=ON_AN_ORDER, end=lambda s: s["start"] + 20.0)
    stays = fit_stays(pd.concat([spells, extra]), stations=1, ages=6, legal_groups=4)
    stay, _ = stays.step(np.full(2000, 4), np.zeros(2000, dtype=int), np.zeros(2000),
                         np.random.default_rng(2).random(2000), legal=np.full(2000, ON_AN_ORDER))
    assert np.mean(np.isclose(stay, 300.0)) > 0.9


def test_past_the_stays_still_followed_a_stay_ends_at_the_tails_occurrence_exposure_rate():
    # 185 stays: 140 open (censored) at 100 days, 30 left at 150 days, 15 still open at 400.
    # Past 150 days only 15 (fewer than TAIL_AT_RISK) are followed: the tail begins at 150,
    # and with no move in it, its rate is 0 (the 15 stay for good, as before the tail).
    assert TAIL_AT_RISK == 20
    length = np.r_[np.full(140, 100.0), np.full(30, 150.0), np.full(15, 400.0)]
    to = np.r_[np.full(140, CENSORED), np.full(30, OFF), np.full(15, CENSORED)]
    stays = fit_stays(pd.DataFrame({"station": 0, "age_band": 0, "start": 0.0, "end": length, "to": to}),
                      stations=1, ages=1)
    assert stays.tail_start[0] == 150.0 and stays.tail_rate[0] == 0.0
    # Now 5 of the 15 long stays end at 250 days, going to station 1: the tail's rate is 5
    # moves over 5 x 100 + 10 x 250 = 3,000 days at risk past 150 days.
    length = np.r_[length[:170], np.full(5, 250.0), np.full(10, 400.0)]
    to = np.r_[to[:170], np.full(5, 1), np.full(10, CENSORED)]
    stays = fit_stays(pd.DataFrame({"station": 0, "age_band": 0, "start": 0.0, "end": length, "to": to}),
                      stations=2, ages=1)
    assert stays.tail_rate[0] == pytest.approx(5 / 3000)
    # A child 500 days in, past every stay seen, still moves on: exponential, mean 600 days.
    n = 20000
    stay, where = stays.step(np.zeros(n, dtype=int), np.zeros(n, dtype=int), np.full(n, 500.0),
                             np.random.default_rng(3).random(n), np.random.default_rng(4).random(n))
    assert np.isfinite(stay).all() and (where == 1).all()
    assert stay.mean() == pytest.approx(600.0, rel=0.03)
    # One 100 days in: a move at 150 days with the product-limit chance 30/45, else the tail.
    stay, _ = stays.step(np.zeros(n, dtype=int), np.zeros(n, dtype=int), np.full(n, 100.0),
                         np.random.default_rng(5).random(n), np.random.default_rng(6).random(n))
    assert np.mean(np.isclose(stay, 50.0)) == pytest.approx(30 / 45, abs=0.015)
    assert stay[~np.isclose(stay, 50.0)].mean() == pytest.approx(50.0 + 600.0, rel=0.05)


def test_legal_status_of_children_coming_into_care_follows_their_route_and_the_lever_moves_a_share():
    # Station 0 (not care) -> station 1 (care): 30 under s.20, 70 on an order.
    n = 100
    spells = pd.DataFrame({
        "child": np.repeat(np.arange(n), 2), "station": np.tile([0, 1], n),
        "start": np.tile([0.0, 10.0], n), "end": np.tile([10.0, 50.0], n), "to": np.tile([1, OFF], n),
        "entry": np.tile([True, False], n), "age_band": 2,
        "legal": np.r_[[(0, SECTION_20)] * 30, [(0, ON_AN_ORDER)] * 70].reshape(-1),
    })
    arrivals = fit_legal_arrivals(spells, stations=2, ages=6)
    assert isinstance(arrivals, LegalArrivals) and arrivals.care.tolist() == [False, True]
    u = (np.arange(10000) + 0.5) / 10000
    came_from, station, age = np.zeros(10000, dtype=int), np.ones(10000, dtype=int), np.full(10000, 2)
    drawn = arrivals.draw(came_from, station, age, u)
    assert np.mean(drawn == SECTION_20) == pytest.approx(0.3, abs=0.001)
    # Half of those on an order come in under s.20 instead: 30% + 0.5 x 70% = 65%.
    shifted = arrivals.draw(came_from, station, age, u, 0.5, np.random.default_rng(5).random(10000))
    assert np.mean(shifted == SECTION_20) == pytest.approx(0.65, abs=0.02)
    assert (arrivals.draw(came_from, np.zeros(10000, dtype=int), age, u) == NOT_LOOKED_AFTER).all()


def test_more_children_coming_into_care_under_section_20_shortens_their_stays_and_neutral_is_the_baseline():
    # Children arrive at station 0 (the front door) and go on to station 1 (care) after 5
    # days; in care, s.20 stays last 30 days and order stays 300.
    rng = np.random.default_rng(7)
    n = 3000
    start = np.sort(rng.uniform(_day("2014-04-01"), _day("2018-03-31"), n))
    legal = np.where(rng.random(n) < 0.5, SECTION_20, ON_AN_ORDER)
    end_care = start + 5 + np.where(legal == SECTION_20, 30.0, 300.0)
    last = _day("2018-03-31")
    spells = pd.DataFrame({
        "child": np.repeat(np.arange(n), 2), "station": np.tile([0, 1], n),
        "start": np.c_[start, start + 5].reshape(-1), "end": np.c_[start + 5, np.minimum(end_care, last)].reshape(-1),
        "to": np.c_[np.ones(n, dtype=int), np.where(end_care > last, CENSORED, OFF)].reshape(-1),
        "entry": np.tile([True, False], n), "birth": np.repeat(start - 9 * 365.25, 2), "age_band": 2,
        "legal": np.c_[np.zeros(n, dtype=int), legal].reshape(-1),
    })
    spells = spells[spells["start"] <= last].reset_index(drop=True)
    origin = int(month_end_days(pd.Period("2017-03", "M"), 1)[0])
    model = fit_journey_model(spells, 2, [0], origin)
    assert model.legal is not None
    base = forecast_stock(model, spells, 12, 400, seed=1)
    neutral = forecast_stock(model, spells, 12, 400, seed=1, levers=Levers(s20_entries=0.0))
    pd.testing.assert_frame_equal(base, neutral)
    more_s20 = forecast_stock(model, spells, 12, 400, seed=1, levers=Levers(s20_entries=0.5))
    in_care = (base["station"] == 1).to_numpy()
    # Steady state: 62 a month come in, half staying 300 days (about 10 months), half 1: about
    # 340 in care; moving half of the order entries to s.20 takes a quarter of them to 1 month.
    late = in_care & (base["month"] >= pd.Period("2017-12", "M")).to_numpy()
    assert (more_s20["mean"].to_numpy()[late] < 0.85 * base["mean"].to_numpy()[late]).all()


def test_walking_again_only_the_journeys_a_lever_can_change_gives_the_whole_walk_of_the_scenario():
    # Station 0 (the front door): some children leave, some go on to station 1 (care, s.20 or
    # an order). The what-if grid walks again only the journeys ever in care (each journey
    # draws its own numbers): the baseline with theirs swapped must be the scenario's whole walk.
    rng = np.random.default_rng(8)
    n = 2000
    start = np.sort(rng.uniform(_day("2014-04-01"), _day("2018-03-31"), n))
    legal = np.where(rng.random(n) < 0.5, SECTION_20, ON_AN_ORDER)
    to_care = rng.random(n) < 0.3
    end_care = start + 5 + np.where(legal == SECTION_20, 30.0, 300.0) * rng.exponential(1.0, n)
    last = _day("2018-03-31")
    spells = pd.DataFrame({
        "child": np.repeat(np.arange(n), 2), "station": np.tile([0, 1], n),
        "start": np.c_[start, start + 5].reshape(-1), "end": np.c_[start + 5, np.minimum(end_care, last)].reshape(-1),
        "to": np.c_[np.where(to_care, 1, OFF), np.where(end_care > last, CENSORED, OFF)].reshape(-1),
        "entry": np.tile([True, False], n), "birth": np.repeat(start - 9 * 365.25, 2), "age_band": 2,
        "legal": np.c_[np.zeros(n, dtype=int), legal].reshape(-1),
    })
    spells = spells[(spells["start"] <= last) & (spells["station"].eq(0) | np.repeat(to_care, 2))]
    origin = int(month_end_days(pd.Period("2017-03", "M"), 1)[0])
    model = fit_journey_model(spells.reset_index(drop=True), 2, [0], origin)
    watched = walk_journeys(model, spells, 12, 3, bootstraps=2, watch=[1])
    touched = [t for *_, t in watched]
    assert 0 < touched[0][1].mean() < 0.9  # some kernels' journeys reach care, not all
    base_part = walk_journeys(model, spells, 12, 3, bootstraps=2, keep=touched)
    for levers in (Levers(s20_entries=0.5), Levers(slow=((1, 1.3),))):
        whole = walk_journeys(model, spells, 12, 3, levers, bootstraps=2)
        part = walk_journeys(model, spells, 12, 3, levers, bootstraps=2, keep=touched)
        for b in range(2):
            for k in range(2):  # the children there now, the kernels
                swapped = watched[b][k] + part[b][k] - base_part[b][k]
                np.testing.assert_allclose(swapped, whole[b][k], atol=1e-9)
                assert not np.allclose(whole[b][k], watched[b][k])  # the lever did change the walk
