"""Through the browser's eyes: the assignment page, drafts, uploads, submits, downloads."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa

from academy.assignments import services
from academy.assignments.models import (
    Assessment,
    Extension,
    Submission,
    SubmissionFile,
    SubmissionStatus,
    SubmissionVersion,
)
from academy.extensions import db
from academy.organisations.models import Organisation
from tests.assignments.conftest import PDF, PNG, SUBMISSION_FIXTURES, at, upload

pytestmark = SUBMISSION_FIXTURES

PAGE = "/cohorts/{slug}/assignments/{assignment}"


def _page(course, spec=None) -> str:
    return PAGE.format(slug=course.cohort.slug, assignment=(spec or course.individual).slug)


def _submission(user, course, spec=None) -> Submission:
    db.session.expire_all()
    return services.submission_for(user, course.cohort, spec or course.individual)


def test_participant_drafts_uploads_and_submits(make, login, client, course):
    user = make.participant(course.cohort)
    login(user)
    page = _page(course)
    html = client.get(page).get_data(as_text=True)
    assert "Kirjoita." in html  # the instructions
    assert "Competent (en)" in html  # the rubric's levels
    assert 'name="revision"' in html and "multiple" in html and ".docx" in html

    response = client.post(
        page + "/draft", data={"text": "# Tavoitteet\n\nPäästöt.", "revision": 0}
    )
    assert response.status_code == 302
    response = client.post(page + "/files", data={"files": [(io.BytesIO(PDF), "../raportti.pdf")]})
    assert response.status_code == 302
    response = client.post(
        page + "/submit", data={"text": "# Tavoitteet\n\nPäästöt.", "revision": 1}
    )
    assert response.status_code == 302

    html = client.get(page).get_data(as_text=True)
    assert "Version 1" in html
    assert '<h4 id="tavoitteet">Tavoitteet</h4>' in html and "Päästöt." in html
    submission = _submission(user, course)
    assert submission.status is SubmissionStatus.submitted
    version_file = db.session.scalar(
        sa.select(SubmissionFile).where(SubmissionFile.version_id.is_not(None))
    )
    assert version_file.filename == "raportti.pdf"
    download = client.get(
        f"/cohorts/{course.cohort.slug}/submissions/{submission.id}/files/{version_file.id}"
    )
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    disposition = download.headers["Content-Disposition"]
    assert disposition == "attachment; filename=\"raportti.pdf\"; filename*=UTF-8''raportti.pdf"
    # the editor is gone: submitted work waits for the trainer
    assert 'name="text"' not in html


def test_text_files_are_sent_as_bytes_and_names_are_encoded(make, login, client, course):
    user = make.participant(course.cohort)
    login(user)
    client.post(
        _page(course) + "/files",
        data={"files": [(io.BytesIO(b"muistio\n"), "Hankinta – ÅÄÖ.txt")]},
    )
    row = db.session.scalar(sa.select(SubmissionFile))
    response = client.get(
        f"/cohorts/{course.cohort.slug}/submissions/{row.submission_id}/files/{row.id}"
    )
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert (
        "filename*=UTF-8''Hankinta%20%E2%80%93%20%C3%85%C3%84%C3%96.txt"
        in (response.headers["Content-Disposition"])
    )
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_wrong_type_is_refused_beside_the_field_and_changes_nothing(make, login, client, course):
    user = make.participant(course.cohort)
    login(user)
    client.post(_page(course) + "/draft", data={"text": "Luonnos", "revision": 0})
    response = client.post(
        _page(course) + "/files", data={"files": [(io.BytesIO(PNG), "kuva.pdf")]}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="files-error"' in html and "does not contain what its name says" in html
    assert db.session.scalar(sa.select(sa.func.count(SubmissionFile.id))) == 0
    assert _submission(user, course).draft_text == "Luonnos"


def test_an_oversize_file_is_refused_and_the_draft_text_is_kept(make, login, client, course, app):
    user = make.participant(course.cohort)
    login(user)
    client.post(_page(course) + "/draft", data={"text": "Tärkeä teksti", "revision": 0})
    app.config["ASSIGNMENT_MAX_FILE_SIZE"] = 1024
    try:
        big = PDF + b"0" * 4096  # over the file limit, well under MAX_CONTENT_LENGTH
        response = client.post(
            _page(course) + "/files", data={"files": [(io.BytesIO(big), "iso.pdf")]}
        )
    finally:
        app.config["ASSIGNMENT_MAX_FILE_SIZE"] = 20 * 1024 * 1024
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "too large" in html and 'id="files-error"' in html
    assert "Tärkeä teksti" in html  # the editor still holds the saved draft
    assert _submission(user, course).draft_text == "Tärkeä teksti"


def test_a_request_over_the_limit_answers_413_with_a_readable_page(
    make, login, client, course, app
):
    user = make.participant(course.cohort)
    login(user)
    client.post(_page(course) + "/draft", data={"text": "Säilyvä teksti", "revision": 0})
    app.config["MAX_CONTENT_LENGTH"] = 2048
    try:
        response = client.post(
            _page(course) + "/files", data={"files": [(io.BytesIO(PDF + b"0" * 8192), "iso.pdf")]}
        )
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 210 * 1024 * 1024
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert _submission(user, course).draft_text == "Säilyvä teksti"


def test_conflicting_saves_show_both_texts(make, login, app, course):
    organisation = make.organisation()
    anna = make.participant(course.cohort, organisation=organisation)
    ben = make.participant(course.cohort, organisation=organisation)
    first, second = app.test_client(), app.test_client()
    login(anna, c=first)
    login(ben, c=second)
    page = _page(course, course.team)
    assert (
        first.post(page + "/draft", data={"text": "Annan versio", "revision": 0}).status_code == 302
    )
    response = second.post(page + "/draft", data={"text": "Benin versio", "revision": 0})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Annan versio" in html and "Benin versio" in html
    assert re.search(r'name="revision"[^>]*value="1"', html)
    assert _submission(anna, course, course.team).draft_text == "Annan versio"


def test_submit_after_cut_off_is_refused_with_a_message_and_keeps_the_draft(
    make, login, client, course
):
    user = make.participant(course.cohort)
    login(user)
    client.post(_page(course) + "/draft", data={"text": "Myöhäinen", "revision": 0})
    course.set_dates(course.individual, opens=-5, due=-2, cut_off=-1)
    db.session.commit()
    response = client.post(_page(course) + "/submit", data={"text": "Myöhäinen", "revision": 1})
    assert response.status_code == 422
    assert "cut-off" in response.get_data(as_text=True)
    submission = _submission(user, course)
    assert submission.draft_text == "Myöhäinen"
    assert submission.status is SubmissionStatus.draft
    assert db.session.scalar(sa.select(sa.func.count(SubmissionVersion.id))) == 0


def test_empty_submit_is_refused(make, login, client, course):
    login(make.participant(course.cohort))
    response = client.post(_page(course) + "/submit", data={"text": "  ", "revision": 0})
    assert response.status_code == 422
    assert "nothing to submit" in response.get_data(as_text=True)


def test_late_submission_is_marked_on_the_page_and_in_the_list(make, login, client, course):
    course.set_dates(course.individual, opens=-5, due=-1, cut_off=2)
    login(make.participant(course.cohort))
    client.post(_page(course) + "/submit", data={"text": "Myöhässä", "revision": 0})
    assert db.session.scalar(sa.select(SubmissionVersion.late)) is True
    listing = client.get(f"/cohorts/{course.cohort.slug}/assignments").get_data(as_text=True)
    assert "Late" in listing and "Submitted" in listing


def test_background_save_answers_json(make, login, client, course):
    login(make.participant(course.cohort))
    response = client.post(
        _page(course) + "/draft", data={"text": "Automaattinen", "revision": 0, "background": "1"}
    )
    assert response.status_code == 200 and response.json == {"revision": 1}
    stale = client.post(
        _page(course) + "/draft", data={"text": "Vanha", "revision": 0, "background": "1"}
    )
    assert stale.status_code == 409 and stale.json["conflict"] is True


def test_unreleased_assessments_are_never_shown(make, login, client, course):
    user = make.participant(course.cohort)
    trainer = make.trainer(course.cohort)
    submission = services.submission_for(user, course.cohort, course.individual, True)
    services.save_draft(user, submission, "Työ", 0)
    version = services.submit(user, submission, 1)
    db.session.add(
        Assessment(
            submission_id=submission.id,
            version_id=version.id,
            assessor_id=trainer.id,
            feedback="SALAINEN LUONNOSPALAUTE",
        )
    )
    login(user)
    for url in (_page(course), f"/cohorts/{course.cohort.slug}/submissions/{submission.id}"):
        html = client.get(url).get_data(as_text=True)
        assert "SALAINEN LUONNOSPALAUTE" not in html


def test_other_teams_get_404_for_pages_and_files(make, login, client, course):
    owner = make.participant(course.cohort)
    submission = services.submission_for(owner, course.cohort, course.team, True)
    (row,) = services.add_files(owner, submission, [upload()])
    teammate = make.participant(
        course.cohort, organisation=db.session.get(Organisation, submission.organisation_id)
    )
    stranger = make.participant(course.cohort)
    base = f"/cohorts/{course.cohort.slug}/submissions/{submission.id}"
    login(stranger)
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/files/{row.id}").status_code == 404
    # a remove posted for the other team's file is refused and changes nothing
    response = client.post(_page(course, course.team) + f"/files/{row.id}/delete")
    assert response.status_code == 404
    assert db.session.get(SubmissionFile, row.id) is not None
    client.post("/logout")
    login(teammate)
    assert client.get(f"{base}/files/{row.id}").status_code == 200


def test_trainer_grants_an_extension_and_the_participant_sees_it(make, login, app, course):
    course.set_dates(course.individual, opens=-5, due=-2, cut_off=-1)
    trainer = make.trainer(course.cohort)
    user = make.participant(course.cohort)
    staff, person = app.test_client(), app.test_client()
    login(trainer, c=staff)
    login(user, c=person)
    url = _page(course) + "/extensions"
    day = at(3).date().isoformat()
    response = staff.post(
        url,
        data={"who": user.id, "due_date": day, "cut_off_date": day, "cut_off_time": "23:00",
              "reason": "Sairausloma"},
    )  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "Sairausloma" in staff.get(url).get_data(as_text=True)
    assert "Extended" in person.get(_page(course)).get_data(as_text=True)
    response = person.post(_page(course) + "/submit", data={"text": "Nyt ehdin", "revision": 0})
    assert response.status_code == 302
    extension = db.session.scalar(sa.select(Extension))
    assert staff.post(f"{url}/{extension.id}/revoke").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Extension.id))) == 0


def test_extension_form_errors_are_shown_beside_the_fields(make, login, client, course):
    trainer = make.trainer(course.cohort)
    user = make.participant(course.cohort)
    login(trainer)
    response = client.post(
        _page(course) + "/extensions",
        data={"who": user.id, "due_date": at(5).date().isoformat(),
              "cut_off_date": at(2).date().isoformat()},
    )  # fmt: skip
    assert response.status_code == 422
    assert "cut-off cannot be before" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["trainer", "coordinator"])
def test_staff_see_the_assignment_without_an_editor(make, login, client, course, role):
    user = make.trainer(course.cohort) if role == "trainer" else make.coordinator()
    login(user)
    html = client.get(_page(course)).get_data(as_text=True)
    assert "Kirjoita." in html and 'name="text"' not in html and "Extensions" in html


def test_instructions_link_to_the_modules_files_in_the_readers_language(
    make, login, client, course
):
    """Relative links in instructions ("attachments/x.csv") reach the module's files, not a 404
    under the assignment's own address."""
    from academy.core.storage import store_file
    from academy.programmes.models import Module

    module = db.session.get(Module, course.individual.module_id)
    module.attachments = {
        "pohja.csv": store_file(b"\xef\xbb\xbftunnus;v\xc3\xa4itt\xc3\xa4m\xc3\xa4\n"),
        "pohja.sv.csv": store_file(b"\xef\xbb\xbfid;p\xc3\xa5st\xc3\xa5ende\n"),
    }
    course.individual.instructions = {
        "fi": "Lataa [pohja](attachments/pohja.csv).",
        "sv": "Ladda ner [mallen](attachments/pohja.sv.csv).",
    }
    db.session.commit()
    login(make.participant(course.cohort, user=make.user(locale="sv")))

    html = client.get(_page(course)).get_data(as_text=True)

    href = f"/cohorts/{course.cohort.slug}/modules/{module.slug}/attachments/pohja.sv.csv"
    assert f'<a href="{href}" rel="noopener noreferrer">mallen</a>' in html
    download = client.get(href)
    assert download.status_code == 200
    assert download.data.startswith(b"\xef\xbb\xbfid;p")
    assert download.headers["Content-Disposition"] == "attachment; filename=pohja.sv.csv"
