"""Care proceedings in several synthetic LAs, with their children's assessment factors.

Every number here is invented, chosen so that each chart of the court pages has something
true to find: the LAs sit in DFJ areas in four regions, and a London LA makes more supervision
orders than a North West one (the seed's section 6 comparison), each LA leaning its own way
around its region; supervision orders and special guardianship orders with supervision grow
year on year while care orders fall; after a standalone supervision order a child is the
likeliest to come back to court within five years, after a placement order the least; and
the carers' problems recorded at assessment (alcohol, drugs, domestic abuse, mental health)
are common at the start of proceedings, rarer at their end and rarer still four years on,
while abuse or neglect is recorded more often the more problems the carers have.

`court_areas` draws the tables in memory; `write_court_areas` writes one folder per LA as an
LA exports them (a proceedings list, a tidy event log of applications and final orders, a
children table, assessment factors), and an area-aggregates table of supervision orders of
all orders per DFJ area and year, as a published table would give it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

#: Region -> lean towards supervision orders (log-odds), and the DFJ areas in it.
REGIONS = {"London": (0.6, ("East London", "West London", "Central London")),
           "North West": (-0.5, ("Liverpool", "Manchester", "Lancashire")),
           "South East": (0.0, ("Kent", "Thames Valley", "Sussex")),
           "Midlands": (0.2, ("Birmingham", "Nottingham", "Leicester"))}
#: Final orders as a legal department writes them, with their base share (log scale) and the
#: change in log-odds per year.
ORDER_WORDS = {"supervision_order": "Supervision order", "care_order": "Care order", "placement_order": "Placement order",
               "sgo": "Special guardianship order", "sgo_with_supervision": "SGO with supervision order",
               "child_arrangements_order": "Child arrangements order"}
BASE_SHARE = np.log(np.array([0.16, 0.32, 0.20, 0.14, 0.08, 0.10]))
TREND = np.array([0.06, -0.05, -0.02, 0.0, 0.10, 0.0])
#: Yearly hazard of new proceedings after each order (same order as ORDER_WORDS).
RETURN_HAZARD = np.array([0.06, 0.012, 0.005, 0.015, 0.012, 0.025])
YEARS = range(2012, 2021)
#: The end of the records: proceedings still before the court then have no final order yet.
END = pd.Timestamp("2020-12-31")
#: Carer problems: chance at the start of proceedings, at the end, at follow-up.
CARER = {"1B": (0.30, 0.18, 0.12), "2B": (0.35, 0.20, 0.14), "3B": (0.50, 0.30, 0.20), "4B": (0.45, 0.35, 0.30),
         "5B": (0.10, 0.10, 0.10), "6B": (0.08, 0.09, 0.10)}
#: The child's own problems: some fall with safety, some grow with age.
CHILD = {"3A": (0.25, 0.12, 0.08), "4A": (0.10, 0.12, 0.20), "14A": (0.08, 0.10, 0.16), "15A": (0.03, 0.04, 0.08),
         "10A": (0.04, 0.04, 0.07)}


@dataclass(frozen=True)
class CourtAreas:
    """The synthetic LAs' tables: proceedings (one row per child per set of proceedings, with
    ``la``), children, assessment factors (``child_id``, ``date``, ``factors``), and the area
    aggregates (``area``, ``region``, ``period``, ``numerator``, ``denominator``)."""

    proceedings: pd.DataFrame
    children: pd.DataFrame
    factors: pd.DataFrame
    areas: pd.DataFrame


def _las(rng: np.random.Generator, las: int) -> pd.DataFrame:
    regions = list(REGIONS)
    rows = []
    for i in range(las):
        region = regions[i % len(regions)]
        lean, dfjs = REGIONS[region]
        rows.append({"la": f"la{i + 1:02d}", "region": region, "dfj_area": dfjs[(i // len(regions)) % len(dfjs)],
                     "lean": lean + rng.normal(0, 0.25), "size": rng.uniform(0.5, 1.6)})
    return pd.DataFrame(rows)


def _orders(rng: np.random.Generator, lean: np.ndarray, year: np.ndarray) -> np.ndarray:
    logits = BASE_SHARE[None, :] + TREND[None, :] * (year[:, None] - YEARS[0])
    logits[:, 0] += lean
    logits[:, 4] += 0.5 * lean  # an LA that likes supervision likes it with an SGO too
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    return (p.cumsum(axis=1) > rng.random(len(year))[:, None]).argmax(axis=1)


def court_areas(las: int = 12, per_year: int = 30, seed: int | np.random.Generator = 2019) -> CourtAreas:
    """Draw the proceedings, children and assessment factors of ``las`` synthetic LAs.

    Parameters
    ----------
    las : int
        Number of LAs (spread over four regions and their DFJ areas).
    per_year : int
        Children whose proceedings end each year in an LA of average size.
    seed : int or numpy.random.Generator
        The random generator's seed (the same seed gives the same tables), or a generator.
    """
    rng = np.random.default_rng(seed)
    authorities = _las(rng, las)
    counts = rng.poisson(per_year * np.outer(authorities["size"], np.ones(len(YEARS))))
    la_index = np.repeat(np.repeat(np.arange(las), len(YEARS)), counts.ravel())
    year = np.repeat(np.tile(np.array(YEARS), las), counts.ravel())
    n = len(year)
    final = pd.to_datetime([f"{y}-01-01" for y in year]) + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    weeks = np.clip(rng.gamma(6, 6.5, n), 8, 120)
    application = final - pd.to_timedelta(np.round(weeks * 7), unit="D")
    age_years = np.clip(rng.exponential(4.5, n), 0, 14.5)
    birth = application - pd.to_timedelta(np.round(age_years * 365.25), unit="D")
    order = _orders(rng, authorities["lean"].to_numpy()[la_index], year)
    child = np.array([f"C{i + 1:06d}" for i in range(n)])
    first = pd.DataFrame({"la": authorities["la"].to_numpy()[la_index], "child_id": child, "birth_date": birth,
                          "sex": rng.choice(["1", "2"], n), "application_date": application, "final_date": final,
                          "final_order": np.array(list(ORDER_WORDS))[order]})
    # Return to court: an exponential wait with the order's hazard, if before 18 and the end.
    wait = np.minimum(rng.exponential(365.25 / RETURN_HAZARD[order]), 40 * 365)
    back = final + pd.to_timedelta(np.round(wait), unit="D")
    returns = (back < END - pd.Timedelta(days=200)) & (back < birth + pd.DateOffset(years=16))
    again = first[returns].copy()
    again["application_date"] = back[returns]
    again["final_date"] = again["application_date"] + pd.to_timedelta(np.round(rng.gamma(6, 6.5, len(again)) * 7), unit="D")
    again["final_order"] = np.array(list(ORDER_WORDS))[_orders(rng, authorities.set_index("la").loc[again["la"], "lean"]
                                                               .to_numpy(), again["final_date"].dt.year.to_numpy())]
    again.loc[again["final_date"] > END, ["final_date", "final_order"]] = [pd.NaT, None]  # still before the court
    proceedings = pd.concat([first, again], ignore_index=True).sort_values(["la", "application_date"], kind="mergesort")
    proceedings = proceedings.merge(authorities[["la", "dfj_area", "region"]], on="la").reset_index(drop=True)
    proceedings.insert(0, "case_number", [f"{la.upper()}-{i:05d}" for i, la in enumerate(proceedings["la"])])
    children = first[["la", "child_id", "sex"]].assign(birth_month=first["birth_date"].dt.to_period("M").dt.to_timestamp())
    return CourtAreas(proceedings, children, _factors(rng, first), _aggregates(proceedings))


def _factors(rng: np.random.Generator, first: pd.DataFrame, end: pd.Timestamp = END,
             follow_up_days: int = 4 * 365) -> pd.DataFrame:
    """Assessments near the application, after the final order and ``follow_up_days`` after it
    (none after ``end``, the records' last day), with factors."""
    n = len(first)
    rows = []
    for point, (offset, spread) in enumerate(((-40, 30), (20, 30), (follow_up_days, 60))):
        at = (first["application_date"] if point == 0 else first["final_date"]) + pd.to_timedelta(
            offset + rng.integers(-spread, spread + 1, n), unit="D")
        kept = (rng.random(n) < (0.95, 0.85, 0.55)[point]) & (at <= end)
        codes = [[] for _ in range(n)]
        carers = np.zeros(n, dtype=int)
        for code, chances in {**CARER, **CHILD}.items():
            has = rng.random(n) < chances[point]
            carers += has & (code in CARER)
            for i in np.flatnonzero(has):
                codes[i].append(code)
        # Abuse or neglect grows with the carers' problems (a logistic in their number).
        abuse = rng.random(n) < 1 / (1 + np.exp(-(-1.6 + 0.55 * carers - 0.6 * point)))
        kinds = rng.choice(["16A", "17A", "18C", "19C"], n, p=[0.5, 0.3, 0.15, 0.05])
        for i in np.flatnonzero(kept):
            listed = codes[i] + ([kinds[i]] if abuse[i] else [])
            rows.append((first["la"].iat[i], first["child_id"].iat[i], at.iat[i], ",".join(listed) or "21"))
    return pd.DataFrame(rows, columns=["la", "child_id", "date", "factors"])


def _aggregates(proceedings: pd.DataFrame) -> pd.DataFrame:
    made = proceedings[proceedings["final_order"].notna()]
    made = made.assign(period=made["final_date"].dt.year.astype(str),
                       so=(made["final_order"] == "supervision_order").astype(int))
    out = made.groupby(["dfj_area", "region", "period"]).agg(numerator=("so", "sum"), denominator=("so", "size"))
    return out.reset_index().rename(columns={"dfj_area": "area"})


def write_court_areas(out: Path, las: int = 12, per_year: int = 30, seed: int = 2019) -> list[Path]:
    """Write `court_areas` as the files an LA exports, one subfolder per LA, and the area
    aggregates beside them; returns the paths written."""
    data = court_areas(las, per_year, seed)
    out = Path(out)
    paths = []
    for la, rows in data.proceedings.groupby("la", sort=True):
        folder = out / la
        folder.mkdir(parents=True, exist_ok=True)
        listed = pd.DataFrame({
            "Case number": rows["case_number"], "Child ID": rows["child_id"],
            "Date of birth": rows["birth_date"].dt.strftime("%Y-%m-%d"), "Sex": rows["sex"],
            "Date of application": rows["application_date"].dt.strftime("%Y-%m-%d"),
            "Final hearing date": rows["final_date"].dt.strftime("%Y-%m-%d"),
            "Final order": rows["final_order"].map(ORDER_WORDS), "DFJ area": rows["dfj_area"]})
        events = pd.concat([
            pd.DataFrame({"child_id": rows["child_id"], "event": "court_application", "date": rows["application_date"]}),
            pd.DataFrame({"child_id": rows["child_id"], "event": "final_order", "date": rows["final_date"],
                          "code": rows["final_order"]}).dropna(subset=["date"])], ignore_index=True)
        events = events.sort_values(["child_id", "date"], kind="mergesort")
        events["date"] = events["date"].dt.strftime("%Y-%m-%d")
        kids = data.children[data.children["la"] == la].drop(columns="la")
        kids = kids.assign(birth_month=kids["birth_month"].dt.strftime("%Y-%m"))
        factors = data.factors[data.factors["la"] == la].drop(columns="la")
        factors = factors.assign(date=factors["date"].dt.strftime("%Y-%m-%d"))
        for name, table in (("proceedings.csv", listed), ("events.csv", events), ("children.csv", kids),
                            ("assessment_factors.csv", factors)):
            table.to_csv(folder / name, index=False, lineterminator="\n")
            paths.append(folder / name)
    data.areas.to_csv(out / "area_aggregates.csv", index=False, lineterminator="\n")
    paths.append(out / "area_aggregates.csv")
    return paths
