"""Submissions, their immutable versions and files, extensions, and trainers' assessments."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from academy.core.db import TimestampMixin, UTCDateTime, enum_column, utcnow
from academy.extensions import db


class SubmissionStatus(enum.Enum):
    """draft → submitted → returned (→ submitted again) | accepted | rejected."""

    draft = "draft"
    submitted = "submitted"
    returned = "returned"
    accepted = "accepted"
    rejected = "rejected"

    @property
    def label(self):
        return SUBMISSION_STATUS_LABELS[self]


SUBMISSION_STATUS_LABELS = {
    SubmissionStatus.draft: _l("Draft"),
    SubmissionStatus.submitted: _l("Submitted"),
    SubmissionStatus.returned: _l("Returned for revision"),
    SubmissionStatus.accepted: _l("Accepted"),
    SubmissionStatus.rejected: _l("Rejected"),
}


class Outcome(enum.Enum):
    """A trainer's verdict on a submitted version."""

    accepted = "accepted"
    needs_revision = "needs_revision"
    rejected = "rejected"

    @property
    def label(self):
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    Outcome.accepted: _l("Accepted"),
    Outcome.needs_revision: _l("Needs revision"),
    Outcome.rejected: _l("Rejected"),
}


class StoredFile(db.Model):
    """A file in the content-addressed store (academy.core.storage), described once."""

    __tablename__ = "stored_files"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    #: sha256 of the bytes: the name in the store
    sha256: orm.Mapped[str] = orm.mapped_column(sa.String(64), unique=True)
    #: bytes
    size: orm.Mapped[int] = orm.mapped_column(sa.BigInteger)
    #: the type found by looking at the content (not the uploader's claim)
    content_type: orm.Mapped[str] = orm.mapped_column(sa.String(100))
    #: when it was first stored
    created_at: orm.Mapped[datetime] = orm.mapped_column(UTCDateTime(), default=utcnow)


class Submission(TimestampMixin, db.Model):
    """One participant's (individual) or one organisation team's (team) work on an assignment.

    The draft lives here and is private to its authors; each submit freezes a SubmissionVersion.
    """

    __tablename__ = "submissions"
    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "assignment_spec_id", "author_id"),
        sa.UniqueConstraint("cohort_id", "assignment_spec_id", "organisation_id"),
        sa.CheckConstraint(
            "(author_id IS NULL) <> (organisation_id IS NULL)", name="individual_or_team"
        ),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    cohort_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True
    )
    assignment_spec_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("assignment_specs.id", ondelete="RESTRICT"), index=True
    )
    #: the participant, for an individual assignment
    author_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    #: the organisation whose team submits, for a team assignment
    organisation_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    #: where the work stands
    status: orm.Mapped[SubmissionStatus] = orm.mapped_column(
        enum_column(SubmissionStatus), default=SubmissionStatus.draft
    )
    #: the draft text (Markdown), private until submitted
    draft_text: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    #: bumped at every draft save; a save based on an older revision is a conflict
    draft_revision: orm.Mapped[int] = orm.mapped_column(default=0)
    #: who saved the draft last
    draft_saved_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: when the draft was saved last
    draft_saved_at: orm.Mapped[datetime | None] = orm.mapped_column(UTCDateTime())

    cohort = orm.relationship("Cohort", lazy="raise")
    assignment_spec = orm.relationship("AssignmentSpec", lazy="raise")
    author = orm.relationship("User", foreign_keys=[author_id], lazy="raise")
    organisation = orm.relationship("Organisation", lazy="raise")
    draft_saved_by = orm.relationship("User", foreign_keys=[draft_saved_by_id], lazy="raise")
    versions = orm.relationship(
        "SubmissionVersion",
        back_populates="submission",
        lazy="raise",
        order_by="SubmissionVersion.number",
        cascade="all, delete-orphan",
    )
    files = orm.relationship(
        "SubmissionFile",
        back_populates="submission",
        lazy="raise",
        order_by="SubmissionFile.id",
        cascade="all, delete-orphan",
    )
    assessments = orm.relationship(
        "Assessment", back_populates="submission", lazy="raise", cascade="all, delete-orphan"
    )

    @property
    def is_team(self) -> bool:
        return self.organisation_id is not None


