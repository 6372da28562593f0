"""Which of the longitudinal and court pages an LA's own data can fill, with options fitted to it.

A report made for the data (`generator.report_for_data`) lists the front-door and care pages
from the events alone; the pages added by issues 16-18 and 21 read inputs that are not events
(`generator.ingest.Tables`: the legal department's proceedings list, a person list, CIN
assessment factors, area aggregates, ONS population estimates) or need a long enough span. Each
rule here says what its page reads and checks, cheaply and with pandas alone (validating a
report must not load the statistics stack), that the page would draw a chart or a table rather
than say what it needs: a page that would only say "nothing to show" is left out. The pages come
in the demo report's order (content/report.yaml).
"""

from __future__ import annotations

import re

import pandas as pd

from generator.eventlog import CARE_EVENTS, EventLog
from generator.page_options import MIN_DENOMINATOR, ORDER_KEYS, ProfilesOptions

#: Fewest children a grouping or paired comparison is offered for: the size below which the
#: cohort and junction pages name a group but do not draw it (`page_options.MIN_DENOMINATOR`).
FEWEST_CHILDREN = MIN_DENOMINATOR
#: Months after first entry the sequences page may compare, longest first (its default is 36;
#: shorter records get the longest that follows enough children).
SEQUENCE_MONTHS = (36, 24, 12)
#: Follow-up points the profiles page may use, in years after the final order, longest first
#: (the seed's is 4; the demo's four years of records allow 1).
FOLLOW_UP_YEARS = (4, 3, 2, 1)
#: Whole months of records the forecast needs: its backtest holds out the last 12 months
#: (`generator.pages.forecast.BACKTEST_MONTHS`) and fits on what comes before, which must hold a
#: year of arrivals for their trend (`generator.analyses.forecast_arrivals.fit_arrivals`).
FORECAST_MONTHS = 24
#: Events the forecast's maps start from: the front door's, or periods of care (903 data alone).
FORECAST_EVENTS = ("contact", "referral", "assessment_start", "s47", "lac_start")
#: Events the incidence page may count first, in the order chosen (its option `event`).
INCIDENCE_EVENTS = ("lac_start", "referral")


def _final_orders(tables) -> pd.DataFrame | None:
    """The proceedings that ended in one of the six orders the court pages count, or None."""
    legal = tables.legal
    if legal is None or legal.proceedings is None or legal.proceedings.empty:
        return None
    frame = legal.proceedings
    made = frame[frame["final_order"].isin(list(ORDER_KEYS)) & frame["final_date"].notna()]
    return made if len(made) else None


def _slug(text: str) -> str:
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", text.lower())).strip("-")[:40].strip("-") or "areas"


def legal_pages(log: EventLog, tables) -> list[dict]:
    """Linkage and proceedings: a proceedings list to link to children who were looked after.

    Both pages measure periods of care (without names the list is linked on the legal statuses
    they record, and the journeys are through them), so they need lac_start as well as the list.
    The linkage page is left out when the list gives every row's child id: there is nothing to
    link.
    """
    legal = tables.legal
    if legal is None or legal.proceedings is None or legal.proceedings.empty:
        return []
    if not (log.events["event"] == "lac_start").any():
        return []
    pages = []
    if not legal.proceedings["child_id"].notna().all():
        pages.append({"kind": "linkage", "slug": "linkage", "title": "Linking the court list"})
    pages.append({"kind": "proceedings", "slug": "proceedings", "title": "Through care proceedings"})
    return pages


