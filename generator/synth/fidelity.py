"""How faithful synthetic twins are to the data they were fitted to, and how private.

Pure functions, two EventLogs in, tidy tables out (the fidelity page draws them). Each
comparison has a *distance*, written where it is computed, and a tolerance it is held to:

==========================  ===============================================  ==========
comparison                  distance                                         tolerance
==========================  ===============================================  ==========
headline percentages        |synthetic - real|, percentage points            2 points
headline counts             |synthetic - real| / real                        10%
monthly volumes (by event)  sum over months of |synthetic - real|, over the  10%
                            real total, volumes summed over 3 months
junction shares             |synthetic - real| / real share, per branch      10%
duration quartiles          |synthetic - real| / real, per quartile          10%
re-referral rates           |synthetic - real|, percentage points            2 points
==========================  ===============================================  ==========

Single months are summed with their two neighbours (a rolling quarter) before comparing:
twins are a sample, and a month's count of a rare event differs by chance (about 58 section
47 enquiries a month differ by 15% at random); the chart still shows single months.

A quartile of a few hundred cases moves by more than 10% at random (the periods of care of
the demo, about 480, move by 10-15% from one draw of twins to the next), so a quartile is
also within tolerance when the synthetic value lies inside the real quartile's
distribution-free 95% interval (order statistics) widened by sqrt(2) for the twins' own
sampling.

Record lengths (CIN plans, child protection plans, periods of care) are censored: a record
still open on the data's last day has no length yet. Their quartiles are read from the
Kaplan-Meier estimate of every record begun in the period (and in the front door's span),
those still open censored at its end, on both sides; the interval is Brookmeyer and
Crowley's. Counting only the records that ended, as this module once did, measures how
long records last *and* whether they ended by the data's last day, and the two sides differ
in the second: in the demo with its 903 history (as it was before its care durations were
set by legal status), 12 of the 53 periods of
care that children known before the span began in it were still open at the end, against 3
of 52 in the twins, so the ended ones' median was 124 days real and 213 twin (Kaplan-Meier:
219 and 266), and the median of all ended periods was 126.5 days real and 146 twin (15%
apart, seed 2018). Over every period begun in the span the Kaplan-Meier median is 169 days
real and 184, 169 and 185 twin (seeds 2018, 1 and 2).

Relative distances on very small real values are not meaningful (a 3% share moving to 3.4%
is 13%): shares under `SMALL_SHARE` and quartiles under `SMALL_DAYS` days are held to the
absolute tolerances instead (1 percentage point, 2 days).

Privacy (`privacy_check`): see `generator.synth.journey_keys` for the definition of a
journey, of a rare one and of the distance to the nearest real journey.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from statsmodels.duration.survfunc import SurvfuncRight

from generator.analyses.front_door import FrontDoorLinks, LinkWindows, link_front_door
from generator.analyses.headline import headline_metrics
from generator.analyses.junctions import JUNCTION_NAMES, junction_decisions, junction_shares
from generator.analyses.period import Period
from generator.analyses.referrals import referral_history
from generator.analyses.timeliness import assessment_durations, conference_durations
from generator.eventlog import EventLog
from generator.synth.journey_keys import journey_keys, log_journey_keys, nearest_real_distances, packed_steps, rare_journeys

PCT_TOLERANCE = 2.0
RELATIVE_TOLERANCE = 0.10
SMALL_SHARE = 10.0
SMALL_DAYS = 20.0
#: The absolute tolerances below those: percentage points of a small share, days of a short quartile.
SMALL_SHARE_POINTS = 1.0
SMALL_DAYS_APART = 2.0
VOLUME_EVENTS = {"contact": "Contacts", "referral": "Referrals", "assessment_start": "Assessments",
                 "s47": "Section 47 enquiries"}
#: (label, start event, end event): record lengths compared in calendar days.
RECORD_LENGTHS = (
    ("CIN plan (days)", "cin_plan_start", "cin_plan_end"),
    ("Child protection plan (days)", "cpp_start", "cpp_end"),
    ("Period of care (days)", "lac_start", "lac_end"),
)


def _close(real: float | None, synthetic: float | None, *, pct: bool = False, small: float = 0.0,
           absolute: float = 0.0) -> tuple[float | None, bool | None]:
    """(distance, within tolerance) of one figure (see the module docstring)."""
    if real is None or synthetic is None or (isinstance(real, float) and np.isnan(real)) or (
            isinstance(synthetic, float) and np.isnan(synthetic)):
        return None, None
    if pct:
        distance = abs(synthetic - real)
        return round(distance, 2), distance <= PCT_TOLERANCE
    if abs(real) < small:
        distance = abs(synthetic - real)
        return round(distance, 2), distance <= absolute
    distance = abs(synthetic - real) / abs(real) if real else (0.0 if synthetic == 0 else np.inf)
    return round(100 * distance, 1), distance <= RELATIVE_TOLERANCE


@dataclass(frozen=True)
class TwinFigures:
    """Every comparison of the fidelity page but the headline one, and the twins' headline
    figures for it: what `twins_and_figures` makes where the twins are sampled."""

    metrics: dict  # the twins' headline figures (`headline_metrics`)
    volumes: pd.DataFrame  # `volume_comparison`: monthly volumes, and their distances
    volume_distances: pd.DataFrame
    junctions: pd.DataFrame  # `junction_comparison`
    durations: pd.DataFrame  # `duration_comparison`
    privacy: dict  # `privacy_check`


def twin_figures(real: EventLog, synthetic: EventLog, period: Period,
                 real_links: FrontDoorLinks | None = None) -> TwinFigures:
    """The comparisons of ``synthetic`` with ``real`` that need no figure of the build's.

    ``real_links``: the real log's front-door links with the default windows, when made."""
    links = (real_links if real_links is not None else link_front_door(real, LinkWindows()),
             link_front_door(synthetic, LinkWindows()))
    volumes, volume_distances = volume_comparison(real, synthetic, period)
    return TwinFigures(metrics=headline_metrics(synthetic, period, links=links[1]), volumes=volumes,
                       volume_distances=volume_distances, junctions=junction_comparison(real, synthetic, period, links),
                       durations=duration_comparison(real, synthetic, period, links),
                       privacy=privacy_check(real, synthetic))


