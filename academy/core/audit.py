"""The audit trail: who changed what, when, from what to what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from academy.core.db import UTCDateTime, utcnow
from academy.extensions import db


class AuditEvent(db.Model):
    """One change to a guarded object (an assessment after release, an enrolment, …)."""

    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_object", "object_type", "object_id"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    #: who did it (None for the system)
    actor_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: what was done, e.g. "assessment.changed"
    action: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    #: the kind of object, e.g. "assessment"
    object_type: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    #: the object's id
    object_id: orm.Mapped[int]
    #: the changed fields before the change
    before: orm.Mapped[dict[str, Any]] = orm.mapped_column(sa.JSON, default=dict)
    #: the changed fields after the change
    after: orm.Mapped[dict[str, Any]] = orm.mapped_column(sa.JSON, default=dict)
    #: when
    created_at: orm.Mapped[datetime] = orm.mapped_column(UTCDateTime(), default=utcnow)

    actor = orm.relationship("User", lazy="raise")


def record(actor, action: str, obj, before: dict | None = None, after: dict | None = None):
    """Add an audit event for `obj` (flushes nothing: it goes with the caller's transaction)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__tablename__.removesuffix("s"),
        object_id=obj.id,
        before=before or {},
        after=after or {},
    )
    db.session.add(event)
    return event
