"""Findings of the security review of the assignments feature, each pinned by a test."""

from __future__ import annotations

import io
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from academy.assignments import grading, services
from academy.assignments.models import (
    Assessment,
    Extension,
    FeedbackFile,
    Outcome,
    StoredFile,
    SubmissionFile,
    SubmissionStatus,
)
from academy.cohorts.models import Cohort
from academy.cohorts.schedule import create_default_schedule
from academy.core import storage
from academy.core.audit import AuditEvent
from academy.core.db import utcnow
from academy.core.errors import DomainError
from academy.extensions import db
from academy.notifications.models import Notification
from academy.programmes.models import AssignmentKind
from tests.assignments import access_grading as build
from tests.assignments.conftest import SUBMISSION_FIXTURES, upload
from tests.assignments.test_concurrency import _race

pytestmark = SUBMISSION_FIXTURES

#: an id no database row can have: SQLite raises OverflowError on it, which used to be a 500
HUGE = 2**70


@pytest.fixture
def graded(course, make):
    """A participant's submitted work with a draft assessment carrying a feedback file."""
    trainer = make.trainer(course.cohort)
    author = make.participant(course.cohort)
    work = build.submission(course.cohort, course.individual, author=author)
    first = build.version(work, files={"raportti.pdf": build.PDF})
    draft = build.assessment(work, first, trainer, files={"palaute.pdf": build.PDF + b"fb"})
    feedback_file_id = db.session.scalar(
        sa.select(FeedbackFile.id).where(FeedbackFile.assessment_id == draft.id)
    )
    db.session.commit()
    return work, first, draft, trainer, author, feedback_file_id


# Impossible ids in URLs and forms: 404 or a refusal, never a 500 ----------------------------


@pytest.mark.parametrize(
    ("method", "template"),
    [
        ("GET", "/cohorts/{slug}/submissions/{huge}"),
        ("GET", "/cohorts/{slug}/submissions/{work}/files/{huge}"),
        ("GET", "/cohorts/{slug}/submissions/{huge}/assess"),
        ("POST", "/cohorts/{slug}/submissions/{huge}/assess"),
        ("GET", "/cohorts/{slug}/submissions/{huge}/audit"),
        ("GET", "/cohorts/{slug}/submissions/{work}/feedback-files/{huge}"),
        ("POST", "/cohorts/{slug}/assignments/{spec}/extensions/{huge}/revoke"),
        ("POST", "/cohorts/{slug}/assignments/{spec}/files/{huge}/delete"),
        ("POST", "/notifications/{huge}/read"),
        ("POST", "/notifications/{huge}/open"),
        ("GET", "/notifications?page={huge}"),
    ],
)
def test_impossible_ids_are_not_found(graded, course, make, login, client, method, template):
    work = graded[0]
    login(make.coordinator())
    url = template.format(
        slug=course.cohort.slug, work=work.id, spec=course.individual.slug, huge=HUGE
    )
    assert client.open(url, method=method, data={"version": "1"}).status_code == 404


def test_a_participant_removing_an_impossible_file_is_not_found(course, make, login, client):
    user = make.participant(course.cohort)
    services.submission_for(user, course.cohort, course.individual, create=True)
    login(user)
    url = f"/cohorts/{course.cohort.slug}/assignments/{course.individual.slug}/files/{HUGE}/delete"
    assert client.post(url).status_code == 404


def test_bulk_release_of_an_impossible_id_changes_nothing(graded, course, login, client):
    _work, _first, draft, trainer, *_ = graded
    login(trainer)
    response = client.post(
        f"/cohorts/{course.cohort.slug}/grading/release",
        data={"assessment": [str(draft.id), str(HUGE)]},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Assessment, draft.id).released_at is None


# Drafts are private to their authors -----------------------------------------------------------


def test_draft_files_are_only_for_the_team(course, make, login, app):
    organisation = make.organisation()
    member = make.participant(course.cohort, organisation=organisation)
    team_mate = make.participant(course.cohort, organisation=organisation)
    submission = services.submission_for(member, course.cohort, course.team, create=True)
    draft_file = services.add_files(member, submission, [upload("luonnos.pdf")])[0]
    db.session.commit()
    url = f"/cohorts/{course.cohort.slug}/submissions/{submission.id}/files/{draft_file.id}"

    for person, status in (
        (team_mate, 200),
        (make.trainer(course.cohort), 404),
        (make.coordinator(), 404),
        (make.participant(course.cohort), 404),
    ):
        client = app.test_client()
        login(person, c=client)
        assert client.get(url).status_code == status, person

    # once submitted, the file belongs to a version: the staff may read it
    services.submit(member, submission, submission.draft_revision)
    version_file = db.session.scalar(
        sa.select(SubmissionFile).where(SubmissionFile.version_id.is_not(None))
    )
    db.session.commit()
    client = app.test_client()
    login(make.trainer(course.cohort), c=client)
    url = f"/cohorts/{course.cohort.slug}/submissions/{submission.id}/files/{version_file.id}"
    assert client.get(url).status_code == 200


