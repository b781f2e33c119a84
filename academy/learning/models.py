"""What a participant has done with the content."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import orm

from academy.core.db import UTCDateTime, utcnow
from academy.extensions import db


class ModuleCompletion(db.Model):
    """A participant marked a module as completed in a cohort."""

    __tablename__ = "module_completions"
    __table_args__ = (sa.UniqueConstraint("membership_id", "module_id"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    membership_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("memberships.id", ondelete="CASCADE"), index=True
    )
    module_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("modules.id", ondelete="CASCADE"), index=True
    )
    #: when it was marked
    completed_at: orm.Mapped[datetime] = orm.mapped_column(UTCDateTime(), default=utcnow)

    membership = orm.relationship("Membership", lazy="raise")
    module = orm.relationship("Module", lazy="raise")
