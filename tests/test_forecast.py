"""The forecast's journey model on systems whose answer is known in closed form."""

import numpy as np
import pandas as pd
import pytest

from generator.analyses.forecast import Levers, fit_journey_model, forecast_stock, month_end_days, stock_on
from generator.analyses.forecast_paths import LEAVES, fit_stays
from generator.analyses.forecast_rates import CENSORED, OFF

DAY0 = int((pd.Timestamp("2014-04-01") - pd.Timestamp("1970-01-01")).days)
LAST = int((pd.Timestamp("2018-03-31") - pd.Timestamp("1970-01-01")).days)


def _queue(arrivals_per_day=4.0, mean_stay=60.0, seed=3):
    """An M/M/infinity queue as spells: Poisson arrivals at station 0, exponential stays, then
    off the map; 8-year-olds. Its stock is Poisson with mean arrivals x mean stay (= 240)."""
    rng = np.random.default_rng(seed)
    n = rng.poisson(arrivals_per_day * (LAST - DAY0 + 1))
    start = np.sort(rng.uniform(DAY0, LAST + 1, n))
    end = start + rng.exponential(mean_stay, n)
    open_ = end > LAST
    return pd.DataFrame({
        "child": np.arange(n), "station": 0, "start": start, "end": np.where(open_, float(LAST), end),
        "to": np.where(open_, CENSORED, OFF), "entry": True,
        "birth": start - 8 * 365.25, "age_band": 2,
    })


def test_a_queue_of_known_stays_is_forecast_at_its_poisson_level_and_spread():
    spells = _queue()
    origin = int(month_end_days(pd.Period("2017-03", "M"), 1)[0])
    model = fit_journey_model(spells, 1, [0], origin)
    ahead = forecast_stock(model, spells, horizon=12, draws=2000, seed=1)
    # Steady state: Poisson(240), whose 95% interval (210 to 271) is 61 wide. The model also
    # carries the doubt of its own fit (the arrivals' trend and season, bootstrapped stays), so
    # its interval is somewhat wider, never narrower, and holds the true level.
    late = ahead[ahead["month"] >= pd.Period("2017-10", "M")]
    assert late["mean"].mean() == pytest.approx(240, rel=0.05)
    assert ((late["low95"] < 240) & (late["high95"] > 240)).all()
    width = (late["high95"] - late["low95"]).mean()
    assert 61 <= width < 1.6 * 61
    actual = stock_on(spells, month_end_days(pd.Period("2017-04", "M"), 12), 1)[:, 0]
    inside = (actual >= ahead["low95"].to_numpy()) & (actual <= ahead["high95"].to_numpy())
    assert inside.mean() >= 11 / 12



def test_arrivals_are_counted_from_the_first_arrival_not_from_an_earlier_history():
    # A 903 history: stays at a second station (care) from 2002, twelve years before the first
    # contact. Those empty years are not years without arrivals: were they counted, the trend
    # would read a leap from nothing and the forecast would grow without end.
    spells = _queue()
    history = pd.DataFrame({"child": spells["child"].max() + 1 + np.arange(50), "station": 1,
                            "start": DAY0 - 4000 + 60.0 * np.arange(50), "to": OFF, "entry": False,
                            "age_band": 2})
    history = history.assign(end=history["start"] + 30, birth=history["start"] - 8 * 365.25)
    both = pd.concat([spells, history], ignore_index=True)
    origin = int(month_end_days(pd.Period("2017-03", "M"), 1)[0])
    model = fit_journey_model(both, 2, [0], origin)
    assert [arrivals.origin for arrivals in model.arrivals] == [pd.Period("2014-05", "M")]
    ahead = forecast_stock(model, both, horizon=12, draws=500, seed=1)
    assert ahead.loc[ahead["station"] == 0, "mean"].mean() == pytest.approx(240, rel=0.06)

def test_children_there_at_the_origin_leave_as_their_stays_say():
    # Every stay lasts exactly 100 days: a child 70 days in on the origin leaves 30 days later.
    spells = pd.DataFrame({"child": np.arange(400), "station": 0, "start": np.arange(400) * 2.0,
                           "end": np.arange(400) * 2.0 + 100, "to": OFF, "age_band": 2})
    stays = fit_stays(spells, stations=1, ages=6)
    stay, where = stays.step(np.full(3, 2), np.zeros(3, dtype=int), np.array([0.0, 70.0, 99.5]),
                             np.random.default_rng(0).random(3))
    assert stay.tolist() == pytest.approx([100.0, 30.0, 0.5])
    assert (where == LEAVES).all()


def test_a_thin_age_band_borrows_its_station_stays():
    spells = pd.DataFrame({"child": np.arange(50), "station": 0, "start": 0.0,
                           "end": np.r_[np.full(45, 10.0), np.full(5, 500.0)], "to": OFF,
                           "age_band": np.r_[np.full(45, 1), np.full(5, 4)]})
    stays = fit_stays(spells, stations=1, ages=6)
    # Five moves in band 4 are too few for its own stays: it draws from all 50 (90% at 10 days).
    stay, _ = stays.step(np.full(4000, 4), np.zeros(4000, dtype=int), np.zeros(4000), np.random.default_rng(1).random(4000))
    assert np.mean(stay == 10.0) == pytest.approx(0.9, abs=0.03)


def test_neutral_levers_reproduce_the_baseline_exactly_and_longer_stays_raise_the_stock():
    spells = _queue(seed=5)
    origin = int(month_end_days(pd.Period("2017-03", "M"), 1)[0])
    model = fit_journey_model(spells, 1, [0], origin)
    base = forecast_stock(model, spells, 12, 400, seed=2)
    neutral = forecast_stock(model, spells, 12, 400, seed=2, levers=Levers(slow=((0, 1.0),), arrivals_growth=0.0))
    pd.testing.assert_frame_equal(base, neutral)
    slower = forecast_stock(model, spells, 12, 400, seed=2, levers=Levers(slow=((0, 1.5),)))
    assert (slower["mean"].to_numpy()[3:] > base["mean"].to_numpy()[3:] * 1.3).all()


def test_the_packaged_costs_load_and_a_negative_cost_is_refused_with_its_key(tmp_path):
    from generator.analyses.forecast_costs import load_costs
    from generator.errors import InputError
    from tests.conftest import REPO

    costs = load_costs(REPO / "content" / "costs.yaml")
    assert costs.day_costs(["looked_after", "contact"]).tolist() == [92.29, 0.0]  # PSSRU 2017: 646 a week
    bad = tmp_path / "costs.yaml"
    bad.write_text("per_day: {looked_after: -5}\nper_arrival: {contact: 10}\n")
    with pytest.raises(InputError) as error:
        load_costs(bad)
    assert "per_day.looked_after" in str(error.value) and "below 0" in str(error.value)


def test_the_forecast_cost_interval_is_the_cost_of_each_future_not_a_sum_of_intervals():
    from generator.analyses.forecast_costs import cost_summary

    rng = np.random.default_rng(0)
    # Two stations whose counts move together: the cost's interval is as wide as one station's
    # doubled, and its mean the mean cost.
    shared = rng.normal(100, 10, size=(4000, 1, 1))
    samples = np.concatenate([shared, shared], axis=2)
    summary = cost_summary(samples, [30], np.array([1.0, 1.0]))
    assert summary["mean"] == pytest.approx(6000, rel=0.01)
    assert summary["high95"] - summary["low95"] == pytest.approx(2 * 30 * 2 * 1.96 * 10, rel=0.08)