# Nobody is told of feedback that is not released -----------------------------------------------


def test_a_refused_bulk_release_tells_nobody(graded, course, make, mailbox):
    work, _first, draft, trainer, _author, _ = graded
    other = build.submission(course.cohort, course.team, organisation=make.organisation())
    other_first = build.version(other)
    stale = build.assessment(other, other_first, trainer, outcome=Outcome.needs_revision)
    build.version(other, number=2)  # a newer version arrived: the stale draft cannot go out
    db.session.commit()
    assert draft.id < stale.id  # the good one would be released (and mailed) first

    with pytest.raises(DomainError):
        grading.release_many(trainer, course.cohort, [draft.id, stale.id])
    db.session.rollback()

    assert mailbox.messages == []
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0
    assert db.session.get(Assessment, draft.id).released_at is None
    assert work.status is SubmissionStatus.submitted


# A stored file that has gone missing is not found, not a crash ---------------------------------


def test_a_lost_feedback_file_is_not_found(graded, course, login, client):
    work, _first, _draft, trainer, _author, feedback_file_id = graded
    stored = db.session.scalar(
        sa.select(StoredFile)
        .join(FeedbackFile, FeedbackFile.stored_file_id == StoredFile.id)
        .where(FeedbackFile.id == feedback_file_id)
    )
    storage.path_of(stored.sha256).unlink()
    login(trainer)
    url = f"/cohorts/{course.cohort.slug}/submissions/{work.id}/feedback-files/{feedback_file_id}"
    assert client.get(url).status_code == 404


# A post without the draft text keeps the draft --------------------------------------------------


