"""Journeys of issue 3 in Chromium: a participant studies a module and sees "what next", a
coordinator adjusts the schedule; every page passes axe in Finnish, Swedish and English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from academy.cohorts.models import Role
from academy.cohorts.schedule import create_default_schedule
from tests.browser.support import axe_check, log_in, release_database, screenshot, visit
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _cohort_on_a_programme(make, locale: str) -> dict:
    version = make.programme_version(modules=3, assignments_per_module=1)
    cohort = make.cohort(slug="keino-kevat", programme_version_id=version.id)
    create_default_schedule(cohort)
    organisation = make.organisation(name="Porin kaupunki")
    participant = make.membership(
        cohort, make.user(name="Pia Osallistuja", locale=locale), organisation=organisation
    ).user
    make.membership(cohort, make.user(name="Tero Kouluttaja"), role=Role.trainer)
    coordinator = make.coordinator(name="Kerttu Koordinaattori", locale=locale)
    values = {
        "slug": cohort.slug,
        "participant": participant.email,
        "coordinator": coordinator.email,
    }
    release_database()
    return values


@pytest.mark.parametrize("locale", ["fi", "sv", "en"])
def test_participant_studies_a_module_and_marks_it_completed(locale, make, page):
    world = _cohort_on_a_programme(make, locale)
    log_in(page, world["participant"], PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", locale)
    axe_check(page)
    screenshot(page, f"participant-what-next-{locale}")

    visit(page, f"/cohorts/{world['slug']}/modules", f"participant-modules-{locale}")
    visit(page, f"/cohorts/{world['slug']}/modules/module-1", f"participant-module-{locale}")
    expect(page.locator("h1")).to_contain_text(f"Module 1 ({locale})")
    if locale != "fi":
        # the body exists only in Finnish: the page says so and marks the language
        expect(page.locator('[lang="fi"]').first).to_be_visible()

    with page.expect_navigation():
        page.locator('form[action$="/modules/module-1/complete"] [type="submit"]').click()
    axe_check(page)
    visit(page, "/", f"participant-home-after-completion-{locale}")
    expect(page.locator("main")).to_contain_text("1")

    visit(page, f"/cohorts/{world['slug']}/schedule", f"participant-schedule-{locale}")


def test_coordinator_adjusts_the_schedule_without_javascript(make, new_page):
    world = _cohort_on_a_programme(make, "en")
    page = new_page(java_script_enabled=False)
    log_in(page, world["coordinator"], PASSWORD)
    response = page.goto(f"/cohorts/{world['slug']}/schedule")
    assert response is not None and response.status == 200
    screenshot(page, "coordinator-schedule")
    first_day = page.locator('.schedule-form input[type="date"]').first
    first_day.fill("2026-09-03")
    with page.expect_navigation():
        page.locator('.schedule-form [type="submit"]').click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator('.schedule-form input[type="date"]').first).to_have_value("2026-09-03")


def test_coordinator_schedule_and_settings_pass_axe(make, page):
    world = _cohort_on_a_programme(make, "fi")
    log_in(page, world["coordinator"], PASSWORD)
    visit(page, f"/cohorts/{world['slug']}/schedule", "coordinator-schedule-axe")
    visit(page, f"/cohorts/{world['slug']}/edit", "coordinator-cohort-settings")
