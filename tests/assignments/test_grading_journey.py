"""In a browser, in Finnish and Swedish: a participant submits, a trainer grades with the rubric
and returns the work for revision, the participant revises, and the trainer accepts it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from academy.assignments.models import Submission, SubmissionStatus
from academy.cohorts.models import Role
from academy.extensions import db
from tests.assignments.conftest import SUBMISSION_FIXTURES
from tests.browser.support import axe_check, log_in, log_out, release_database, screenshot, visit
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, SUBMISSION_FIXTURES]


def _submission_status() -> tuple[int, SubmissionStatus]:
    submission = db.session.scalar(sa.select(Submission))
    result = submission.id, submission.status
    release_database()
    return result


def _submit(page, url: str, text: str, name: str) -> None:
    visit(page, url, f"{name}-before")
    page.locator("textarea[name=text]").fill(text)
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("#editor button[formaction]").click()
    axe_check(page)
    screenshot(page, f"{name}-after")


def _assess(page, url: str, level: str, outcome: str, feedback: str, name: str) -> None:
    visit(page, url, name)
    page.locator(f'input[type=radio][value="{level}"]').first.check()
    page.locator(f'input[name=outcome][value="{outcome}"]').check()
    page.locator("textarea[name=feedback]").fill(feedback)
    with page.expect_navigation():
        page.locator('button[name=action][value="release"]').click()
    axe_check(page)


@pytest.mark.parametrize("locale", ["fi", "sv"])
def test_work_is_returned_for_revision_then_accepted(locale, make, course, new_page):
    participant = make.participant(course.cohort, user=make.user(locale=locale))
    trainer = make.membership(course.cohort, make.user(locale=locale), role=Role.trainer).user
    people = {"participant": participant.email, "trainer": trainer.email}
    slug, assignment = course.cohort.slug, course.individual.slug
    release_database()
    work_url = f"/cohorts/{slug}/assignments/{assignment}"
    page = new_page(locale=locale)

    log_in(page, people["participant"], PASSWORD)
    _submit(
        page, work_url, "# Vaikuttavuustavoitteet\n\nEnsimmäinen versio.", f"journey-{locale}-1"
    )
    submission_id, status = _submission_status()
    assert status is SubmissionStatus.submitted
    log_out(page)

    log_in(page, people["trainer"], PASSWORD)
    visit(page, f"/cohorts/{slug}/grading", f"journey-{locale}-queue")
    assess_url = f"/cohorts/{slug}/submissions/{submission_id}/assess"
    _assess(
        page,
        assess_url,
        "developing",
        "needs_revision",
        "Lisää mittarit.",
        f"journey-{locale}-assess-1",
    )
    assert _submission_status()[1] is SubmissionStatus.returned
    log_out(page)

    log_in(page, people["participant"], PASSWORD)
    visit(page, work_url, f"journey-{locale}-feedback")
    assert "Lisää mittarit." in page.content()
    _submit(
        page,
        work_url,
        "# Vaikuttavuustavoitteet\n\nToinen versio mittareineen.",
        f"journey-{locale}-2",
    )
    assert _submission_status()[1] is SubmissionStatus.submitted
    log_out(page)

    log_in(page, people["trainer"], PASSWORD)
    _assess(page, assess_url, "exemplary", "accepted", "Erinomaista.", f"journey-{locale}-assess-2")
    assert _submission_status()[1] is SubmissionStatus.accepted
    log_out(page)

    log_in(page, people["participant"], PASSWORD)
    visit(page, work_url, f"journey-{locale}-accepted")
    assert "Erinomaista." in page.content()