@pytest.mark.parametrize("action", ["draft", "submit"])
@pytest.mark.parametrize("text", [None, "file"])
def test_a_post_without_the_text_changes_nothing(course, make, login, client, action, text):
    user = make.participant(course.cohort)
    submission = services.submission_for(user, course.cohort, course.individual, create=True)
    services.save_draft(user, submission, "Tärkeä luonnos.", 0)
    services.add_files(user, submission, [upload()])
    db.session.commit()
    login(user)
    data = {"revision": str(submission.draft_revision)}
    if text == "file":
        data["text"] = (io.BytesIO(b"Ei tekstia"), "teksti.txt")
    page = f"/cohorts/{course.cohort.slug}/assignments/{course.individual.slug}"
    response = client.post(f"{page}/{action}", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    db.session.expire_all()
    submission = services.submission_for(user, course.cohort, course.individual)
    assert submission.draft_text == "Tärkeä luonnos."
    assert submission.status is SubmissionStatus.draft


# The assignment list costs the same with much work as with little ------------------------------


def test_assignment_list_queries_do_not_grow_with_the_work(make, login, app, count_queries):
    """Every assignment submitted (with a version and an extension), 2 modules or 8."""
    counts = []
    for modules in (2, 8):
        version = make.programme_version(modules=modules, assignments_per_module=2)
        cohort = make.cohort(programme_version_id=version.id)
        create_default_schedule(cohort)
        organisation = make.organisation()
        user = make.participant(cohort, organisation=organisation)
        coordinator = make.coordinator()
        for module in range(1, modules + 1):
            for number in (1, 2):
                spec = services.find_assignment(cohort, f"assignment-{module}-{number}")
                work = services.submission_for(user, cohort, spec, True)
                build.version(work, by=user)
                services.grant_extension(
                    coordinator,
                    cohort,
                    spec,
                    user=None if spec.kind is AssignmentKind.team else user,
                    organisation=organisation if spec.kind is AssignmentKind.team else None,
                    due_at=utcnow() + timedelta(days=30),
                    cut_off_at=utcnow() + timedelta(days=40),
                )
        client = app.test_client()
        login(user, c=client)
        url = f"/cohorts/{cohort.slug}/assignments"
        client.get(url)
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


# Ids of other people's things in one's own URLs ------------------------------------------------


def test_a_feedback_file_of_another_submission_is_not_found_through_ones_own(
    graded, course, make, login, client
):
    """Both assessments released: the other's file still does not come through my URL."""
    theirs, _first, their_assessment, trainer, _author, their_file_id = graded
    their_assessment.released_at = utcnow()
    me = make.participant(course.cohort)
    mine = build.submission(course.cohort, course.individual, author=me)
    build.assessment(mine, build.version(mine), trainer, released=True)
    db.session.commit()
    login(me)
    base = f"/cohorts/{course.cohort.slug}/submissions"
    assert client.get(f"{base}/{mine.id}/feedback-files/{their_file_id}").status_code == 404
    assert client.get(f"{base}/{theirs.id}/feedback-files/{their_file_id}").status_code == 404


# Every change of state is a POST with the CSRF token -------------------------------------------


def test_changes_without_the_csrf_token_are_refused(graded, course, make, login, client, app):
    work, _first, draft, trainer, author, _file = graded
    participant = make.participant(course.cohort)
    submission = services.submission_for(participant, course.cohort, course.individual, True)
    draft_file = services.add_files(participant, submission, [upload()])[0]
    notification = Notification(user_id=participant.id, kind="assessment.released", url="/")
    db.session.add(notification)
    db.session.commit()
    page = f"/cohorts/{course.cohort.slug}/assignments/{course.individual.slug}"
    queue = f"/cohorts/{course.cohort.slug}/grading"

    login(participant)  # CSRF is still off: signing in is not what is tested
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        for url, data in (
            (f"{page}/draft", {"text": "Uusi", "revision": "1"}),
            (f"{page}/submit", {"text": "Uusi", "revision": "1"}),
            (f"{page}/files/{draft_file.id}/delete", {}),
            (f"/notifications/{notification.id}/read", {}),
            ("/notifications/read", {}),
        ):
            assert client.post(url, data=data).status_code == 400, url
        staff = app.test_client()
        app.config["WTF_CSRF_ENABLED"] = False
        login(trainer, c=staff)
        app.config["WTF_CSRF_ENABLED"] = True
        for url, data in (
            (f"{queue}/release", {"assessment": str(draft.id)}),
            (
                f"{page}/extensions",
                {"who": str(author.id), "due_date": "2027-01-01", "cut_off_date": "2027-01-02"},
            ),
            (
                f"/cohorts/{course.cohort.slug}/submissions/{work.id}/assess",
                {"version": "1", "action": "release", "outcome": "accepted"},
            ),
        ):
            assert staff.post(url, data=data).status_code == 400, url
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    db.session.expire_all()
    assert db.session.get(Assessment, draft.id).released_at is None
    assert db.session.get(Notification, notification.id).read_at is None
    assert services.submission_for(participant, course.cohort, course.individual).draft_text == ""
    assert db.session.scalar(sa.select(sa.func.count(Extension.id))) == 0


# Two trainers releasing one assessment at the same moment --------------------------------------


@pytest.mark.parametrize("way", ["form", "bulk"])
def test_two_concurrent_releases_release_once_and_tell_once(
    app, graded, course, make, mailbox, way
):
    """Each trainer's request loads the page's data, then releases (as the views do); whoever
    comes second must see the release, not the state it loaded before."""
    work, _first, draft, trainer, author, _file = graded
    people = [trainer.id, make.trainer(course.cohort).id]
    cohort_id, work_id, draft_id, email = course.cohort.id, work.id, draft.id, author.email
    db.session.commit()  # and touch no row until the threads are done (SQLite: one writer)

    def release_from_the_form(actor, _submission):
        cohort = db.session.get(Cohort, cohort_id)
        loaded = grading.submission_for_grading(cohort, work_id)
        time.sleep(0.3)  # both have loaded the unreleased assessment
        if way == "bulk":
            grading.release_many(actor, cohort, [draft_id])
            return
        grading.save_assessment(
            actor,
            loaded,
            version_number=1,
            scores={"analysis": "competent"},
            outcome=Outcome.accepted,
            feedback="Hyvä.",
            release_now=True,
        )

    results = _race(app, people, work_id, release_from_the_form)

    assert "ok" in results
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 1
    assert len(mailbox.to(email)) == 1
    released_events = db.session.scalar(
        sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "assessment.released")
    )
    assert released_events == 1
