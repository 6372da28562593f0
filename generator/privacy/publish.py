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

Internal reports pass through unchanged (markers resolve to their values). Public reports are
suppressed for the whole report at once: each table by its own rules (`suppression`), then
every published number and declared relation goes into one `Ledger`
(`relations`), the attacker's audit (`differencing.narrowed`) looks for hidden numbers it can
pin down, and `relations.repair` hides more until it finds none (at most `MAX_ROUNDS`
rounds; what is left fails the build). A chart whose words are fixed text rather than
written from its published table (`Chart.describe`) and that quote a hidden number gets
words that quote none. The site stage receives `PublishedPage`s and never imports this package.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from generator.errors import Problem
from generator.privacy import Privacy
from generator.privacy.charts import public_cells, public_spec
from generator.privacy.differencing import MIN_RANGE, AuditCache, Ledger, narrowed
from generator.privacy.relations import add_count, add_metrics, add_table, repair
from generator.privacy.suppression import SMALLEST_SHOWN, SUPPRESSED, count_columns, statistic_columns
from generator.published import Count, Derived, Metric, PublishedPage, Table, round_to_shown, shown_decimals

#: Rounds of suppression, audit and repair before the stage gives up (the build then fails).
MAX_ROUNDS = 12
#: In a public report no group of fewer children than this is named with a figure.
SMALLEST_GROUP = 10
_RANGE = r"\d+(?:\s*(?:-|–|to)\s*\d+)?"
_LABELLED = re.compile(rf"\b(?:ages?|aged|group|groups|months?|weeks?|days?|years?|born|cohort|within|than|least|sections?)\s+{_RANGE}", re.IGNORECASE)
_UNITS = re.compile(rf"(?<![\w.]){_RANGE}\s+(?:working\s+)?(?:days?|weeks?|months?|month\(s\)|quarters?|years?|groups?|processes|problems)\b",
                    re.IGNORECASE)
_POINTS = re.compile(r"\b\d+\s+of\s+\d+\s+(?:consecutive\s+)?points\b", re.IGNORECASE)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
#: A date in words ("1 June 2015", "June 2015"): a label, never a count.
_DATE = re.compile(rf"\b(?:\d{{1,2}}\s+)?(?:{_MONTHS})\s+\d{{4}}\b")
_SHARE = re.compile(r"(?<![\w.])(\d[\d,]*) of (\d[\d,]*)(?![\w.])")
_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\w])")


@dataclass
class Prose:
    """Words published with a table: what the audit checks against the table's hidden numbers."""

    label: str
    text: str
    hidden: set[str]
    shown: set[str]


@dataclass
class Report:
    """What the stage published, and what the attacker's audit reads."""

    pages: list
    metrics: dict
    ledger: Ledger
    prose: list[Prose] = field(default_factory=list)


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
    report = publish_report(pages, metrics, audience)
    return report.pages, report.metrics


def publish_report(pages: list, metrics: dict, audience: str) -> Report:
    """`publish`, with the ledger of published numbers and relations and the published words."""
    privacy = Privacy(audience)
    forced: set = set()
    done: dict = {}  # tables and charts as published, by their forced cells: reused across rounds
    cache = AuditCache()  # the audit's answer per component, by content: re-solved only when changed
    stage = _Stage(privacy, metrics, forced, done)
    published = stage.pages(pages)
    for _ in range(MAX_ROUNDS if privacy.public else 0):
        problems = narrowed(stage.ledger, cache=cache)
        if not problems:
            break
        more = set(repair(stage.ledger, problems)) - forced
        if not more:
            break
        forced = forced | more
        stage = _Stage(privacy, metrics, forced, done)
        published = stage.pages(pages)
    return Report(published, stage.metrics, stage.ledger, stage.prose)


def charts_as_published(page, metrics: dict, audience: str) -> list | None:
    """``page``'s charts (a `RenderedPage`'s) as `publish_report` will publish them, known as
    soon as the page is rendered where no other page can change them: in an internal report,
    whose charts are published one by one; None for a public report, whose charts are
    published in rounds over every page (a number hidden on one page can hide another here)."""
    if audience == "public":
        return None
    stage = _Stage(Privacy(audience), metrics, set())
    return [stage.chart(chart, f"chart '{chart.id}'") for chart in page.charts]


