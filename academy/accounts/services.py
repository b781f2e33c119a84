"""Accounts: authentication with a rate limit, invitations, passwords, profiles and people.

Every rule about accounts lives here. Functions take the acting user and plain data, flush and
never commit; a broken rule raises DomainError with a translatable message and the form field
it concerns.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import smtplib
from datetime import timedelta
from functools import cache

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_request_context, url_for
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import orm
from werkzeug.security import check_password_hash, generate_password_hash

from academy.accounts.models import Invitation, LoginAttempt, User, normalise_email
from academy.core import mail
from academy.core.db import utcnow
from academy.core.errors import DomainError
from academy.extensions import db

log = logging.getLogger("academy.accounts")

#: shortest password accepted
PASSWORD_MIN_LENGTH = 12
INVITATION_SALT = "invitation"
PASSWORD_RESET_SALT = "password-reset"  # noqa: S105 - a salt, not a secret


class LoginRefused(DomainError):
    """Wrong credentials, or too many recent failures."""


class LinkProblem(DomainError):
    """An invitation or password-reset link that cannot be used: expired, used or tampered.

    `expired` tells a link that was genuine once from one that never was.
    """

    def __init__(self, message: str, *, expired: bool = False):
        super().__init__(message)
        self.expired = expired


# Login ---------------------------------------------------------------------------------------


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not the password of anyone", method=method)


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
    if user is None or user.password_hash is None:
        # Spend the time of a hash check anyway, so timing does not tell who has an account.
        check_password_hash(_dummy_hash(config["PASSWORD_HASH_METHOD"]), password)
        valid = False
    else:
        valid = user.check_password(password)
    if user is None or not valid or not user.is_active:
        db.session.add(LoginAttempt(email=email[:254], address=address[:64]))
        db.session.flush()
        raise LoginRefused(_l("Wrong e-mail or password."))
    user.last_login_at = utcnow()
    return user


def prune_login_attempts() -> int:
    """Delete failed login attempts older than the rate-limit window; return how many."""
    window = current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"]
    result = db.session.execute(
        sa.delete(LoginAttempt).where(
            LoginAttempt.attempted_at < utcnow() - timedelta(seconds=window)
        )
    )
    db.session.flush()
    return result.rowcount or 0


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


# Shared checks -------------------------------------------------------------------------------


def _require_coordinator(actor: User) -> None:
    if actor is None or not actor.is_coordinator:
        raise DomainError(_l("Only coordinators can manage people."))


def _clean_email(email: str) -> str:
    """The address in its stored form, or DomainError beside the e-mail field."""
    email = normalise_email(email or "")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise DomainError(_l("Enter a valid e-mail address."), field="email") from error
    return email


def _check_email_free(email: str, *, except_user: User | None = None) -> None:
    query = sa.select(User.id).where(User.email == normalise_email(email))
    if except_user is not None:
        query = query.where(User.id != except_user.id)
    if db.session.scalar(query) is not None:
        raise DomainError(_l("A person with this e-mail address already exists."), field="email")


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("Enter the name."), field="name")
    return name


def _clean_locale(locale: str) -> str:
    if locale not in current_app.config["LANGUAGES"]:
        raise DomainError(_l("Choose a language from the list."), field="locale")
    return locale


def check_password_rules(email: str, password: str, field: str = "password") -> None:
    """Refuse passwords that are short or that are the e-mail address itself."""
    if len(password or "") < PASSWORD_MIN_LENGTH:
        raise DomainError(
            _l(
                "The password must be at least %(count)s characters long.",
                count=PASSWORD_MIN_LENGTH,
            ),
            field=field,
        )
    if normalise_email(password) == normalise_email(email):
        raise DomainError(_l("The password must not be your e-mail address."), field=field)


def _external_url(endpoint: str, **values) -> str:
    """An absolute URL for e-mails, also outside a request (CLI, background jobs)."""
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for(endpoint, _external=True, **values)
    with current_app.test_request_context("/"):
        return url_for(endpoint, _external=True, **values)


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


# Coordinators from the command line ----------------------------------------------------------


def create_coordinator(email: str, name: str, password: str) -> User:
    """An active coordinator account with a password (the first of a new installation)."""
    email = _clean_email(email)
    _check_email_free(email)
    name = _clean_name(name)
    check_password_rules(email, password)
    user = User(email=email, name=name, title="", locale="fi", is_coordinator=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


# Invitations ---------------------------------------------------------------------------------


def invite(
    actor: User,
    *,
    email: str,
    name: str,
    title: str = "",
    locale: str = "fi",
    is_coordinator: bool = False,
) -> User:
    """Create a person without a password and e-mail them a link to set one.

    Other features (cohort enrolment) call this too; it refuses an address that any account
    already has, whatever its case.
    """
    _require_coordinator(actor)
    email = _clean_email(email)
    _check_email_free(email)
    user = User(
        email=email,
        name=_clean_name(name),
        title=(title or "").strip(),
        locale=_clean_locale(locale),
        is_coordinator=bool(is_coordinator),
        active=True,
        password_hash=None,
    )
    db.session.add(user)
    db.session.flush()
    _send_invitation(actor, user)
    return user


def resend_invitation(actor: User, person: User) -> Invitation:
    """A new invitation link for someone who has not set a password; older links stop working."""
    _require_coordinator(actor)
    if person.password_hash is not None:
        raise DomainError(_l("This person has already accepted the invitation."))
    if not person.active:
        raise DomainError(_l("Reactivate the account before sending a new invitation."))
    return _send_invitation(actor, person)


def _send_invitation(actor: User, user: User) -> Invitation:
    invitation = Invitation(user_id=user.id, invited_by_id=actor.id)
    db.session.add(invitation)
    db.session.flush()
    try:
        mail.send(
            user.email,
            _l("Invitation to the KEINO Academy"),
            "email/invitation",
            locale=user.locale,
            user=user,
            inviter=actor,
            link=_external_url("accounts.accept_invitation", token=invitation_token(invitation)),
            days=current_app.config["INVITATION_MAX_AGE_SECONDS"] // 86400,
        )
    except (smtplib.SMTPException, OSError) as error:
        # The caller rolls back, so nobody is left invited without having been told.
        log.exception("Invitation e-mail to %s failed", user.email)
        raise DomainError(
            _l("The invitation e-mail could not be sent. Please try again in a moment."),
            field="email",
        ) from error
    return invitation


def invitation_token(invitation: Invitation) -> str:
    """The signed, timed secret in an invitation link."""
    return _serializer(INVITATION_SALT).dumps(invitation.id)


def latest_invitation(user: User) -> Invitation | None:
    """The most recent invitation sent to the user."""
    return db.session.scalar(
        sa.select(Invitation)
        .where(Invitation.user_id == user.id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        .limit(1)
    )


def load_invitation(token: str) -> Invitation:
    """The invitation behind a link, or LinkProblem saying why it cannot be used."""
    max_age = current_app.config["INVITATION_MAX_AGE_SECONDS"]
    try:
        invitation_id = _serializer(INVITATION_SALT).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise LinkProblem(
            _l(
                "This invitation link has expired. Ask the programme coordinator to send you "
                "a new invitation."
            ),
            expired=True,
        ) from error
    except BadSignature as error:
        raise LinkProblem(
            _l("This invitation link is not valid. Check that you copied the whole link.")
        ) from error
    invitation = db.session.get(
        Invitation, invitation_id, options=[orm.joinedload(Invitation.user)]
    )
    if invitation is None:
        raise LinkProblem(
            _l("This invitation link is not valid. Check that you copied the whole link.")
        )
    user = invitation.user
    if invitation.accepted_at is not None or user.password_hash is not None:
        raise LinkProblem(
            _l(
                "This invitation has already been used. Log in with your e-mail address and "
                "password, or reset your password if you have forgotten it."
            ),
            expired=True,
        )
    if not user.active:
        raise LinkProblem(
            _l("This account has been deactivated. Contact the programme coordinator."),
            expired=True,
        )
    latest = latest_invitation(user)
    if latest is not None and latest.id != invitation.id:
        raise LinkProblem(
            _l(
                "A newer invitation has been sent to you. Use the link in the most recent "
                "invitation e-mail."
            ),
            expired=True,
        )
    return invitation


def accept_invitation(invitation: Invitation, password: str) -> User:
    """Set the invitee's first password, which makes the account usable; single use."""
    if invitation.accepted_at is not None:
        raise LinkProblem(_l("This invitation has already been used."), expired=True)
    user = invitation.user
    check_password_rules(user.email, password)
    user.set_password(password)
    now = utcnow()
    invitation.accepted_at = now
    user.last_login_at = now
    db.session.flush()
    return user