def twins_and_figures(real: EventLog, seed: int, period: Period) -> tuple[EventLog, TwinFigures]:
    """The synthetic twins of ``real`` (`generator.synth.twins.synthetic_twins`) and their
    `twin_figures`: one call for the build's second process, which then measures the twins
    while the first renders the other pages."""
    from generator.synth.twins import synthetic_twins

    twins = synthetic_twins(real, seed)
    return twins, twin_figures(real, twins, period)


def headline_comparison(real: EventLog, synthetic: EventLog, period: Period, real_metrics: dict | None = None,
                        synthetic_links: FrontDoorLinks | None = None,
                        synthetic_metrics: dict | None = None) -> pd.DataFrame:
    """Every headline figure (metrics.json keys) of both, with its distance.

    Returns ``figure``, ``real``, ``synthetic``, ``distance`` (points for percentages, % of
    the real value for counts), ``unit`` and ``within``.

    ``real_metrics`` and ``synthetic_metrics``, when given, are the logs' headline figures
    (the build's, and `TwinFigures.metrics`), and ``synthetic_links`` the twins' front-door
    links, so that nothing is computed twice.
    """
    a = dict(real_metrics) if real_metrics is not None else headline_metrics(real, period)
    b = synthetic_metrics if synthetic_metrics is not None else headline_metrics(synthetic, period, links=synthetic_links)
    rows = []
    for key, value in a.items():
        if key.endswith(("_n", "_d")) or not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        if key not in b:
            continue  # the build's figures around the report's annotations: not compared
        other = b.get(key)
        pct = key.endswith("_pct")
        distance, within = _close(float(value), None if other is None else float(other), pct=pct)
        rows.append({"figure": key, "real": value, "synthetic": other, "distance": distance,
                     "unit": "points" if pct else "%", "within": within})
    return pd.DataFrame(rows)


