"""Pieces every chart of this family shares: the report's annotations on a time axis, and the
tooltip of a rate (which always shows its numerator and denominator)."""

from __future__ import annotations

import altair as alt
import pandas as pd

ANNOTATION_COLOUR = "#505a5f"


def annotation_layers(annotations: list, time_unit: str = "utcyearmonthdate") -> list:
    """A dashed rule and a label at each annotation's date, for layering on a time axis whose
    field is read with a utc time unit (dates as ISO strings, so no time zone shifts a day)."""
    if not annotations:
        return []
    notes = pd.DataFrame({"date": [f"{a.date:%Y-%m-%d}" for a in annotations], "label": [a.label for a in annotations]})
    base = alt.Chart(alt.Data(values=notes.to_dict("records")))
    x = alt.X(f"{time_unit}(date):T")
    return [
        base.mark_rule(strokeDash=[4, 3], color=ANNOTATION_COLOUR).encode(x=x),
        base.mark_text(align="left", dx=4, dy=2, baseline="top", color="#0b0c0c", fontSize=11).encode(x=x, y=alt.YValue(0), text=alt.Text("label:N")),
    ]


def rate_tooltip(count_title: str, n_title: str, extra: list | None = None) -> list:
    """Tooltip fields of a rate: the extra fields first, then the rate, its 95% interval, and
    its numerator and denominator."""
    return (extra or []) + [
        alt.Tooltip("pct:Q", title="Per cent", format=".1f"),
        alt.Tooltip("pct_low:Q", title="95% interval from", format=".1f"),
        alt.Tooltip("pct_high:Q", title="95% interval to", format=".1f"),
        alt.Tooltip("count:Q", title=count_title, format=","),
        alt.Tooltip("n:Q", title=n_title, format=","),
    ]


def iso_dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """``frame`` with the named timestamp columns as ``yyyy-mm-dd`` strings (for Vega)."""
    return frame.assign(**{c: frame[c].dt.strftime("%Y-%m-%d") for c in columns})


class Rows:
    """A chart's inline rows, held as one object while Altair builds the chart.

    Altair copies a chart's whole data, row by row, at every step of building it (each layer,
    encoding and property): for the demo that was most of the time spent on charts. It leaves
    an object it does not know alone, and asks it once for `to_dict` when the spec is written.
    """

    _schema = {"type": "array"}  # what Altair's `SchemaLike` asks of such an object

    def __init__(self, rows: list[dict]):
        self._rows = rows

    def to_dict(self, *args, **kwargs) -> list[dict]:
        """The rows, as new dicts for each spec they are written into (the privacy stage
        filters a spec's rows in place)."""
        return [dict(row) for row in self._rows]


def records(frame: pd.DataFrame) -> Rows:
    """Rows as JSON-safe dicts: NaN and NA become None (Vega reads null as missing)."""
    clean = frame.astype(object).where(frame.notna(), None)
    for column in frame.columns[[pd.api.types.is_datetime64_any_dtype(t) for t in frame.dtypes]]:
        # As Altair writes a timestamp (it never sees these rows one by one).
        clean[column] = [None if v is None else v.isoformat() for v in clean[column]]
    return Rows(clean.to_dict("records"))


def download_table(table: pd.DataFrame, numerator: str, denominator: str) -> pd.DataFrame:
    """A rate table as offered for download: ``count`` and ``n`` renamed to say what they
    count (``<numerator>_count``, ``<denominator>_count``; the privacy stage knows counts by
    that ending), ``pct`` columns kept."""
    return table.rename(columns={"count": f"{numerator}_count", "n": f"{denominator}_count"})


def spec_of(chart) -> dict:
    """The Vega-Lite dict of an Altair chart, not validated here: validation walks every row
    of the inline data and took seconds per page for a large county. The analytics pages'
    specs are validated against the Vega-Lite schema in tests/test_analytics_pages.py."""
    return chart.to_dict(validate=False)
