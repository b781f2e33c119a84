"""Cohorts: creation, status, memberships; every write and every rule."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm

from academy.cohorts.models import Cohort, CohortStatus, Membership
from academy.extensions import db


def cohorts_for(user) -> list[Cohort]:
    """The cohorts a user sees in navigation: their own; coordinators see the running ones."""
    query = sa.select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.name)
    if user.is_coordinator:
        query = query.where(Cohort.status.in_((CohortStatus.draft, CohortStatus.active)))
    else:
        query = query.join(Membership).where(
            Membership.user_id == user.id, Cohort.status != CohortStatus.archived
        )
    return list(db.session.scalars(query.options(orm.raiseload("*"))))
