"""Properties (issue 13): whatever report.yaml, map file or data cells arrive, the command line
ends with exit 0 or 2 (a message), never 1 (a traceback). Run in-process, as tests/test_cli.py."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path

import pandas as pd
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.errors import InputError
from generator.eventlog import EventLog
from generator.ingest import read_sources
from generator.pages import PAGE_KINDS
from tests.helpers import tiny_report
import pytest

#: Whole builds or whole-demo fits: run by the README's test command, not by plain `pytest`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
FRONT_DOOR = yaml.safe_load((ROOT / "content" / "maps" / "front_door.yaml").read_text(encoding="utf-8"))
PROPERTY = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(),
    st.text(max_size=12), st.dates(), st.sampled_from(["index", "data", "x[/]", "../x", "9999-12-31", "=1+1"]),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                      max_leaves=10)
OPTION_NAMES = sorted({name for kind in PAGE_KINDS.values() for name in kind.Options.model_fields} - {"kind", "slug", "title"})


@st.composite
def pages(draw):
    page = {"kind": draw(st.sampled_from([*PAGE_KINDS, "nosuch"]) | values),
            "slug": draw(st.sampled_from(["index", "a", "b-2", "../x", "A&B"]) | values),
            "title": draw(st.text(min_size=1, max_size=12) | values)}
    for name in draw(st.lists(st.sampled_from(OPTION_NAMES), max_size=2, unique=True)):
        page[name] = draw(values)
    return page


@st.composite
def reports(draw):
    report = {"title": draw(st.text(min_size=1, max_size=12) | values),
              "sources": draw(st.just([{"path": "data"}]) | values),
              "pages": [{"kind": "overview", "slug": "index", "title": "O"}] + draw(st.lists(pages(), max_size=2))}
    optional = {"slug": st.sampled_from(["r", "Bad Slug"]) | values, "audience": st.sampled_from(["internal", "public"]) | values,
                "period": st.fixed_dictionaries({"start": st.dates(), "end": st.dates()}) | values,
                "annotations": st.lists(st.fixed_dictionaries({"date": st.dates(), "label": st.text(max_size=8)}), max_size=2) | values,
                "pseudonymise": values, "synthetic": values, "extra key": values}
    for key in draw(st.lists(st.sampled_from(sorted(optional)), max_size=3, unique=True)):
        report[key] = draw(optional[key])
    return report


def _exit_code(report: Path, out: Path) -> int:
    try:
        code = main(["build", str(report), "--out", str(out), "-q"])
    except SystemExit as stop:  # argparse
        code = int(stop.code)
    event(f"exit {code}")  # --hypothesis-show-statistics: how many examples built
    return code


def _dump(value) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False)


@PROPERTY
@given(reports())
def test_random_report_files_never_exit_1(tmp_path, document):
    report = tiny_report(tmp_path)
    report.write_text(_dump(document), encoding="utf-8")
    assert _exit_code(report, tmp_path / "out") in (0, 2)


@PROPERTY
@given(st.text(max_size=200))
def test_random_report_text_never_exits_1(tmp_path, text):
    report = tiny_report(tmp_path)
    report.write_text(text, encoding="utf-8")
    assert _exit_code(report, tmp_path / "out") in (0, 2)


@st.composite
def maps(draw):
    """The front-door map with a few settings replaced, removed or added at random."""
    document = yaml.safe_load(_dump(FRONT_DOOR))
    for _ in range(draw(st.integers(1, 3))):
        node, key = document, None
        for _depth in range(draw(st.integers(0, 3))):
            keys = list(node) if isinstance(node, dict) else list(range(len(node))) if isinstance(node, list) else []
            if not keys:
                break
            key = draw(st.sampled_from(keys))
            if not isinstance(node[key], (dict, list)):
                break
            node = node[key]
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            continue
        key = draw(st.sampled_from(keys))
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            node[key] = draw(values | st.sampled_from([[math.nan, 0], [1e308, -1e308], "leave", "stay"]))
        elif action == "delete":
            del node[key]
        elif isinstance(node, dict):
            node[draw(st.text(min_size=1, max_size=6))] = draw(values)
    return document


@settings(PROPERTY, max_examples=30)
@given(maps())
def test_random_map_files_never_exit_1(tmp_path, document):
    report = tiny_report(tmp_path, pages="\n  - {kind: overview, slug: index, title: O}\n"
                                         "  - {kind: pathway_map, slug: map, title: M, map: m.yaml}\n")
    (tmp_path / "m.yaml").write_text(_dump(document), encoding="utf-8")
    assert _exit_code(report, tmp_path / "out") in (0, 2)


# Cells a workbook or Parquet file may hold where a date belongs: Excel's open-ended
# 9999-12-31, years 1 and 3000, serials, text, numbers.
date_cells = st.one_of(
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.sampled_from([dt.datetime(9999, 12, 31), dt.datetime(1899, 12, 30), dt.datetime(2015, 3, 4)]),
    st.integers(-10**6, 10**7), st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12), st.none(),
)


@PROPERTY
@given(st.lists(st.tuples(st.sampled_from(["A1", "B2", "=1+1"]), st.sampled_from(["referral", "contact", "lac_start"]), date_cells),
                min_size=1, max_size=6),
       st.sampled_from(["events.xlsx", "events.parquet", "list_1.xlsx"]))
def test_random_cells_in_workbooks_and_parquet_load_or_raise_input_error(tmp_path, rows, name):
    folder = tmp_path / "cells"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    frame = pd.DataFrame(rows, columns=["child_id", "event", "date"])
    if name == "list_1.xlsx":  # an Annex A workbook: List 1 (contacts)
        frame = frame.rename(columns={"child_id": "Child Unique ID", "date": "Date of Contact"}).drop(columns="event")
        with pd.ExcelWriter(folder / name) as book:
            frame.to_excel(book, sheet_name="List 1", index=False)
    elif name.endswith(".xlsx"):
        frame.to_excel(folder / name, index=False)
    else:
        # A Parquet date column holds dates only; microseconds reach 9999-12-31.
        dates = [v if isinstance(v, dt.datetime) else None for v in frame["date"]]
        frame["date"] = pd.Series(dates, dtype=object).astype("datetime64[us]")
        frame.to_parquet(folder / name, index=False)
    try:
        log, _, _ = read_sources([folder])
    except InputError as error:
        assert error.problems and all(p.file for p in error.problems)
        return
    assert isinstance(log, EventLog)
    dates = log.events["date"].dropna()
    assert dates.empty or (dates.min() >= pd.Timestamp("1900-01-01") and dates.max() <= pd.Timestamp("2100-12-31"))