def monthly_volumes(log: EventLog, period: Period) -> pd.DataFrame:
    """Events of each kind in `VOLUME_EVENTS` per calendar month of the period."""
    events = log.events[period.contains(log.events["date"]) & log.events["event"].isin(list(VOLUME_EVENTS))]
    months = period.months()
    counts = events.groupby([events["event"].astype(str), events["date"].dt.to_period("M").dt.start_time]).size()
    index = pd.MultiIndex.from_product([list(VOLUME_EVENTS), months], names=["event", "month"])
    table = counts.reindex(index, fill_value=0).rename("count").reset_index()
    table["series"] = table["event"].map(VOLUME_EVENTS)
    return table


def volume_comparison(real: EventLog, synthetic: EventLog, period: Period) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly volumes side by side (``source`` Real / Synthetic twins) and, per event, the
    distance of the module docstring."""
    a = monthly_volumes(real, period).assign(source="Real")
    b = monthly_volumes(synthetic, period).assign(source="Synthetic twins")
    both = pd.concat([a, b], ignore_index=True)
    joined = a.merge(b, on=["event", "month", "series"], suffixes=("_real", "_synthetic"))
    rows = []
    for event, label in VOLUME_EVENTS.items():
        part = joined[joined["event"] == event].sort_values("month")
        smooth_real = part["count_real"].rolling(3).sum().dropna()
        smooth_synthetic = part["count_synthetic"].rolling(3).sum().dropna()
        if smooth_real.sum() == 0:
            continue
        distance = float(abs(smooth_synthetic - smooth_real).sum() / smooth_real.sum())
        rows.append({"series": label, "real": int(part["count_real"].sum()), "synthetic": int(part["count_synthetic"].sum()),
                     "distance": round(100 * distance, 1), "unit": "%", "within": distance <= RELATIVE_TOLERANCE})
    return both, pd.DataFrame(rows, columns=["series", "real", "synthetic", "distance", "unit", "within"])


def junction_table(log: EventLog, period: Period, links: FrontDoorLinks | None = None) -> pd.DataFrame:
    links = links if links is not None else link_front_door(log, LinkWindows())
    decisions = junction_decisions(links.episodes, links.enquiries)
    table = junction_shares(decisions, period)
    return table.assign(junction_name=table["junction"].map(JUNCTION_NAMES))


def junction_comparison(real: EventLog, synthetic: EventLog, period: Period,
                        links: tuple[FrontDoorLinks, FrontDoorLinks] | None = None) -> pd.DataFrame:
    """Each junction's branch shares, real and synthetic, with the distance per branch.
    ``links``: both logs' front-door links with the default windows, when already made."""
    a = junction_table(real, period, links[0] if links else None)
    b = junction_table(synthetic, period, links[1] if links else None)
    joined = a.merge(b, on=["junction", "junction_name", "branch"], suffixes=("_real", "_synthetic"))
    rows = []
    for row in joined.itertuples():
        distance, within = _close(row.pct_real, row.pct_synthetic, small=SMALL_SHARE, absolute=SMALL_SHARE_POINTS)
        rows.append({"junction": row.junction_name, "branch": row.branch, "real_count": int(row.count_real),
                     "real_n": int(row.n_real), "real_pct": row.pct_real, "synthetic_pct": row.pct_synthetic,
                     "distance": distance, "unit": "points" if row.pct_real is not None and row.pct_real < SMALL_SHARE else "%",
                     "within": within})
    return pd.DataFrame(rows)


