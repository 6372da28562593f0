"""Reports that travel: zip, single file, print document and PDF, init for a new LA."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from generator.build import build_report
from generator.cli import main
from generator.pdf import find_chromium
from tests.helpers import tiny_report

#: Whole builds or whole-demo fits: run by the README's test command, not by plain `pytest`.
pytestmark = pytest.mark.slow


def test_zip_holds_the_whole_build_under_one_folder_and_is_deterministic(tmp_path):
    report = tiny_report(tmp_path)
    build_report(report, tmp_path / "a", zip_archive=True)
    build_report(report, tmp_path / "b", zip_archive=True)
    data = (tmp_path / "a" / "report.zip").read_bytes()
    assert data == (tmp_path / "b" / "report.zip").read_bytes()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "report/index.html" in names and "report/assets/vendor/vega-bundle.js" in names
    assert all(name.startswith("report/") for name in names)


def test_single_file_pages_reference_no_other_file_but_pages(tmp_path):
    report = tiny_report(tmp_path)
    out = tmp_path / "out"
    build_report(report, out, single_file=True)
    pages = sorted(p.name for p in out.glob("*.html"))
    assert "index.html" in pages
    for name in pages:
        html = (out / name).read_text()
        assert '<script src=' not in html and 'rel="stylesheet"' not in html, name
        assert 'src="charts/' not in html and 'href="downloads/' not in html
    assert not (out / "assets" / "report.js").exists()


def test_print_document_has_every_page_and_static_charts(tmp_path):
    report = tiny_report(tmp_path)
    out = tmp_path / "out"
    build_report(report, out)
    html = (out / "print.html").read_text()
    manifest = json.loads((out / "manifest.json").read_text())
    for page in manifest["pages"]:
        assert f"<h1>{page['title']}</h1>" in html
    for chart in manifest["charts"]:
        assert f'src="charts/{chart["id"]}.svg"' in html
        assert (out / "charts" / f"{chart['id']}.svg").read_bytes().startswith(b"<svg")
    assert "counter(pages)" in html and "Test report" in html


def test_a_hostile_title_cannot_escape_the_print_footer(tmp_path):
    report = tiny_report(tmp_path)
    report.write_text(report.read_text().replace("title: Test report", "title: 'x\"; } </style><script>alert(1)</script>'"))
    build_report(report, tmp_path / "out")
    html = (tmp_path / "out" / "print.html").read_text()
    assert "<script>alert(1)" not in html and "</style><script>" not in html


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium to print with")
def test_pdf_prints_every_page_of_the_report(tmp_path, capsys):
    report = tiny_report(tmp_path)
    build_report(report, tmp_path / "out")
    assert main(["pdf", str(tmp_path / "out"), "--pdf", str(tmp_path / "r.pdf")]) == 0
    data = (tmp_path / "r.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    assert data.count(b"/Type /Page\n") + data.count(b"/Type/Page") + data.count(b"/Type /Page ") >= 3 or len(data) > 20_000


def test_pdf_of_a_folder_that_is_not_a_build_exits_2(tmp_path, capsys):
    assert main(["pdf", str(tmp_path)]) == 2
    assert "carejourneys build" in capsys.readouterr().err


def test_init_scaffolds_a_report_that_builds_once_data_is_dropped_in(tmp_path, capsys):
    folder = tmp_path / "kent"
    assert main(["init", str(folder)]) == 0
    assert (folder / "report.yaml").is_file() and (folder / "data" / "README.md").is_file()
    tiny = tiny_report(tmp_path / "tiny")
    for name in ("events.csv", "children.csv"):
        (folder / "data" / name).write_bytes((tiny.parent / "data" / name).read_bytes())
    assert main(["build", str(folder / "report.yaml"), "--out", str(folder / "build"), "-q"]) == 0
    assert (folder / "build" / "index.html").is_file()


def test_init_refuses_a_folder_with_files(tmp_path, capsys):
    (tmp_path / "x.txt").write_text("mine")
    assert main(["init", str(tmp_path)]) == 2
    assert "not empty" in capsys.readouterr().err




def test_print_document_shows_the_map_at_four_dates(demo_build):
    html = (demo_build / "print.html").read_text()
    assert html.count('class="pathway-print-view"') >= 4
    assert 'href="assets/player.css"' in html  # the map's print rules reach the print document


def _pdf_text(path) -> str:
    from tests.pdf_pages import pages

    return " ".join(page.get_textpage().get_text_range() for page in pages(path))


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium to print with")
def test_a_rebuild_prints_the_pdf_of_the_previous_build_again_for_the_new_report(tmp_path, capsys):
    report = tiny_report(tmp_path)
    out = tmp_path / "build"
    build_report(report, out)
    assert main(["pdf", str(out)]) == 0
    slug = json.loads((out / "manifest.json").read_text())["slug"]
    assert "Test report" in _pdf_text(out / f"{slug}.pdf")
    report.write_text(report.read_text().replace("title: Test report", "title: Second report"))
    build_report(report, out)
    new_slug = json.loads((out / "manifest.json").read_text())["slug"]
    text = _pdf_text(out / f"{new_slug}.pdf")
    assert "Second report" in text and "Test report" not in text  # of the new build, not a stale copy
    assert not (out / f"{new_slug}-previous-build.pdf").exists()


def test_a_rebuild_that_cannot_print_keeps_the_old_pdf_under_a_name_saying_so(tmp_path, monkeypatch, capsys):
    report = tiny_report(tmp_path)
    out = tmp_path / "build"
    build_report(report, out)
    slug = json.loads((out / "manifest.json").read_text())["slug"]
    (out / f"{slug}.pdf").write_bytes(b"%PDF-1.4 the previous build's PDF")
    monkeypatch.setattr("generator.pdf.find_chromium", lambda: None)
    assert main(["build", str(report), "--out", str(out)]) == 0
    assert not (out / f"{slug}.pdf").exists()  # never a stale PDF under the current build's name
    assert (out / f"{slug}-previous-build.pdf").read_bytes() == b"%PDF-1.4 the previous build's PDF"
    err = capsys.readouterr().err
    assert f"{slug}-previous-build.pdf" in err and "carejourneys pdf" in err
