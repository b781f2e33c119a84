"""People who use academy, their invitations and their login attempts."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm
from werkzeug.security import check_password_hash, generate_password_hash

from academy.core.db import TimestampMixin, UTCDateTime, utcnow
from academy.extensions import db


def new_token() -> str:
    """A random URL-safe secret."""
    return secrets.token_urlsafe(32)


def normalise_email(value: str) -> str:
    """The form in which an e-mail address is stored and compared."""
    return value.strip().lower()


class UserStatus(enum.Enum):
    """Where an account stands; derived from `active` and the password, never stored."""

    invited = "invited"
    active = "active"
    deactivated = "deactivated"

    @property
    def label(self) -> str:
        return str(USER_STATUS_LABELS[self])


USER_STATUS_LABELS = {
    UserStatus.invited: _l("Invited"),
    UserStatus.active: _l("Active"),
    UserStatus.deactivated: _l("Deactivated"),
}


class User(TimestampMixin, db.Model):
    """A person: participant, trainer or coordinator; roles in cohorts come from memberships."""

    __tablename__ = "users"
    __table_args__ = (sa.CheckConstraint("locale IN ('fi', 'sv', 'en')", name="locale"),)

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    #: login address, stored lower-case so that uniqueness ignores case
    email: orm.Mapped[str] = orm.mapped_column(sa.String(254), unique=True)
    #: full name as shown to others
    name: orm.Mapped[str] = orm.mapped_column(sa.String(200))
    #: job title, e.g. "hankintapäällikkö"
    title: orm.Mapped[str] = orm.mapped_column(sa.String(200), default="")
    #: interface language
    locale: orm.Mapped[str] = orm.mapped_column(sa.String(2), default="fi")
    #: hash of the password; empty until an invitation is accepted
    password_hash: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    #: inactive accounts cannot log in
    active: orm.Mapped[bool] = orm.mapped_column(default=True)
    #: programme staff who run cohorts
    is_coordinator: orm.Mapped[bool] = orm.mapped_column(default=False)
    #: bumped at logout and password change; sessions carrying an older value are dead
    session_version: orm.Mapped[int] = orm.mapped_column(default=1)
    #: secret part of the personal calendar feed URL
    calendar_token: orm.Mapped[str] = orm.mapped_column(
        sa.String(64), default=new_token, unique=True
    )
    #: last successful login
    last_login_at: orm.Mapped[datetime | None] = orm.mapped_column(UTCDateTime())

    memberships = orm.relationship(
        "Membership", back_populates="user", lazy="raise", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    @orm.validates("email")
    def _normalise_email(self, _key: str, value: str) -> str:
        return normalise_email(value)

    # Flask-Login -------------------------------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active and self.password_hash is not None

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """Session identity: the id and the session version, so logout kills old cookies."""
        return f"{self.id}.{self.session_version}"

    # Passwords ---------------------------------------------------------------------------
    def set_password(self, password: str) -> None:
        """Store a new password hash and end every other session."""
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method=method)
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password: str) -> bool:
        """True when `password` matches; False for an account without a password."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def first_name(self) -> str:
        return self.name.split(" ")[0]

    @property
    def status(self) -> UserStatus:
        """Invited until a password is set; deactivated by a coordinator; else active."""
        if not self.active:
            return UserStatus.deactivated
        if self.password_hash is None:
            return UserStatus.invited
        return UserStatus.active


class Invitation(TimestampMixin, db.Model):
    """A coordinator's invitation to set a password; single use, expires after a week."""

    __tablename__ = "invitations"

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    #: the invited person (created inactive, without a password)
    user_id: orm.Mapped[int] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    #: the coordinator who sent it
    invited_by_id: orm.Mapped[int | None] = orm.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: when the invitee set a password; a used invitation cannot be used again
    accepted_at: orm.Mapped[datetime | None] = orm.mapped_column(UTCDateTime())

    user = orm.relationship("User", foreign_keys=[user_id], lazy="raise")
    invited_by = orm.relationship("User", foreign_keys=[invited_by_id], lazy="raise")


class LoginAttempt(db.Model):
    """A failed login, kept for the rate limit (per account and per address)."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("ix_login_attempts_email_at", "email", "attempted_at"),
        sa.Index("ix_login_attempts_address_at", "address", "attempted_at"),
    )

    id: orm.Mapped[int] = orm.mapped_column(primary_key=True)
    #: the address typed, lower-cased (whether or not an account has it)
    email: orm.Mapped[str] = orm.mapped_column(sa.String(254))
    #: the client's IP address
    address: orm.Mapped[str] = orm.mapped_column(sa.String(64))
    #: when it failed
    attempted_at: orm.Mapped[datetime] = orm.mapped_column(UTCDateTime(), default=utcnow)