# Password reset ------------------------------------------------------------------------------


def _password_fingerprint(user: User) -> str:
    """Changes whenever the password does, so a reset link works only once."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, (user.password_hash or "").encode(), hashlib.sha256).hexdigest()[:20]


def password_reset_token(user: User) -> str:
    """The signed, timed secret in a password-reset link."""
    return _serializer(PASSWORD_RESET_SALT).dumps([user.id, _password_fingerprint(user)])


def request_password_reset(email: str) -> None:
    """Mail a reset link when an active account has this address; say nothing either way."""
    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email or "")))
    if user is None or not user.is_active:
        return
    try:
        mail.send(
            user.email,
            _l("Reset your KEINO Academy password"),
            "email/password_reset",
            locale=user.locale,
            user=user,
            link=_external_url("accounts.reset_password", token=password_reset_token(user)),
            hours=current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"] // 3600,
        )
    except (smtplib.SMTPException, OSError):
        # Saying so would tell that the address has an account; the log tells the operator.
        log.exception("Password reset e-mail to %s failed", user.email)


def load_password_reset(token: str) -> User:
    """The user whose password a reset link may set, or LinkProblem."""
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"]
    invalid = _l(
        "This password reset link is not valid or has already been used. Ask for a new link."
    )
    try:
        user_id, fingerprint = _serializer(PASSWORD_RESET_SALT).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise LinkProblem(
            _l("This password reset link has expired. Ask for a new link."), expired=True
        ) from error
    except (BadSignature, TypeError, ValueError) as error:
        raise LinkProblem(invalid) from error
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if (
        user is None
        or not user.is_active
        or not hmac.compare_digest(str(fingerprint), _password_fingerprint(user))
    ):
        raise LinkProblem(invalid, expired=True)
    return user


def reset_password(user: User, password: str) -> User:
    """Set a new password from a reset link; every other session ends."""
    check_password_rules(user.email, password)
    user.set_password(password)
    user.last_login_at = utcnow()
    db.session.flush()
    return user


# Own profile ---------------------------------------------------------------------------------


def update_profile(user: User, *, name: str, title: str, locale: str) -> User:
    """A person edits their own name, title and interface language."""
    user.name = _clean_name(name)
    user.title = (title or "").strip()
    user.locale = _clean_locale(locale)
    db.session.flush()
    return user


def change_password(user: User, *, current_password: str, new_password: str) -> User:
    """A new password, given the current one; every other session ends."""
    if not user.check_password(current_password or ""):
        raise DomainError(_l("The current password is not correct."), field="current_password")
    check_password_rules(user.email, new_password)
    user.set_password(new_password)
    db.session.flush()
    return user


def memberships_of(user: User) -> list:
    """The user's memberships with cohort and organisation, newest cohort first."""
    from academy.cohorts.models import Cohort, Membership

    return list(
        db.session.scalars(
            sa.select(Membership)
            .join(Membership.cohort)
            .where(Membership.user_id == user.id)
            .options(orm.joinedload(Membership.cohort), orm.joinedload(Membership.organisation))
            .order_by(Cohort.starts_on.desc(), Cohort.name)
        )
    )


