"""Grading: the trainers' queue, assessments with the rubric, release, audit and the ZIP.

Every write takes the acting user and plain data, checks the rules, flushes and leaves the
commit to the caller. Participants never see an assessment before `released_at` is set: the
only functions that hand assessments to participants' pages (`released_assessments`,
`released_feedback_file`) filter on it.
"""

from __future__ import annotations

import enum
import math
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from academy.accounts.models import User
from academy.assignments import files as file_checks
from academy.assignments.models import (
    Assessment,
    FeedbackFile,
    Outcome,
    Submission,
    SubmissionFile,
    SubmissionStatus,
    SubmissionVersion,
)
from academy.cohorts.models import Cohort, Membership, Role
from academy.core import storage
from academy.core.access import is_trainer_in
from academy.core.audit import AuditEvent, record
from academy.core.db import MAX_ID, utcnow
from academy.core.errors import DomainError
from academy.extensions import db
from academy.notifications.services import notify
from academy.organisations.models import Organisation
from academy.programmes.models import AssignmentSpec, Module, localised

#: longest written feedback, in characters
FEEDBACK_MAX_LENGTH = 50_000
#: rows per page of the queue
PER_PAGE = 50
#: the prefix of a rubric criterion's form field: "score-<criterion slug>"
SCORE_PREFIX = "score-"
#: the submission status each outcome leads to when released
STATUS_OF_OUTCOME = {
    Outcome.accepted: SubmissionStatus.accepted,
    Outcome.needs_revision: SubmissionStatus.returned,
    Outcome.rejected: SubmissionStatus.rejected,
}


class QueueState(enum.Enum):
    """Where a submission stands from the trainer's side."""

    new = "new"  # submitted, its latest version not yet assessed
    in_assessment = "in_assessment"  # a draft assessment of the latest version exists
    returned = "returned"
    accepted = "accepted"
    rejected = "rejected"

    @property
    def label(self):
        return QUEUE_STATE_LABELS[self]


QUEUE_STATE_LABELS = {
    QueueState.new: _l("New"),
    QueueState.in_assessment: _l("In assessment"),
    QueueState.returned: _l("Returned for revision"),
    QueueState.accepted: _l("Accepted"),
    QueueState.rejected: _l("Rejected"),
}

#: the columns the queue may be sorted by (the only names a sort parameter may carry)
QUEUE_SORTS = {
    "submitted": _l("Submitted"),
    "author": _l("Author"),
    "assignment": _l("Assignment"),
    "state": _l("State"),
}


def score_field(criterion_slug: str) -> str:
    """The form field's name for one rubric criterion (errors are shown beside it)."""
    return f"{SCORE_PREFIX}{criterion_slug}"


# The queue -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    """One submission in the queue, as plain values (no lazy loading in templates)."""

    submission_id: int
    author_name: str
    is_team: bool
    module_position: int
    module_titles: dict
    assignment_slug: str
    assignment_titles: dict
    version_number: int
    submitted_at: datetime
    late: bool
    state: QueueState
    assessment_id: int | None
    released: bool

    def module_title(self, locale: str) -> str:
        return localised(self.module_titles, locale)

    def assignment_title(self, locale: str) -> str:
        return localised(self.assignment_titles, locale)


