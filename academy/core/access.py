"""Who may do what: login helpers and object-level checks shared by every feature.

Rules about one kind of object live here as plain functions of (user, object), so that views,
services and tests ask the same question. A view that loads an object the user may not see
answers 404, not 403: existence itself is private.
"""

from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import abort
from flask_login import current_user, login_required

from academy.extensions import db


def coordinator_required(view):
    """Only programme coordinators; others get 404 (the page is not theirs to know)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_coordinator:
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def membership_in(user, cohort_id: int):
    """The user's membership in a cohort, or None."""
    from academy.cohorts.models import Membership

    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(
        sa.select(Membership).where(
            Membership.cohort_id == cohort_id, Membership.user_id == user.id
        )
    )


def can_view_cohort(user, cohort) -> bool:
    """Coordinators see every cohort; others only the cohorts they belong to."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_coordinator or membership_in(user, cohort.id) is not None


def can_manage_cohort(user, cohort) -> bool:
    """Only coordinators manage cohorts: dates, status, members, schedule."""
    return bool(user and user.is_authenticated and user.is_coordinator)


def is_trainer_in(user, cohort) -> bool:
    """A trainer of this cohort (coordinators count as trainers everywhere)."""
    from academy.cohorts.models import Role

    if user is None or not user.is_authenticated:
        return False
    if user.is_coordinator:
        return True
    membership = membership_in(user, cohort.id)
    return membership is not None and membership.role is Role.trainer


def get_or_404(model, ident, *, allowed) -> object:
    """Load an object and answer 404 unless `allowed(current_user, obj)` holds."""
    obj = db.session.get(model, ident)
    if obj is None or not allowed(current_user, obj):
        abort(404)
    return obj
