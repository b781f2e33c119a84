"""A person's in-app notifications: the list, opening one, marking them read."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from academy.core.i18n import current_locale
from academy.core.security import safe_next_path
from academy.core.web import page_arg
from academy.extensions import db
from academy.notifications import services

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_context_processor
def _unread_badge():
    """`unread_notifications()` in every template, for a badge in the header."""
    return {"unread_notifications": lambda: services.unread_count(current_user)}


def _load(notification_id: int):
    notification = services.get_own(current_user, notification_id)
    if notification is None:
        abort(404)
    return notification


@bp.get("")
@login_required
def index():
    """The signed-in person's notifications, newest first, unread ones marked."""
    page = db.paginate(
        services.notifications_query(current_user),
        page=page_arg(),
        per_page=services.PER_PAGE,
        max_per_page=services.PER_PAGE,
    )
    locale = current_locale()
    items = [(n, services.message(n, locale)) for n in page.items]
    return render_template(
        "notifications/index.html",
        page=page,
        items=items,
        unread=services.unread_count(current_user),
    )


@bp.post("/<id:notification_id>/open")
@login_required
def open_notification(notification_id: int):
    """Open a notification: mark it read and go where it points (a POST: it changes data)."""
    notification = _load(notification_id)
    services.mark_read(current_user, notification)
    return redirect(safe_next_path(notification.url) or url_for(".index"))


@bp.post("/<id:notification_id>/read")
@login_required
def read(notification_id: int):
    """Mark one notification as read."""
    services.mark_read(current_user, _load(notification_id))
    return redirect(url_for(".index"))


@bp.post("/read")
@login_required
def read_all():
    """Mark every notification as read."""
    count = services.mark_all_read(current_user)
    if count:
        flash(_("All notifications marked as read."), "success")
    return redirect(url_for(".index"))
