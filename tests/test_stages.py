"""The build runs in stages that go one way (DESIGN.md's pipeline): the contracts that hold
them apart, and what a reader sees because of them."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from generator.build import build_report
from generator.cli import main
from generator.page_options import MEASURE_KEYS, PAGE_OPTIONS, STAGE_KEYS, WindowOptions
from generator.pages import PAGE_KINDS
from tests.helpers import write_report

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "generator"


def _imports(path: Path) -> set[str]:
    """Every generator module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("generator"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("generator"))
    return found


def _stage_imports(stage: str) -> dict[str, set[str]]:
    folder = PACKAGE / stage
    files = sorted(folder.rglob("*.py")) if folder.is_dir() else [PACKAGE / f"{stage}.py"]
    return {str(f.relative_to(REPO)): _imports(f) for f in files}


@pytest.mark.parametrize("stage, forbidden", [
    ("ingest", ("generator.analyses", "generator.pages", "generator.site", "generator.charts", "generator.privacy")),
    ("analyses", ("generator.charts", "generator.pages", "generator.site", "generator.privacy")),
    ("charts", ("generator.pages", "generator.site", "generator.privacy")),
    ("pages", ("generator.site", "generator.privacy")),
    ("site", ("generator.privacy", "generator.pages", "generator.analyses")),
    ("config", ("generator.pages", "generator.analyses", "generator.charts", "generator.site")),
    ("page_options", ("generator.pages", "generator.analyses", "generator.charts", "generator.site")),
    ("inputs", ("generator.pages", "generator.analyses", "generator.charts", "generator.site", "generator.privacy")),
])
def test_no_stage_imports_a_stage_to_its_right(stage, forbidden):
    wrong = {file: sorted(m for m in modules if m.startswith(forbidden))
             for file, modules in _stage_imports(stage).items()}
    assert {file: modules for file, modules in wrong.items() if modules} == {}


def test_reading_a_report_loads_no_analysis_or_chart_library():
    # validate and schema must be quick and work without the statistics stack loaded.
    code = ("import sys, generator.config, generator.inputs; "
            "print(sorted(m for m in ('altair', 'lifelines', 'statsmodels', 'scipy', 'vl_convert', 'generator.pages') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"


def test_every_page_kind_has_its_options_and_every_option_is_documented():
    assert set(PAGE_KINDS) == set(PAGE_OPTIONS)
    for kind, page in PAGE_KINDS.items():
        assert page.Options is PAGE_OPTIONS[kind]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for kind, options in PAGE_OPTIONS.items():
        assert f"| `{kind}` |" in readme, f"page kind {kind} is not in README's table"
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{kind}` |"))
        own = set(options.model_fields) - {"kind", "slug", "title"} - set(WindowOptions.model_fields)
        missing = [name for name in own if f"`{name}" not in row]
        assert not missing, f"README's row for {kind} does not name its options {missing}"


def test_option_lists_agree_with_the_analyses_that_define_them():
    from generator.analyses.front_door import LinkWindows
    from generator.analyses.interrupted import MEASURES
    from generator.analyses.workload import STAGES
    from generator.pages.base import link_windows

    assert tuple(m[0] for m in MEASURES) == MEASURE_KEYS
    assert tuple(s[0] for s in STAGES) == STAGE_KEYS
    defaults = WindowOptions(slug="x", title="x")
    assert link_windows(defaults) == LinkWindows()


def test_validate_reports_a_bad_option_a_bad_map_and_a_missing_markdown_file_without_reading_data(tmp_path, capsys):
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "broken.yaml").write_text("stations:\n  - {id: a, label: A, at: [0, 0], kind: entry}\n"
                                                   "lines: []\nevents: {}\n", encoding="utf-8")
    report = tmp_path / "report.yaml"
    report.write_text("""title: T
sources: [{path: no-such-folder}]
pages:
  - {kind: overview, slug: index, title: O}
  - {kind: trends, slug: trends, title: T, events: [referral, referal]}
  - {kind: pathway_map, slug: map, title: M, map: maps/broken.yaml}
  - {kind: markdown, slug: about, title: A, source: pages/missing.md}
""", encoding="utf-8")
    assert main(["validate", str(report)]) == 2
    err = capsys.readouterr().err
    assert "pages[1].events" in err and "'referal'" in err
    assert "broken.yaml" in err and "lines" in err and "pages[2]" in err
    assert "pages[3].source" in err and "missing.md" in err
    assert "no-such-folder" not in err  # the data was never read


