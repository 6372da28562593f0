"""The demo county's tables for the court pages: its children's assessment factors and an
area-aggregates table that sets the county among synthetic LAs.

`synth demo` writes them beside the proceedings list (with `--format cin` the factors go into
the census, on the demo's own assessments: `factors_at_assessments`), each from a random
generator of its own, so every other file of the demo stays as it was. The factors are drawn
for the children of the demo's own proceedings (`generator.synth.proceedings.demo_legal`), at
assessments near the application, after the final order and a year later (the demo's records
are four years long, too short for the seed's four-year follow-up), with the patterns of
`generator.synth.court_areas`: the carers' problems fall over time, and abuse or neglect is
recorded more often the more problems the carers have. The area aggregates give supervision
orders of all final orders per LA and calendar year for twenty LAs drawn by
`generator.synth.court_areas.court_areas`, and for the demo county counted from its own list.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from generator.synth.court_areas import ORDER_WORDS, _factors, court_areas
from generator.synth.proceedings import ORDER_WORDING

#: Second keys of the demo's generators for the factors and for the other LAs.
FACTORS_STREAM = 17
AREAS_STREAM = 1717
#: What `synth demo` names the two files (`generator.cli`).
COURT_FILES = ("assessment_factors.csv", "area_aggregates.csv")
#: The follow-up assessment, this many days after the final order.
FOLLOW_UP_DAYS = 365
#: Other LAs in the area aggregates, and their children with a final order a year (the demo
#: county makes 80-100 of the six orders a year).
OTHER_LAS = 20
OTHER_PER_YEAR = 80
#: Calendar years the aggregates cover: those wholly inside the demo's records.
AREA_YEARS = ("2015", "2016", "2017")
#: The demo county's region (its courts are Kent's).
DEMO_REGION = "South East"
MEASURE = "Supervision orders of all final orders"


def demo_cases(sheet: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """The proceedings list as the generator knew it: ``child_id`` (from ``truth``, row for
    row), ``application_date``, ``final_date`` and ``final_order`` (a key of ORDER_WORDING)."""
    words = {v: k for k, v in ORDER_WORDING.items()}
    return pd.DataFrame({
        "child_id": truth["child_id"].to_numpy(),
        "application_date": pd.to_datetime(sheet["Date of application"], format="%d/%m/%Y").to_numpy(),
        "final_date": pd.to_datetime(sheet["Final hearing date"], format="%d/%m/%Y").to_numpy(),
        "final_order": sheet["Final order"].map(words).to_numpy()})


def demo_factors(cases: pd.DataFrame, rng: np.random.Generator, la: str, last_day: pd.Timestamp) -> pd.DataFrame:
    """Assessment factors (``child_id``, ``date``, ``factors``) of every child in ``cases``,
    drawn around the child's first proceedings; none after ``last_day``."""
    first = cases.sort_values(["application_date", "child_id"], kind="mergesort").drop_duplicates("child_id")
    first = first.reset_index(drop=True).assign(la=la)
    factors = _factors(rng, first, end=last_day, follow_up_days=FOLLOW_UP_DAYS)
    factors = factors.drop(columns="la").sort_values(["child_id", "date"], kind="mergesort")
    return factors.assign(date=factors["date"].dt.strftime("%Y-%m-%d")).reset_index(drop=True)


def factors_at_assessments(factors: pd.DataFrame, events: pd.DataFrame, window_days: int = 183) -> pd.DataFrame:
    """``factors`` (``child_id``, ``date``, ``factors``) moved onto the child's nearest assessment
    of ``events`` (``assessment_authorised``) within ``window_days``, one row per code
    (``child_id``, ``date``, ``factor``): a CIN census records factors on its assessments, so
    `synth demo --format cin` writes those of the demo's own. A set of factors with no
    assessment near it is left out; of two sets nearest the same assessment, the first."""
    from generator.ingest.assessment_factors import split_factors

    assessed = events.loc[events["event"] == "assessment_authorised", ["child_id", "date"]]
    assessed = assessed.astype({"child_id": str}).rename(columns={"date": "_assessed"}).sort_values("_assessed")
    drawn = factors.astype({"child_id": str}).assign(date=pd.to_datetime(factors["date"])).sort_values("date", kind="mergesort")
    hit = pd.merge_asof(drawn, assessed, left_on="date", right_on="_assessed", by="child_id", direction="nearest",
                        tolerance=pd.Timedelta(days=window_days)).dropna(subset=["_assessed"])
    hit = hit.drop_duplicates(["child_id", "_assessed"])
    long = hit.assign(factor=hit["factors"].map(split_factors)).explode("factor").dropna(subset=["factor"])
    return pd.DataFrame({"child_id": long["child_id"].to_numpy(), "date": long["_assessed"].to_numpy(),
                         "factor": long["factor"].to_numpy()}).sort_values(["child_id", "date"], kind="mergesort")


def _supervision_share(frame: pd.DataFrame, area: str) -> pd.DataFrame:
    """Supervision orders of all six final orders per calendar year of ``frame`` (``area``,
    ``final_date``, ``final_order``), for AREA_YEARS."""
    made = frame[frame["final_order"].isin(list(ORDER_WORDS)) & frame["final_date"].notna()]
    made = made.assign(period=made["final_date"].dt.year.astype(str),
                       so=(made["final_order"] == "supervision_order").astype(int))
    made = made[made["period"].isin(AREA_YEARS)]
    out = made.groupby([area, "period"]).agg(numerator=("so", "sum"), denominator=("so", "size")).reset_index()
    return out.rename(columns={area: "area"})


def demo_area_aggregates(cases: pd.DataFrame, rng: np.random.Generator, la: str) -> pd.DataFrame:
    """Supervision orders of all final orders per LA and year: OTHER_LAS LAs drawn by
    `court_areas` with ``rng``, and the demo county (``la``) counted from ``cases``."""
    others = court_areas(OTHER_LAS, OTHER_PER_YEAR, seed=rng).proceedings
    others = others.assign(area="Synthetic LA " + others["la"].str[2:])
    regions = others.drop_duplicates("area").set_index("area")["region"]
    table = pd.concat([_supervision_share(cases.assign(area=la), "area").assign(region=DEMO_REGION),
                       (rows := _supervision_share(others, "area")).assign(region=rows["area"].map(regions).to_numpy())],
                      ignore_index=True)
    table = table.sort_values(["period", "area"], kind="mergesort").reset_index(drop=True)
    return table.assign(measure=MEASURE)[["measure", "area", "region", "period", "numerator", "denominator"]]


def write_demo_court(out: Path, sheet: pd.DataFrame, truth: pd.DataFrame, seed: int, la: str,
                     last_day: pd.Timestamp, factors_file: bool = True) -> tuple[list[Path], pd.DataFrame]:
    """Write the demo's assessment factors and area aggregates (COURT_FILES) into ``out`` from
    the proceedings list ``sheet`` and its ``truth``; the factors file only when
    ``factors_file`` (a CIN census carries them instead). Returns the paths written and the
    factors (``child_id``, ``date``, ``factors``)."""
    cases = demo_cases(sheet, truth)
    tables = (demo_factors(cases, np.random.default_rng([seed, FACTORS_STREAM]), la, last_day),
              demo_area_aggregates(cases, np.random.default_rng([seed, AREAS_STREAM]), la))
    paths = []
    for name, table in zip(COURT_FILES, tables):
        if name == COURT_FILES[0] and not factors_file:
            continue
        table.to_csv(Path(out) / name, index=False, lineterminator="\n")
        paths.append(Path(out) / name)
    return paths, tables[0]
