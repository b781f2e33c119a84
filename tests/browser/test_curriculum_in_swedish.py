"""A Swedish-speaking participant reads the whole KEINO curriculum in Swedish in Chromium: every
module, every assignment's instructions and every rubric, with no Finnish fallback, and the
Swedish templates download as Excel opens them."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from academy.cohorts.models import ScheduleItem
from academy.cohorts.schedule import create_default_schedule
from academy.core.db import utcnow
from academy.extensions import db
from academy.programmes.models import Module
from academy.programmes.services import import_curriculum
from tests.browser.support import SCREENSHOTS, axe_check, log_in, release_database
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

CURRICULUM = Path(__file__).resolve().parents[2] / "curricula" / "keino-academy"
#: the widths the pages are looked at
WIDTHS = {"1366": {"width": 1366, "height": 900}, "390": {"width": 390, "height": 844}}


def shoot(page, name: str) -> None:
    """Full-page PNGs at 1366 and 390 px: screenshots/<name>-1366.png and -390.png."""
    SCREENSHOTS.mkdir(exist_ok=True)
    for label, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(WIDTHS["1366"])


def _cohort_with_every_module_open(make) -> dict:
    """The real curriculum, a cohort whose modules and assignments are all open today."""
    version = import_curriculum(CURRICULUM).version
    cohort = make.cohort(slug="kohort-osterbotten", programme_version_id=version.id)
    create_default_schedule(cohort)
    now = utcnow()
    for item in db.session.scalars(
        sa.select(ScheduleItem).where(ScheduleItem.cohort_id == cohort.id)
    ):
        item.opens_at = now - timedelta(days=1)
        if item.assignment_spec_id is not None:
            item.due_at = now + timedelta(days=30)
            item.cut_off_at = now + timedelta(days=40)
    organisation = make.organisation(name="Vasa stad")
    participant = make.membership(
        cohort, make.user(name="Stina Deltagare", locale="sv"), organisation=organisation
    ).user
    modules = db.session.scalars(
        sa.select(Module).where(Module.version_id == version.id).order_by(Module.position)
    ).all()
    world = {
        "slug": cohort.slug,
        "participant": participant.email,
        "modules": [
            {
                "slug": m.slug,
                "title": m.titles["sv"],
                "first_heading": m.bodies["sv"].splitlines()[0].lstrip("# "),
                "assignments": [
                    {
                        "slug": a.slug,
                        "title": a.titles["sv"],
                        "instructions": a.instructions["sv"].splitlines()[0],
                        "criteria": [
                            (c["titles"]["sv"], [lv["descriptions"]["sv"] for lv in c["levels"]])
                            for c in a.rubric
                        ],
                    }
                    for a in m.assignments
                ],
            }
            for m in modules
        ],
    }
    release_database()
    return world


def _no_finnish_fallback(page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.locator(".notice-language")).to_have_count(0)
    expect(page.locator('main [lang="fi"]')).to_have_count(0)


def test_a_swedish_participant_reads_every_module_assignment_and_rubric_in_swedish(make, page):
    world = _cohort_with_every_module_open(make)
    page.set_viewport_size(WIDTHS["1366"])
    log_in(page, world["participant"], PASSWORD)

    for number, module in enumerate(world["modules"], start=1):
        response = page.goto(f"/cohorts/{world['slug']}/modules/{module['slug']}")
        assert response is not None and response.status == 200
        _no_finnish_fallback(page)
        expect(page.locator("h1")).to_contain_text(module["title"])
        expect(page.locator('.module-body[lang="sv"]')).to_contain_text(module["first_heading"])
        axe_check(page)
        shoot(page, f"sv-module-{number}-{module['slug']}")

        for assignment in module["assignments"]:
            response = page.goto(f"/cohorts/{world['slug']}/assignments/{assignment['slug']}")
            assert response is not None and response.status == 200
            _no_finnish_fallback(page)
            expect(page.locator("h1")).to_contain_text(assignment["title"])
            instructions = page.locator('section[aria-labelledby="instructions-title"] .prose')
            expect(instructions).to_have_attribute("lang", "sv")
            first_line = re.sub(r"[*\[\]]|\(attachments/[^)]*\)", "", assignment["instructions"])
            expect(instructions).to_contain_text(first_line.strip())
            tables = page.locator("table.rubric")
            expect(tables).to_have_count(len(assignment["criteria"]))
            for index, (title, descriptions) in enumerate(assignment["criteria"]):
                expect(tables.nth(index).locator("caption")).to_have_text(title)
                for description in descriptions:
                    expect(tables.nth(index)).to_contain_text(description)
            axe_check(page)
            shoot(page, f"sv-assignment-{number}-{assignment['slug']}")


def test_the_swedish_template_downloads_as_excel_opens_it(make, page):
    world = _cohort_with_every_module_open(make)
    log_in(page, world["participant"], PASSWORD)
    page.goto(f"/cohorts/{world['slug']}/modules/kick-off")

    link = page.locator('.module-body a[href$="maturity-self-assessment.sv.csv"]')
    expect(link).to_have_text("Mall för självvärdering (CSV)")
    with page.expect_download() as download:
        link.click()
    data = Path(download.value.path()).read_bytes()

    assert download.value.suggested_filename == "maturity-self-assessment.sv.csv"
    assert data.startswith(b"\xef\xbb\xbfid;omr\xc3\xa5de;p\xc3\xa5st\xc3\xa5ende;")