class SubmissionVersion(db.Model):
    """A submitted, immutable version of a submission's text and files."""

    __tablename__ = "submission_versions"
    __table_args__ = (sa.UniqueConstraint("submission_id", "number"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    submission_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    #: 1, 2, 3 … in order of submission
    number: orm.Mapped[int]
    #: the text as submitted (Markdown)
    text: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    #: who pressed Submit
    submitted_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: the server's time of submission
    submitted_at: orm.Mapped[datetime] = orm.mapped_column(UTCDateTime(), default=utcnow)
    #: submitted after the due date (but before the cut-off)
    late: orm.Mapped[bool] = orm.mapped_column(default=False)

    submission = orm.relationship("Submission", back_populates="versions", lazy="raise")
    submitted_by = orm.relationship("User", lazy="raise")
    files = orm.relationship(
        "SubmissionFile", back_populates="version", lazy="raise", order_by="SubmissionFile.id"
    )


class SubmissionFile(db.Model):
    """A file attached to a submission's draft (version_id NULL) or to a submitted version."""

    __tablename__ = "submission_files"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    submission_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    #: None while the file belongs to the draft
    version_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("submission_versions.id", ondelete="CASCADE"), index=True
    )
    stored_file_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("stored_files.id", ondelete="RESTRICT"), index=True
    )
    #: the uploader's file name, cleaned; shown and used in downloads, never as a path
    filename: orm.Mapped[str] = orm.mapped_column(sa.String(255))
    #: who uploaded it
    uploaded_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    submission = orm.relationship("Submission", back_populates="files", lazy="raise")
    version = orm.relationship("SubmissionVersion", back_populates="files", lazy="raise")
    stored_file = orm.relationship("StoredFile", lazy="raise")


class Extension(db.Model):
    """More time for one participant or one organisation team on one assignment."""

    __tablename__ = "extensions"
    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "assignment_spec_id", "user_id"),
        sa.UniqueConstraint("cohort_id", "assignment_spec_id", "organisation_id"),
        sa.CheckConstraint("(user_id IS NULL) <> (organisation_id IS NULL)", name="person_or_team"),
        sa.CheckConstraint("cut_off_at >= due_at", name="cut_off_after_due"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    cohort_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True
    )
    assignment_spec_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("assignment_specs.id", ondelete="CASCADE")
    )
    user_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE")
    )
    organisation_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("organisations.id", ondelete="CASCADE")
    )
    #: the new due date
    due_at: orm.Mapped[datetime] = orm.mapped_column(UTCDateTime())
    #: the new cut-off
    cut_off_at: orm.Mapped[datetime] = orm.mapped_column(UTCDateTime())
    #: why (kept for the record)
    reason: orm.Mapped[str] = orm.mapped_column(sa.String(500), default="")
    granted_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: orm.Mapped[datetime] = orm.mapped_column(UTCDateTime(), default=utcnow)


class Assessment(TimestampMixin, db.Model):
    """A trainer's assessment of one submitted version: rubric levels, outcome, feedback.

    Invisible to participants until released; every change after release is audited.
    """

    __tablename__ = "assessments"
    __table_args__ = (sa.UniqueConstraint("version_id"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    submission_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    #: the version assessed
    version_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("submission_versions.id", ondelete="CASCADE")
    )
    #: the trainer
    assessor_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: {criterion slug: level slug}
    scores: orm.Mapped[dict[str, Any]] = orm.mapped_column(sa.JSON, default=dict)
    #: accepted, needs revision or rejected; None while undecided
    outcome: orm.Mapped[Outcome | None] = orm.mapped_column(enum_column(Outcome))
    #: written feedback (Markdown)
    feedback: orm.Mapped[str] = orm.mapped_column(sa.Text, default="")
    #: when participants could first see it; None for a draft
    released_at: orm.Mapped[datetime | None] = orm.mapped_column(UTCDateTime())

    submission = orm.relationship("Submission", back_populates="assessments", lazy="raise")
    version = orm.relationship("SubmissionVersion", lazy="raise")
    assessor = orm.relationship("User", lazy="raise")
    files = orm.relationship(
        "FeedbackFile", back_populates="assessment", lazy="raise", cascade="all, delete-orphan"
    )


class FeedbackFile(db.Model):
    """A file a trainer attached to an assessment."""

    __tablename__ = "feedback_files"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    assessment_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    stored_file_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("stored_files.id", ondelete="RESTRICT"), index=True
    )
    #: cleaned original name
    filename: orm.Mapped[str] = orm.mapped_column(sa.String(255))

    assessment = orm.relationship("Assessment", back_populates="files", lazy="raise")
    stored_file = orm.relationship("StoredFile", lazy="raise")
