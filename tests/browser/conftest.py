"""Browser fixtures: one headless Chromium per test worker, a fresh context per test.

Playwright cannot download its own browser here, so the system Chromium is used. Without it
the journeys are skipped, except when ACADEMY_BROWSER_REQUIRED=1 (CI), where a skip would hide
a broken setup and the run fails instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.support import DESKTOP, release_database

CHROMIUM = os.environ.get("ACADEMY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
BROWSER_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    """Every test in tests/browser/ is a browser test (`-m "not browser"` leaves them out)."""
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


def _unavailable(reason: str):
    if os.environ.get("ACADEMY_BROWSER_REQUIRED") == "1":
        pytest.fail(f"{reason} (ACADEMY_BROWSER_REQUIRED=1, so this is an error)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium, shared by the tests of one worker."""
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"Chromium not found at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """`new_page(locale="sv", java_script_enabled=False)`: a page in a fresh browser context.

    Each context has its own cookies; all of them are closed at the end of the test. Rows the
    test built before are committed first (see `release_database`).
    """
    contexts = []

    def _new_page(locale: str = "fi", **options):
        release_database()
        context = browser.new_context(
            base_url=live_server, locale=locale, viewport=DESKTOP, **options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A page in a fresh Finnish-speaking browser context."""
    return new_page()