# People (coordinators) -----------------------------------------------------------------------


def people_query(q: str = "") -> sa.Select:
    """People whose name or e-mail contains `q` (ignoring case), by name."""
    query = sa.select(User).order_by(User.name, User.id)
    q = (q or "").strip()
    if q:
        query = query.where(
            sa.or_(
                User.name.icontains(q, autoescape=True), User.email.icontains(q, autoescape=True)
            )
        )
    return query


def update_person(
    actor: User,
    person: User,
    *,
    email: str,
    name: str,
    title: str,
    locale: str,
    is_coordinator: bool,
) -> User:
    """A coordinator edits someone's details, including the e-mail address and role."""
    _require_coordinator(actor)
    email = _clean_email(email)
    _check_email_free(email, except_user=person)
    if person.id == actor.id and not is_coordinator:
        raise DomainError(
            _l("You cannot remove your own coordinator role. Ask another coordinator."),
            field="is_coordinator",
        )
    person.email = email
    person.name = _clean_name(name)
    person.title = (title or "").strip()
    person.locale = _clean_locale(locale)
    person.is_coordinator = bool(is_coordinator)
    db.session.flush()
    return person


def deactivate(actor: User, person: User) -> User:
    """Stop a person from logging in; their sessions end at once, their data stays."""
    _require_coordinator(actor)
    if person.id == actor.id:
        raise DomainError(_l("You cannot deactivate your own account."))
    if person.active:
        person.active = False
        end_sessions(person)
    db.session.flush()
    return person


def reactivate(actor: User, person: User) -> User:
    """Let a deactivated person log in again."""
    _require_coordinator(actor)
    person.active = True
    db.session.flush()
    return person
