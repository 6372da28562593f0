"""`carejourneys pdf`: the built report's print document as one PDF, printed by Chromium.

The build writes print.html (every page, static charts, page breaks, a footer with the
report's title, period and page numbers); Chromium's own --print-to-pdf prints it. No
Chromium, no PDF: the message says how to install one.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from generator.errors import InputError, Problem
from generator.site.assemble import PRINT_DOCUMENT
from generator.build_folder import is_previous_build

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--no-pdf-header-footer"]


def find_chromium() -> str | None:
    """The path of a Chromium to print with, or None when there is none."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(build_dir: Path, pdf: Path, browser: str | None = None) -> Path:
    """Print ``build_dir``/print.html to ``pdf``; returns the PDF's path."""
    document = build_dir / PRINT_DOCUMENT
    if not is_previous_build(build_dir) or not document.is_file():
        raise InputError(Problem(str(build_dir), "", "is not a carejourneys build with a print document",
                                 "run `carejourneys build` first (without --single-file), then `carejourneys pdf`"))
    browser = browser or find_chromium()
    if browser is None:
        raise InputError(Problem("chromium", "", "no Chromium or Chrome found to print with",
                                 "install it (Debian/Ubuntu: `sudo apt-get install chromium`), or open "
                                 f"{document} in any browser and print to PDF"))
    pdf = pdf.absolute()
    pdf.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run([browser, *FLAGS, f"--print-to-pdf={pdf}", document.resolve().as_uri()],
                            capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or not pdf.is_file():
        raise RuntimeError(f"{browser} could not print {document}: {result.stderr[-800:]}")
    return pdf