def _record_lengths(log: EventLog, start: str, end: str, period: Period) -> pd.DataFrame:
    """Every record begun in the period (and in the front door's span) with its length in
    calendar days: to its end when it ended in the period (``ended``), else to the period's
    end (censored). Records begun in a 903 history before the span are left out on both sides:
    twins are made of the span (`generator.synth.twins.front_door_span`), so such a record has
    no start in the twins and no length to compare."""
    columns = {"days": pd.Series(dtype=float), "ended": pd.Series(dtype=bool)}
    starts = log.of_event(start)[["child_id", "date"]].rename(columns={"date": "start"})
    first = period.start if log.front_door_first_date is None else max(period.start, log.front_door_first_date)
    starts = starts[(starts["start"] >= first) & (starts["start"] <= period.end)].sort_values("start")
    if starts.empty:
        return pd.DataFrame(columns)
    ends = log.of_event(end)[["child_id", "date"]].rename(columns={"date": "end"})
    ends = ends[period.contains(ends["end"])].sort_values("end")
    starts["child_id"] = starts["child_id"].astype(str)
    ends["child_id"] = ends["child_id"].astype(str)
    # Each start's end is the child's first end on or after it (a record's start and end can
    # share a day); a start with none in the period is open at the period's end.
    linked = pd.merge_asof(starts, ends, left_on="start", right_on="end", by="child_id", direction="forward")
    ended = linked["end"].notna().to_numpy()
    days = (linked["end"].where(ended, period.end) - linked["start"]).dt.days.to_numpy(dtype=float)
    return pd.DataFrame({"days": days, "ended": ended})


def durations_of(log: EventLog, period: Period, links: FrontDoorLinks | None = None) -> dict[str, pd.Series]:
    links = links if links is not None else link_front_door(log, LinkWindows())
    episodes = links.episodes
    out = {
        "Assessment (working days)": assessment_durations(episodes, period)["working_days"],
        "Strategy discussion to conference (working days)": conference_durations(links.enquiries, period)["working_days"],
    }
    for label, start, end in RECORD_LENGTHS:
        out[label] = _record_lengths(log, start, end, period)
    history = referral_history(log)
    out["Days since the previous referral"] = history.loc[period.contains(history["date"]), "days_since_previous"].dropna()
    return out


def duration_comparison(real: EventLog, synthetic: EventLog, period: Period,
                        links: tuple[FrontDoorLinks, FrontDoorLinks] | None = None) -> pd.DataFrame:
    """Quartiles of each duration, real and synthetic, with the distance per quartile.
    ``links``: both logs' front-door links with the default windows, when already made."""
    a = durations_of(real, period, links[0] if links else None)
    b = durations_of(synthetic, period, links[1] if links else None)
    rows = []
    for label, values in a.items():
        other = b.get(label, pd.Series(dtype=float))
        for q, name in ((0.25, "lower quartile"), (0.5, "median"), (0.75, "upper quartile")):
            real_q, synth_q = _quantile(values, q), _quantile(other, q)
            distance, within = _close(real_q, synth_q, small=SMALL_DAYS, absolute=SMALL_DAYS_APART)
            if within is False and _inside_sampling_interval(values, q, synth_q):
                within = True
            rows.append({"duration": label, "quartile": name, "cases": int(len(values)), "real": real_q,
                         "synthetic": synth_q, "distance": distance,
                         "unit": "days" if real_q is not None and abs(real_q) < SMALL_DAYS else "%", "within": within})
    return pd.DataFrame(rows)


def _survival(lengths: pd.DataFrame) -> SurvfuncRight:
    return SurvfuncRight(lengths["days"].to_numpy(dtype=float), lengths["ended"].to_numpy(dtype=float))


def _quantile(values: pd.Series | pd.DataFrame, q: float) -> float | None:
    """The ``q`` quantile of durations: of a Series as they are; of record lengths (days,
    ended) from the Kaplan-Meier estimate, the first length by which more than a share ``q``
    had ended (None when no more did by the longest length followed)."""
    if not isinstance(values, pd.DataFrame):
        return float(values.quantile(q)) if len(values) else None
    if not values["ended"].any():
        return None
    found = _survival(values).quantile(q)
    return None if pd.isna(found) else float(found)


