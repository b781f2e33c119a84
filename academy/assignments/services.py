"""Submissions: drafts, files, final submits and extensions — every rule and every write.

The functions take the acting user and plain data, flush and never commit. Each write checks
the assignment's dates against the server's clock *inside* the write transaction, after the
row it changes is locked, so no path (form, CLI, a future API) can skip the deadline and a
request that waited for a lock cannot slip in after the cut-off. Concurrent writers are
serialised by conditional UPDATEs on the submission row: a draft save or a submit based on an
older revision changes nothing and is reported as a conflict.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm
from sqlalchemy.exc import IntegrityError

from academy.accounts.models import User
from academy.assignments import files as file_checks
from academy.assignments.access import EDITABLE, is_author
from academy.assignments.models import (
    Extension,
    Submission,
    SubmissionFile,
    SubmissionStatus,
    SubmissionVersion,
)
from academy.cohorts.models import Cohort, Membership, Role, ScheduleItem
from academy.core import audit
from academy.core.access import is_trainer_in, membership_in
from academy.core.db import utcnow
from academy.core.errors import DomainError, NotFound
from academy.extensions import db
from academy.programmes.models import AssignmentKind, AssignmentSpec, Module

#: the longest draft text accepted (characters); a book, not a denial of service
MAX_TEXT_LENGTH = 200_000


class DraftConflict(DomainError):
    """Someone saved the draft after the version the actor started from; nothing was written.

    Carries what is saved now, so that the page can show both texts side by side.
    """

    def __init__(self, text: str, revision: int, saved_by: str | None, saved_at: datetime | None):
        super().__init__(
            _l(
                "Someone else saved this draft while you were editing it. Your text was not "
                "saved: compare the two texts below, combine them in the editor and save again."
            ),
            field="text",
        )
        self.text = text
        self.revision = revision
        self.saved_by = saved_by
        self.saved_at = saved_at


class AlreadySubmitted(DomainError):
    """The submission is no longer a draft (it was submitted, perhaps a moment ago)."""


# Dates ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dates:
    """An assignment's dates for one person or team: the cohort's, moved by an extension."""

    opens_at: datetime | None
    due_at: datetime | None
    cut_off_at: datetime | None
    extension: Extension | None = None

    def is_open(self, now: datetime) -> bool:
        return self.opens_at is not None and self.opens_at <= now

    def is_late(self, now: datetime) -> bool:
        return self.due_at is not None and now > self.due_at

    def is_closed(self, now: datetime) -> bool:
        return self.cut_off_at is not None and now > self.cut_off_at


def dates_of(item: ScheduleItem | None, extension: Extension | None = None) -> Dates:
    """Combine a schedule item with an extension (which moves due date and cut-off only)."""
    opens_at = item.opens_at if item else None
    due_at = item.due_at if item else None
    cut_off_at = item.cut_off_at if item else None
    if extension is not None:
        due_at, cut_off_at = extension.due_at, extension.cut_off_at
    return Dates(opens_at, due_at, cut_off_at, extension)


def _schedule_item(cohort_id: int, spec_id: int) -> ScheduleItem | None:
    return db.session.scalar(
        sa.select(ScheduleItem)
        .where(ScheduleItem.cohort_id == cohort_id, ScheduleItem.assignment_spec_id == spec_id)
        .options(orm.raiseload("*"))
    )


def _extension(
    cohort_id: int, spec_id: int, *, user_id: int | None, organisation_id: int | None
) -> Extension | None:
    owner = (
        Extension.organisation_id == organisation_id
        if organisation_id is not None
        else Extension.user_id == user_id
    )
    return db.session.scalar(
        sa.select(Extension).where(
            Extension.cohort_id == cohort_id, Extension.assignment_spec_id == spec_id, owner
        )
    )


def effective_dates(cohort_id: int, spec: AssignmentSpec, membership: Membership | None) -> Dates:
    """The dates that hold for a participant (individual) or their team (team assignment)."""
    item = _schedule_item(cohort_id, spec.id)
    extension = None
    if membership is not None and membership.role is Role.participant:
        if spec.kind is AssignmentKind.team:
            extension = _extension(
                cohort_id, spec.id, user_id=None, organisation_id=membership.organisation_id
            )
        else:
            extension = _extension(cohort_id, spec.id, user_id=membership.user_id,
                                   organisation_id=None)  # fmt: skip
    return dates_of(item, extension)


def dates_for_submission(submission: Submission) -> Dates:
    """The dates that hold for this submission's authors."""
    item = _schedule_item(submission.cohort_id, submission.assignment_spec_id)
    extension = _extension(
        submission.cohort_id,
        submission.assignment_spec_id,
        user_id=submission.author_id,
        organisation_id=submission.organisation_id,
    )
    return dates_of(item, extension)


