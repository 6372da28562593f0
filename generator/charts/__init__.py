"""Charts: tidy DataFrames in, `Chart` (a Vega-Lite dict plus its data and words) out."""

from contextlib import contextmanager

from generator.charts.chart import Chart


@contextmanager
def unchecked_while_built():
    """Altair's checking of every piece of a chart against the Vega-Lite schema as it is made
    (its debug mode) off while the pages are drawn: it was a fifth of a build's time. The whole
    specs are validated against the schema in tests/test_analytics_pages.py."""
    from altair.utils.schemapi import debug_mode

    with debug_mode(False):
        yield


__all__ = ["Chart", "unchecked_while_built"]
