"""Who may see and change a submission; queries for the submissions a person may see.

A submission belongs to its author (individual assignments) or to the team of its organisation
in the cohort (team assignments). Its authors, the cohort's trainers and coordinators may see
it; only its authors may change it, and only while it is a draft or returned for revision.
Peer reviewers will be added here when reviews arrive.
"""

from __future__ import annotations

import sqlalchemy as sa

from academy.assignments.models import Submission, SubmissionStatus
from academy.cohorts.models import Membership, Role
from academy.core.access import membership_in
from academy.extensions import db

#: the states in which the authors may still change the draft
EDITABLE = (SubmissionStatus.draft, SubmissionStatus.returned)


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_author(membership: Membership | None, submission: Submission) -> bool:
    """Whether this membership makes its person an author of the submission."""
    if membership is None or membership.role is not Role.participant:
        return False
    if membership.cohort_id != submission.cohort_id:
        return False
    if submission.organisation_id is not None:
        return membership.organisation_id == submission.organisation_id
    return membership.user_id == submission.author_id


def can_view_submission(user, submission: Submission, membership=None) -> bool:
    """Authors (the person, or the members of the team), the cohort's trainers, coordinators.

    `membership` may be passed when the caller has loaded the user's membership in the
    submission's cohort already (it saves a query).
    """
    if not _signed_in(user):
        return False
    if user.is_coordinator:
        return True
    membership = membership or membership_in(user, submission.cohort_id)
    if membership is None or membership.cohort_id != submission.cohort_id:
        return False
    return membership.role is Role.trainer or is_author(membership, submission)


def can_edit_submission(user, submission: Submission, membership=None) -> bool:
    """Only the authors, and only while the submission is a draft or returned for revision.

    Dates are not part of this question: the services check them at the moment of writing.
    """
    if not _signed_in(user) or submission.status not in EDITABLE:
        return False
    membership = membership or membership_in(user, submission.cohort_id)
    return is_author(membership, submission)


def own_submissions_filter(membership: Membership):
    """A WHERE clause for the submissions a participant is an author of in their cohort."""
    return sa.and_(
        Submission.cohort_id == membership.cohort_id,
        sa.or_(
            Submission.author_id == membership.user_id,
            sa.and_(
                Submission.organisation_id.is_not(None),
                Submission.organisation_id == membership.organisation_id,
            ),
        ),
    )


def visible_submissions(user, cohort_id: int) -> sa.Select:
    """SELECT of the submissions of one cohort that `user` may see (nothing for strangers).

    Trainers of the cohort and coordinators see all; participants their own and their team's.
    """
    query = sa.select(Submission).where(Submission.cohort_id == cohort_id)
    if not _signed_in(user):
        return query.where(sa.false())
    if user.is_coordinator:
        return query
    membership = membership_in(user, cohort_id)
    if membership is None:
        return query.where(sa.false())
    if membership.role is Role.trainer:
        return query
    return query.where(own_submissions_filter(membership))


def viewable_submission(user, submission_id: int) -> Submission | None:
    """The submission with this id when `user` may see it, else None (the caller answers 404)."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or not can_view_submission(user, submission):
        return None
    return submission
