"""Access cases for the notifications pages: each person sees and marks only their own."""

from __future__ import annotations

from academy.extensions import db
from academy.notifications.models import Notification
from tests.access import Case, signed_in

ONLY_THE_PARTICIPANT = {"anonymous": 302, "participant": 302}


def setup(world, make) -> None:
    """One notification for the world's participant."""
    notification = Notification(
        user_id=world.participant.id,
        kind="assessment.released",
        params={"assignment": {"en": "Impact goals"}, "cohort": world.cohort.name},
        url=f"/cohorts/{world.cohort_slug}",
    )
    db.session.add(notification)
    db.session.flush()
    world.notification_id = notification.id


CASES = [
    Case("GET", "/notifications", signed_in()),
    Case("GET", "/notifications?page=2", signed_in(404)),
    Case("POST", "/notifications/{notification_id}/open", ONLY_THE_PARTICIPANT),
    Case("POST", "/notifications/{notification_id}/read", ONLY_THE_PARTICIPANT),
    Case("POST", "/notifications/read", signed_in(302)),
]
