"""Whole builds: deterministic, atomic, safe with hostile input, complete outputs."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from generator.build import build_report
from generator.errors import InputError
from tests.helpers import TINY_EVENTS, tiny_report

HOSTILE = "</script><script>alert(1)</script>"


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_two_builds_of_the_same_input_are_byte_identical(tmp_path):
    report = tiny_report(tmp_path)
    build_report(report, tmp_path / "one")
    build_report(report, tmp_path / "two")
    assert _digest(tmp_path / "one") == _digest(tmp_path / "two")


def test_outputs_named_in_design_are_written(tmp_path):
    report = tiny_report(tmp_path)
    out = tmp_path / "out"
    build_report(report, out)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["generator"] == "carejourneys"
    assert [i["name"] for i in manifest["inputs"]] == ["children.csv", "events.csv"]
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    assert [p["file"] for p in manifest["pages"]] == ["index.html", "activity.html"]
    for chart in manifest["charts"]:
        assert (out / chart["csv"]).is_file()
    assert (out / "assets" / "vendor" / "vega-bundle.js").stat().st_size > 100_000
    assert "BSD" in (out / "assets" / "vendor" / "LICENSE.txt").read_text()
    metrics = json.loads((out / "metrics.json").read_text())
    for key in ("children", "events", "contacts", "referrals", "assessments", "s47", "icpc", "cpp_starts",
                "lac_starts", "rereferral_12m_pct", "rereferral_36m_pct", "assessment_nfa_pct"):
        assert key in metrics
    assert metrics["referrals"] == 3 and metrics["assessment_nfa_pct"] == 50.0


def test_no_page_loads_anything_from_the_network(tmp_path):
    report = tiny_report(tmp_path)
    build_report(report, tmp_path / "out")
    for page in (tmp_path / "out").glob("*.html"):
        html = page.read_text()
        # no script, style or image from elsewhere (the Vega-Lite "$schema" URL is an id, never fetched)
        assert not re.search(r'(src|href)="(https?:)?//', html)
        assert "fetch(" not in html and 'type="module"' not in html


def test_a_failed_build_leaves_the_previous_build_untouched(tmp_path):
    report = tiny_report(tmp_path)
    out = tmp_path / "out"
    build_report(report, out)
    before = _digest(out)
    (tmp_path / "data" / "events.csv").write_text(TINY_EVENTS + "C9,referral,2015-13-45,,\n")
    with pytest.raises(InputError):
        build_report(report, out)
    assert _digest(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_a_folder_that_is_not_a_previous_build_is_never_replaced(tmp_path):
    report = tiny_report(tmp_path)
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "budget.xlsx").write_text("keep me")
    with pytest.raises(InputError, match="not a previous carejourneys build"):
        build_report(report, precious)
    assert (precious / "budget.xlsx").read_text() == "keep me"


def test_a_previous_build_is_replaced_whole(tmp_path):
    report = tiny_report(tmp_path)
    out = tmp_path / "out"
    build_report(report, out)
    (out / "stale.html").write_text("old")
    build_report(report, out)
    assert not (out / "stale.html").exists()


def test_hostile_titles_and_labels_render_as_text(tmp_path):
    report = tiny_report(tmp_path)
    text = report.read_text()
    text = text.replace("title: Test report", f"title: '{HOSTILE}'").replace("New front door", HOSTILE)
    text = text.replace("title: Activity}", f"title: '{HOSTILE}'}}")
    report.write_text(text)
    out = tmp_path / "out"
    build_report(report, out)
    for page in out.glob("*.html"):
        html = page.read_text()
        assert "<script>alert(1)" not in html, page.name
        assert html.count("<script") == html.count("</script>")


def test_markdown_passes_no_raw_html_or_javascript_links(tmp_path):
    pages = """
  - {kind: overview, slug: index, title: Overview}
  - {kind: markdown, slug: about, title: About, source: about.md}
"""
    report = tiny_report(tmp_path, pages=pages)
    (tmp_path / "about.md").write_text(
        "# Hi\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
        "[click](javascript:alert(3)) and [ok](https://example.org)\n"
    )
    build_report(report, tmp_path / "out")
    html = (tmp_path / "out" / "about.html").read_text()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "<img" not in html
    assert 'href="javascript:' not in html
    assert 'href="https://example.org"' in html


def test_the_whole_demo_report_builds_byte_identically(demo_build, tmp_path):
    from tests.conftest import DEMO_REPORT

    build_report(DEMO_REPORT, tmp_path / "again")
    assert _digest(tmp_path / "again") == _digest(demo_build)


def test_each_chart_is_drawn_once_as_a_static_svg_and_handed_over_before_publishing(tmp_path, monkeypatch):
    import generator.build as build
    from generator.site import static_charts

    sent, handed, at_publishing = [], [], []
    original_write, original_draw, original_publish = static_charts._write_frame, static_charts.StaticDrawings.draw, build.publish_report
    monkeypatch.setattr(static_charts, "_write_frame", lambda pipe, payload: sent.append(1) or original_write(pipe, payload))
    monkeypatch.setattr(static_charts.StaticDrawings, "draw", lambda self, spec: handed.append(1) or original_draw(self, spec))
    monkeypatch.setattr(build, "publish_report", lambda *a: at_publishing.append(len(handed)) or original_publish(*a))
    out = tmp_path / "out"
    build_report(tiny_report(tmp_path), out)
    charts = list((out / "charts").glob("*.svg"))
    assert charts and len(sent) == len(charts)  # each sent to the drawing process once: the site took the early drawings
    assert at_publishing == [len(charts)]  # every chart handed over as its page was rendered
    assert all(p.read_bytes().startswith(b"<svg") for p in charts)


SPEC = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "data": {"values": [{"a": 1}, {"a": 3}]},
        "mark": "bar", "encoding": {"x": {"field": "a", "type": "quantitative"}}, "width": 200}


def test_static_drawings_draw_a_spec_once_as_it_was_handed_over_as_this_process_would():
    from generator.site.static_charts import StaticDrawings, static_svg

    spec = dict(SPEC)
    drawings = StaticDrawings()
    first = drawings.draw(spec)
    again = drawings.draw(dict(spec))
    spec["mark"] = "point"  # changed after it was handed over: the drawing is of the spec as it was
    assert first is again
    bar = first.result(timeout=120)
    assert bar == static_svg({**spec, "mark": "bar"}) and drawings.draw(spec).result(timeout=120) == static_svg(spec)
    with pytest.raises(RuntimeError):  # a spec vl-convert cannot draw is an error where it is asked for
        drawings.draw({"mark": "no such mark"}).result(timeout=120)
    drawings.close()


def test_static_drawings_are_drawn_here_when_no_process_can_be_started(monkeypatch):
    import subprocess

    from generator.site.static_charts import StaticDrawings, static_svg

    def refused(*args, **kwargs):
        raise OSError("not allowed on this laptop")

    monkeypatch.setattr(subprocess, "Popen", refused)
    drawings = StaticDrawings()
    assert drawings.draw(SPEC).result(timeout=120) == static_svg(SPEC)
    drawings.close()


def test_drawings_sent_to_a_drawing_process_that_ended_are_drawn_here():
    from generator.site.static_charts import StaticDrawings, static_svg

    drawings = StaticDrawings()
    drawings.draw(SPEC).result(timeout=120)
    drawings._process.kill()  # as if the process had crashed
    other = {**SPEC, "mark": "point"}
    assert drawings.draw(other).result(timeout=120) == static_svg(other)
    drawings.close()