def quoted_hidden(prose: Prose) -> list[str]:
    """The numbers ``prose.text`` quotes that its table hides and shows nowhere.

    Labels and lengths of time are not quotes of a count: "age 5", "group 3", "months 0-19",
    "within 3 months", "5 groups", "section 47" (of an Act) are left out before the numbers are read.
    """
    text = _unlabelled(prose.text)
    said = {_plain(m.group(0)) for m in _NUMBER.finditer(text)}
    return sorted(said & prose.hidden - prose.shown, key=lambda t: float(t))


def _unlabelled(text: str) -> str:
    """``text`` without dates, labels, lengths of time and SPC rules ("2 of 3 points"): what
    is left of its numbers are quotes of counts."""
    # Lengths of time before labels: in "under 3 months 33" the 33 is a count, not "months 33".
    return _LABELLED.sub(" ", _UNITS.sub(" ", _POINTS.sub(" ", _DATE.sub(" ", text))))


def small_in_words(text: str) -> list[str]:
    """The "x of y" a text quotes where x or the rest y - x is a count from 1 to 5: "(2 of 16)"
    names a small count, "9 of 13" the 4 that did not."""
    found = []
    for match in _SHARE.finditer(_unlabelled(text)):
        part, whole = (int(g.replace(",", "")) for g in match.groups())
        if 0 < part < SMALLEST_SHOWN or 0 < whole - part < SMALLEST_SHOWN:
            found.append(match.group(0))
    return found


def audit_report(report: Report) -> list[Problem]:
    """The attacker's audit of a published report: every hidden number the published ones
    pin to a range under 5, and every hidden number quoted in words."""
    problems = [Problem(found.label.split(",")[0], found.label,
                        f"is hidden but can be worked out to between {found.low:g} and {found.high:g} (a range under "
                        f"{MIN_RANGE}) from the published numbers and the relation '{found.relation}'",
                        "declare the relation (Table.names/totals) so the privacy stage hides enough, or publish "
                        "fewer figures (nothing was written)")
                for found in narrowed(report.ledger)]
    for prose in report.prose:
        for number in quoted_hidden(prose):
            problems.append(Problem(prose.label, "words", f"quote {number}, a number its table hides",
                                    "write the words from the published table (Chart.describe) (nothing was written)"))
        for share in small_in_words(prose.text):
            problems.append(Problem(prose.label, "words", f"quote '{share}', which gives a count from 1 to 5",
                                    "write the words from the published table (Chart.describe) (nothing was written)"))
    for conflict in report.ledger.conflicts:
        problems.append(Problem("declarations", "names", conflict, "two numbers declared one quantity differ: fix the "
                                                                   "page's names/totals (nothing was written)"))
    return problems


def small_group_problems(page_options: list) -> list[Problem]:
    """A public report asking to name groups smaller than `SMALLEST_GROUP`: refused."""
    return [Problem("report.yaml", f"pages: {o.slug}: min_group_size",
                    f"is {o.min_group_size}, but a public report names no group of fewer than {SMALLEST_GROUP} "
                    "children with a figure (a rate of a group that small identifies its children)",
                    f"set min_group_size to {SMALLEST_GROUP} or more, or build for an internal audience")
            for o in page_options if getattr(o, "min_group_size", SMALLEST_GROUP) < SMALLEST_GROUP]


def _plain(token: str) -> str:
    token = token.replace(",", "")
    return token.rstrip("0").rstrip(".") if "." in token else token


def _number_texts(values) -> set[str]:
    out = set()
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or pd.isna(value):
            continue
        value = float(value)
        out.add(_plain(f"{value:.0f}") if value.is_integer() else _plain(f"{value:.1f}"))
        if not value.is_integer():
            out.add(_plain(f"{value:.0f}"))
    return out


class _Fragment:
    """The ledger entries of one published table, recorded once and replayed into each round's
    ledger while the table's hidden cells stay the same (`_Stage`)."""

    def __init__(self):
        self.variables: list[tuple[tuple, dict]] = []
        self.relations: list[tuple[str, list[tuple[int, float]]]] = []

    def variable(self, label: str, value: float, **how) -> int:
        self.variables.append(((label, value), how))
        return len(self.variables) - 1

    def relate(self, label: str, terms: list[tuple[int, float]]) -> None:
        self.relations.append((label, terms))

    def replay(self, ledger: Ledger) -> None:
        index = [ledger.variable(*args, **how) for args, how in self.variables]
        for label, terms in self.relations:
            ledger.relate(label, [(index[i], coef) for i, coef in terms])


