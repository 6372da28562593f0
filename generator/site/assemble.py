"""Assemble the site in memory: every page, asset, data script, download and the manifest.

Knows nothing of input formats: it takes rendered pages and the build's facts and returns
{relative path: bytes}. Output is deterministic: sorted keys, no clock, fixed line endings.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from generator import __version__
from generator.charts.theme import chart_schemes
from generator.published import PublishedPage
from generator.resources import resource_dir
from generator.site.render import environment
from generator.site.static_charts import StaticDrawings
from generator.site.vendor import VENDOR_JS, vendor_files
from generator.site.writer import GENERATOR_NAME

BASE_ASSETS = ("report.css", "report.js")
#: Every page's content in one document, static charts only: what `carejourneys pdf` prints.
PRINT_DOCUMENT = "print.html"
_MAIN_START, _MAIN_END = "<!-- carejourneys:main -->", "<!-- /carejourneys:main -->"


def _main_of(html: str) -> str:
    """The page's own content (between the markers base.html puts around <main>'s body)."""
    return html.split(_MAIN_START, 1)[1].split(_MAIN_END, 1)[0]


#: A chart's numbers are shown as a table under it (its text alternative) up to this many rows;
#: longer tables are in the CSV only, and the page says so.
TABLE_ROWS = 120


def _table_of(frame: pd.DataFrame, numeric: list[bool] | None = None, decimals: dict[str, int] | None = None) -> dict:
    """A chart's published table as the rows of the table under it; each number with the
    decimals its CSV carries (``decimals``, from the privacy stage; one by default)."""
    places = [(decimals or {}).get(c, 1) for c in frame.columns]

    def cell(value, place):
        if isinstance(value, float):
            return "" if pd.isna(value) else f"{value:,.{place}f}"
        if isinstance(value, (int,)) and not isinstance(value, bool):
            return f"{value:,}"
        return "" if value is None or value is pd.NA else str(value)

    rows = [[cell(v, p) for v, p in zip(row, places)] for row in frame.head(TABLE_ROWS).itertuples(index=False)]
    # A public table's counts hold "c": still numbers, aligned as such (``numeric`` from the
    # table before suppression).
    numeric = numeric or [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    return {"columns": [str(c).replace("_", " ") for c in frame.columns], "numeric": numeric, "rows": rows,
            "truncated": len(frame) > TABLE_ROWS, "total": len(frame)}


#: A cell Excel or LibreOffice would run as a formula starts with one of these (OWASP, "CSV
#: Injection"): data such as ``=HYPERLINK(...)`` in a download must reach the analyst as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    """A text cell that a spreadsheet would read as a formula, prefixed with ``'``.

    OWASP's advice for CSV injection: prefix ``'`` to any cell starting with ``=``, ``+``,
    ``-``, ``@``, tab or carriage return. Numbers (and text that is just a number, such as
    ``-3``) stay as they are, so the downloads still open as numbers.
    """
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS):
        try:
            float(value)
        except ValueError:
            value = "'" + value
    # A bare carriage return is no line end to the CSV writer, so it would go unquoted and
    # split the row in Excel; as a newline it is quoted.
    return value.replace("\r\n", "\n").replace("\r", "\n")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV for downloads/, every text cell safe to open in a spreadsheet."""
    frame = frame.copy()
    frame.columns = [neutralise_formula(str(c)) for c in frame.columns]
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].map(neutralise_formula, na_action="ignore")
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _numeric_columns(shown: pd.DataFrame, counts: list[str]) -> list[bool]:
    """Which columns hold numbers: a public table's counts and rates hold "c" among numbers
    and are still aligned as numbers."""
    def numeric(column) -> bool:
        if column in counts or pd.api.types.is_numeric_dtype(shown[column]):
            return True
        values = shown[column].dropna()
        values = values[values.astype(str) != "c"]
        return len(values) > 0 and pd.to_numeric(values, errors="coerce").notna().all()
    return [numeric(c) for c in shown.columns]


#: The navigation's groups, in order: the questions the report answers (a page kind's `group`).
NAV_GROUPS = {
    "report": "The report",
    "front_door": "Front door",
    "protection": "Protection",
    "care": "Care",
    "proceedings": "Proceedings",
    "ahead": "Looking ahead",
    "quality": "Quality",
}