def _when(moment: datetime) -> str:
    try:
        return format_datetime(moment, "short")
    except Exception:  # outside a request (the CLI) plain ISO will do
        return moment.isoformat(timespec="minutes")


def _check_window(dates: Dates, now: datetime) -> None:
    """Refuse any change before the assignment opens or after its cut-off."""
    if not dates.is_open(now):
        raise DomainError(_l("This assignment is not open yet, so nothing can be saved."))
    if dates.is_closed(now):
        raise DomainError(
            _l(
                "The cut-off for this assignment passed on %(date)s, so it can no longer be "
                "submitted or changed. Your draft is kept. If you need more time, ask your "
                "trainer for an extension.",
                date=_when(dates.cut_off_at),
            )
        )


# Finding things ---------------------------------------------------------------------------


def find_assignment(cohort: Cohort, assignment_slug: str) -> AssignmentSpec | None:
    """The assignment with this slug in the programme version the cohort follows (and its
    module loaded), or None."""
    if cohort.programme_version_id is None:
        return None
    return db.session.scalar(
        sa.select(AssignmentSpec)
        .join(Module, Module.id == AssignmentSpec.module_id)
        .where(
            Module.version_id == cohort.programme_version_id,
            AssignmentSpec.slug == assignment_slug,
        )
        .options(orm.contains_eager(AssignmentSpec.module).raiseload("*"))
    )


def participant_membership(actor, cohort_id: int) -> Membership:
    """The actor's participant membership in the cohort; NotFound for anyone else."""
    membership = membership_in(actor, cohort_id)
    if membership is None or membership.role is not Role.participant:
        raise NotFound(_l("Only the cohort's participants submit assignments."))
    return membership


def _owner(spec: AssignmentSpec, membership: Membership) -> dict:
    if spec.kind is AssignmentKind.team:
        return {"organisation_id": membership.organisation_id}
    return {"author_id": membership.user_id}


def submission_for(
    actor, cohort: Cohort, spec: AssignmentSpec, create: bool = False
) -> Submission | None:
    """The actor's submission (individual) or their organisation team's (team), or None.

    With `create`, a missing submission is created as an empty draft; two team members who
    start at the same moment get the same one (the loser of the insert race reads the winner's).
    """
    membership = participant_membership(actor, cohort.id)
    owner = _owner(spec, membership)
    query = sa.select(Submission).where(
        Submission.cohort_id == cohort.id,
        Submission.assignment_spec_id == spec.id,
        *(getattr(Submission, key) == value for key, value in owner.items()),
    )
    submission = db.session.scalar(query)
    if submission is not None or not create:
        return submission
    try:
        with db.session.begin_nested():
            submission = Submission(
                cohort_id=cohort.id, assignment_spec_id=spec.id, draft_text="", **owner
            )
            db.session.add(submission)
    except IntegrityError:
        submission = db.session.scalar(query)
        if submission is None:
            raise
    return submission


def _require_author(actor, submission: Submission) -> Membership:
    membership = membership_in(actor, submission.cohort_id)
    if not is_author(membership, submission):
        raise NotFound(_l("This submission is not yours to change."))
    return membership


def _current(submission_id: int):
    """The submission's row as it is in the database now (not as the session remembers it)."""
    return db.session.execute(
        sa.select(
            Submission.draft_text,
            Submission.draft_revision,
            Submission.status,
            Submission.draft_saved_at,
            User.name,
        )
        .outerjoin(User, User.id == Submission.draft_saved_by_id)
        .where(Submission.id == submission_id)
    ).one()


def _refusal(submission: Submission, base_revision: int) -> DomainError:
    """Why a conditional update matched no row: not editable any more, or a newer draft."""
    row = _current(submission.id)
    if row.status not in EDITABLE:
        return AlreadySubmitted(
            _l(
                "This work has already been submitted (%(status)s), so the draft cannot be "
                "changed now.",
                status=row.status.label,
            )
        )
    return DraftConflict(row.draft_text, row.draft_revision, row.name, row.draft_saved_at)


