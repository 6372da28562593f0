"""How the fidelity comparison measures plans and periods of care: every one begun in the
period and in the front door's span, those still open at its end counted as lasting at least
that long (Kaplan-Meier quartiles), and none begun in a 903 history before the span."""

from __future__ import annotations

import pandas as pd

from generator.analyses.period import Period
from generator.synth import fidelity
from tests.helpers import log_of

PERIOD = Period.of(pd.Timestamp("2014-04-01"), pd.Timestamp("2015-12-31"))


def _care_log() -> object:
    rows = [("F", "contact", "2014-04-01")]  # the front door's first record: the span opens here
    # Three periods ended after 10, 20 and 30 days; two still open at the period's end.
    for child, days in (("A", 10), ("B", 20), ("C", 30)):
        start = pd.Timestamp("2015-01-01")
        rows += [(child, "lac_start", start), (child, "lac_end", start + pd.Timedelta(days=days))]
    rows += [(child, "lac_start", "2015-01-01") for child in ("D", "E")]
    # Begun in a 903 history long before the span: no start in the twins, so left out.
    rows += [("H", "lac_start", "2008-05-01"), ("H", "lac_end", "2015-02-01")]
    return log_of([(c, e, pd.Timestamp(d)) for c, e, d in rows])


def _period_of_care(log) -> pd.DataFrame:
    table = fidelity.duration_comparison(log, log, PERIOD)
    return table[table["duration"] == "Period of care (days)"].set_index("quartile")


def test_periods_still_open_count_as_lasting_to_the_periods_end_not_as_missing():
    rows = _period_of_care(_care_log())
    assert (rows["cases"] == 5).all()  # the five begun in the span; not the one begun in 2008
    # Kaplan-Meier: S = 0.8, 0.6, 0.4 after 10, 20, 30 days, so more than half have ended by
    # day 30 (the ended ones alone would give 20) and three quarters never do while followed.
    assert rows.loc["median", "real"] == 30.0
    assert rows.loc["lower quartile", "real"] == 20.0
    assert pd.isna(rows.loc["upper quartile", "real"])


def test_a_log_compared_with_itself_is_within_tolerance_at_distance_zero():
    rows = _period_of_care(_care_log()).dropna(subset=["real"])
    assert (rows["distance"] == 0).all() and rows["within"].all()