def test_a_bad_slug_is_refused_at_load_with_its_key_path(tmp_path, capsys):
    report = write_report(tmp_path, pages="\n  - {kind: overview, slug: index, title: O}\n  - {kind: trends, slug: ../../x, title: T}\n")
    assert main(["validate", str(report)]) == 2
    assert "pages[1].slug" in capsys.readouterr().err


def _overview_quality(html: str) -> tuple[int, int, int]:
    found = re.search(r"found ([\d,]+) error rows? and ([\d,]+) warning rows? across ([\d,]+) findings?", html)
    return tuple(int(g.replace(",", "")) for g in found.groups())


def _data_quality_totals(html: str) -> tuple[int, int, int]:
    rows = re.findall(r'<tr data-check="[^"]*" data-severity="(\w+)">.*?<td class="number">([\d,]+)</td>', html, re.S)
    totals = Counter()
    for severity, count in rows:
        totals[severity] += int(count.replace(",", ""))
    return totals["error"], totals["warning"], len(rows)


@pytest.mark.parametrize("folder", [None, "events", "903", "cin", "annex_a"])
def test_the_overview_counts_the_findings_the_data_quality_page_lists(folder, tmp_path):
    from generator.checks import CHECKS

    result = build_report(None, tmp_path / "out", data=REPO / "data" / folder if folder else None)
    assert {f.check for f in result.findings} <= set(CHECKS), "a finding's check is not registered in generator/checks.py"
    overview = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    quality = (tmp_path / "out" / "data-quality.html").read_text(encoding="utf-8")
    assert _overview_quality(overview) == _data_quality_totals(quality)
    by_severity = r"([\d,]+) errors?, ([\d,]+) warnings? and ([\d,]+) notes?"
    assert re.search(by_severity, overview).groups() == re.search(by_severity, quality).groups()


def test_each_map_is_replayed_once_per_build_for_the_real_children(tmp_path, monkeypatch):
    from generator.ingest.tidy import write_tidy
    from generator.pathway import replay
    from generator.synth.demo import generate_demo

    write_tidy(generate_demo(children=1500, seed=7), tmp_path / "demo")
    report = write_report(tmp_path, data="demo", pages="""
  - {kind: overview, slug: index, title: Overview}
  - {kind: pathway_map, slug: pathway, title: Map}
  - {kind: pathway_map, slug: again, title: Map again, compare: {by: sex, left: Female, right: Male}}
  - {kind: fidelity, slug: twins, title: Twins}
""")
    calls = Counter()
    original = replay.build_journeys

    def counted(log, pmap):
        calls[(id(log), pmap.title)] += 1
        return original(log, pmap)

    monkeypatch.setattr(replay, "build_journeys", counted)
    loaded_logs = []
    from generator import inputs

    real_load = inputs.load
    monkeypatch.setattr("generator.build.load", lambda *a, **k: loaded_logs.append(real_load(*a, **k)) or loaded_logs[-1])
    build_report(report, tmp_path / "internal")
    real = id(loaded_logs[-1].log)
    assert {key: n for key, n in calls.items() if key[0] == real} == {(real, "The front door"): 1}
    assert sum(calls.values()) == 1  # internal: the dots are the real children; the twins page replays no map

    calls.clear()
    build_report(report, tmp_path / "public", audience="public")
    real = id(loaded_logs[-1].log)
    assert {key: n for key, n in calls.items() if key[0] == real} == {(real, "The front door"): 1}


def test_every_headline_figure_is_defined_once_and_documented(demo_build):
    import json

    from generator.metrics import METRICS, PERIOD_KEYS, definition_of

    written = json.loads((demo_build / "metrics.json").read_text(encoding="utf-8"))
    undefined = [key for key in written if key not in PERIOD_KEYS and definition_of(key) is None]
    assert undefined == [], "define these in generator/metrics.py"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("`metrics.json` keys"):readme.index("## Layout")]
    for metric in METRICS:
        named = f"`{metric.key}`" in section or f"`{metric.key}_pct`" in section or f"`{metric.key}_" in section
        assert named, f"README's metrics section does not name {metric.key}"



def test_every_check_named_in_the_code_is_registered():
    from generator.checks import CHECKS

    named = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            called = getattr(node, "func", None)
            if isinstance(node, ast.Call) and getattr(called, "id", getattr(called, "attr", None)) in ("finding", "Finding") \
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                named.add(node.args[0].value)
    assert named - set(CHECKS) == set(), "register these checks in generator/checks.py"
