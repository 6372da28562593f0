"""The forecast's rate estimator: events per person-time, split by time in station, with exact intervals."""

import numpy as np
import pandas as pd
import pytest

from generator.analyses.forecast_rates import (
    CENSORED,
    OFF,
    censor_at,
    poisson_rate_interval,
    spells_from_visits,
    split_by_duration,
    transition_rates,
)


def _person_time():
    # Station 0, age band 3: five stays, hand-built. Lengths 2, 5, 10, 40 and 100 days;
    # moves: to 1, to 2, to 1, off the map, censored (still open at the data's end).
    return pd.DataFrame({
        "station": [0] * 5, "age_band": [3] * 5,
        "start": [0.0, 0.0, 10.0, 20.0, 50.0],
        "end": [2.0, 5.0, 20.0, 60.0, 150.0],
        "to": [1, 2, 1, OFF, CENSORED],
    })


def test_rate_is_events_over_days_at_risk_and_censored_time_counts_as_exposure():
    spells = _person_time().assign(exposure=lambda s: s["end"] - s["start"])
    rates = transition_rates(spells, by=("station", "age_band"))
    # 157 days at risk in all (the censored 100 days included); 2 moves to 1, 1 to 2, 1 off.
    assert rates["exposure"].tolist() == [157.0] * 3
    assert dict(zip(rates["to"], rates["events"])) == {OFF: 1, 1: 2, 2: 1}
    assert rates.set_index("to").loc[1, "rate"] == pytest.approx(2 / 157)


def test_duration_bands_share_out_each_stay_and_put_the_move_in_the_band_it_happened():
    pieces = split_by_duration(_person_time(), (0.0, 7.0, 30.0))
    by_band = pieces.groupby("duration_band")["exposure"].sum().to_dict()
    # Band 0 (0-7 days): 2 + 5 + 7 + 7 + 7 = 28; band 1 (7-30): 3 + 23 + 23 = 49;
    # band 2 (30+): 10 + 70 = 80. Total 157, as before the split.
    assert by_band == {0: 28.0, 1: 49.0, 2: 80.0}
    rates = transition_rates(pieces).set_index(["duration_band", "to"])
    assert rates.loc[(0, 1), "rate"] == pytest.approx(1 / 28)
    assert rates.loc[(0, 2), "rate"] == pytest.approx(1 / 28)
    assert rates.loc[(1, 1), "rate"] == pytest.approx(1 / 49)
    assert rates.loc[(2, OFF), "rate"] == pytest.approx(1 / 80)
    assert (0, CENSORED) not in rates.index


def test_garwood_interval_matches_r_poisson_test():
    # R 4.3: poisson.test(10, 100)$conf.int -> 0.04795389 0.18390356;
    #        poisson.test(0, 50)$conf.int  -> 0.00000000 0.07377759.
    low, high = poisson_rate_interval([10, 0], [100.0, 50.0])
    np.testing.assert_allclose(low, [0.04795389, 0.0], atol=1e-7)
    np.testing.assert_allclose(high, [0.18390356, 0.07377759], atol=1e-7)


def test_spells_from_visits_reads_next_station_leaving_and_censoring():
    # Child 0: station 0 at day 10, station 2 at day 12, off the map at day 20.
    # Child 1: station 0 at day 15, still there at the data's end (day 30).
    ticks, open_tick = 8, np.iinfo(np.int64).max
    visits = pd.DataFrame({
        "child": [0, 0, 0, 1], "station": [0, 2, OFF, 0],
        "tick": [80, 96, 160, 120], "end_tick": [96, 160, 200, open_tick],
    })
    births = pd.Series(pd.to_datetime(["1969-01-01", None]))
    spells = spells_from_visits(visits, births, ticks, last_day=30, open_tick=open_tick)
    assert spells[["station", "start", "end", "to"]].values.tolist() == [
        [0, 10.0, 12.0, 2], [2, 12.0, 20.0, OFF], [0, 15.0, 30.0, CENSORED]]
    assert spells["entry"].tolist() == [True, False, True]
    assert spells["age_band"].tolist() == [1, 1, 5]  # aged just over 1 (band "1 to 4"); birth not known


def test_censor_at_a_forecast_origin_hides_what_came_after():
    known = censor_at(_person_time(), 30.0)
    assert len(known) == 4  # the stay starting on day 50 is not yet known
    assert known["end"].tolist() == [2.0, 5.0, 20.0, 30.0]
    assert known["to"].tolist() == [1, 2, 1, CENSORED]
