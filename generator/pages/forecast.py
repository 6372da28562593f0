"""The forecast page: children at each station of a map over the next 12 to 24 months.

Replays the data over a process map (the pathway map's, shared with it as one product), fits
the journey model of `generator.analyses.forecast` on everything up to the last full month,
and forecasts the children at each station at each month end, with 80% and 95% prediction
intervals. Beside it, the same model's backtest: fitted on all but the last 12 months and
forecasting them, against what happened, with the error per station. What-if scenarios
(`generator.analyses.forecast_scenarios`) and costs (`generator.analyses.forecast_costs`) are
computed here at build time and embedded, so the page needs no server.

Every figure the page shows is a forecast of an aggregate; the actual counts beside them go
through the privacy stage like any count (a public report hides 1 to 5 and the forecast of
those months with them).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from generator.analyses.forecast import (
    month_end_days,
    month_of,
    stock_on,
)
from generator.analyses.forecast_arrivals import monthly_arrivals
from generator.analyses.forecast_costs import cost_summary, load_costs, period_cost
from generator.analyses.forecast_legal import LEGAL_GROUP_LABELS, has_legal_status, with_legal_status
from generator.analyses.forecast_backtest import backtest_errors
from generator.analyses.forecast_rates import (
    AGE_BAND_LABELS,
    OFF,
    censor_at,
    spells_from_visits,
    transition_rates,
)
from generator.analyses.forecast_run import ForecastRun, run_forecast
from generator.charts.forecast import backtest_chart, forecast_chart
from generator.page_options import ForecastOptions
from generator.pages.base import PageContext, PageKind, Plan, RenderedPage
from generator.pages.pathway_map import default_map
from generator.pathway.process_map import map_path
from generator.pathway.replay import OPEN, TICKS_PER_DAY
from generator.published import Derived, Table

#: Stations charted by default, those of them the map has (children on plans and in care).
DEFAULT_STATIONS = ("looked_after", "cp_plan", "cin_plan")
#: Months of history drawn before the forecast.
HISTORY_MONTHS = 24
#: Months held out by the page's backtest.
BACKTEST_MONTHS = 12


class ForecastPage(PageKind):
    kind = "forecast"
    group = "ahead"
    Options = ForecastOptions

    def prepare(self, options: ForecastOptions, plan: Plan) -> None:
        file = map_path(options.map or default_map(plan.log), plan.report_dir)
        plan.replay(file)
        # The model, forecast, what-if grid and backtest take seconds: the build runs them
        # beside the other pages as soon as the replay exists.
        plan.aside(f"forecast {options.slug}",
                   lambda replay: (run_forecast, _run_inputs(options, _Setup.of(replay(file), plan.period, plan.log))))

    def render(self, options: ForecastOptions, ctx: PageContext) -> RenderedPage:
        journeys = ctx.replay(map_path(options.map or default_map(ctx.log), ctx.report_dir))
        pmap = journeys.map
        setup = _Setup.of(journeys, ctx.period, ctx.log)
        labels, spells, stations = setup.labels, setup.spells, setup.stations
        last_day, origin, origin_day = setup.last_day, setup.origin, setup.origin_day
        run: ForecastRun = ctx.aside(f"forecast {options.slug}")
        samples, ahead, grid, held = run.samples, run.ahead, run.grid, run.held
        shown = _charted(options, pmap)

        history_days = month_end_days(origin - HISTORY_MONTHS + 1, HISTORY_MONTHS)
        history = stock_on(spells, history_days, stations)
        fan = _fan_table(ahead, history, history_days, labels, shown)
        table = Table(_forecast_table(ahead, labels), counts=["expected"], groups=[],
                      hidden_with={"expected": ["low80", "high80", "low95", "high95"]})

        costs = load_costs(map_path(options.costs or "costs.yaml", ctx.report_dir))
        cost = _costs(costs, pmap.station_ids, spells, samples, origin, options.horizon, ctx.period, last_day)
        days = np.asarray([m.days_in_month for m in pd.period_range(origin + 1, periods=options.horizon, freq="M")])
        for lever in grid["levers"]:
            lever["cost"] = [float((effect * days[:, None] * costs.day_costs(pmap.station_ids)).sum())
                             for effect in lever["effect"]]
        errors = _error_table(held, labels)
        check = _backtest_table(held, labels, shown)
        charts = [
            forecast_chart(f"{options.slug}-ahead", f"Children at each station, {_month(origin + 1)} to "
                           f"{_month(origin + options.horizon)}: forecast with 80% and 95% intervals",
                           fan, _describe_fan(origin, options.horizon)),
            backtest_chart(f"{options.slug}-backtest", f"Backtest: the forecast made in {_month(origin - BACKTEST_MONTHS)} "
                           "against the children actually there", check, _describe_backtest),
        ]
        context = {
            "slug": options.slug,
            "intro": options.intro or _INTRO,
            "origin": _month(origin),
            "horizon": options.horizon,
            "errors": Table(errors, counts=["actual_mean"], groups=[],
                            hidden_with={"actual_mean": ["forecast_error", "seasonal_naive_error", "stock_flow_error",
                                                         "covered_95"]}),
            "coverage": Derived(Table(errors, counts=["actual_mean"], groups=[]), _coverage_words),
            "levers": [{"key": g["key"], "label": g["label"], "steps": len(g["values"]) - 1,
                        "neutral": g["values"].index(g["neutral"])} for g in grid["levers"]],
            "whatif": Derived(table, lambda shown: _whatif_payload(shown, grid, labels, shown_stations(shown, labels))),
            "stations": [labels[j] for j in range(stations)],
            "costs": cost,
            "price_year": costs.price_year,
            "charted": labels[shown[0]] if shown else labels[0],
            "legal_status": _legal_words(spells),
        }
        rates = Table(_rate_table(spells, origin_day, labels), counts=["events"], groups=[],
                      hidden_with={"events": ["days_at_risk", "rate_per_year", "rate_low", "rate_high"]})
        return RenderedPage(template="forecast.html", context=context, charts=charts,
                            downloads={f"{options.slug}-forecast": table, f"{options.slug}-rates": rates},
                            scripts=["forecast.js"])


@dataclass(frozen=True)
class _Setup:
    """What the forecast starts from: the map's stays and the month the data cover to its end."""

    labels: list[str]
    spells: pd.DataFrame
    stations: int
    entry: list[int]
    station_ids: list[str]
    last_day: int
    origin: pd.Period
    origin_day: int

    @classmethod
    def of(cls, journeys, period, log) -> "_Setup":
        pmap = journeys.map
        last_day = min(journeys.last_day, _day(period.end))
        origin = month_of(last_day + 1) - 1  # the last month the data cover to its end
        spells = spells_from_visits(journeys.visits, journeys.children["birth_month"], TICKS_PER_DAY,
                                    journeys.last_day, OPEN)
        return cls(labels=[s.label for s in pmap.stations],
                   spells=with_legal_status(spells, log.of_event("lac_start", "legal_status", "lac_end"),
                                            journeys.children["child_id"]),
                   stations=len(pmap.stations), entry=[i for i, s in enumerate(pmap.stations) if s.kind == "entry"],
                   station_ids=list(pmap.station_ids), last_day=last_day, origin=origin,
                   origin_day=int(month_end_days(origin, 1)[0]))