def _rounded(table: Table, frame: pd.DataFrame, shown: pd.DataFrame) -> pd.DataFrame:
    """``shown`` at the precision the page shows (the CSV and the table carry no more)."""
    counts = (table.counts if table.counts is not None else count_columns(frame)) + [table.at_risk] * bool(table.at_risk)
    return round_to_shown(shown, shown_decimals(shown, counts, table.decimals))


class _Stage:
    """One round of the privacy stage. ``done`` persists across rounds: a table or chart whose
    forced cells did not change since it was last published is not published again (its
    output and its ledger entries are reused)."""

    def __init__(self, privacy: Privacy, metrics: dict, forced: set, done: dict | None = None):
        self.privacy = privacy
        self.public = privacy.public
        self.forced = forced
        self.done = {} if done is None else done
        self._forced_cells: dict[str, list] = {}
        for owner in forced:
            if len(owner) == 3:
                self._forced_cells.setdefault(owner[0], []).append((owner[1], owner[2]))
        self.ledger = Ledger()
        self.prose: list[Prose] = []
        self._tables: dict[int, pd.DataFrame] = {}
        shown = privacy.metrics(metrics)
        if self.public:
            for owner in forced:
                if owner[0] == "metric" and owner[1] in shown:
                    shown[owner[1]] = SUPPRESSED
            for key in [k[: -len("_pct")] for k in metrics if k.endswith("_pct")]:
                if SUPPRESSED in (shown.get(f"{key}_n"), shown.get(f"{key}_d")):
                    shown[f"{key}_pct"] = SUPPRESSED
            add_metrics(self.ledger, metrics, shown)
        self.metrics = shown

    def pages(self, pages: list) -> list:
        published = []
        for options, page in pages:
            where = options.slug
            published.append((options, PublishedPage(
                template=page.template,
                context=self.resolve(page.context, f"{where}.html"),
                charts=[self.chart(chart, f"chart '{chart.id}'") for chart in page.charts],
                data_scripts=dict(page.data_scripts),
                downloads={name: self.table(table, f"downloads/{name}.csv") for name, table in page.downloads.items()},
                scripts=list(page.scripts),
            )))
        return published

    def _forced(self, name: str, frame: pd.DataFrame, counts: list[str], group_size: str | None) -> list:
        cells = list(self._forced_cells.get(name, ()))
        if group_size is not None and group_size in frame.columns:
            small = pd.to_numeric(frame[group_size], errors="coerce").fillna(0).to_numpy() < SMALLEST_GROUP
            cells += [(int(row), column) for row in np.flatnonzero(small) for column in counts]
        return cells

    def table(self, table: Table | pd.DataFrame, name: str) -> pd.DataFrame:
        source = table  # lives as long as the rendered pages: a key across rounds
        if isinstance(table, pd.DataFrame):
            table = Table(table)
        if id(source) in self._tables:
            return self._tables[id(source)]
        frame = table.frame
        with_metrics = False
        for column in frame.columns[frame.dtypes == object]:
            if frame[column].map(lambda v: isinstance(v, Metric)).any():
                with_metrics = True
                frame = frame.assign(**{column: frame[column].map(lambda v: self.resolve(v, name) if isinstance(v, Metric) else v)})
        if not self.public:
            frame = _rounded(table, frame, frame)
            self._tables[id(source)] = frame
            return frame
        key = ("table", name, id(source), tuple(sorted(self._forced_cells.get(name, ()), key=str)))
        if key in self.done and not with_metrics:  # metrics can be hidden in a later round
            shown, fragment = self.done[key]
            fragment.replay(self.ledger)
            self._tables[id(source)] = shown
            return shown
        frame = frame.reset_index(drop=True)
        counts = table.counts if table.counts is not None else count_columns(frame)
        result = public_cells(frame, counts=counts, groups=table.groups, rates=table.rates, at_risk=table.at_risk,
                              forced=self._forced(name, frame, counts, table.group_size))
        shown = result.table
        for column, others in (table.hidden_with or {}).items():
            hidden = (shown[column].astype(object) == SUPPRESSED).to_numpy()
            if hidden.any():
                shown = shown.assign(**{other: shown[other].astype(object).where(~hidden, SUPPRESSED) for other in others})
        shown = _rounded(table, frame, shown)
        fragment = _Fragment()
        add_table(fragment, name, frame, result.kept, result.cells, groups=table.groups, rates=table.rates,
                  names=table.names, totals=table.totals, at_risk=table.at_risk)
        fragment.replay(self.ledger)
        self.done[key] = (shown, fragment)
        self._tables[id(source)] = shown
        return shown

    def chart(self, chart, name: str):
        if not self.public:
            data, spec = chart.data, chart.spec
            counts = chart.counts if chart.counts is not None else count_columns(chart.data)
            description = chart.describe(data) if chart.describe is not None else chart.description
        else:
            key = ("chart", name, id(chart), tuple(sorted(self._forced_cells.get(name, ()), key=str)))
            if key in self.done:
                published, fragment, prose = self.done[key]
                fragment.replay(self.ledger)
                self.prose.append(prose)
                return published
            frame = chart.data.reset_index(drop=True)
            counts = list(chart.counts) if chart.counts is not None else count_columns(frame)
            result = public_cells(frame, counts=counts, groups=chart.groups, rates=chart.rates, at_risk=chart.at_risk,
                                  curves_by=chart.curves_by, whole_by=chart.whole_by,
                                  forced=self._forced(name, frame, counts, chart.group_size))
            data, spec = result.table, public_spec(chart.spec, frame, result.hidden, result.counts)
            fragment = _Fragment()
            add_table(fragment, name, frame, result.kept, result.cells, groups=chart.groups, rates=chart.rates,
                      names=chart.names, totals=chart.totals, at_risk=chart.at_risk)
            fragment.replay(self.ledger)
            description = chart.describe(data) if chart.describe is not None else chart.description
            hidden, shown = self._numbers(frame, data, result)
            if chart.describe is None and (quoted_hidden(Prose(name, description, hidden, shown))
                                           or small_in_words(description)):
                # Fixed words that quote a hidden number: say what the chart is, quote nothing.
                description = (f"{chart.title}. Some figures are hidden (shown as c) to protect children's privacy; "
                               "the table under the chart gives every published figure.")
            prose = Prose(name, f"{chart.title}\n{description}", hidden, shown)
            self.prose.append(prose)
        if chart.draw is not None and data is not chart.data:  # unchanged table: the spec as drawn
            spec = chart.draw(data)
            spec["description"] = description
        elif description != chart.description:
            spec = {**spec, "description": description}
        # Rounded after the words and the spec are made from the table: the CSV and the table
        # under the chart carry the precision the page shows.
        decimals = shown_decimals(data, list(counts) + [chart.at_risk] * bool(chart.at_risk), chart.decimals)
        published = replace(chart, data=round_to_shown(data, decimals), spec=spec, description=description,
                            counts=[c for c in counts if c in data.columns], describe=None, draw=None, decimals=decimals)
        if self.public:
            self.done[key] = (published, fragment, prose)
        return published

    @staticmethod
    def _numbers(frame: pd.DataFrame, data: pd.DataFrame, result) -> tuple[set[str], set[str]]:
        """The numbers of a chart's table that are hidden (counts, rates and statistics of
        hidden cells and rows) and those shown anywhere in it."""
        raw = frame.iloc[result.kept].reset_index(drop=True)
        columns = list(result.counts) + statistic_columns(raw, list(result.counts))
        hidden, shown = [], []
        for column in columns:
            if column not in data.columns:
                continue
            mask = (data[column].astype(object) == SUPPRESSED).to_numpy()
            hidden += [v for v, m in zip(raw[column], mask) if m]
            shown += [v for v, m in zip(data[column], mask) if not m]
        hidden_texts = {t for t in _number_texts(hidden) if t not in {"0"}}
        return hidden_texts, _number_texts(shown)

    def resolve(self, value: Any, where: str = "") -> Any:
        if isinstance(value, Count):
            shown = self.privacy.count(value.value)
            if self.public and ("count", where) in self.forced:
                shown = SUPPRESSED if value.value is not None else None
            if self.public:
                add_count(self.ledger, f"{where}: {value.name or 'a count'}", value.value, shown != SUPPRESSED,
                          value.name, ("count", where))
            return shown
        if isinstance(value, Metric):
            return self.metrics.get(value.key)
        if isinstance(value, Table):
            return self.table(value, where)
        if isinstance(value, Derived):
            return value.make(self.table(value.table, where))
        if isinstance(value, dict):
            return {key: self.resolve(item, f"{where}/{key}") for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item, f"{where}/{i}") for i, item in enumerate(value)]
        if isinstance(value, tuple) and not hasattr(value, "_fields"):
            return tuple(self.resolve(item, f"{where}/{i}") for i, item in enumerate(value))
        return value


__all__ = ["publish", "publish_report", "audit_report", "small_group_problems", "quoted_hidden", "small_in_words", "Report", "Prose",
           "SMALLEST_GROUP", "MAX_ROUNDS"]
