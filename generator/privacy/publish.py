"""The privacy stage: every rendered page and the headline figures, as they may be published.

It runs once, after every page has rendered and before the site is assembled, and it is the
only place that decides what a reader sees of a number. For each page it publishes:

* each chart: its table (CSV and the table under the chart), the data inside its spec, and
  its words (`Chart.describe`, written from the published table) or its whole spec when the
  chart draws from the published table (`Chart.draw`);
* each download (`generator.published.Table`);
* every table rounded to the precision the page shows (`generator.published.round_to_shown`):
  the one place a CSV's digits are decided;
* every marker in the template's variables: `Count`, `Metric`, `Table` (as a DataFrame) and
  `Derived`, walked through dicts, lists and tuples;
and the headline figures (metrics.json, the overview's tiles).

Internal reports pass through unchanged (markers resolve to their values). The site stage
receives `PublishedPage`s and never imports this package.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from generator.privacy import Privacy
from generator.privacy.suppression import SUPPRESSED, count_columns
from generator.published import Count, Derived, Metric, PublishedPage, Table, round_to_shown, shown_decimals


def publish(pages: list, metrics: dict, audience: str) -> tuple[list, dict]:
    """The pages and headline figures as they may be published.

    Parameters
    ----------
    pages : list of (PageOptions, RenderedPage)
    metrics : dict
        Headline figures as computed (`generator.analyses.headline.headline_metrics`).
    audience : {"internal", "public"}

    Returns
    -------
    (list of (PageOptions, PublishedPage), dict)
    """
    privacy = Privacy(audience)
    shown = privacy.metrics(metrics)
    stage = _Stage(privacy, shown)
    published = []
    for options, page in pages:
        published.append((options, PublishedPage(
            template=page.template,
            context=stage.resolve(page.context),
            charts=[stage.chart(chart) for chart in page.charts],
            data_scripts=dict(page.data_scripts),
            downloads={name: stage.table(table) for name, table in page.downloads.items()},
            scripts=list(page.scripts),
        )))
    return published, shown


class _Stage:
    def __init__(self, privacy: Privacy, metrics: dict):
        self.privacy = privacy
        self.metrics = metrics

    def table(self, table: Table | pd.DataFrame) -> pd.DataFrame:
        if isinstance(table, pd.DataFrame):
            table = Table(table)
        frame = table.frame
        for column in frame.columns[frame.dtypes == object]:
            if frame[column].map(lambda v: isinstance(v, Metric)).any():
                frame = frame.assign(**{column: frame[column].map(lambda v: self.resolve(v) if isinstance(v, Metric) else v)})
        shown = self.privacy.table(frame, table.counts, groups=table.groups, rates=table.rates, at_risk=table.at_risk)
        for column, others in (table.hidden_with or {}).items():
            hidden = (shown[column].astype(object) == SUPPRESSED).to_numpy()
            if hidden.any():
                shown = shown.assign(**{other: shown[other].astype(object).where(~hidden, SUPPRESSED) for other in others})
        counts = (table.counts if table.counts is not None else count_columns(frame)) + [table.at_risk] * bool(table.at_risk)
        return round_to_shown(shown, shown_decimals(shown, counts, table.decimals))

    def chart(self, chart):
        data, spec = self.privacy.chart(chart)
        counts = chart.counts if chart.counts is not None else count_columns(chart.data)
        description = chart.describe(data) if chart.describe is not None else chart.description
        if chart.draw is not None and data is not chart.data:  # unchanged table: the spec as drawn
            spec = chart.draw(data)
            spec["description"] = description
        elif description != chart.description:
            spec = {**spec, "description": description}
        # Rounded after the words and the spec are made from the table: the CSV and the table
        # under the chart carry the precision the page shows.
        decimals = shown_decimals(data, list(counts) + [chart.at_risk] * bool(chart.at_risk), chart.decimals)
        return replace(chart, data=round_to_shown(data, decimals), spec=spec, description=description,
                       counts=[c for c in counts if c in data.columns], describe=None, draw=None, decimals=decimals)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, Count):
            return self.privacy.count(value.value)
        if isinstance(value, Metric):
            return self.metrics.get(value.key)
        if isinstance(value, Table):
            return self.table(value)
        if isinstance(value, Derived):
            return value.make(self.table(value.table))
        if isinstance(value, dict):
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if isinstance(value, tuple) and not hasattr(value, "_fields"):
            return tuple(self.resolve(item) for item in value)
        return value