def _guarded_update(submission: Submission, base_revision: int | None, **values) -> None:
    """UPDATE the submission row only if it is still editable (and still at `base_revision`).

    The row is locked from here to the end of the transaction (SQLite takes the database's write
    lock when the transaction begins), so what is checked next cannot change underneath.
    """
    conditions = [Submission.id == submission.id, Submission.status.in_(EDITABLE)]
    if base_revision is not None:
        conditions.append(Submission.draft_revision == base_revision)
    result = db.session.execute(
        sa.update(Submission)
        .where(*conditions)
        .values(updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise _refusal(submission, base_revision)


def _clean_text(text: str | None) -> str:
    text = (text or "").replace("\r\n", "\n")
    if len(text) > MAX_TEXT_LENGTH:
        raise DomainError(
            _l("The text is too long: at most %(num)d characters.", num=MAX_TEXT_LENGTH),
            field="text",
        )
    return text


# Drafts -----------------------------------------------------------------------------------


def save_draft(
    actor, submission: Submission, text: str, base_revision: int, now: datetime | None = None
) -> Submission:
    """Save the draft text, if nobody saved it since `base_revision`; raise DraftConflict if
    somebody did. Only a draft or a submission returned for revision can be changed."""
    _require_author(actor, submission)
    text = _clean_text(text)
    with db.session.begin_nested():
        _guarded_update(
            submission,
            base_revision,
            draft_text=text,
            draft_revision=Submission.draft_revision + 1,
            draft_saved_by_id=actor.id,
            draft_saved_at=now or utcnow(),
        )
        _check_window(dates_for_submission(submission), now or utcnow())
    db.session.refresh(submission)
    return submission


def add_files(
    actor,
    submission: Submission,
    uploads: Iterable[file_checks.Upload],
    now: datetime | None = None,
) -> list[SubmissionFile]:
    """Attach files to the draft, after checking every one of them (type by content, size,
    number); either all are added or none.

    The bytes are stored before the rows are flushed: wrap the call and the commit in
    `files.removing_orphans()` so that a failure leaves no file behind.
    """
    _require_author(actor, submission)
    uploads = list(uploads)
    if not uploads:
        raise DomainError(_l("Choose at least one file."), field="files")
    max_files = current_app.config["ASSIGNMENT_MAX_FILES"]
    checked = [file_checks.check_upload(upload) for upload in uploads]
    added = []
    with db.session.begin_nested():
        _guarded_update(submission, None)
        _check_window(dates_for_submission(submission), now or utcnow())
        present = db.session.scalar(
            sa.select(sa.func.count(SubmissionFile.id)).where(
                SubmissionFile.submission_id == submission.id,
                SubmissionFile.version_id.is_(None),
            )
        )
        if present + len(checked) > max_files:
            raise DomainError(
                _l(
                    "A submission can have at most %(max)d files; it has %(present)d now.",
                    max=max_files,
                    present=present,
                ),
                field="files",
            )
        for upload in checked:
            stored = file_checks.store(upload)
            row = SubmissionFile(
                submission_id=submission.id,
                stored_file_id=stored.id,
                filename=upload.filename,
                uploaded_by_id=actor.id,
            )
            db.session.add(row)
            added.append(row)
        db.session.flush()
    return added


def remove_file(actor, submission: Submission, file_id: int, now: datetime | None = None) -> None:
    """Take a file off the draft (the files of submitted versions never change)."""
    _require_author(actor, submission)
    row = db.session.scalar(
        sa.select(SubmissionFile).where(
            SubmissionFile.id == file_id,
            SubmissionFile.submission_id == submission.id,
            SubmissionFile.version_id.is_(None),
        )
    )
    if row is None:
        raise NotFound(_l("That file is not in your draft."))
    with db.session.begin_nested():
        _guarded_update(submission, None)
        _check_window(dates_for_submission(submission), now or utcnow())
        db.session.delete(row)
        db.session.flush()


# Submitting -------------------------------------------------------------------------------


def submit(
    actor, submission: Submission, base_revision: int, now: datetime | None = None
) -> SubmissionVersion:
    """Freeze the draft (text and files) as a new version and mark the submission submitted.

    Refused before the assignment opens, after the cut-off (the draft is kept), when the draft
    is empty, and when the draft changed since `base_revision` or was submitted meanwhile: of
    two simultaneous submits of one draft, exactly one makes a version.
    """
    _require_author(actor, submission)
    try:
        with db.session.begin_nested():
            _guarded_update(
                submission,
                base_revision,
                status=SubmissionStatus.submitted,
                draft_revision=Submission.draft_revision + 1,
            )
            moment = now or utcnow()  # read once the row is ours: waiting cannot cheat
            dates = dates_for_submission(submission)
            _check_window(dates, moment)
            text = db.session.scalar(
                sa.select(Submission.draft_text).where(Submission.id == submission.id)
            )
            draft_files = list(
                db.session.scalars(
                    sa.select(SubmissionFile)
                    .where(
                        SubmissionFile.submission_id == submission.id,
                        SubmissionFile.version_id.is_(None),
                    )
                    .order_by(SubmissionFile.id)
                    .options(orm.raiseload("*"))
                )
            )
            if not (text or "").strip() and not draft_files:
                raise DomainError(
                    _l("There is nothing to submit yet: write a text or add a file first."),
                    field="text",
                )
            number = (
                db.session.scalar(
                    sa.select(sa.func.max(SubmissionVersion.number)).where(
                        SubmissionVersion.submission_id == submission.id
                    )
                )
                or 0
            ) + 1
            version = SubmissionVersion(
                submission_id=submission.id,
                number=number,
                text=text or "",
                submitted_by_id=actor.id,
                submitted_at=moment,
                late=dates.is_late(moment),
            )
            db.session.add(version)
            db.session.flush()
            db.session.add_all(
                SubmissionFile(
                    submission_id=submission.id,
                    version_id=version.id,
                    stored_file_id=f.stored_file_id,
                    filename=f.filename,
                    uploaded_by_id=f.uploaded_by_id,
                )
                for f in draft_files
            )
            db.session.flush()
    except IntegrityError as error:
        # The unique (submission, number) is the backstop should the guard ever let two by.
        raise AlreadySubmitted(
            _l("This work was submitted a moment ago; it was not submitted twice.")
        ) from error
    db.session.refresh(submission)
    return version


# Extensions -------------------------------------------------------------------------------


def grant_extension(
    actor,
    cohort: Cohort,
    spec: AssignmentSpec,
    *,
    user: User | None = None,
    organisation=None,
    due_at: datetime,
    cut_off_at: datetime,
    reason: str = "",
    now: datetime | None = None,
) -> Extension:
    """Give one participant (individual assignment) or one organisation team (team
    assignment) a new due date and cut-off. A second grant replaces the first. Audited."""
    if not is_trainer_in(actor, cohort):
        raise NotFound(_l("Only the cohort's trainers and coordinators grant extensions."))
    module = db.session.get(Module, spec.module_id)
    if module is None or module.version_id != cohort.programme_version_id:
        raise NotFound(_l("This assignment is not part of the cohort's programme."))
    now = now or utcnow()
    team = spec.kind is AssignmentKind.team
    if team and organisation is None:
        raise DomainError(_l("Choose the organisation whose team gets more time."), "who")
    if not team and user is None:
        raise DomainError(_l("Choose the participant who gets more time."), "who")
    owner_condition = (
        Membership.organisation_id == organisation.id if team else Membership.user_id == user.id
    )
    is_member = db.session.scalar(
        sa.select(Membership.id)
        .where(
            Membership.cohort_id == cohort.id,
            Membership.role == Role.participant,
            owner_condition,
        )
        .limit(1)
    )
    if is_member is None:
        raise DomainError(_l("They do not take part in this cohort."), "who")
    if due_at <= now:
        raise DomainError(_l("The new due date must be in the future."), "due_at")
    if cut_off_at < due_at:
        raise DomainError(_l("The cut-off cannot be before the due date."), "cut_off_at")
    reason = (reason or "").strip()[:500]

    owner = {"organisation_id": organisation.id} if team else {"user_id": user.id}
    extension = _extension(
        cohort.id,
        spec.id,
        user_id=owner.get("user_id"),
        organisation_id=owner.get("organisation_id"),
    )
    before = _extension_record(extension) if extension else {}
    fields = {"due_at": due_at, "cut_off_at": cut_off_at, "reason": reason}
    if extension is None:
        extension = Extension(
            cohort_id=cohort.id,
            assignment_spec_id=spec.id,
            granted_by_id=actor.id,
            **owner,
            **fields,
        )
        try:
            with db.session.begin_nested():
                db.session.add(extension)
        except sa.exc.IntegrityError:
            # another trainer granted one for the same person or team at the same moment
            raise DomainError(
                _l("An extension was granted at the same moment. Reload the page and try again."),
                "due_at",
            ) from None
    else:
        for name, value in fields.items():
            setattr(extension, name, value)
        extension.granted_by_id = actor.id
    db.session.flush()
    audit.record(actor, "extension.granted", extension, before, _extension_record(extension))
    db.session.flush()
    return extension


def revoke_extension(actor, cohort: Cohort, extension: Extension) -> None:
    """Withdraw an extension: the cohort's dates hold again for them. Audited."""
    if not is_trainer_in(actor, cohort) or extension.cohort_id != cohort.id:
        raise NotFound(_l("Only the cohort's trainers and coordinators revoke extensions."))
    audit.record(actor, "extension.revoked", extension, _extension_record(extension), {})
    db.session.delete(extension)
    db.session.flush()


def _extension_record(extension: Extension) -> dict:
    return {
        "assignment_spec_id": extension.assignment_spec_id,
        "user_id": extension.user_id,
        "organisation_id": extension.organisation_id,
        "due_at": extension.due_at.isoformat(),
        "cut_off_at": extension.cut_off_at.isoformat(),
        "reason": extension.reason,
    }
