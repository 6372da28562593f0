"""Charts: tidy DataFrames in, `Chart` (a Vega-Lite dict plus its data and words) out."""

from generator.charts.chart import Chart

__all__ = ["Chart"]
