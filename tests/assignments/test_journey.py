"""In a browser: a participant writes, uploads, submits; a team's draft conflict; every page
checked with axe and photographed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from academy.assignments.models import Submission, SubmissionVersion
from academy.extensions import db
from tests.assignments.conftest import SUBMISSION_FIXTURES
from tests.browser.support import axe_check, log_in, screenshot, visit
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, SUBMISSION_FIXTURES]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# Without JavaScript the same forms work (tests/assignments/test_views.py posts them as a
# browser without scripts would); headless contexts with scripts off stall here.
@pytest.mark.parametrize("javascript", [True], ids=["js"])
def test_participant_writes_uploads_and_submits(new_page, make, course, tmp_path, javascript):
    user = make.participant(course.cohort, user=make.user(locale="fi"))
    email, slug, assignment = user.email, course.cohort.slug, course.individual.slug
    page = new_page(locale="fi", java_script_enabled=javascript)
    log_in(page, email, PASSWORD)
    url = f"/cohorts/{slug}/assignments/{assignment}"
    visit(page, f"/cohorts/{slug}/assignments", f"assignments-list-{javascript}")
    visit(page, url, f"assignment-empty-{javascript}")

    page.locator("textarea[name=text]").fill("# Tavoitteet\n\nPäästöt −30 % vuoteen 2030.")
    if not javascript:
        with page.expect_navigation():
            page.locator("#editor button:not([formaction])").click()
    pdf = tmp_path / "tavoitteet.pdf"
    pdf.write_bytes(PDF)
    page.locator("input[type=file][name=files]").set_input_files(str(pdf))
    with page.expect_navigation():
        page.locator(".upload-form button[type=submit]").click()  # with JS: saves the text first
    assert "tavoitteet.pdf" in page.content()
    assert page.locator("textarea[name=text]").input_value().startswith("# Tavoitteet")
    axe_check(page)
    screenshot(page, f"assignment-draft-{javascript}")

    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("#editor button[formaction]").click()
    axe_check(page)
    screenshot(page, f"assignment-submitted-{javascript}")
    assert page.locator("#versions").is_visible()
    version = db.session.scalar(sa.select(SubmissionVersion))
    assert version.text.startswith("# Tavoitteet")
    db.session.rollback()


def test_team_conflict_is_shown_with_both_texts(new_page, make, course):
    organisation = make.organisation()
    anna = make.participant(course.cohort, organisation=organisation, user=make.user(locale="fi"))
    ben = make.participant(course.cohort, organisation=organisation, user=make.user(locale="fi"))
    emails, slug, assignment = (anna.email, ben.email), course.cohort.slug, course.team.slug
    first, second = new_page(), new_page()
    url = f"/cohorts/{slug}/assignments/{assignment}"
    for page, email in zip((first, second), emails, strict=True):
        log_in(page, email, PASSWORD)
        page.goto(url)
    first.locator("textarea[name=text]").fill("Annan luonnos")
    with first.expect_navigation():
        first.locator("#editor button:not([formaction])").click()
    second.locator("textarea[name=text]").fill("Benin luonnos")
    with second.expect_navigation():
        second.locator("#editor button:not([formaction])").click()
    assert second.locator("#their-text").input_value() == "Annan luonnos"
    assert second.locator("textarea[name=text]").input_value() == "Benin luonnos"
    axe_check(second)
    screenshot(second, "assignment-conflict")
    assert db.session.scalar(sa.select(Submission.draft_text)) == "Annan luonnos"
    db.session.rollback()
