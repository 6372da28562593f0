"""Privacy: in public mode every number and row leaving for the site passes here.

Internal reports pass through unchanged (their ids may be pseudonymised: `pseudonymise`).
Public reports get the DfE's disclosure control (DOMAIN.md), one module per job:

* `suppression`: counts 1-5 shown as "c", secondary suppression within the groups whose
  totals are shown, rates and statistics hidden with their counts;
* `curves`: survival and cumulative curves cut where fewer than 10 remain at risk, at-risk
  counts rounded;
* `charts`: a chart's CSV, its table and the data inside its Vega-Lite spec, consistently;
* `journeys`: what makes a journey a fingerprint (the twins' privacy check and the audit's);
* `audit`: the last look at every output file before anything is written.

`Privacy` is the one object pages and the site hold; `Privacy(audience)` is enough.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from generator.privacy.suppression import SMALLEST_RATE_EVENTS, SMALLEST_SHOWN, SUPPRESSED, count_columns

__all__ = ["Privacy", "SUPPRESSED", "SMALLEST_SHOWN", "count_columns"]


@dataclass(frozen=True)
class Privacy:
    audience: str = "internal"

    @property
    def public(self) -> bool:
        return self.audience == "public"

    def count(self, value: int | None) -> int | str | None:
        """A count as it may be shown: "c" for 1-5 in public reports."""
        if self.public and value is not None and not isinstance(value, str) and 0 < value < SMALLEST_SHOWN:
            return SUPPRESSED
        return value

    def metrics(self, metrics: dict) -> dict:
        """Headline figures as they may be shown.

        Counts 1-5 become "c"; a ``<key>_pct`` goes with its numerator and denominator
        (``<key>_n``, ``<key>_d``): hidden when either is, or when it rests on fewer than 3
        events. A median (``<key>_median_working_days``) is hidden when the cases it is the
        median of (the denominator of ``<key>_within..._pct``) number 1-5.
        """
        if not self.public:
            return dict(metrics)
        shown = {key: (self.count(value) if isinstance(value, int) and not isinstance(value, bool) else value)
                 for key, value in metrics.items()}
        for key in [k[: -len("_pct")] for k in metrics if k.endswith("_pct")]:
            numerator, denominator = metrics.get(f"{key}_n"), metrics.get(f"{key}_d")
            if shown.get(f"{key}_n") == SUPPRESSED or shown.get(f"{key}_d") == SUPPRESSED or (
                    isinstance(numerator, int) and numerator < SMALLEST_RATE_EVENTS and denominator):
                shown[f"{key}_pct"] = SUPPRESSED
        for key in [k for k in metrics if k.endswith("_median_working_days")]:
            prefix = key[: -len("_median_working_days")]
            denominators = [v for k, v in metrics.items() if k.startswith(prefix + "_within") and k.endswith("_d")]
            if any(isinstance(d, int) and d < SMALLEST_SHOWN for d in denominators):
                shown[key] = SUPPRESSED
        return shown

    def table(self, frame: pd.DataFrame, count_columns: list[str] | None = None, *, groups: list | None = None,
              rates: dict[str, tuple[str, str]] | None = None, at_risk: str | None = None) -> pd.DataFrame:
        """A table as it may be downloaded or shown.

        Public: counts 1-5 and the cells that would give them away are "c", rates and
        statistics of those rows too, curves cut, dates at month precision. ``count_columns``
        defaults to the columns whose names read as counts; ``groups`` to every total.
        """
        if not self.public:
            return frame
        from generator.privacy.charts import public_table

        return public_table(frame.reset_index(drop=True), counts=count_columns, groups=groups, rates=rates,
                            at_risk=at_risk)[0]

    def chart(self, chart) -> tuple[pd.DataFrame, dict]:
        """A chart's table and Vega-Lite spec as they may be published (`charts`)."""
        if not self.public:
            return chart.data, chart.spec
        from generator.privacy.charts import public_chart

        return public_chart(chart)
