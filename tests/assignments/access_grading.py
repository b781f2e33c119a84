"""Access cases for the grading routes, and builders of submitted work for the grading tests.

The builders write rows directly with the models (not through the submissions' services), so
the grading tests do not depend on dates and schedules.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from academy.assignments.models import (
    Assessment,
    FeedbackFile,
    Outcome,
    StoredFile,
    Submission,
    SubmissionFile,
    SubmissionStatus,
    SubmissionVersion,
)
from academy.core import storage
from academy.core.db import utcnow
from academy.extensions import db
from academy.programmes.models import AssignmentKind, AssignmentSpec, Module
from tests.access import Case, cohort_staff, coordinator_only

PDF = b"%PDF-1.4\n% a tiny test document\n"


# Builders ------------------------------------------------------------------------------------


def stored(data: bytes, content_type: str = "application/pdf") -> StoredFile:
    """A StoredFile row for these bytes (stored in the file store)."""
    sha256 = storage.store_file(data)
    row = db.session.scalar(sa.select(StoredFile).where(StoredFile.sha256 == sha256))
    if row is None:
        row = StoredFile(sha256=sha256, size=len(data), content_type=content_type)
        db.session.add(row)
        db.session.flush()
    return row


def specs_of(cohort, make=None, kind: AssignmentKind | None = None) -> list[AssignmentSpec]:
    """The assignments of the cohort's programme version (pinning a new version if none)."""
    if cohort.programme_version_id is None:
        cohort.programme_version_id = make.programme_version(modules=2).id
        db.session.flush()
    query = (
        sa.select(AssignmentSpec)
        .join(Module, Module.id == AssignmentSpec.module_id)
        .where(Module.version_id == cohort.programme_version_id)
        .order_by(Module.position, AssignmentSpec.position)
    )
    if kind is not None:
        query = query.where(AssignmentSpec.kind == kind)
    return list(db.session.scalars(query))


def submission(
    cohort,
    spec: AssignmentSpec,
    *,
    author=None,
    organisation=None,
    status: SubmissionStatus = SubmissionStatus.submitted,
) -> Submission:
    """A submission of a participant (author) or of an organisation's team."""
    row = Submission(
        cohort_id=cohort.id,
        assignment_spec_id=spec.id,
        author_id=author.id if author else None,
        organisation_id=organisation.id if organisation else None,
        status=status,
        draft_text="",
    )
    db.session.add(row)
    db.session.flush()
    return row


def version(
    submission: Submission,
    *,
    number: int = 1,
    text: str = "Hankintastrategian vaikuttavuustavoitteet.",
    files: dict[str, bytes] | None = None,
    late: bool = False,
    by=None,
    at=None,
) -> SubmissionVersion:
    """A submitted version with files {uploaded name: bytes}."""
    row = SubmissionVersion(
        submission_id=submission.id,
        number=number,
        text=text,
        submitted_by_id=by.id if by else submission.author_id,
        submitted_at=at or utcnow(),
        late=late,
    )
    db.session.add(row)
    db.session.flush()
    for name, data in (files or {}).items():
        db.session.add(
            SubmissionFile(
                submission_id=submission.id,
                version_id=row.id,
                stored_file_id=stored(data).id,
                filename=name,
            )
        )
    db.session.flush()
    return row


def assessment(
    submission: Submission,
    version: SubmissionVersion,
    assessor,
    *,
    scores: dict | None = None,
    outcome: Outcome | None = Outcome.accepted,
    feedback: str = "Hyvä analyysi.",
    released: bool = False,
    files: dict[str, bytes] | None = None,
) -> Assessment:
    """An assessment of a version, a draft unless `released`."""
    row = Assessment(
        submission_id=submission.id,
        version_id=version.id,
        assessor_id=assessor.id,
        scores={"analysis": "competent"} if scores is None else scores,
        outcome=outcome,
        feedback=feedback,
        released_at=utcnow() - timedelta(minutes=1) if released else None,
    )
    db.session.add(row)
    db.session.flush()
    for name, data in (files or {}).items():
        db.session.add(
            FeedbackFile(assessment_id=row.id, stored_file_id=stored(data).id, filename=name)
        )
    db.session.flush()
    return row


# The access matrix -----------------------------------------------------------------------------


def setup(world, make) -> None:
    """A submitted individual submission of the world's participant with a draft assessment."""
    spec = specs_of(world.cohort, make, AssignmentKind.individual)[0]
    work = submission(world.cohort, spec, author=world.participant)
    first = version(work, files={"raportti.pdf": PDF})
    draft = assessment(work, first, world.trainer, files={"palaute.pdf": PDF})
    world.grading_submission_id = work.id
    world.grading_assignment_slug = spec.slug
    world.grading_assessment_id = draft.id
    world.grading_feedback_file_id = db.session.scalar(
        sa.select(FeedbackFile.id).where(FeedbackFile.assessment_id == draft.id)
    )


QUEUE = "/cohorts/{cohort_slug}/grading"
WORK = "/cohorts/{cohort_slug}/submissions/{grading_submission_id}"
OTHER_COHORT_WORK = "/cohorts/other-cohort/submissions/{grading_submission_id}"

CASES = [
    Case("GET", QUEUE, cohort_staff()),
    # bogus sort and filter values are ignored, never an error
    Case(
        "GET", QUEUE + "?sort=id;drop&direction=sideways&state=x&module=y&page=-1", cohort_staff()
    ),
    Case("GET", "/cohorts/no-such-cohort/grading", {"anonymous": 302}),
    # an id of no assessment: staff are told so on the queue, nothing is released
    Case("POST", QUEUE + "/release", cohort_staff(302), data={"assessment": "999999"}),
    Case("GET", WORK + "/assess", cohort_staff()),
    Case(
        "POST",
        WORK + "/assess",
        cohort_staff(302),
        data={"version": "1", "score-analysis": "exemplary", "outcome": "accepted"},
    ),
    # a stale version is refused with the form again
    Case("POST", WORK + "/assess", cohort_staff(422), data={"version": "7"}),
    Case("GET", OTHER_COHORT_WORK + "/assess", {"anonymous": 302}),
    Case("POST", OTHER_COHORT_WORK + "/assess", {"anonymous": 302}, data={"version": "1"}),
    Case("GET", WORK + "/audit", coordinator_only()),
    Case("GET", QUEUE + "/{grading_assignment_slug}/download.zip", cohort_staff()),
    Case("GET", QUEUE + "/no-such-assignment/download.zip", {"anonymous": 302}),
    # the assessment is a draft: its file is the trainers' only
    Case("GET", WORK + "/feedback-files/{grading_feedback_file_id}", cohort_staff()),
    Case(
        "GET", OTHER_COHORT_WORK + "/feedback-files/{grading_feedback_file_id}", {"anonymous": 302}
    ),
]
