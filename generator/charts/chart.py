"""`Chart`: what a page hands the site for one figure.

A chart is more than its Vega-Lite spec: it has a title that names the finding's subject, a
text description that becomes its accessible name, and the tidy table behind it, which the
site writes as `downloads/<id>.csv` and links under the chart.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass
class Chart:
    """One figure of a page.

    Attributes
    ----------
    id : str
        Unique in the report; the CSV is ``downloads/<id>.csv``. Lowercase, digits, hyphens.
    title : str
        Shown above the chart; says what the chart is about.
    description : str
        One or two sentences for screen readers: what is shown and the main finding.
    spec : dict
        Vega-Lite spec (from Altair's ``to_dict()``), data inlined.
    data : DataFrame
        The numbers behind the chart, as offered for download.
    """

    id: str
    title: str
    description: str
    spec: dict
    data: pd.DataFrame
