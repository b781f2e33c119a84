"""Grading: the queue, the assessment form, release, notifications, audit trail and the ZIP."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from academy.assignments import grading
from academy.assignments.models import (
    Assessment,
    FeedbackFile,
    Outcome,
    Submission,
    SubmissionStatus,
)
from academy.cohorts.models import Role
from academy.core.audit import AuditEvent
from academy.core.db import utcnow
from academy.core.errors import DomainError
from academy.extensions import db
from academy.notifications.models import Notification
from academy.programmes.models import AssignmentKind
from tests.assignments import access_grading as build

SECRET_FEEDBACK = "Vaikuttavuustavoitteet puuttuvat kokonaan"


@pytest.fixture
def course(make):
    """A cohort with a trainer, a two-person team (Turun kaupunki) and a third participant."""
    cohort = make.cohort(slug="grading-cohort", name="KEINO syksy")
    cohort.programme_version_id = make.programme_version(modules=2, assignments_per_module=2).id
    turku = make.organisation(name="Turun kaupunki")
    aino = make.participant(cohort, organisation=turku, user=make.user(name="Aino Aaltonen"))
    bertta = make.participant(
        cohort, organisation=turku, user=make.user(name="Bertta Björk", locale="sv")
    )
    cecilia = make.participant(cohort, user=make.user(name="Cecilia Cederberg"))
    individual = build.specs_of(cohort, kind=AssignmentKind.individual)
    team = build.specs_of(cohort, kind=AssignmentKind.team)
    return SimpleNamespace(
        cohort=cohort,
        trainer=make.trainer(cohort, user=make.user(name="Tiina Trainer")),
        coordinator=make.coordinator(name="Kaisa Koordinaattori"),
        turku=turku,
        aino=aino,
        bertta=bertta,
        cecilia=cecilia,
        individual=individual,
        team=team,
    )


def _url(course, work, action="assess"):
    return f"/cohorts/{course.cohort.slug}/submissions/{work.id}/{action}"


def _submitted(course, spec=None, author=None, organisation=None, **version_fields):
    spec = spec or course.individual[0]
    if author is None and organisation is None:
        author = course.cecilia
    work = build.submission(course.cohort, spec, author=author, organisation=organisation)
    first = build.version(work, by=author or course.aino, **version_fields)
    return work, first


def _post(client, course, work, **data):
    form = {"version": "1", "feedback": SECRET_FEEDBACK} | data
    return client.post(_url(course, work), data=form, content_type="multipart/form-data")


# The queue -------------------------------------------------------------------------------------


def test_queue_shows_each_state_oldest_first_with_late_marks(course, login, client):
    now = utcnow()
    new, _ = _submitted(course, at=now - timedelta(days=3), late=True)
    draft_work, draft_version = _submitted(
        course, spec=course.individual[1], author=course.aino, at=now - timedelta(days=5)
    )
    build.assessment(draft_work, draft_version, course.trainer)
    returned_work, returned_version = _submitted(
        course, spec=course.team[0], organisation=course.turku, at=now - timedelta(days=1)
    )
    build.assessment(
        returned_work, returned_version, course.trainer, outcome=Outcome.needs_revision,
        released=True,
    )  # fmt: skip
    returned_work.status = SubmissionStatus.returned

    page = grading.grading_queue(course.cohort)
    assert [(r.submission_id, r.state) for r in page.rows] == [
        (draft_work.id, grading.QueueState.in_assessment),
        (new.id, grading.QueueState.new),
        (returned_work.id, grading.QueueState.returned),
    ]
    assert [r.late for r in page.rows] == [False, True, False]
    assert page.counts[grading.QueueState.new] == 1

    login(course.trainer)
    html = client.get("/cohorts/grading-cohort/grading").get_data(as_text=True)
    assert "Cecilia Cederberg" in html and "Aino Aaltonen" in html
    assert "Turun kaupunki" in html  # team work is shown under the organisation's name
    assert html.count('class="badge badge-warning late"') == 1
    assert html.index("Aino Aaltonen") < html.index("Cecilia Cederberg")


def test_queue_filters_by_state_module_and_assignment(course, login, client):
    first, _ = _submitted(course)
    second, second_version = _submitted(course, spec=course.individual[1], author=course.aino)
    build.assessment(second, second_version, course.trainer)

    assert [
        r.submission_id
        for r in grading.grading_queue(course.cohort, state=grading.QueueState.new).rows
    ] == [first.id]
    module_2 = grading.grading_queue(course.cohort, module="module-2")
    assert [r.submission_id for r in module_2.rows] == [second.id]
    by_assignment = grading.grading_queue(course.cohort, assignment=course.individual[0].slug)
    assert [r.submission_id for r in by_assignment.rows] == [first.id]

    login(course.trainer)
    html = client.get("/cohorts/grading-cohort/grading?state=in_assessment").get_data(as_text=True)
    assert "Aino Aaltonen" in html and "Cecilia Cederberg" not in html


def test_queue_sorts_only_by_allow_listed_columns(course, login, client):
    now = utcnow()
    _submitted(course, author=course.cecilia, at=now - timedelta(days=2))
    _submitted(course, spec=course.individual[1], author=course.aino, at=now - timedelta(days=1))
    by_author = grading.grading_queue(course.cohort, sort="author")
    assert [r.author_name for r in by_author.rows] == ["Aino Aaltonen", "Cecilia Cederberg"]
    newest = grading.grading_queue(course.cohort, descending=True)
    assert [r.author_name for r in newest.rows] == ["Aino Aaltonen", "Cecilia Cederberg"]

    login(course.trainer)
    for query in (
        "sort=submitted_at;DROP TABLE submissions",
        "sort=Submission.id&direction=sideways",
        "state=everything&module=../x&assignment=' OR 1=1 --&page=abc",
    ):
        response = client.get(f"/cohorts/grading-cohort/grading?{query}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        # ignored: the default order, oldest first, and nothing filtered away
        assert html.index("Cecilia Cederberg") < html.index("Aino Aaltonen")
    assert db.session.scalar(sa.select(sa.func.count(Submission.id))) == 2


def test_queue_is_paginated(course, make):
    for _ in range(3):
        _submitted(course, author=make.participant(course.cohort))
    page = grading.grading_queue(course.cohort, per_page=2, page=2)
    assert page.total == 3 and page.pages == 2 and len(page.rows) == 1
    assert grading.grading_queue(course.cohort, per_page=2, page=99).page == 2


@pytest.mark.parametrize("size", [3, 30])
def test_queue_uses_a_constant_number_of_queries(size, course, make, login, client, count_queries):
    for n in range(size):
        work, first = _submitted(course, author=make.participant(course.cohort), late=n % 2 == 0)
        if n % 3 == 0:
            build.assessment(work, first, course.trainer)
    login(course.trainer)
    client.get("/cohorts/grading-cohort/grading")
    with count_queries() as counter:
        response = client.get("/cohorts/grading-cohort/grading")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('<tr class="state-') == size
    # BEGIN, the user, the cohort, the trainer's membership, the modules and assignments, counts
    # per state, the page, the menu's cohorts, the unread notifications, the menu's membership
    # (every request starts from an empty session, as on a real server)
    assert counter.count <= 11, "\n".join(s[:90] for s in counter.statements)


# The assessment form ---------------------------------------------------------------------------


def test_assessment_page_shows_the_rubric_with_level_texts_and_versions(course, login, client):
    work, _ = _submitted(
        course, text="**Tavoite** <script>alert(1)</script>", files={"a.pdf": build.PDF}
    )
    build.version(work, number=2, text="Toinen versio", files={"raportti.pdf": build.PDF})
    login(course.trainer)
    html = client.get(_url(course, work)).get_data(as_text=True)
    assert "Analysis (en)" in html and "Developing (en)" in html and "Exemplary (en)" in html
    assert "Toinen versio" in html and "Version 2" in html and "Version 1" in html
    assert "<script>alert(1)</script>" not in html
    assert f"/cohorts/grading-cohort/submissions/{work.id}/files/" in html
    assert 'value="2"' in html  # the version the form is for


def test_save_draft_keeps_the_assessment_unreleased(course, login, client, mailbox):
    work, _ = _submitted(course)
    login(course.trainer)
    response = _post(
        client,
        course,
        work,
        **{"score-analysis": "competent", "outcome": "accepted", "action": "draft"},
    )
    assert response.status_code == 302
    saved = db.session.scalar(sa.select(Assessment))
    assert saved.scores == {"analysis": "competent"} and saved.outcome is Outcome.accepted
    assert saved.released_at is None
    assert db.session.get(Submission, work.id).status is SubmissionStatus.submitted
    assert mailbox.messages == []
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0


@pytest.mark.parametrize(
    "data, message",
    [
        ({"score-analysis": "perfect"}, "is not a level of this criterion"),
        ({"score-analysis": "competent", "score-charisma": "high"}, "The rubric has no criterion"),
        ({"outcome": "brilliant"}, "Not a valid choice"),
        ({"version": "1x"}, "has changed since you opened it"),
    ],
)
def test_invalid_grades_are_refused_and_change_nothing(course, login, client, data, message):
    work, _ = _submitted(course)
    login(course.trainer)
    response = _post(client, course, work, action="release", **data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Assessment.id))) == 0


def test_a_form_for_an_older_version_is_refused(course, login, client):
    work, _ = _submitted(course)
    build.version(work, number=2)
    login(course.trainer)
    response = _post(client, course, work, version="1", **{"score-analysis": "competent"})
    assert response.status_code == 422
    assert "version 2 is now the latest" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Assessment.id))) == 0


def test_a_submission_of_another_cohort_is_not_found(course, make, login, client):
    other = make.cohort(slug="other")
    other.programme_version_id = course.cohort.programme_version_id
    stranger = make.participant(other)
    work = build.submission(other, course.individual[0], author=stranger)
    build.version(work)
    login(course.trainer)
    assert client.get(_url(course, work)).status_code == 404
    assert _post(client, course, work, **{"score-analysis": "competent"}).status_code == 404
    assert client.get(f"/cohorts/other/submissions/{work.id}/assess").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Assessment.id))) == 0


def test_service_refuses_a_participant_as_assessor(course):
    work, _ = _submitted(course)
    with pytest.raises(DomainError):
        grading.save_assessment(
            course.aino, work, version_number=1, scores={}, outcome=None, feedback=""
        )


def test_release_needs_an_outcome_and_a_level_for_every_criterion(course, login, client):
    work, _ = _submitted(course)
    login(course.trainer)
    response = _post(client, course, work, action="release", outcome="accepted")
    assert response.status_code == 422
    assert "Choose a level for every criterion" in response.get_data(as_text=True)
    response = _post(client, course, work, action="release", **{"score-analysis": "competent"})
    assert "Choose an outcome before releasing" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Assessment.released_at)) is None


def test_feedback_files_follow_the_upload_rules(course, login, client):
    work, _ = _submitted(course)
    login(course.trainer)
    fake = (io.BytesIO(b"<html><script>alert(1)</script></html>"), "palaute.pdf")
    response = _post(client, course, work, files=[fake])
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(FeedbackFile.id))) == 0
    good = (io.BytesIO(build.PDF), "../../palaute.pdf")
    assert _post(client, course, work, files=[good]).status_code == 302
    assert db.session.scalar(sa.select(FeedbackFile.filename)) == "palaute.pdf"


# Release -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "outcome, status",
    [
        ("accepted", SubmissionStatus.accepted),
        ("needs_revision", SubmissionStatus.returned),
        ("rejected", SubmissionStatus.rejected),
    ],
)
def test_release_moves_the_submission_with_the_outcome(course, login, client, outcome, status):
    work, _ = _submitted(course)
    login(course.trainer)
    response = _post(
        client, course, work, action="release", outcome=outcome, **{"score-analysis": "competent"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Submission, work.id).status is status
    assert db.session.scalar(sa.select(Assessment.released_at)) is not None


def test_needs_revision_lets_the_participant_revise(course):
    from academy.assignments.access import can_edit_submission

    work, first = _submitted(course)
    draft = build.assessment(work, first, course.trainer, outcome=Outcome.needs_revision)
    assert not can_edit_submission(course.cecilia, work)
    grading.release(course.trainer, draft)
    assert work.status is SubmissionStatus.returned
    assert can_edit_submission(course.cecilia, work)


def test_release_tells_every_team_member_without_the_grade(course, mailbox):
    work, first = _submitted(course, spec=course.team[0], organisation=course.turku)
    draft = build.assessment(
        work, first, course.trainer, outcome=Outcome.rejected, feedback=SECRET_FEEDBACK
    )
    grading.release(course.trainer, draft)
    db.session.commit()

    assert sorted(m["To"] for m in mailbox.messages) == sorted(
        [course.aino.email, course.bertta.email]
    )
    link = f"/cohorts/grading-cohort/submissions/{work.id}"
    for message in mailbox.messages:
        body = mailbox.body(message)
        assert link in body
        for leak in (SECRET_FEEDBACK, "Rejected", "rejected", "Competent", "competent"):
            assert leak not in body and leak not in message["Subject"]
    notified = db.session.scalars(sa.select(Notification.user_id)).all()
    assert sorted(notified) == sorted([course.aino.id, course.bertta.id])
    for notification in db.session.scalars(sa.select(Notification)):
        assert notification.url == link
        assert "rejected" not in str(notification.params).lower()
        assert SECRET_FEEDBACK not in str(notification.params)


def test_bulk_release_releases_all_or_none(course, make, login, client, mailbox):
    one, one_version = _submitted(course)
    two, two_version = _submitted(course, spec=course.individual[1], author=course.aino)
    first = build.assessment(one, one_version, course.trainer)
    second = build.assessment(two, two_version, course.trainer, outcome=Outcome.needs_revision)
    other = make.cohort(slug="elsewhere")
    foreign_work = build.submission(other, course.individual[0], author=make.participant(other))
    foreign = build.assessment(foreign_work, build.version(foreign_work), course.trainer)
    login(course.trainer)

    url = "/cohorts/grading-cohort/grading/release"
    response = client.post(url, data={"assessment": [str(first.id), str(foreign.id)]})
    assert response.status_code == 302
    db.session.expire_all()
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(Assessment.released_at.is_not(None)))
        == 0
    )
    assert mailbox.messages == []

    response = client.post(url, data={"assessment": [str(first.id), str(second.id)]})
    db.session.expire_all()
    assert db.session.get(Assessment, first.id).released_at is not None
    assert db.session.get(Assessment, second.id).released_at is not None
    assert db.session.get(Submission, one.id).status is SubmissionStatus.accepted
    assert db.session.get(Submission, two.id).status is SubmissionStatus.returned
    assert db.session.get(Assessment, foreign.id).released_at is None
    assert len(mailbox.messages) == 2


# What participants see ---------------------------------------------------------------------


def test_participants_see_feedback_only_after_release(course, login, client, mailbox):
    work, first = _submitted(course)
    draft = build.assessment(
        work,
        first,
        course.trainer,
        feedback=f"**{SECRET_FEEDBACK}**",
        files={"palaute.pdf": build.PDF},
    )
    file_id = db.session.scalar(sa.select(FeedbackFile.id))
    page = f"/cohorts/grading-cohort/submissions/{work.id}"
    download = f"{page}/feedback-files/{file_id}"
    login(course.cecilia)

    html = client.get(page).get_data(as_text=True)
    assert SECRET_FEEDBACK not in html and "Competent" not in html
    assert client.get(download).status_code == 404
    assert SECRET_FEEDBACK not in client.get("/notifications").get_data(as_text=True)
    assert mailbox.messages == []
    assert grading.released_assessments(work) == []

    grading.release(course.trainer, draft)
    db.session.commit()
    html = client.get(page).get_data(as_text=True)
    assert f"<strong>{SECRET_FEEDBACK}</strong>" in html
    assert "Competent (en)" in html and "Accepted" in html
    response = client.get(download)
    assert response.status_code == 200 and response.data == build.PDF
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()
    assert "Feedback on" in client.get("/notifications").get_data(as_text=True)


# The audit trail ---------------------------------------------------------------------------


def test_changes_after_release_are_audited_with_who_when_before_after(course, login, client, app):
    work, first = _submitted(course)
    draft = build.assessment(work, first, course.trainer)
    login(course.trainer)
    # before release: no audit of changes
    _post(
        client, course, work, action="draft", outcome="accepted", **{"score-analysis": "developing"}
    )
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0
    grading.release(course.trainer, db.session.get(Assessment, draft.id))
    db.session.commit()

    moment = utcnow()
    response = _post(
        client, course, work, action="save", outcome="needs_revision", feedback="Täydennä.",
        **{"score-analysis": "exemplary"},
    )  # fmt: skip
    assert response.status_code == 302
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "assessment.changed")
    )
    assert event.actor_id == course.trainer.id
    assert event.object_type == "assessment" and event.object_id == draft.id
    assert event.created_at >= moment - timedelta(seconds=5)
    assert event.before == {
        "scores": {"analysis": "developing"},
        "outcome": "accepted",
        "feedback": SECRET_FEEDBACK,
    }
    assert event.after == {
        "scores": {"analysis": "exemplary"},
        "outcome": "needs_revision",
        "feedback": "Täydennä.",
    }
    db.session.expire_all()
    assert db.session.get(Submission, work.id).status is SubmissionStatus.returned

    audit = f"/cohorts/grading-cohort/submissions/{work.id}/audit"
    assert client.get(audit).status_code == 404  # trainers do not read the trail
    coordinator = login(course.coordinator, c=app.test_client())
    html = coordinator.get(audit).get_data(as_text=True)
    assert "Tiina Trainer" in html and "Changed after release" in html
    assert "developing" in html and "exemplary" in html


def test_saving_a_released_assessment_unchanged_records_nothing(course, login, client):
    work, first = _submitted(course)
    build.assessment(work, first, course.trainer, released=True)
    work.status = SubmissionStatus.accepted
    login(course.trainer)
    _post(client, course, work, action="save", outcome="accepted", feedback="Hyvä analyysi.",
          **{"score-analysis": "competent"})  # fmt: skip
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 0


# The ZIP -------------------------------------------------------------------------------------


def test_zip_has_every_latest_version_under_safe_names(course, login, client):
    spec = course.team[0]
    team_work, _ = _submitted(course, spec=spec, organisation=course.turku, text="Ensimmäinen")
    build.version(
        team_work,
        number=2,
        text="# Toinen",
        files={
            "raportti.pdf": build.PDF,
            "../../etc/passwd": b"root:x:0:0\n",
            "/abs/raportti.pdf": b"%PDF-1.4 other",
            "..": b"x",
        },
    )
    _submitted(course, spec=spec, author=course.cecilia, text="", files={"liite.pdf": build.PDF})
    login(course.trainer)
    response = client.get(f"/cohorts/grading-cohort/grading/{spec.slug}/download.zip")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    response.close()
    names = archive.namelist()
    assert sorted(names) == sorted(
        [
            "Turun-kaupunki/v2/text.md",
            "Turun-kaupunki/v2/raportti.pdf",
            "Turun-kaupunki/v2/passwd",
            "Turun-kaupunki/v2/raportti-2.pdf",
            f"Turun-kaupunki/v2/file-{_file_id(team_work, '..')}",
            "Cecilia-Cederberg/v1/liite.pdf",
        ]
    )
    for name in names:
        assert not name.startswith("/") and ".." not in name.split("/")
    assert archive.read("Turun-kaupunki/v2/text.md").decode() == "# Toinen"
    assert archive.read("Turun-kaupunki/v2/passwd") == b"root:x:0:0\n"


def _file_id(work, name):
    from academy.assignments.models import SubmissionFile

    return db.session.scalar(
        sa.select(SubmissionFile.id).where(
            SubmissionFile.submission_id == work.id, SubmissionFile.filename == name
        )
    )


def test_safe_name_keeps_one_plain_segment():
    assert grading.safe_name("Turun kaupunki", "x") == "Turun-kaupunki"
    assert grading.safe_name("../../etc/passwd", "x") == "passwd"
    assert grading.safe_name("C:\\Users\\a\\raportti ö.pdf", "x") == "raportti-o.pdf"
    assert grading.safe_name("...", "fallback") == "fallback"
    assert grading.safe_name(".htaccess", "x") == "htaccess"


def test_zip_is_for_the_cohorts_trainers_only(course, make, login, client):
    other_trainer = make.membership(make.cohort(), role=Role.trainer).user
    login(other_trainer)
    url = f"/cohorts/grading-cohort/grading/{course.team[0].slug}/download.zip"
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("page", ["assignment", "submission"])
def test_participant_sees_released_rubric_levels_beside_the_work(page, course, login, client):
    work, first = _submitted(course)
    build.assessment(work, first, course.trainer, scores={"analysis": "exemplary"}, released=True)
    login(course.cecilia)
    spec = course.individual[0]
    url = (
        f"/cohorts/{course.cohort.slug}/assignments/{spec.slug}"
        if page == "assignment"
        else f"/cohorts/{course.cohort.slug}/submissions/{work.id}"
    )
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Analysis (en)" in html and "Exemplary (en)" in html
