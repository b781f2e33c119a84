"""End-to-end journeys in Chromium: each role signs in through the real form (CSRF on), walks
its pages, and every page passes axe; screenshots at desktop and phone width."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from academy.cohorts.models import Role
from tests.browser.support import (
    axe_check,
    log_in,
    log_out,
    release_database,
    screenshot,
    visit,
)
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _people(make) -> SimpleNamespace:
    """A cohort with a participant and a trainer, and a coordinator, as plain values."""
    cohort = make.cohort(name="KEINO-akatemia syksy 2026", slug="keino-autumn")
    organisation = make.organisation(name="Testilän kaupunki")
    participant = make.membership(
        cohort, make.user(name="Aino Osallistuja"), organisation=organisation
    ).user
    trainer = make.membership(cohort, make.user(name="Teemu Kouluttaja"), role=Role.trainer).user
    coordinator = make.coordinator(name="Kaisa Koordinaattori")
    people = SimpleNamespace(
        cohort_slug=cohort.slug,
        participant=participant.email,
        trainer=trainer.email,
        coordinator=coordinator.email,
    )
    release_database()
    return people


#: the pages each role walks after signing in, besides home
PAGES = {
    "participant": ["/cohorts/{cohort_slug}", "/profile"],
    "trainer": ["/cohorts/{cohort_slug}", "/profile"],
    "coordinator": [
        "/cohorts/{cohort_slug}",
        "/profile",
        "/cohorts",
        "/organisations",
        "/people",
    ],
}


@pytest.mark.parametrize("role", PAGES)
def test_each_role_signs_in_and_walks_its_pages(role, make, page):
    people = _people(make)
    visit(page, "/login", f"{role}-login")

    log_in(page, getattr(people, role), PASSWORD)

    assert page.url.endswith("/"), page.url
    expect(page.locator('form[action$="/logout"]')).to_be_visible()
    axe_check(page)
    screenshot(page, f"{role}-home")
    for template in PAGES[role]:
        path = template.format(cohort_slug=people.cohort_slug)
        visit(page, path, f"{role}-{path.strip('/').replace('/', '-')}")


def test_visitor_switches_language_on_the_login_page(new_page):
    page = new_page(locale="fi")
    page.goto("/login")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "fi")

    for locale in ("sv", "en", "fi"):
        page.locator(f'.language-switcher button[value="{locale}"]').click()
        expect(html).to_have_attribute("lang", locale)
        expect(page).to_have_url(re.compile(r"/login$"))
        expect(page.locator(f'.language-switcher button[value="{locale}"]')).to_have_attribute(
            "aria-current", "true"
        )
        axe_check(page)
        screenshot(page, f"login-{locale}")


def test_language_chosen_when_signed_in_is_kept_on_the_account(make, new_page):
    people = _people(make)
    page = new_page(locale="fi")
    log_in(page, people.participant, PASSWORD)  # the factory's users speak English
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.locator('.language-switcher button[value="sv"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    log_out(page)

    other_browser = new_page(locale="en")
    log_in(other_browser, people.participant, PASSWORD)
    expect(other_browser.locator("html")).to_have_attribute("lang", "sv")


def test_login_heading_is_translated_into_finnish(new_page):
    headings = {}
    for locale in ("fi", "en"):
        page = new_page(locale=locale)
        page.goto("/login")
        expect(page.locator("html")).to_have_attribute("lang", locale)
        headings[locale] = page.locator("h1").inner_text()
    assert headings["fi"] != headings["en"], (
        f"the Finnish login page says {headings['fi']!r}, as the English one: "
        "are the catalogues translated and compiled (make translations)?"
    )


def test_without_javascript_a_user_can_sign_in_and_out(make, new_page):
    people = _people(make)
    page = new_page(java_script_enabled=False)

    log_in(page, people.participant, PASSWORD)
    assert page.url.endswith("/"), page.url
    expect(page.locator('form[action$="/logout"]')).to_be_visible()

    log_out(page)
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$|/login\?next=/$"))
