"""Helpers for browser journeys: accessibility checks, screenshots, signing in through the form."""

from __future__ import annotations

import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

from academy.extensions import db

#: PNGs for people to look at (gitignored)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
#: axe impacts that fail a journey; "minor" and "moderate" are left to review
BLOCKING_IMPACTS = ("serious", "critical")

_axe = Axe()


def axe_check(page) -> None:
    """Run axe on the page as it is now; fail on any serious or critical violation."""
    results = _axe.run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        raise AssertionError(f"Accessibility violations on {page.url}:\n" + _report(blocking))


def _report(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").splitlines()[:4]
            lines.extend(f"      {line.strip()}" for line in summary)
    return "\n".join(lines)


def screenshot(page, name: str) -> list[Path]:
    """Save full-page PNGs at desktop and phone width as screenshots/<name>-{desktop,phone}.png."""
    SCREENSHOTS.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
    original = page.viewport_size
    paths = []
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        path = SCREENSHOTS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    if original:
        page.set_viewport_size(original)
    return paths


def release_database() -> None:
    """Commit and end the test's own transaction: call it after building data, before browsing.

    The server runs in a thread with its own connection, and with SQLite (every transaction
    begins IMMEDIATE) it cannot even read while this thread holds a transaction: a request
    would wait for the busy timeout. Objects built before are detached afterwards; keep plain
    values (e-mail, slug) for the browser part of a test.
    """
    db.session.commit()
    db.session.close()


def visit(page, path: str, name: str) -> None:
    """Open `path`, expect 200, check accessibility and take the screenshots."""
    response = page.goto(path)
    assert response is not None and response.status == 200, (
        f"GET {path} answered {response.status if response else 'nothing'}"
    )
    axe_check(page)
    screenshot(page, name)


def log_in(page, email: str, password: str) -> None:
    """Sign in through the login form (CSRF token included, as a browser sends it)."""
    page.goto("/login")
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password"]').fill(password)
    with page.expect_navigation():
        page.locator('form:has(input[name="password"]) [type="submit"]').click()


def log_out(page) -> None:
    """Sign out with the button in the header (a POST form)."""
    with page.expect_navigation():
        page.locator('form[action$="/logout"] [type="submit"]').click()