def funnel_pages(log: EventLog, tables) -> list[dict]:
    """Funnel plots: one of supervision orders among the LAs of the proceedings lists (several
    LAs, one subfolder each), and one per measure of an area-aggregates table, at its latest
    period (the page's default, written out so that the report says what it compares)."""
    pages = []
    made = _final_orders(tables)
    if made is not None and made["la"].dropna().nunique() >= 2:
        pages.append({"kind": "funnel", "slug": "supervision-orders", "title": "Supervision orders among LAs",
                      "source": "proceedings", "rate_title": "Supervision orders of all final orders (%)"})
    areas = tables.areas
    if areas is None or areas.empty:
        return pages
    las = set(log.children["la"].dropna().astype(str))
    for measure, rows in areas.groupby("measure", sort=True):
        rows = rows[rows["denominator"] > 0]
        if rows.empty:
            continue
        period = sorted(rows["period"].astype(str).unique())[-1]
        named = measure != "rate"  # a file without a measure column (`read_area_aggregates`)
        page = {"kind": "funnel", "slug": "funnel-" + _slug(measure if named else "areas"),
                "title": (f"{measure} among areas" if named else "Compared with other areas")[:120],
                "source": "areas", "period": period}
        if named and areas["measure"].nunique() > 1:
            page["measure"] = measure
        if named:
            page["rate_title"] = f"{measure} (%)"[:80]
        shown = set(rows.loc[rows["period"].astype(str) == period, "area"].astype(str))
        if len(las) == 1 and las <= shown:
            page["highlight"] = next(iter(las))
        pages.append(page)
    return pages


def _ids_of(tables, made: pd.DataFrame) -> pd.Series:
    """Each row's child id: as the list gives it, else the person list's child with the same
    surname and date of birth when exactly one has them. An exact key finds fewer children than
    the linkage's scored match, so the counts made with it are lower bounds."""
    ids = made["child_id"]
    persons = tables.legal.persons
    key = ["surname", "birth_date"]
    if ids.notna().all() or persons is None or not (set(key) <= set(made.columns) & set(persons.columns)):
        return ids
    people = persons.dropna(subset=key).assign(surname=lambda p: p["surname"].astype(str).str.upper().str.strip())
    people = people.drop_duplicates(key, keep=False)[[*key, "child_id"]].rename(columns={"child_id": "_found"})
    rows = made[key].assign(surname=made["surname"].astype("string").str.upper().str.strip())
    found = rows.merge(people, on=key, how="left")["_found"].to_numpy()
    return ids.fillna(pd.Series(found, index=made.index, dtype="string"))


def profiled_children(made: pd.DataFrame, ids: pd.Series, factors: pd.DataFrame, follow_up_years: float,
                      window_days: int) -> int:
    """Children whose first proceedings ending in an order have an assessment within
    ``window_days`` of the application, of the final order and of ``follow_up_years`` after it:
    the children `generator.analyses.court.profile_points` pairs (a test holds the two equal)."""
    made = made.assign(child_id=ids.astype("string")).dropna(subset=["child_id", "application_date"])
    first = made.sort_values("final_date", kind="mergesort").drop_duplicates("child_id")
    points = pd.DataFrame({"child_id": first["child_id"].astype(str).to_numpy(),
                           "start": first["application_date"].to_numpy(), "end": first["final_date"].to_numpy()})
    points["follow_up"] = points["end"] + pd.Timedelta(days=round(365.25 * follow_up_years))
    assessed = factors[["child_id", "date"]].drop_duplicates().astype({"child_id": str})
    pairs = points.merge(assessed, on="child_id")
    window = pd.Timedelta(days=window_days)
    near = pd.DataFrame({p: (pairs["date"] - pairs[p]).abs() <= window for p in ("start", "end", "follow_up")})
    seen = near.groupby(pairs["child_id"].to_numpy()).any()
    return int(seen.all(axis=1).sum())


def profile_pages(tables) -> list[dict]:
    """Problem profiles: proceedings with final orders and the children's assessment factors,
    at the longest follow-up that pairs enough children (`FOLLOW_UP_YEARS`)."""
    made = _final_orders(tables)
    if made is None or tables.factors is None or tables.factors.empty:
        return []
    ids = _ids_of(tables, made)
    window = ProfilesOptions.model_fields["window_days"].default
    for years in FOLLOW_UP_YEARS:
        if profiled_children(made, ids, tables.factors, years, window) >= FEWEST_CHILDREN:
            return [{"kind": "profiles", "slug": "problem-profiles", "title": "Problems before and after proceedings",
                     "follow_up_years": years}]
    return []