def _run_inputs(options: ForecastOptions, setup: _Setup) -> tuple:
    return (setup.spells, setup.stations, setup.entry, setup.origin_day, setup.station_ids, options.horizon,
            options.draws, options.seed, int(month_end_days(setup.origin - BACKTEST_MONTHS, 1)[0]), BACKTEST_MONTHS)


_INTRO = ("How many children will be at each stage over the next two years, if the journeys of the last "
          "years go on as they did and new contacts keep their trend and season. The forecast follows "
          "every child there now and every child yet to arrive through the stations of the map, each "
          "stay and next step drawn from the stays seen so far (by age band, time already spent and, in care, "
          "legal status). "
          "The bands are 80% and 95% prediction intervals: nine futures in ten fall inside the wider "
          "one when the model holds.")


def _month(period: pd.Period) -> str:
    return period.strftime("%B %Y")


def _day(date) -> int:
    return int((pd.Timestamp(date).normalize() - pd.Timestamp("1970-01-01")).days)


def _charted(options: ForecastOptions, pmap) -> list[int]:
    ids = pmap.station_ids
    wanted = options.stations or [s for s in DEFAULT_STATIONS if s in ids] or ids
    return [ids.index(s) for s in wanted if s in ids]


def _forecast_table(ahead: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    """Every station's forecast, month by month: the download."""
    return pd.DataFrame({
        "month": ahead["month"].astype(str),
        "station": [labels[s] for s in ahead["station"]],
        "expected": np.round(ahead["mean"]).astype(int),
        "low80": ahead["low80"].astype(float), "high80": ahead["high80"].astype(float),
        "low95": ahead["low95"].astype(float), "high95": ahead["high95"].astype(float),
    })


def _fan_table(ahead, history, history_days, labels, shown) -> pd.DataFrame:
    """History (actual month ends) then the forecast, for the charted stations."""
    rows = []
    for j in shown:
        for day, count in zip(history_days, history[:, j]):
            rows.append({"station": labels[j], "date": _date(day), "kind": "actual", "children": int(count)})
        for _, r in ahead[ahead["station"] == j].iterrows():
            rows.append({"station": labels[j], "date": f"{r['date']:%Y-%m-%d}", "kind": "forecast",
                         "expected": int(round(r["mean"])), "low80": float(r["low80"]), "high80": float(r["high80"]),
                         "low95": float(r["low95"]), "high95": float(r["high95"])})
    return pd.DataFrame(rows, columns=["station", "date", "kind", "children", "expected", "low80", "high80",
                                       "low95", "high95"])


def _backtest_table(held, labels, shown) -> pd.DataFrame:
    held = held[held["station"].isin(shown)]
    return pd.DataFrame({
        "station": [labels[s] for s in held["station"]],
        "date": [f"{d:%Y-%m-%d}" for d in held["date"]],
        "children": held["actual"].astype(int).to_numpy(),
        "expected": np.round(held["mean"]).astype(int).to_numpy(),
        "low95": held["low95"].astype(float).to_numpy(), "high95": held["high95"].astype(float).to_numpy(),
    })


def _error_table(held, labels) -> pd.DataFrame:
    errors = backtest_errors(held)
    return pd.DataFrame({
        "station": [labels[s] for s in errors["station"]],
        "actual_mean": np.round(errors["actual"]).astype(int),
        "forecast_error": errors["mae_mean"].round(1),
        "seasonal_naive_error": errors["mae_seasonal_naive"].round(1),
        "stock_flow_error": errors["mae_stock_flow"].round(1),
        "covered_95": (100 * errors["coverage95"]).round(1),
    })


def _date(day) -> str:
    return f"{pd.Timestamp('1970-01-01') + pd.Timedelta(days=int(day)):%Y-%m-%d}"


def _describe_fan(origin, horizon):
    def describe(shown: pd.DataFrame) -> str:
        parts = []
        for station, rows in shown.groupby("station", sort=False):
            last = rows[rows["kind"] == "forecast"].tail(1)
            expected = pd.to_numeric(last["expected"], errors="coerce")
            if len(last) and expected.notna().all():
                low, high = float(last["low95"].iloc[0]), float(last["high95"].iloc[0])
                parts.append(f"{station}: {int(expected.iloc[0]):,} expected (95% interval {low:,.0f} to {high:,.0f})")
            else:
                parts.append(f"{station}: a small number, not shown")
        return (f"Fan charts of the children at each station by month, the last two years as counted and the "
                f"{horizon} months after {_month(origin)} as forecast. By {_month(origin + horizon)}: " + "; ".join(parts) + ".")
    return describe


def _describe_backtest(shown: pd.DataFrame) -> str:
    children = pd.to_numeric(shown["children"], errors="coerce")
    low, high = pd.to_numeric(shown["low95"], errors="coerce"), pd.to_numeric(shown["high95"], errors="coerce")
    known = children.notna() & low.notna()
    inside = int(((children >= low) & (children <= high))[known].sum())
    # A share, not "x of y": the months outside the interval are a small count of their own.
    share = f"{100 * inside / known.sum():.0f}% of the station-months shown" if known.any() else "none of the months"
    return (f"The forecast made a year before the data end, month by month, against the children actually "
            f"there: {share} fell within its 95% interval.")


def _rate_table(spells, origin_day, labels) -> pd.DataFrame:
    """Each move's rate out of each station by age band (and, in care, legal status): events
    per year at risk, 95% interval."""
    known = censor_at(spells, origin_day).assign(exposure=lambda s: s["end"] - s["start"])
    legal = has_legal_status(known)
    rates = transition_rates(known, by=("station", "age_band", "legal") if legal else ("station", "age_band"))
    def name(to):
        return "left the map" if to == OFF else labels[to]
    status = {"legal_status": [LEGAL_GROUP_LABELS[g] if g else "" for g in rates["legal"]]} if legal else {}
    return pd.DataFrame({
        "station": [labels[s] for s in rates["station"]], "age_band": [AGE_BAND_LABELS[a] for a in rates["age_band"]],
        **status,
        "to": [name(t) for t in rates["to"]], "events": rates["events"].astype(int),
        "days_at_risk": rates["exposure"].round(1), "rate_per_year": (365.25 * rates["rate"]).round(3),
        "rate_low": (365.25 * rates["rate_low"]).round(3), "rate_high": (365.25 * rates["rate_high"]).round(3),
    })


def _costs(costs, ids, spells, samples, origin, horizon, period, last_day) -> dict:
    """The cost of the last full year of the period and of the forecast (with its intervals)."""
    months = pd.period_range(origin - 11, origin, freq="M")
    stock = stock_on(spells, month_end_days(months[0], 12), len(ids))
    arrivals = monthly_arrivals(spells, range(len(ids)), months[0], months[-1])
    arrived = arrivals.pivot(index="month", columns="station", values="arrivals").to_numpy()
    year = period_cost(stock, [m.days_in_month for m in months], costs.day_costs(ids), arrived,
                       costs.arrival_costs(ids))
    ahead_days = [m.days_in_month for m in pd.period_range(origin + 1, periods=horizon, freq="M")]
    first_year = cost_summary(samples[:, :12], ahead_days[:12], costs.day_costs(ids))
    whole = cost_summary(samples, ahead_days, costs.day_costs(ids))
    money = lambda v: f"£{v / 1e6:,.1f} million"  # noqa: E731
    return {
        "last_year": money(year["stays"].sum()), "last_year_arrivals": money(year["arrivals"].sum()),
        "last_year_months": f"{_month(months[0])} to {_month(months[-1])}",
        "next_year": money(first_year["mean"]),
        "next_year_interval": f"{money(first_year['low95'])} to {money(first_year['high95'])}",
        "horizon": money(whole["mean"]), "horizon_interval": f"{money(whole['low95'])} to {money(whole['high95'])}",
    }


def shown_stations(shown: pd.DataFrame, labels: list[str]) -> list[str]:
    """Stations in the order of the map (all of them: a hidden month is null, not dropped)."""
    return labels


def _whatif_payload(shown: pd.DataFrame, grid: dict, labels: list[str], stations: list[str]) -> dict:
    """The sliders' data from the PUBLISHED forecast table: baseline expected and 95% interval
    per month and station (null where the table hides them) and each lever's effect, hidden
    where the baseline is."""
    months = list(dict.fromkeys(shown["month"].astype(str)))
    def grid_of(column):
        values = pd.to_numeric(shown[column], errors="coerce")
        frame = pd.DataFrame({"month": shown["month"].astype(str), "station": shown["station"], "v": values})
        wide = frame.pivot(index="month", columns="station", values="v").reindex(index=months, columns=stations)
        return wide.to_numpy()
    expected = grid_of("expected")
    hidden = np.isnan(expected)
    def as_list(array):
        return [[None if np.isnan(v) else round(float(v), 1) for v in row] for row in array]
    levers = []
    for lever in grid["levers"]:
        effects = [np.where(hidden, np.nan, effect) for effect in lever["effect"]]
        levers.append({"key": lever["key"], "label": lever["label"], "values": lever["values"],
                       "neutral": lever["neutral"], "unit": lever["unit"], "effect": [as_list(e) for e in effects],
                       "cost": [round(c) for c in lever.get("cost", [0.0] * len(effects))]})
    return {"months": months, "stations": stations, "expected": as_list(expected),
            "low95": as_list(grid_of("low95")), "high95": as_list(grid_of("high95")), "levers": levers}


def _legal_words(spells: pd.DataFrame) -> str:
    """What the model knows of legal status, in a sentence for the page."""
    if has_legal_status(spells):
        return ("In care, each stay and next step is also fitted by the legal status the stay began under "
                "(section 20, an order, or another status), read from the data's legal status codes; a child the "
                "forecast brings into care takes the legal status of children seen coming the same way.")
    return ("The data carry no legal status for the children looked after, so stays in care are fitted by age "
            "band and time in care alone, and the section 20 lever is not offered.")


def _coverage_words(errors: pd.DataFrame) -> str:
    covered = pd.to_numeric(errors["covered_95"], errors="coerce")
    if covered.isna().all():
        return ""
    return (f"Over the stations shown, the held-out year fell within the forecast's 95% interval in "
            f"{covered.mean():.0f}% of station-months.")
