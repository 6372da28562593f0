"""Real headless Chromium (Debian's), pages opened from file:// with the network blocked.

`report_page(path)` opens a built page, aborts every request that is not file://, records
console errors and failed requests, and waits for `window.carejourneys.ready`. On CI (CI set)
a missing Chromium fails the run; on a developer's machine the browser tests are skipped
with the command that installs it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium (apt-get install chromium)")
        pytest.skip(f"no {CHROMIUM}: run `apt-get install chromium` to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def report_page(browser):
    """A function: report_page(path, wait_ready=True) -> Page, with `console_errors` and `blocked`."""
    contexts = []

    def open_page(path: Path, wait_ready: bool = True, viewport=None, reduced_motion: str = "no-preference",
                  color_scheme: str = "light"):
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, reduced_motion=reduced_motion,
                                      color_scheme=color_scheme)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.console_warnings = []
        page.blocked = []

        def on_console(message):
            if message.type == "error":
                page.console_errors.append(message.text)
            elif message.type == "warning":
                page.console_warnings.append(message.text)

        def route(request_route):
            url = request_route.request.url
            if url.startswith("file://"):
                request_route.continue_()
            else:
                page.blocked.append(url)
                request_route.abort()

        page.on("console", on_console)
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        page.route("**/*", route)
        page.goto(Path(path).resolve().as_uri())
        if wait_ready:
            page.wait_for_function("window.carejourneys && window.carejourneys.ready", timeout=10_000)
            page.evaluate("window.carejourneys.ready")
        return page

    yield open_page
    for context in contexts:
        context.close()
