"""Submission rules: drafts, conflicts, dates, late marks, extensions, team work, files."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from academy.assignments import services
from academy.assignments.models import (
    Extension,
    Submission,
    SubmissionFile,
    SubmissionStatus,
    SubmissionVersion,
)
from academy.cohorts.models import Role
from academy.core.audit import AuditEvent
from academy.core.db import utcnow
from academy.core.errors import DomainError, NotFound
from academy.extensions import db
from tests.assignments.conftest import PDF, SUBMISSION_FIXTURES, at, upload

pytestmark = SUBMISSION_FIXTURES


def _versions(submission) -> list[SubmissionVersion]:
    return list(
        db.session.scalars(
            sa.select(SubmissionVersion)
            .where(SubmissionVersion.submission_id == submission.id)
            .order_by(SubmissionVersion.number)
        )
    )


def _draft(user, course, spec=None, text="Vastaus."):
    submission = services.submission_for(user, course.cohort, spec or course.individual, True)
    services.save_draft(user, submission, text, submission.draft_revision)
    return submission


def test_submit_freezes_the_draft_as_version_one(make, course):
    user = make.participant(course.cohort)
    submission = _draft(user, course)
    services.add_files(user, submission, [upload()])
    version = services.submit(user, submission, submission.draft_revision)
    assert (version.number, version.text, version.late) == (1, "Vastaus.", False)
    assert version.submitted_by_id == user.id
    assert submission.status is SubmissionStatus.submitted
    names = db.session.scalars(
        sa.select(SubmissionFile.filename).where(SubmissionFile.version_id == version.id)
    ).all()
    assert names == ["raportti.pdf"]


def test_submission_after_the_due_date_is_accepted_and_marked_late(make, course):
    course.set_dates(course.individual, opens=-10, due=-1, cut_off=3)
    user = make.participant(course.cohort)
    submission = _draft(user, course)
    version = services.submit(user, submission, submission.draft_revision)
    assert version.late is True


def test_submission_after_the_cut_off_is_refused_and_the_draft_is_kept(make, course):
    user = make.participant(course.cohort)
    submission = _draft(user, course, text="Tärkeä luonnos.")
    db.session.commit()
    course.set_dates(course.individual, opens=-10, due=-3, cut_off=-1)
    revision = submission.draft_revision
    with pytest.raises(DomainError, match="cut-off"):
        services.submit(user, submission, revision)
    db.session.rollback()
    fresh = db.session.get(Submission, submission.id)
    assert fresh.draft_text == "Tärkeä luonnos."
    assert fresh.status is SubmissionStatus.draft
    assert fresh.draft_revision == revision
    assert _versions(fresh) == []


def test_the_clock_is_the_servers_at_the_moment_of_writing(make, course):
    user = make.participant(course.cohort)
    submission = _draft(user, course)
    with pytest.raises(DomainError, match="cut-off"):
        services.submit(user, submission, submission.draft_revision, now=at(15))
    with pytest.raises(DomainError, match="not open"):
        services.submit(user, submission, submission.draft_revision, now=at(-2))


def test_draft_cannot_be_saved_before_opening_or_after_cut_off(make, course):
    user = make.participant(course.cohort)
    submission = services.submission_for(user, course.cohort, course.individual, True)
    course.set_dates(course.individual, opens=1)
    with pytest.raises(DomainError, match="not open"):
        services.save_draft(user, submission, "x", 0)
    course.set_dates(course.individual, opens=-3, due=-2, cut_off=-1)
    with pytest.raises(DomainError, match="cut-off"):
        services.save_draft(user, submission, "x", 0)
    assert db.session.get(Submission, submission.id).draft_text == ""


def test_empty_submission_is_refused(make, course):
    user = make.participant(course.cohort)
    submission = _draft(user, course, text="  \n ")
    with pytest.raises(DomainError, match="nothing to submit"):
        services.submit(user, submission, submission.draft_revision)
    assert _versions(submission) == []
    assert db.session.get(Submission, submission.id).status is SubmissionStatus.draft


def test_files_alone_make_a_submission(make, course):
    user = make.participant(course.cohort)
    submission = services.submission_for(user, course.cohort, course.individual, True)
    services.add_files(user, submission, [upload()])
    assert services.submit(user, submission, 0).number == 1


def test_a_stale_save_is_a_conflict_that_keeps_both_texts(make, course):
    organisation = make.organisation()
    anna = make.participant(
        course.cohort, organisation=organisation, user=make.user(name="Anna Aalto")
    )
    ben = make.participant(course.cohort, organisation=organisation)
    shared = services.submission_for(anna, course.cohort, course.team, True)
    services.save_draft(anna, shared, "Annan teksti", 0)
    with pytest.raises(services.DraftConflict) as raised:
        services.save_draft(ben, shared, "Benin teksti", 0)
    assert raised.value.text == "Annan teksti"
    assert raised.value.saved_by == "Anna Aalto"
    assert raised.value.revision == 1
    assert db.session.get(Submission, shared.id).draft_text == "Annan teksti"
    # Having seen Anna's text, Ben saves on top of it deliberately.
    services.save_draft(ben, shared, "Yhdistetty teksti", raised.value.revision)
    assert shared.draft_text == "Yhdistetty teksti"
    assert shared.draft_revision == 2


def test_team_members_share_one_submission_others_do_not(make, course):
    organisation = make.organisation()
    anna = make.participant(course.cohort, organisation=organisation)
    ben = make.participant(course.cohort, organisation=organisation)
    other = make.participant(course.cohort)
    first = services.submission_for(anna, course.cohort, course.team, True)
    assert services.submission_for(ben, course.cohort, course.team, True).id == first.id
    assert services.submission_for(other, course.cohort, course.team, True).id != first.id
    # an individual assignment is each person's own
    assert (
        services.submission_for(anna, course.cohort, course.individual, True).id
        != services.submission_for(ben, course.cohort, course.individual, True).id
    )
    with pytest.raises(NotFound):
        services.save_draft(other, first, "vieras", 0)


def test_only_participants_have_submissions(make, course):
    trainer = make.trainer(course.cohort)
    with pytest.raises(NotFound):
        services.submission_for(trainer, course.cohort, course.individual, True)
    with pytest.raises(NotFound):
        services.submission_for(make.coordinator(), course.cohort, course.individual, True)


def test_submitted_work_cannot_be_edited_until_returned(make, course):
    user = make.participant(course.cohort)
    submission = _draft(user, course)
    services.submit(user, submission, submission.draft_revision)
    with pytest.raises(services.AlreadySubmitted):
        services.save_draft(user, submission, "muutos", submission.draft_revision)
    with pytest.raises(services.AlreadySubmitted):
        services.add_files(user, submission, [upload()])
    # the trainer returns it (the grading service sets the status)
    submission.status = SubmissionStatus.returned
    db.session.flush()
    services.save_draft(user, submission, "Korjattu.", submission.draft_revision)
    second = services.submit(user, submission, submission.draft_revision)
    assert second.number == 2
    assert [v.text for v in _versions(submission)] == ["Vastaus.", "Korjattu."]


def test_a_second_submit_of_the_same_draft_makes_no_second_version(make, course):
    user = make.participant(course.cohort)
    submission = _draft(user, course)
    base = submission.draft_revision
    services.submit(user, submission, base)
    with pytest.raises(services.AlreadySubmitted):
        services.submit(user, submission, base)
    assert len(_versions(submission)) == 1


def test_unique_version_number_is_the_backstop(make, course, monkeypatch):
    """Should the guard ever let two submits by, the unique (submission, number) refuses."""
    user = make.participant(course.cohort)
    submission = _draft(user, course)
    services.submit(user, submission, submission.draft_revision)
    submission.status = SubmissionStatus.returned
    db.session.flush()
    # simulate the lost race: the loser computes the number the winner already took
    real_max = sa.func.max
    monkeypatch.setattr(services.sa.func, "max", lambda column: real_max(column) - 1)
    with pytest.raises(services.AlreadySubmitted):
        services.submit(user, submission, submission.draft_revision)
    monkeypatch.undo()
    assert len(_versions(submission)) == 1
    assert db.session.get(Submission, submission.id).status is SubmissionStatus.returned


def test_extension_moves_dates_for_that_person_only(make, course):
    course.set_dates(course.individual, opens=-10, due=-3, cut_off=-1)
    coordinator = make.coordinator()
    anna, ben = make.participant(course.cohort), make.participant(course.cohort)
    services.grant_extension(
        coordinator, course.cohort, course.individual, user=anna,
        due_at=at(2), cut_off_at=at(4), reason="Sairausloma",
    )  # fmt: skip
    version = services.submit(anna, _draft(anna, course), 1)
    assert version.late is False
    ben_submission = services.submission_for(ben, course.cohort, course.individual, True)
    with pytest.raises(DomainError, match="cut-off"):
        services.save_draft(ben, ben_submission, "myöhässä", 0)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "extension.granted"))
    assert event.actor_id == coordinator.id
    assert event.after["reason"] == "Sairausloma"


def test_team_extension_moves_dates_for_that_team_only(make, course):
    course.set_dates(course.team, opens=-10, due=-3, cut_off=-1)
    trainer = make.trainer(course.cohort)
    organisation = make.organisation()
    anna = make.participant(course.cohort, organisation=organisation)
    other = make.participant(course.cohort)
    services.grant_extension(
        trainer, course.cohort, course.team, organisation=organisation,
        due_at=at(1), cut_off_at=at(2),
    )  # fmt: skip
    services.submit(anna, _draft(anna, course, course.team), 1)
    theirs = services.submission_for(other, course.cohort, course.team, True)
    with pytest.raises(DomainError, match="cut-off"):
        services.save_draft(other, theirs, "x", 0)


def test_extension_rules(make, course):
    trainer = make.trainer(course.cohort)
    user = make.participant(course.cohort)
    grant = services.grant_extension
    with pytest.raises(DomainError, match="cut-off cannot be before"):
        grant(trainer, course.cohort, course.individual, user=user, due_at=at(3), cut_off_at=at(2))
    with pytest.raises(DomainError, match="future"):
        grant(trainer, course.cohort, course.individual, user=user, due_at=at(-1), cut_off_at=at(2))
    with pytest.raises(DomainError, match="organisation"):
        grant(trainer, course.cohort, course.team, user=user, due_at=at(1), cut_off_at=at(2))
    stranger = make.user()
    with pytest.raises(DomainError, match="do not take part"):
        grant(trainer, course.cohort, course.individual, user=stranger, due_at=at(1),
              cut_off_at=at(2))  # fmt: skip
    participant = make.participant(course.cohort)
    with pytest.raises(NotFound):
        grant(participant, course.cohort, course.individual, user=user, due_at=at(1),
              cut_off_at=at(2))  # fmt: skip
    other_trainer = make.membership(make.cohort(), role=Role.trainer).user
    with pytest.raises(NotFound):
        grant(other_trainer, course.cohort, course.individual, user=user, due_at=at(1),
              cut_off_at=at(2))  # fmt: skip
    first = grant(trainer, course.cohort, course.individual, user=user, due_at=at(1),
                  cut_off_at=at(2))  # fmt: skip
    again = grant(trainer, course.cohort, course.individual, user=user, due_at=at(5),
                  cut_off_at=at(6))  # fmt: skip
    assert first.id == again.id
    assert db.session.scalar(sa.select(sa.func.count(Extension.id))) == 1
    services.revoke_extension(trainer, course.cohort, again)
    assert db.session.scalar(sa.select(sa.func.count(Extension.id))) == 0


def test_too_many_files_are_refused_as_a_whole(make, course, app):
    user = make.participant(course.cohort)
    submission = services.submission_for(user, course.cohort, course.individual, True)
    services.add_files(user, submission, [upload(f"{n}.pdf", PDF + bytes([n])) for n in range(8)])
    with pytest.raises(DomainError, match="at most 10 files"):
        services.add_files(
            user, submission, [upload(f"x{n}.pdf", PDF + b"x" * n) for n in range(3)]
        )
    count = db.session.scalar(
        sa.select(sa.func.count(SubmissionFile.id)).where(
            SubmissionFile.submission_id == submission.id
        )
    )
    assert count == 8


def test_removing_a_draft_file_keeps_the_versions_files(make, course):
    user = make.participant(course.cohort)
    submission = services.submission_for(user, course.cohort, course.individual, True)
    (draft_file,) = services.add_files(user, submission, [upload()])
    version = services.submit(user, submission, 0)
    submission.status = SubmissionStatus.returned
    db.session.flush()
    services.remove_file(user, submission, draft_file.id)
    kept = db.session.scalars(
        sa.select(SubmissionFile).where(SubmissionFile.submission_id == submission.id)
    ).all()
    assert [f.version_id for f in kept] == [version.id]
    frozen = kept[0]
    with pytest.raises(NotFound):
        services.remove_file(user, submission, frozen.id)


def test_cli_and_services_share_the_deadline(make, course):
    """No path writes without the date check: the service itself refuses (here: 'now' given
    as a CLI or API would pass it)."""
    user = make.participant(course.cohort)
    submission = _draft(user, course)
    late = utcnow() + timedelta(days=30)
    with pytest.raises(DomainError):
        services.add_files(user, submission, [upload()], now=late)
    with pytest.raises(DomainError):
        services.save_draft(user, submission, "x", submission.draft_revision, now=late)


def test_an_extension_granted_at_the_same_moment_is_refused_clearly(make, course, monkeypatch):
    coordinator, trainer = make.coordinator(), make.trainer(course.cohort)
    anna = make.participant(course.cohort)
    services.grant_extension(
        coordinator, course.cohort, course.individual, user=anna, due_at=at(2), cut_off_at=at(4)
    )
    # the second grant looked before the first was written, so it finds none and inserts
    monkeypatch.setattr(services, "_extension", lambda *args, **kwargs: None)
    with pytest.raises(DomainError, match="same moment"):
        services.grant_extension(
            trainer, course.cohort, course.individual, user=anna, due_at=at(3), cut_off_at=at(5)
        )
    extensions = db.session.scalars(sa.select(Extension)).all()
    assert len(extensions) == 1
    assert extensions[0].granted_by_id == coordinator.id
