"""Privacy: in public mode every number and row leaving for the site passes here.

Internal reports pass through unchanged. Public reports apply the DfE's disclosure control
(DOMAIN.md): counts 1-5 become "c". This module is the seam the public-audience work
(issue 6) fills in: secondary suppression, rounding, curve cutting and the output audit.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

SUPPRESSED = "c"
SMALLEST_SHOWN = 6


@dataclass(frozen=True)
class Privacy:
    audience: str = "internal"

    @property
    def public(self) -> bool:
        return self.audience == "public"

    def count(self, value: int | None) -> int | str | None:
        """A count as it may be shown: "c" for 1-5 in public reports."""
        if self.public and value is not None and 0 < value < SMALLEST_SHOWN:
            return SUPPRESSED
        return value

    def metrics(self, metrics: dict) -> dict:
        """Headline figures as they may be shown; a rate goes with its suppressed numerator."""
        if not self.public:
            return dict(metrics)
        shown = {key: (self.count(value) if isinstance(value, int) and not isinstance(value, bool) else value)
                 for key, value in metrics.items()}
        for key in [k[: -len("_pct")] for k in metrics if k.endswith("_pct")]:
            if shown.get(f"{key}_n") == SUPPRESSED or shown.get(f"{key}_d") == SUPPRESSED:
                shown[f"{key}_pct"] = SUPPRESSED
        return shown

    def table(self, frame: pd.DataFrame, count_columns: list[str]) -> pd.DataFrame:
        """A table as it may be downloaded: counts 1-5 suppressed in public reports."""
        if not self.public:
            return frame
        frame = frame.copy()
        for column in count_columns:
            frame[column] = frame[column].map(self.count).astype(object)
        return frame