def cohort_entries(log: EventLog, population: pd.DataFrame, event: str) -> int:
    """First ``event``s the incidence page's cohort chart counts: children born in a calendar
    year the records cover from its 1 January, at an age every member of their cohort has
    completed by the records' last full year, with an estimate for that cohort at that age
    (`generator.analyses.incidence.cumulative_incidence`; a test holds the two equal)."""
    family = log.events["event"].isin(CARE_EVENTS) == (event == "lac_start")
    dates = log.events.loc[family, "date"]
    first = log.of_event(event).groupby("child_id")["date"].min().rename("entry").reset_index()
    first = first.merge(log.children[["child_id", "birth_month"]].dropna(), on="child_id")
    if first.empty:
        return 0
    # As `age_at_first_entry`: a child is taken as born on the 15th of the birth month.
    born = pd.to_datetime(first["birth_month"]).dt.to_period("M").dt.to_timestamp() + pd.Timedelta(days=14)
    entry = pd.to_datetime(first["entry"])
    had_birthday = (entry.dt.month > born.dt.month) | ((entry.dt.month == born.dt.month) & (entry.dt.day >= born.dt.day))
    cohort, age = born.dt.year, entry.dt.year - born.dt.year - (~had_birthday).astype(int)
    end = dates.max()
    last_full_year = end.year if (end.month, end.day) == (12, 31) else end.year - 1
    estimated = population.groupby(["year", "age"])["count"].sum()
    estimated = estimated[estimated > 0].reset_index()
    ages_of = (estimated["year"] - estimated["age"]).to_frame("cohort").assign(age=estimated["age"])
    # A cohort's line runs from age 0 and stops at its first age without an estimate.
    reach = {c: next((a for a in range(18) if a not in set(rows["age"])), 18) for c, rows in ages_of.groupby("cohort")}
    counted = ((cohort.map(lambda c: pd.Timestamp(year=int(c), month=1, day=1) >= dates.min())) & (age >= 0)
               & (age < 18) & (cohort + age + 1 <= last_full_year)
               & (age < cohort.map(lambda c: reach.get(int(c), 0))))
    return int(counted.sum())


def incidence_pages(log: EventLog, tables) -> list[dict]:
    """Entering care (or referral) over childhood: population estimates for the data's LA (as
    `generator.pages.incidence` picks them) and first entries to care, else referrals, that
    its cohort chart counts (`cohort_entries`)."""
    population = tables.population
    if population is None or population.empty:
        return []
    las = set(population["la"].dropna().astype(str))
    named = set(log.children["la"].dropna().astype(str)) & las
    if not (named or len(las) == 1):
        return []
    population = population[population["la"].astype(str).isin(named)] if named else population
    held = set(log.events["event"].unique())
    event = next((e for e in INCIDENCE_EVENTS if e in held and cohort_entries(log, population, e)), None)
    if event is None:
        return []
    page = {"kind": "incidence", "slug": "incidence",
            "title": "Entering care over childhood" if event == "lac_start" else "Referrals over childhood"}
    if event != "lac_start":
        page["event"] = event
    return [page]


def sequence_pages(log: EventLog) -> list[dict]:
    """Care histories grouped: children whose first entry to care is followed for the longest
    of `SEQUENCE_MONTHS` that enough of them reach (counted as
    `generator.analyses.sequences.care_sequences` counts months: the entry month is month 0)."""
    entries = log.events.loc[log.events["event"] == "lac_start"].groupby("child_id")["date"].min()
    if entries.empty:
        return []
    end = log.last_date
    observed = (end.year - entries.dt.year) * 12 + end.month - entries.dt.month + 1
    for months in SEQUENCE_MONTHS:
        if int((observed >= months).sum()) >= FEWEST_CHILDREN:
            page = {"kind": "sequences", "slug": "care-histories", "title": "Care histories grouped"}
            if months != SEQUENCE_MONTHS[0]:
                page["months"] = months
            return [page]
    return []


def forecast_pages(log: EventLog, whole_months: int) -> list[dict]:
    """The forecast: the events its map starts from over at least `FORECAST_MONTHS` whole months."""
    held = set(log.events["event"].unique())
    if whole_months < FORECAST_MONTHS or not held & set(FORECAST_EVENTS):
        return []
    return [{"kind": "forecast", "slug": "forecast", "title": "Forecast"}]


def court_order_pages(tables) -> list[dict]:
    """Final orders and return to court: a proceedings list with final orders."""
    if _final_orders(tables) is None:
        return []
    return [{"kind": "court_orders", "slug": "court-orders", "title": "Final orders and return to court"}]
