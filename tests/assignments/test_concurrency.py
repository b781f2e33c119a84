"""Two people pressing Submit on one draft at the same moment: exactly one version.

Runs in two threads against the test database itself (an SQLite file, or PostgreSQL when
ACADEMY_TEST_DATABASE_URL is set), each with its own session and connection.
"""

from __future__ import annotations

import threading

import sqlalchemy as sa

from academy.accounts.models import User
from academy.assignments import services
from academy.assignments.models import Submission, SubmissionVersion
from academy.core.errors import DomainError
from academy.extensions import db
from tests.assignments.conftest import SUBMISSION_FIXTURES

pytestmark = SUBMISSION_FIXTURES


def _race(app, people: list[int], submission_id: int, work) -> list[str]:
    barrier = threading.Barrier(len(people))
    results: list[str] = []

    def run(user_id: int):
        with app.app_context():
            try:
                actor = db.session.get(User, user_id)
                submission = db.session.get(Submission, submission_id)
                db.session.commit()  # hold no lock while waiting for the other
                barrier.wait(timeout=10)
                work(actor, submission)
                db.session.commit()
                results.append("ok")
            except DomainError as error:
                db.session.rollback()
                results.append(type(error).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(user_id,)) for user_id in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(results)


def test_two_concurrent_submits_of_one_draft_make_one_version(app, make, course):
    organisation = make.organisation()
    anna = make.participant(course.cohort, organisation=organisation)
    ben = make.participant(course.cohort, organisation=organisation)
    submission = services.submission_for(anna, course.cohort, course.team, True)
    services.save_draft(anna, submission, "Yhteinen vastaus", 0)
    revision = submission.draft_revision
    people, submission_id = [anna.id, ben.id], submission.id
    db.session.commit()  # and touch no row until the threads are done (SQLite: one writer)

    results = _race(
        app,
        people,
        submission_id,
        lambda actor, sub: services.submit(actor, sub, revision),
    )

    assert results == ["AlreadySubmitted", "ok"]
    db.session.expire_all()
    count = db.session.scalar(
        sa.select(sa.func.count(SubmissionVersion.id)).where(
            SubmissionVersion.submission_id == submission_id
        )
    )
    assert count == 1


def test_two_concurrent_saves_from_one_revision_keep_one_and_report_the_other(app, make, course):
    organisation = make.organisation()
    anna = make.participant(course.cohort, organisation=organisation)
    ben = make.participant(course.cohort, organisation=organisation)
    submission = services.submission_for(anna, course.cohort, course.team, True)
    people, submission_id = [anna.id, ben.id], submission.id
    ids = {anna.id, ben.id}
    db.session.commit()

    results = _race(
        app,
        people,
        submission_id,
        lambda actor, sub: services.save_draft(actor, sub, f"teksti {actor.id}", 0),
    )

    assert results == ["DraftConflict", "ok"]
    db.session.expire_all()
    saved = db.session.get(Submission, submission_id)
    assert saved.draft_revision == 1
    assert saved.draft_text in {f"teksti {i}" for i in ids}
