"""Telling people things: in-app notifications, with an e-mail beside them when asked.

Other features' services call `notify(...)`; nothing here knows about submissions or grades.
A notification's params hold only what its reader may see (titles, names), never a grade.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from academy.core import mail
from academy.core.db import utcnow
from academy.core.errors import DomainError
from academy.extensions import db
from academy.notifications.models import Notification

log = logging.getLogger("academy.notifications")

#: notifications shown per page of /notifications
PER_PAGE = 30

#: the text of each kind; params fill the placeholders (titles come as {locale: text})
MESSAGES = {
    "assessment.released": _l(
        "Feedback on “%(assignment)s” in %(cohort)s is available.",
    ),
}


def notify(
    users: Iterable,
    kind: str,
    *,
    params: dict[str, Any],
    url: str,
    email_subject: str | None = None,
    email_template: str | None = None,
    email_context: dict[str, Any] | None = None,
) -> list[Notification]:
    """Add a notification for each user and, when a template is given, e-mail each of them.

    `url` is a path of this site; the e-mail gets it as an absolute link. Mail that cannot be
    sent raises a DomainError, so the caller rolls back and nobody is told half a story.
    """
    notifications = []
    for user in _unique(users):
        notification = Notification(user_id=user.id, kind=kind, params=params, url=url)
        db.session.add(notification)
        notifications.append(notification)
        if email_template:
            _email(user, email_subject or "", email_template, url, email_context or {})
    db.session.flush()
    return notifications


def _unique(users: Iterable) -> list:
    seen: dict[int, object] = {}
    for user in users:
        seen.setdefault(user.id, user)
    return list(seen.values())


def _email(user, subject, template: str, url: str, context: dict[str, Any]) -> None:
    try:
        mail.send(
            user.email,
            subject,
            template,
            locale=user.locale,
            user=user,
            link=absolute_url(url),
            **context,
        )
    except (smtplib.SMTPException, OSError) as error:
        log.exception("Notification e-mail to %s failed", user.email)
        raise DomainError(
            _l("The e-mail to %(name)s could not be sent. Nothing was changed.", name=user.name)
        ) from error


def absolute_url(path: str) -> str:
    """`path` of this site as an absolute URL, also outside a request (CLI, jobs)."""
    if has_request_context():
        return request.host_url.rstrip("/") + path
    scheme = current_app.config.get("PREFERRED_URL_SCHEME", "http")
    host = current_app.config.get("SERVER_NAME") or "localhost"
    return f"{scheme}://{host}{path}"


def message(notification: Notification, locale: str) -> str:
    """The notification's text in `locale` (the request's language when called in one)."""
    template = MESSAGES.get(notification.kind)
    if template is None:
        return gettext("You have a new notification.")
    values = {
        key: localised(value, locale) if isinstance(value, dict) else value
        for key, value in (notification.params or {}).items()
    }
    return str(template) % values


def localised(texts: dict[str, str], locale: str) -> str:
    """A text in `locale`, else in Finnish, else in any language there is."""
    return texts.get(locale) or texts.get("fi") or next(iter(texts.values()), "")


def unread_count(user) -> int:
    """How many of the user's notifications are unread (0 for anonymous visitors)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return db.session.scalar(
        sa.select(sa.func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def notifications_query(user) -> sa.Select:
    """The user's notifications, newest first."""
    return (
        sa.select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def get_own(user, notification_id: int) -> Notification | None:
    """One of the user's own notifications, or None (someone else's is not found either)."""
    return db.session.scalar(
        sa.select(Notification).where(
            Notification.id == notification_id, Notification.user_id == user.id
        )
    )


def mark_read(user, notification: Notification) -> Notification:
    """Mark one of the user's notifications as read (reading it twice keeps the first time)."""
    if notification.user_id != user.id:
        raise DomainError(_l("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification


def mark_all_read(user) -> int:
    """Mark every unread notification of the user as read; return how many there were."""
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount or 0
