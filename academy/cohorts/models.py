"""Cohorts, the people in them and their schedule."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from academy.core.db import TimestampMixin, UTCDateTime, enum_column
from academy.core.errors import DomainError
from academy.extensions import db


class CohortStatus(enum.Enum):
    """Life of a cohort: draft → active → closed → archived."""

    draft = "draft"
    active = "active"
    closed = "closed"
    archived = "archived"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    CohortStatus.draft: _l("Draft"),
    CohortStatus.active: _l("Active"),
    CohortStatus.closed: _l("Closed"),
    CohortStatus.archived: _l("Archived"),
}

#: the transitions a coordinator may make; a closed cohort may be reopened
TRANSITIONS = {
    CohortStatus.draft: (CohortStatus.active,),
    CohortStatus.active: (CohortStatus.closed,),
    CohortStatus.closed: (CohortStatus.active, CohortStatus.archived),
    CohortStatus.archived: (),
}


class Role(enum.Enum):
    """A person's role in one cohort."""

    participant = "participant"
    trainer = "trainer"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {Role.participant: _l("Participant"), Role.trainer: _l("Trainer")}


class Cohort(TimestampMixin, db.Model):
    """One run of a programme with its organisations, people and schedule."""

    __tablename__ = "cohorts"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint("language IN ('fi', 'sv', 'en')", name="language"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    #: e.g. "KEINO-akatemia syksy 2026"
    name: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    #: URL name, e.g. "keino-2026-autumn"
    slug: orm.Mapped[str] = orm.mapped_column(sa.String(100), unique=True)
    #: first day
    starts_on: orm.Mapped[date]
    #: last day
    ends_on: orm.Mapped[date]
    #: language of teaching; the interface follows each user's own choice
    language: orm.Mapped[str] = orm.mapped_column(sa.String(2), default="fi")
    #: draft, active, closed or archived
    status: orm.Mapped[CohortStatus] = orm.mapped_column(
        enum_column(CohortStatus), default=CohortStatus.draft
    )
    #: the programme version this cohort follows; moved only by a coordinator
    programme_version_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("programme_versions.id", ondelete="RESTRICT"), index=True
    )

    programme_version = orm.relationship("ProgrammeVersion", lazy="raise")
    memberships = orm.relationship(
        "Membership", back_populates="cohort", lazy="raise", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Cohort {self.slug}>"

    def can_become(self, status: CohortStatus) -> bool:
        return status in TRANSITIONS[self.status]

    def change_status(self, status: CohortStatus) -> None:
        """Move to `status`, refusing a transition the life cycle does not allow."""
        if not self.can_become(status):
            raise DomainError(
                _l(
                    "A cohort cannot go from %(old)s to %(new)s.",
                    old=STATUS_LABELS[self.status],
                    new=STATUS_LABELS[status],
                ),
                field="status",
            )
        self.status = status


class Membership(TimestampMixin, db.Model):
    """A user's role in a cohort; a participant takes part for their organisation."""

    __tablename__ = "memberships"
    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "user_id"),
        sa.CheckConstraint(
            "role = 'trainer' OR organisation_id IS NOT NULL", name="participant_has_organisation"
        ),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    cohort_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True
    )
    user_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    #: participant or trainer
    role: orm.Mapped[Role] = orm.mapped_column(enum_column(Role))
    #: the procurement unit a participant represents (a trainer's is optional)
    organisation_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )

    cohort = orm.relationship("Cohort", back_populates="memberships", lazy="raise")
    user = orm.relationship("User", back_populates="memberships", lazy="raise")
    organisation = orm.relationship("Organisation", lazy="raise")


class ScheduleItem(db.Model):
    """A cohort's dates for one module or one assignment (all UTC)."""

    __tablename__ = "schedule_items"
    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "module_id"),
        sa.UniqueConstraint("cohort_id", "assignment_spec_id"),
        sa.CheckConstraint(
            "(module_id IS NULL) <> (assignment_spec_id IS NULL)", name="module_or_assignment"
        ),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    cohort_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True
    )
    module_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("modules.id", ondelete="CASCADE")
    )
    assignment_spec_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("assignment_specs.id", ondelete="CASCADE")
    )
    #: when the module or assignment opens
    opens_at: orm.Mapped[datetime | None] = orm.mapped_column(UTCDateTime())
    #: assignment due date; later submissions are marked late
    due_at: orm.Mapped[datetime | None] = orm.mapped_column(UTCDateTime())
    #: peer reviews due
    review_due_at: orm.Mapped[datetime | None] = orm.mapped_column(UTCDateTime())
    #: after this nothing is accepted
    cut_off_at: orm.Mapped[datetime | None] = orm.mapped_column(UTCDateTime())

    module = orm.relationship("Module", lazy="raise")
    assignment_spec = orm.relationship("AssignmentSpec", lazy="raise")
