"""In-app messages: what a person is told beside the e-mail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from academy.core.db import UTCDateTime, utcnow
from academy.extensions import db


class Notification(db.Model):
    """A message for one person, shown in the app until read."""

    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    user_id: orm.Mapped[int] = orm.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    #: what happened, e.g. "assessment.released"; the template chooses the text by it
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    #: the values the text needs (names, titles), never anything the reader may not see
    params: orm.Mapped[dict[str, Any]] = orm.mapped_column(sa.JSON, default=dict)
    #: a path of this site to go to
    url: orm.Mapped[str] = orm.mapped_column(sa.String(500), default="")
    #: when it was created
    created_at: orm.Mapped[datetime] = orm.mapped_column(UTCDateTime(), default=utcnow)
    #: when the person opened it
    read_at: orm.Mapped[datetime | None] = orm.mapped_column(UTCDateTime())
