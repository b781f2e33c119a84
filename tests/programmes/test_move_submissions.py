"""Moving a cohort that holds participants' work: submissions follow their assignment."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from academy.assignments.models import Extension, Submission
from academy.core.db import utcnow
from academy.core.errors import DomainError
from academy.extensions import db
from academy.programmes.models import AssignmentSpec, Module
from academy.programmes.services import move_cohort


def _spec(version, slug: str) -> AssignmentSpec:
    return db.session.scalar(
        sa.select(AssignmentSpec)
        .join(Module, Module.id == AssignmentSpec.module_id)
        .where(Module.version_id == version.id, AssignmentSpec.slug == slug)
    )


def _work(make, cohort, spec) -> Submission:
    user = make.participant(cohort)
    submission = Submission(cohort_id=cohort.id, assignment_spec_id=spec.id, author_id=user.id)
    db.session.add(submission)
    db.session.add(
        Extension(
            cohort_id=cohort.id,
            assignment_spec_id=spec.id,
            user_id=user.id,
            due_at=utcnow(),
            cut_off_at=utcnow(),
        )
    )
    db.session.flush()
    return submission


def test_submissions_and_extensions_follow_their_assignment_by_slug(make):
    v1 = make.programme_version(modules=3)
    v2 = make.programme_version(programme=v1.programme, number=2, modules=3)
    cohort = make.cohort(programme_version_id=v1.id)
    submission = _work(make, cohort, _spec(v1, "assignment-2-1"))

    move_cohort(make.coordinator(), cohort, v2)

    db.session.expire_all()
    new_spec = _spec(v2, "assignment-2-1")
    assert db.session.get(Submission, submission.id).assignment_spec_id == new_spec.id
    assert db.session.scalar(sa.select(Extension.assignment_spec_id)) == new_spec.id


def test_a_move_that_would_drop_an_assignment_with_work_is_refused(make):
    v1 = make.programme_version(modules=3)
    v2 = make.programme_version(programme=v1.programme, number=2, modules=2)
    cohort = make.cohort(programme_version_id=v1.id)
    submission = _work(make, cohort, _spec(v1, "assignment-3-1"))

    with pytest.raises(DomainError, match="assignment-3-1"):
        move_cohort(make.coordinator(), cohort, v2)
    assert cohort.programme_version_id == v1.id
    assert (
        db.session.get(Submission, submission.id).assignment_spec_id
        == _spec(v1, "assignment-3-1").id
    )