def _inside_sampling_interval(values: pd.Series | pd.DataFrame, q: float, synthetic: float | None) -> bool:
    """Whether ``synthetic`` is inside the 95% interval of the ``q`` quantile of ``values``,
    widened by sqrt(2) (two samples differ more than one varies): distribution-free (order
    statistics) for complete durations; Brookmeyer and Crowley's (1982, the Kaplan-Meier
    curve's log-log Greenwood band read at 1 - q) for censored record lengths."""
    if synthetic is None:
        return False
    if isinstance(values, pd.DataFrame):
        centre = _quantile(values, q)
        if centre is None or int(values["ended"].sum()) < 10:
            return False
        with np.errstate(divide="ignore", invalid="ignore"):
            low, high = _survival(values).quantile_ci(q, alpha=0.05)
        if pd.isna(low) or pd.isna(high):
            return False
        return centre - np.sqrt(2) * (centre - low) <= synthetic <= centre + np.sqrt(2) * (high - centre)
    ordered = np.sort(values.to_numpy(dtype=float))
    n = len(ordered)
    if n < 10:
        return False
    half = 1.96 * np.sqrt(n * q * (1 - q))
    low = ordered[max(int(np.floor(n * q - half)), 0)]
    high = ordered[min(int(np.ceil(n * q + half)), n - 1)]
    centre = float(np.quantile(ordered, q))
    return centre - np.sqrt(2) * (centre - low) <= synthetic <= centre + np.sqrt(2) * (high - centre)


def rereferral_comparison(headlines: pd.DataFrame) -> pd.DataFrame:
    """The re-referral rates of the headline comparison."""
    return headlines[headlines["figure"].str.startswith("rereferral_")].reset_index(drop=True)


def privacy_check(real: EventLog, synthetic: EventLog, sample: int = 2000, seed: int = 0) -> dict:
    """How close synthetic journeys come to real ones (`generator.synth.journey_keys`).

    Returns
    -------
    dict
        ``journeys`` (synthetic children), ``equal_to_rare`` (synthetic journeys equal to a
        real journey fewer than 6 real children share: 0 by construction), ``equal_to_common``
        (equal to a journey 6 or more real children share: short, common paths), ``new_route``
        (share of the sample whose sequence of events no real child had, %), ``distance``
        quantiles (days, over the sample's journeys with a real route: 10th, 25th, 50th,
        75th, 90th) and ``sampled``.
    """
    real_keys = log_journey_keys(real)
    # Not kept with the twins (`log_journey_keys`): made once here, and the twins travel back
    # from the second process with what is kept with them.
    synthetic_keys = journey_keys(*packed_steps(synthetic))
    rare = rare_journeys(real_keys)
    common = set(real_keys) - rare
    distances = nearest_real_distances(synthetic_keys, real_keys, sample=sample, seed=seed)
    known = distances[~np.isnan(distances)]
    quantiles = {f"p{int(q * 100)}": (float(np.quantile(known, q)) if len(known) else None)
                 for q in (0.10, 0.25, 0.50, 0.75, 0.90)}
    return {
        "journeys": len(synthetic_keys),
        "equal_to_rare": sum(1 for k in synthetic_keys if k in rare),
        "equal_to_common": sum(1 for k in synthetic_keys if k in common),
        "new_route": round(100.0 * float(np.isnan(distances).mean()), 1) if len(distances) else None,
        "distance": quantiles,
        "exact_in_sample": int((known == 0).sum()),
        "sampled": int(len(distances)),
    }


__all__ = ["headline_comparison", "volume_comparison", "junction_comparison", "duration_comparison",
           "rereferral_comparison", "privacy_check", "PCT_TOLERANCE", "RELATIVE_TOLERANCE"]