def navigation(pages: list, groups: dict[str, str]) -> list[dict]:
    """The pages grouped by the question they answer (``groups``: slug -> group key), groups in
    NAV_GROUPS order and pages in report.yaml order within each; empty groups left out."""
    grouped: dict[str, list] = {key: [] for key in NAV_GROUPS}
    for options in pages:
        key = groups.get(options.slug, "report")
        grouped.setdefault(key, []).append({"slug": options.slug, "title": options.title, "href": f"{options.slug}.html"})
    return [{"key": key, "label": NAV_GROUPS.get(key, key.replace("_", " ").capitalize()), "pages": items}
            for key, items in grouped.items() if items]


def assemble(report, pages: list[tuple[object, PublishedPage]], *, period, metrics: dict, inputs: list,
             audience: str, log_counts: dict, groups: dict[str, str] | None = None,
             drawings: StaticDrawings | None = None) -> dict[str, bytes]:
    """All files of the site, keyed by their path under build/, from the pages and figures as
    the privacy stage published them (`generator.privacy.publish`); ``groups`` maps each page's
    slug to its navigation group (the page kind's `group`); ``drawings``, the static SVGs the
    build began drawing as pages were rendered (any chart not among them is drawn here)."""
    templates = resource_dir("site_templates")
    env = environment(templates)
    files: dict[str, bytes] = {}
    nav = navigation([o for o, _ in pages], groups or {})
    assets = list(BASE_ASSETS)
    manifest_pages, manifest_charts = [], []
    sections = []
    # The static SVGs are drawn on threads of their own while this thread renders the pages' HTML.
    own = drawings is None
    drawings = drawings or StaticDrawings()
    static = {f"charts/{chart.id}.svg": drawings.draw(chart.spec) for _, page in pages for chart in page.charts}

    for options, page in pages:
        for name in page.scripts:
            if name not in assets:
                assets.append(name)
        charts = []
        for chart in page.charts:
            # The CSV, the table under the chart and the spec's inline data all come from the
            # one published table.
            files[f"downloads/{chart.id}.csv"] = csv_bytes(chart.data)
            charts.append({"id": chart.id, "title": chart.title, "description": chart.description, "spec": chart.spec,
                           "table": _table_of(chart.data, _numeric_columns(chart.data, chart.counts), chart.decimals)})
            manifest_charts.append({"id": chart.id, "title": chart.title, "page": options.slug, "csv": f"downloads/{chart.id}.csv",
                                    "counts": list(chart.counts), "decimals": dict(chart.decimals or {})})
        for name, table in page.downloads.items():
            files[f"downloads/{name}.csv"] = csv_bytes(table)
        for name, text in page.data_scripts.items():
            files[f"data/{name}"] = text.encode("utf-8")
        html = env.get_template(page.template).render(
            report=report,
            page={"slug": options.slug, "title": options.title, "kind": options.kind},
            options=options,
            nav=nav,
            period=period,
            metrics=metrics,
            charts=charts,
            vendor_js=VENDOR_JS if charts else None,
            chart_schemes=chart_schemes() if charts else None,
            page_scripts=[s for s in page.scripts if s.endswith(".js")],
            page_styles=[s for s in page.scripts if s.endswith(".css")],
            audience=audience,
            version=__version__,
            **page.context,
        )
        files[f"{options.slug}.html"] = html.encode("utf-8")
        sections.append({"title": options.title, "html": Markup(_main_of(html))})
        manifest_pages.append({"slug": options.slug, "title": options.title, "kind": options.kind, "file": f"{options.slug}.html"})

    for path, drawing in static.items():
        files[path] = drawing.result()
    if own:
        drawings.close()

    footer = f"{report.title} | {period.start:%-d %B %Y} to {period.end:%-d %B %Y}"
    files[PRINT_DOCUMENT] = env.get_template("print.html").render(
        report=report, period=period, sections=sections, footer=footer,
        styles=[a for a in assets if a.endswith(".css") and a != "report.css"]).encode("utf-8")

    for name in assets:
        files[f"assets/{name}"] = (templates / "assets" / name).read_bytes()
    files.update(vendor_files())

    manifest = {
        "generator": GENERATOR_NAME,
        "version": __version__,
        "title": report.title,
        "slug": report.slug,
        "audience": audience,
        "period": {"start": f"{period.start:%Y-%m-%d}", "end": f"{period.end:%Y-%m-%d}"},
        "inputs": [asdict(i) for i in inputs],
        "pages": manifest_pages,
        "charts": manifest_charts,
        "counts": log_counts,
    }
    files["manifest.json"] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")
    shown = {"period_start": f"{period.start:%Y-%m-%d}", "period_end": f"{period.end:%Y-%m-%d}", **metrics}
    files["metrics.json"] = (json.dumps(shown, indent=2, sort_keys=True) + "\n").encode("utf-8")
    return files


__all__ = ["assemble", "Path"]