@dataclass
class QueuePage:
    """A page of the queue and the counts per state (under the same module/assignment filter)."""

    rows: list[QueueRow]
    page: int
    per_page: int
    total: int
    counts: dict[QueueState, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _latest_versions() -> sa.Subquery:
    """submission_id → the number of its latest version."""
    return (
        sa.select(
            SubmissionVersion.submission_id,
            sa.func.max(SubmissionVersion.number).label("number"),
        )
        .group_by(SubmissionVersion.submission_id)
        .subquery("latest")
    )


def _state_expression():
    """The queue state as SQL, for counting, filtering and sorting."""
    submitted = Submission.status == SubmissionStatus.submitted
    return sa.case(
        (sa.and_(submitted, Assessment.id.is_(None)), QueueState.new.value),
        (submitted, QueueState.in_assessment.value),
        (Submission.status == SubmissionStatus.returned, QueueState.returned.value),
        (Submission.status == SubmissionStatus.accepted, QueueState.accepted.value),
        else_=QueueState.rejected.value,
    )


_STATE_ORDER = {state: position for position, state in enumerate(QueueState)}


def _queue_from(statement: sa.Select, cohort: Cohort) -> sa.Select:
    """Join what the queue needs: the latest version, its assessment, the author, the spec."""
    latest = _latest_versions()
    return (
        statement.select_from(Submission)
        .join(latest, latest.c.submission_id == Submission.id)
        .join(
            SubmissionVersion,
            sa.and_(
                SubmissionVersion.submission_id == Submission.id,
                SubmissionVersion.number == latest.c.number,
            ),
        )
        .join(AssignmentSpec, AssignmentSpec.id == Submission.assignment_spec_id)
        .join(Module, Module.id == AssignmentSpec.module_id)
        .outerjoin(User, User.id == Submission.author_id)
        .outerjoin(Organisation, Organisation.id == Submission.organisation_id)
        .outerjoin(Assessment, Assessment.version_id == SubmissionVersion.id)
        .where(
            Submission.cohort_id == cohort.id,
            Submission.status != SubmissionStatus.draft,
        )
    )


def _sort_columns(sort: str, descending: bool) -> list:
    """ORDER BY for an allow-listed sort key (anything else sorts by submission time)."""
    state = _state_expression()
    keys = {
        "submitted": [SubmissionVersion.submitted_at],
        "author": [sa.func.lower(sa.func.coalesce(User.name, Organisation.name))],
        "assignment": [Module.position, AssignmentSpec.position],
        "state": [
            sa.case(
                *((state == s.value, position) for s, position in _STATE_ORDER.items()),
                else_=len(_STATE_ORDER),
            )
        ],
    }
    columns = keys.get(sort, keys["submitted"])
    ordered = [c.desc() if descending else c.asc() for c in columns]
    # ties: the one waiting longest first, then a stable order
    return [*ordered, SubmissionVersion.submitted_at.asc(), Submission.id.asc()]


def grading_queue(
    cohort: Cohort,
    *,
    module: str | None = None,
    assignment: str | None = None,
    state: QueueState | None = None,
    sort: str = "submitted",
    descending: bool = False,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> QueuePage:
    """The cohort's submitted work for its trainers: two queries, however long the queue.

    `module` and `assignment` are slugs; `sort` is a key of QUEUE_SORTS (others are ignored).
    """
    filters = []
    if module:
        filters.append(Module.slug == module)
    if assignment:
        filters.append(AssignmentSpec.slug == assignment)
    state_sql = _state_expression()

    count_rows = db.session.execute(
        _queue_from(sa.select(state_sql.label("state"), sa.func.count()), cohort)
        .where(*filters)
        .group_by(state_sql)
    ).all()
    counts = {s: 0 for s in QueueState}
    for value, number in count_rows:
        counts[QueueState(value)] = number
    total = counts[state] if state else sum(counts.values())

    if state:
        filters.append(state_sql == state.value)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    result = db.session.execute(
        _queue_from(
            sa.select(
                Submission.id,
                sa.func.coalesce(Organisation.name, User.name),
                Submission.organisation_id.is_not(None),
                Module.position,
                Module.titles,
                AssignmentSpec.slug,
                AssignmentSpec.titles,
                SubmissionVersion.number,
                SubmissionVersion.submitted_at,
                SubmissionVersion.late,
                state_sql,
                Assessment.id,
                Assessment.released_at.is_not(None),
            ),
            cohort,
        )
        .where(*filters)
        .order_by(*_sort_columns(sort, descending))
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    rows = [
        QueueRow(
            submission_id=r[0],
            author_name=r[1] or "",
            is_team=bool(r[2]),
            module_position=r[3],
            module_titles=r[4] or {},
            assignment_slug=r[5],
            assignment_titles=r[6] or {},
            version_number=r[7],
            submitted_at=r[8],
            late=bool(r[9]),
            state=QueueState(r[10]),
            assessment_id=r[11],
            released=bool(r[12]),
        )
        for r in result
    ]
    return QueuePage(rows=rows, page=page, per_page=per_page, total=total, counts=counts)


def queue_options(cohort: Cohort) -> list[tuple[Module, list[AssignmentSpec]]]:
    """The cohort's modules with their assignments, for the queue's filter menus (one query)."""
    if cohort.programme_version_id is None:
        return []
    modules = db.session.scalars(
        sa.select(Module)
        .where(Module.version_id == cohort.programme_version_id)
        .options(orm.selectinload(Module.assignments))
        .order_by(Module.position)
    ).all()
    return [(module, list(module.assignments)) for module in modules]


# Loading for the assessment page --------------------------------------------------------------


def submission_for_grading(cohort: Cohort, submission_id: int) -> Submission | None:
    """A submitted submission of this cohort with everything the assessment page shows."""
    return db.session.scalar(
        sa.select(Submission)
        .where(
            Submission.id == submission_id,
            Submission.cohort_id == cohort.id,
            Submission.status != SubmissionStatus.draft,
        )
        .options(
            orm.joinedload(Submission.assignment_spec).joinedload(AssignmentSpec.module),
            orm.joinedload(Submission.author),
            orm.joinedload(Submission.organisation),
            orm.selectinload(Submission.versions).options(
                orm.selectinload(SubmissionVersion.files).joinedload(SubmissionFile.stored_file),
                orm.joinedload(SubmissionVersion.submitted_by),
            ),
            orm.selectinload(Submission.assessments).options(
                orm.selectinload(Assessment.files).joinedload(FeedbackFile.stored_file),
                orm.joinedload(Assessment.assessor),
            ),
        )
    )


def latest_version(submission: Submission) -> SubmissionVersion | None:
    """The newest submitted version of a submission (queried, so nothing need be loaded)."""
    return db.session.scalar(
        sa.select(SubmissionVersion)
        .where(SubmissionVersion.submission_id == submission.id)
        .order_by(SubmissionVersion.number.desc())
        .limit(1)
    )


def assessment_of(version: SubmissionVersion) -> Assessment | None:
    """The assessment of one version, with its files, or None.

    Read afresh, not from the session: a page loads the assessment before its form is saved,
    and another trainer may have released it in between (`_check_version` holds the lock).
    """
    return db.session.scalar(
        sa.select(Assessment)
        .where(Assessment.version_id == version.id)
        .options(orm.selectinload(Assessment.files).joinedload(FeedbackFile.stored_file))
        .execution_options(populate_existing=True)
    )


def assignment_of(submission: Submission) -> AssignmentSpec:
    """The submission's assignment spec (from the session when it is loaded already)."""
    return db.session.get(AssignmentSpec, submission.assignment_spec_id)


def author_name(submission: Submission) -> str:
    """The participant's name, or the organisation's for team work (both must be loaded)."""
    if submission.organisation_id is not None:
        return submission.organisation.name
    return submission.author.name


# Rules -----------------------------------------------------------------------------------------


def _require_trainer(actor, cohort: Cohort) -> None:
    if not is_trainer_in(actor, cohort):
        raise DomainError(_l("Only the cohort's trainers and coordinators can assess its work."))


def _criteria(rubric: list[dict]) -> dict[str, set[str]]:
    return {
        criterion["slug"]: {level["slug"] for level in criterion.get("levels", [])}
        for criterion in rubric or []
    }


def check_scores(rubric: list[dict], scores: dict[str, str]) -> dict[str, str]:
    """The scores if every criterion and level is the rubric's own; else a DomainError."""
    criteria = _criteria(rubric)
    for criterion, level in scores.items():
        if criterion not in criteria:
            raise DomainError(
                _l("The rubric has no criterion “%(criterion)s”.", criterion=criterion)
            )
        if not isinstance(level, str) or level not in criteria[criterion]:
            raise DomainError(
                _l("“%(level)s” is not a level of this criterion.", level=str(level)),
                field=score_field(criterion),
            )
    return dict(scores)


def _check_complete(rubric: list[dict], scores: dict, outcome: Outcome | None) -> None:
    """A released assessment has an outcome and a level for every criterion."""
    if outcome is None:
        raise DomainError(_l("Choose an outcome before releasing."), field="outcome")
    for criterion in _criteria(rubric):
        if criterion not in (scores or {}):
            raise DomainError(
                _l("Choose a level for every criterion before releasing."),
                field=score_field(criterion),
            )


def _check_version(submission: Submission, version_number: int | None) -> SubmissionVersion:
    """The latest version, if it is the one the trainer saw; refuses a stale form."""
    # On PostgreSQL, lock the submission so a new version cannot slip in meanwhile (SQLite
    # writers are serialised by BEGIN IMMEDIATE anyway).
    db.session.execute(
        sa.select(Submission.id).where(Submission.id == submission.id).with_for_update()
    )
    latest = latest_version(submission)
    if latest is None:
        raise DomainError(_l("This submission has not been submitted."))
    if version_number != latest.number:
        raise DomainError(
            _l(
                "The submission has changed since you opened it: version %(number)s is now the "
                "latest. Nothing was saved; please assess the latest version.",
                number=latest.number,
            )
        )
    return latest


def _snapshot(assessment: Assessment, files: list[FeedbackFile]) -> dict[str, Any]:
    """What an audit event keeps of an assessment."""
    return {
        "scores": dict(assessment.scores or {}),
        "outcome": assessment.outcome.value if assessment.outcome else None,
        "feedback": assessment.feedback or "",
        "files": sorted(f.filename for f in files),
    }


def _changed(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


# Saving and releasing --------------------------------------------------------------------------


def save_assessment(
    actor,
    submission: Submission,
    *,
    version_number: int | None,
    scores: dict[str, str],
    outcome: Outcome | None,
    feedback: str,
    uploads: list[file_checks.Upload] = (),
    remove_file_ids: list[int] = (),
    release_now: bool = False,
) -> Assessment:
    """Create or change the assessment of the submission's latest version.

    Refuses (changing nothing) a non-trainer, a stale version, a criterion or level the rubric
    does not have, too many files or a file of a wrong type. A change after release is audited
    and moves the submission's status with the outcome. The files are stored before the rows
    are flushed: wrap the call and the commit in `files.removing_orphans()`.
    """
    cohort = db.session.get(Cohort, submission.cohort_id)
    _require_trainer(actor, cohort)
    spec = db.session.get(AssignmentSpec, submission.assignment_spec_id)
    version = _check_version(submission, version_number)
    scores = check_scores(spec.rubric, scores)
    if len(feedback or "") > FEEDBACK_MAX_LENGTH:
        raise DomainError(_l("The feedback is too long."), field="feedback")

    assessment = assessment_of(version)
    released = assessment is not None and assessment.released_at is not None
    if released:
        # what participants have seen stays complete: no taking the outcome or a level away
        _check_complete(spec.rubric, scores, outcome)
    current_files = list(assessment.files) if assessment else []
    removing = {f.id for f in current_files} & set(remove_file_ids or ())
    max_files = current_app.config.get("ASSIGNMENT_MAX_FILES", 10)
    if len(current_files) - len(removing) + len(uploads) > max_files:
        raise DomainError(
            _l("An assessment can have at most %(count)s files.", count=max_files), field="files"
        )
    max_size = current_app.config.get("ASSIGNMENT_MAX_FILE_SIZE", 20 * 1024 * 1024)
    # Every file is checked before anything is stored or changed: one bad file changes nothing.
    checked = [file_checks.check_upload(upload, max_size=max_size) for upload in uploads]

    if assessment is None:
        assessment = Assessment(
            submission_id=submission.id, version_id=version.id, assessor_id=actor.id, files=[]
        )
        db.session.add(assessment)
    before = _snapshot(assessment, current_files)
    assessment.scores = scores
    assessment.outcome = outcome
    assessment.feedback = feedback or ""
    for feedback_file in current_files:
        if feedback_file.id in removing:
            assessment.files.remove(feedback_file)
    for upload in checked:
        stored = file_checks.store(upload)
        assessment.files.append(
            FeedbackFile(stored_file_id=stored.id, stored_file=stored, filename=upload.filename)
        )
    db.session.flush()

    if released:
        changed_before, changed_after = _changed(before, _snapshot(assessment, assessment.files))
        if changed_after:
            record(actor, "assessment.changed", assessment, changed_before, changed_after)
            submission_row = db.session.get(Submission, submission.id)
            submission_row.status = STATUS_OF_OUTCOME[outcome]
            db.session.flush()
    elif release_now:
        release(actor, assessment)
    return assessment


def release(actor, assessment: Assessment) -> Assessment:
    """Show an assessment to its participant or team, move the submission, tell them.

    The e-mail and the notification say only that feedback is available, never the grade.
    """
    submission, cohort, spec = _check_releasable(actor, assessment)
    assessment.released_at = utcnow()
    submission.status = STATUS_OF_OUTCOME[assessment.outcome]
    files = db.session.scalars(
        sa.select(FeedbackFile).where(FeedbackFile.assessment_id == assessment.id)
    ).all()
    record(actor, "assessment.released", assessment, {}, _snapshot(assessment, files))
    db.session.flush()
    _tell_authors(submission, cohort, spec)
    return assessment


def _check_releasable(actor, assessment: Assessment):
    """(submission, cohort, spec) when the actor may release this assessment now; else a
    DomainError, before anything is changed or anybody is told."""
    submission = db.session.get(Submission, assessment.submission_id)
    cohort = db.session.get(Cohort, submission.cohort_id)
    _require_trainer(actor, cohort)
    # the row as it is now, locked (PostgreSQL): two trainers releasing at once release once
    released_at = db.session.scalar(
        sa.select(Assessment.released_at).where(Assessment.id == assessment.id).with_for_update()
    )
    if assessment.released_at is not None or released_at is not None:
        raise DomainError(_l("This assessment has already been released."))
    spec = db.session.get(AssignmentSpec, submission.assignment_spec_id)
    _check_complete(spec.rubric, assessment.scores, assessment.outcome)
    latest = latest_version(submission)
    if latest is None or latest.id != assessment.version_id:
        raise DomainError(_l("A newer version has been submitted; assess that one instead."))
    return submission, cohort, spec


def release_many(actor, cohort: Cohort, assessment_ids: list[int]) -> list[Assessment]:
    """Release several draft assessments of one cohort: all of them, or none.

    Ids of another cohort's assessments are refused as unknown; released ones are skipped.
    """
    _require_trainer(actor, cohort)
    wanted = {int(i) for i in assessment_ids}
    if not wanted:
        raise DomainError(_l("Choose the assessments to release."))
    if any(not 0 < i <= MAX_ID for i in wanted):
        raise DomainError(_l("Some of the chosen assessments were not found in this cohort."))
    assessments = db.session.scalars(
        sa.select(Assessment)
        .join(Submission, Submission.id == Assessment.submission_id)
        .where(Assessment.id.in_(wanted), Submission.cohort_id == cohort.id)
        .order_by(Assessment.id)
        .with_for_update(of=Assessment)
        .execution_options(populate_existing=True)
    ).all()
    if len(assessments) != len(wanted):
        raise DomainError(_l("Some of the chosen assessments were not found in this cohort."))
    pending = [a for a in assessments if a.released_at is None]
    # Every one is checked before the first is released: releasing e-mails its authors at
    # once, and a later refusal must not leave people told of feedback they cannot see.
    for assessment in pending:
        _check_releasable(actor, assessment)
    return [release(actor, assessment) for assessment in pending]


def authors_of(submission: Submission, cohort: Cohort) -> list[User]:
    """Who a submission belongs to: its participant, or every team member in the cohort."""
    if submission.author_id is not None:
        return [db.session.get(User, submission.author_id)]
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.cohort_id == cohort.id,
                Membership.organisation_id == submission.organisation_id,
                Membership.role == Role.participant,
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )


def _path(endpoint: str, **values) -> str:
    """A path of this site, also outside a request."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return url_for(endpoint, **values)


def _tell_authors(submission: Submission, cohort: Cohort, spec: AssignmentSpec) -> None:
    notify(
        authors_of(submission, cohort),
        "assessment.released",
        params={"assignment": dict(spec.titles or {}), "cohort": cohort.name},
        url=_path("assignments.submission", slug=cohort.slug, submission_id=submission.id),
        email_subject=_l("Feedback is available in the KEINO Academy"),
        email_template="email/assessment_released",
        email_context={"assignment_titles": dict(spec.titles or {}), "cohort_name": cohort.name},
    )


# What participants may see ---------------------------------------------------------------------


def released_assessments(submission: Submission) -> list[Assessment]:
    """The submission's released assessments, oldest first, with their files: all a
    participant may ever see of grading."""
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .where(
                Assessment.submission_id == submission.id,
                Assessment.released_at.is_not(None),
            )
            .options(
                orm.selectinload(Assessment.files).joinedload(FeedbackFile.stored_file),
                orm.joinedload(Assessment.assessor),
            )
            .order_by(Assessment.released_at)
        )
    )


def feedback_file(
    submission: Submission, file_id: int, *, released_only: bool
) -> FeedbackFile | None:
    """A feedback file of this submission; for participants only from a released assessment."""
    statement = (
        sa.select(FeedbackFile)
        .join(Assessment, Assessment.id == FeedbackFile.assessment_id)
        .where(FeedbackFile.id == file_id, Assessment.submission_id == submission.id)
        .options(orm.joinedload(FeedbackFile.stored_file))
    )
    if released_only:
        statement = statement.where(Assessment.released_at.is_not(None))
    return db.session.scalar(statement)


# The audit trail -------------------------------------------------------------------------------


def audit_trail(submission: Submission) -> list[AuditEvent]:
    """Every audited event of the submission's assessments, oldest first, with the actor."""
    ids = sa.select(Assessment.id).where(Assessment.submission_id == submission.id)
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.object_type == "assessment", AuditEvent.object_id.in_(ids))
            .options(orm.joinedload(AuditEvent.actor))
            .order_by(AuditEvent.created_at, AuditEvent.id)
        )
    )


