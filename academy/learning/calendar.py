"""The personal calendar feed: every date of a person's cohorts as iCalendar events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import orm

from academy.accounts.models import User
from academy.cohorts.models import Cohort, CohortStatus, Membership
from academy.cohorts.schedule import load_timelines
from academy.core.db import utcnow
from academy.extensions import db
from academy.programmes.models import localised

#: builds the address of a module page from (cohort slug, module slug)
LinkBuilder = Callable[[str, str], str]


def user_by_calendar_token(token: str) -> User | None:
    """The active user whose feed address carries `token`, or None."""
    if not token:
        return None
    user = db.session.scalar(sa.select(User).where(User.calendar_token == token))
    return user if user is not None and user.active else None


def feed_cohorts(user: User) -> list[Cohort]:
    """The cohorts whose dates concern the person: every cohort they belong to, not archived."""
    return list(
        db.session.scalars(
            sa.select(Cohort)
            .join(Membership, Membership.cohort_id == Cohort.id)
            .where(Membership.user_id == user.id, Cohort.status != CohortStatus.archived)
            .order_by(Cohort.starts_on, Cohort.name)
            .options(orm.raiseload("*"))
        )
    )


def build_feed(user: User, link: LinkBuilder, domain: str, now: datetime | None = None) -> bytes:
    """The person's calendar as an .ics document, in their language (four queries)."""
    now = now or utcnow()
    locale = user.locale
    cohorts = feed_cohorts(user)
    timelines = load_timelines(cohorts)
    with force_locale(locale):
        calendar = Calendar()
        calendar.add("prodid", "-//KEINO Academy//academy//EN")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", _("KEINO Academy: %(name)s", name=user.name))
        calendar.add("x-wr-timezone", "Europe/Helsinki")
        for cohort in cohorts:
            timeline = timelines.get(cohort.id)
            for entry in timeline.modules if timeline else []:
                module_title = entry.module.title(locale)
                url = link(cohort.slug, entry.module.slug)
                if entry.opens_at is not None:
                    calendar.add_component(
                        _event(
                            uid=f"schedule-{entry.item.id}-opens@{domain}",
                            at=entry.opens_at,
                            summary=_("Module opens: %(title)s", title=module_title),
                            cohort=cohort,
                            url=url,
                            now=now,
                        )
                    )
                for assignment in entry.assignments:
                    title = localised(assignment.spec.titles, locale)
                    kinds = (
                        ("due", assignment.due_at, _("Due: %(title)s", title=title)),
                        (
                            "review-due",
                            assignment.review_due_at,
                            _("Peer reviews due: %(title)s", title=title),
                        ),
                        ("cut-off", assignment.cut_off_at, _("Cut-off: %(title)s", title=title)),
                    )
                    for kind, at, summary in kinds:
                        if at is None:
                            continue
                        calendar.add_component(
                            _event(
                                uid=f"schedule-{assignment.item.id}-{kind}@{domain}",
                                at=at,
                                summary=summary,
                                cohort=cohort,
                                url=url,
                                now=now,
                            )
                        )
        return calendar.to_ical()


def _event(
    *, uid: str, at: datetime, summary: str, cohort: Cohort, url: str, now: datetime
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now)
    event.add("dtstart", at)
    event.add("dtend", at)
    event.add("summary", f"{summary} ({cohort.name})")
    event.add("description", url)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event
