"""The build's second process and the tables a log keeps: same answers, only sooner.

The demo build samples the twins in a second process and keeps derived tables with the log
(`generator.second_process`, `EventLog.derived`); these tests hold that nothing changes but
the time (the whole-build byte-identity test in test_build.py holds the rest).
"""

from __future__ import annotations

import operator

import numpy as np
import pandas as pd
import pytest

from generator.eventlog import EventLog
from generator.ingest.tabular import _blank_rows, stripped
from generator.second_process import call_in_second_process
from tests.helpers import log_of


@pytest.fixture(params=["forked", "started"])
def started_either_way(request, monkeypatch):
    """Linux forks the second process; elsewhere it is started as `python -m`: test both."""
    from generator import second_process

    monkeypatch.setattr(second_process, "FORK", request.param == "forked" and second_process.FORK)


def test_a_function_runs_in_a_second_process_and_its_result_comes_back(started_either_way):
    assert call_in_second_process(operator.add, 2, 3).result(timeout=60) == 5
    frame = pd.DataFrame({"a": [1, 2]})
    pd.testing.assert_frame_equal(call_in_second_process(operator.pos, frame).result(timeout=60), frame)


def test_an_error_in_the_second_process_is_raised_here_as_itself(started_either_way):
    with pytest.raises(ValueError, match="invalid literal"):
        call_in_second_process(int, "not a number").result(timeout=60)


@pytest.mark.slow
def test_twins_sampled_in_a_second_process_equal_those_sampled_here():
    from generator.ingest import read_sources
    from generator.products import TWIN_SEED, _sample_twins
    from generator.synth.twins import synthetic_twins
    from tests.test_twins import REPO

    log, _, _ = read_sources([REPO / "data" / "cin"])
    there = _sample_twins(log, None).result(timeout=300)
    here = synthetic_twins(log, seed=TWIN_SEED)
    pd.testing.assert_frame_equal(there.events, here.events)
    pd.testing.assert_frame_equal(there.children, here.children)


@pytest.mark.slow
def test_twins_measured_in_the_second_process_equal_those_measured_here():
    from generator.analyses.period import Period
    from generator.ingest import read_sources
    from generator.products import _sample_twins
    from generator.synth.fidelity import twin_figures
    from tests.test_twins import REPO

    log, _, _ = read_sources([REPO / "data" / "cin"])
    period = Period.of(log.events["date"].min(), log.events["date"].max())
    twins, there = _sample_twins(log, period).result(timeout=300)
    here = twin_figures(log, twins, period)
    assert there.metrics == here.metrics and there.privacy == here.privacy
    for name in ("volumes", "volume_distances", "junctions", "durations"):
        pd.testing.assert_frame_equal(getattr(there, name), getattr(here, name))


def _log() -> EventLog:
    return log_of([("a", "referral", "2020-01-01"), ("a", "assessment_start", "2020-01-02"),
                   ("b", "referral", "2020-02-01"), ("a", "referral", "2020-03-01"),
                   ("b", "contact", "2020-01-15")])


def test_rows_of_events_are_the_log_rows_in_the_log_order():
    log = _log()
    for names in [("referral",), ("referral", "contact"), ("contact", "referral"), ("s47",), ()]:
        expected = log.events[log.events["event"].isin(names)]
        pd.testing.assert_frame_equal(log.of_event(*names), expected)


def test_a_derived_table_is_made_once_copied_out_and_forgotten_with_new_events():
    log, made = _log(), []

    def make():
        made.append(1)
        return pd.DataFrame({"n": [len(log.events)]})

    first = log.derived("count", make)
    first.loc[0, "n"] = -1  # a caller changing its copy changes nothing kept
    assert log.derived("count", make)["n"].tolist() == [5] and len(made) == 1
    log.events = log.events.iloc[:2]
    assert log.derived("count", make)["n"].tolist() == [2] and len(made) == 2
    assert len(log.of_event("referral")) == 1


def test_stripped_values_equal_pandas_strip_with_na_kept():
    values = pd.Series([" a", "b ", None, np.nan, "", "  ", "A b ", "b "], index=range(10, 18), dtype=object)
    pd.testing.assert_series_equal(stripped(values), values.astype("string").str.strip())
    assert stripped(values, lower=True).tolist()[6] == "a b"


def test_blank_rows_are_rows_with_nothing_but_spaces_or_empty_cells():
    frame = pd.DataFrame({"id": ["x", None, " ", "", "y"], "date": [pd.NaT, pd.NaT, pd.NaT, pd.Timestamp("2020-01-01"), pd.NaT],
                          "n": [np.nan, np.nan, np.nan, np.nan, 1.0]})
    assert _blank_rows(frame).tolist() == [False, True, True, False, False]


def test_a_function_that_cannot_be_found_by_name_runs_here():
    def local(x):
        return x * 2

    assert call_in_second_process(local, 4).result() == 8


def test_a_forked_process_that_dies_is_an_error_here_not_a_wait():
    import os

    from generator import second_process

    if not second_process.FORK:
        pytest.skip("the build forks only on Linux")
    with pytest.raises(RuntimeError, match="no result"):
        call_in_second_process(os._exit, 3).result(timeout=60)


def test_the_result_of_a_forked_process_can_be_asked_for_twice_and_from_two_threads():
    from concurrent.futures import ThreadPoolExecutor

    future = call_in_second_process(operator.mul, 6, 7)
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda _: future.result(timeout=60), range(8))) == [42] * 8
    assert future.result() == 42