# The ZIP of an assignment ----------------------------------------------------------------------


def assignment_in_cohort(cohort: Cohort, assignment_slug: str) -> AssignmentSpec | None:
    """The assignment with this slug in the cohort's programme version."""
    if cohort.programme_version_id is None:
        return None
    return db.session.scalar(
        sa.select(AssignmentSpec)
        .join(Module, Module.id == AssignmentSpec.module_id)
        .where(
            Module.version_id == cohort.programme_version_id,
            AssignmentSpec.slug == assignment_slug,
        )
    )


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str, fallback: str) -> str:
    """A file or folder name that is only one plain segment: "Turun kaupunki" → "Turun-kaupunki".

    Only the last part of a path survives, accents are dropped, anything but letters,
    digits, "-", "_" and "." becomes "-", and leading dots go (no "..", no hidden files).
    """
    text = re.split(r"[\\/]", text or "")[-1]
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = _UNSAFE.sub("-", ascii_text).strip("-. ")
    cleaned = re.sub(r"-{2,}", "-", cleaned)
    return cleaned[:120] or fallback


def _unique(name: str, taken: set[str]) -> str:
    """`name`, or "name-2.ext", "name-3.ext" … if it is taken (case-insensitively)."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, extension = name, ""
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem}-{n}.{extension}" if extension else f"{stem}-{n}"
    taken.add(candidate.lower())
    return candidate


def zip_entries(cohort: Cohort, spec: AssignmentSpec) -> list[tuple[str, bytes | str]]:
    """(name in the ZIP, text or a stored file's sha256) for every submission's latest version.

    Names are "<author>/v<n>/<file>", built only from cleaned names, never from a path.
    """
    latest = _latest_versions()
    rows = db.session.execute(
        sa.select(Submission, SubmissionVersion)
        .join(latest, latest.c.submission_id == Submission.id)
        .join(
            SubmissionVersion,
            sa.and_(
                SubmissionVersion.submission_id == Submission.id,
                SubmissionVersion.number == latest.c.number,
            ),
        )
        .where(
            Submission.cohort_id == cohort.id,
            Submission.assignment_spec_id == spec.id,
            Submission.status != SubmissionStatus.draft,
        )
        .options(
            orm.joinedload(Submission.author),
            orm.joinedload(Submission.organisation),
            orm.selectinload(SubmissionVersion.files).joinedload(SubmissionFile.stored_file),
        )
        .order_by(Submission.id)
    ).all()
    folders: set[str] = set()
    entries: list[tuple[str, bytes | str]] = []
    for submission, version in rows:
        folder = _unique(safe_name(author_name(submission), f"submission-{submission.id}"), folders)
        prefix = f"{folder}/v{version.number}/"
        names: set[str] = set()
        if version.text:
            entries.append((prefix + _unique("text.md", names), version.text))
        for file in version.files:
            name = _unique(safe_name(file.filename, f"file-{file.id}"), names)
            entries.append((prefix + name, bytes.fromhex(file.stored_file.sha256)))
    return entries


def write_zip(entries: list[tuple[str, bytes | str]]) -> Path:
    """The entries as a ZIP in a new temporary file (the caller removes it), read from the
    file store chunk by chunk."""
    handle, name = tempfile.mkstemp(prefix="academy-", suffix=".zip")
    path = Path(name)
    try:
        with (
            os.fdopen(handle, "wb") as target,
            zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            for entry, content in entries:
                if isinstance(content, str):
                    archive.writestr(entry, content.encode("utf-8"))
                    continue
                info = zipfile.ZipInfo(entry, date_time=utcnow().timetuple()[:6])
                info.compress_type = zipfile.ZIP_DEFLATED
                with (
                    storage.path_of(content.hex()).open("rb") as source,
                    archive.open(info, "w") as sink,
                ):
                    while chunk := source.read(1024 * 1024):
                        sink.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path
