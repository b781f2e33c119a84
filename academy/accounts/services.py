"""Accounts: authentication with a rate limit, and the rules around passwords."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from academy.accounts.models import LoginAttempt, User, normalise_email
from academy.core.db import utcnow
from academy.core.errors import DomainError
from academy.extensions import db


class LoginRefused(DomainError):
    """Wrong credentials, or too many recent failures."""


def authenticate(email: str, password: str, address: str) -> User:
    """The user with these credentials, or LoginRefused.

    Failures are counted per typed address and per client address within a sliding window;
    once either passes its limit, even the right password is refused until the window has
    moved on, so the real user gets in again later without anyone unlocking the account.
    """
    email = normalise_email(email)
    config = current_app.config
    since = utcnow() - timedelta(seconds=config["LOGIN_FAILURE_WINDOW_SECONDS"])
    by_account, by_address = db.session.execute(
        sa.select(
            sa.func.count().filter(LoginAttempt.email == email),
            sa.func.count().filter(LoginAttempt.address == address),
        ).where(
            LoginAttempt.attempted_at >= since,
            sa.or_(LoginAttempt.email == email, LoginAttempt.address == address),
        )
    ).one()
    if (
        by_account >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
        or by_address >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    ):
        raise LoginRefused(
            _l("Too many failed attempts. Wait 15 minutes and try again, or reset your password.")
        )
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None or not user.is_active or not user.check_password(password):
        db.session.add(LoginAttempt(email=email[:254], address=address[:64]))
        db.session.flush()
        raise LoginRefused(_l("Wrong e-mail or password."))
    user.last_login_at = utcnow()
    return user


def end_sessions(user: User) -> None:
    """Invalidate every session of the user (logout, password change)."""
    user.session_version += 1


def load_user(session_id: str) -> User | None:
    """Flask-Login's loader: "<id>.<session_version>"; an older version is no session."""
    user_id, _, version = session_id.partition(".")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user
