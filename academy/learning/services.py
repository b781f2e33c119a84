"""Learning: module texts in the reader's language, completion, progress and the home page.

Reads are shaped for pages that must cost a fixed number of queries whatever the size of the
programme or the cohort: they load whole sets (every module, every schedule item, every
completion of a person) in one query each and join them in Python.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from academy.accounts.models import User, new_token
from academy.cohorts.models import Cohort, CohortStatus, Membership, Role, ScheduleItem
from academy.cohorts.schedule import ModuleEntry
from academy.core.access import membership_in
from academy.core.db import utcnow
from academy.core.errors import DomainError
from academy.extensions import db
from academy.learning.models import ModuleCompletion
from academy.programmes.models import AssignmentSpec, Module, localised

#: the language every module is written in first
SOURCE_LANGUAGE = "fi"

LANGUAGE_NAMES = {"fi": _l("Finnish"), "sv": _l("Swedish"), "en": _l("English")}


@dataclass(frozen=True)
class LocalisedText:
    """A text in the reader's language, or in Finnish when it has not been translated."""

    text: str
    #: the language the text is in (for the lang attribute)
    lang: str
    #: the language the reader asked for
    wanted: str

    @property
    def is_fallback(self) -> bool:
        return self.lang != self.wanted


def localised_text(texts: dict | None, locale: str) -> LocalisedText:
    """The text in `locale`, else the Finnish text, marked with the language it is in."""
    texts = texts or {}
    if texts.get(locale):
        return LocalisedText(texts[locale], locale, locale)
    if texts.get(SOURCE_LANGUAGE):
        return LocalisedText(texts[SOURCE_LANGUAGE], SOURCE_LANGUAGE, locale)
    for lang, text in texts.items():
        if text:
            return LocalisedText(text, lang, locale)
    return LocalisedText("", locale, locale)


def fallback_notice(text: LocalisedText) -> str | None:
    """The sentence that tells a reader the module is shown in Finnish, or None."""
    if not text.is_fallback:
        return None
    return str(
        _l(
            "This module is not yet available in %(language)s; showing the Finnish text.",
            language=LANGUAGE_NAMES.get(text.wanted, text.wanted),
        )
    )


class ModuleStatus(enum.Enum):
    """Where a module stands for one participant."""

    not_open = "not_open"
    open = "open"
    completed = "completed"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    ModuleStatus.not_open: _l("Not yet open"),
    ModuleStatus.open: _l("Open"),
    ModuleStatus.completed: _l("Completed"),
}


def module_status(entry: ModuleEntry, completed: bool, now: datetime | None = None) -> ModuleStatus:
    if not entry.is_open(now):
        return ModuleStatus.not_open
    return ModuleStatus.completed if completed else ModuleStatus.open


def completed_module_ids(membership_ids: list[int]) -> set[tuple[int, int]]:
    """(membership id, module id) of every completion of these memberships, in one query."""
    if not membership_ids:
        return set()
    rows = db.session.execute(
        sa.select(ModuleCompletion.membership_id, ModuleCompletion.module_id).where(
            ModuleCompletion.membership_id.in_(membership_ids)
        )
    )
    return {(row.membership_id, row.module_id) for row in rows}


def _participant_membership(actor: User, cohort: Cohort) -> Membership:
    membership = membership_in(actor, cohort.id)
    if membership is None or membership.role is not Role.participant:
        raise DomainError(_l("Only participants of the cohort can mark modules completed."))
    return membership


def _check_module_of(cohort: Cohort, module: Module) -> None:
    if module.version_id != cohort.programme_version_id:
        raise DomainError(_l("This module is not part of the cohort's programme."))


def mark_completed(
    actor: User, cohort: Cohort, entry: ModuleEntry, now: datetime | None = None
) -> ModuleCompletion:
    """Record that the participant has completed an open module (again: nothing changes)."""
    membership = _participant_membership(actor, cohort)
    _check_module_of(cohort, entry.module)
    if not entry.is_open(now):
        raise DomainError(_l("This module is not open yet, so it cannot be completed."))
    completion = db.session.scalar(
        sa.select(ModuleCompletion).where(
            ModuleCompletion.membership_id == membership.id,
            ModuleCompletion.module_id == entry.module.id,
        )
    )
    if completion is None:
        completion = ModuleCompletion(membership_id=membership.id, module_id=entry.module.id)
        db.session.add(completion)
        db.session.flush()
    return completion


def undo_completion(actor: User, cohort: Cohort, entry: ModuleEntry) -> None:
    """Take back the participant's mark that a module is completed."""
    membership = _participant_membership(actor, cohort)
    _check_module_of(cohort, entry.module)
    db.session.execute(
        sa.delete(ModuleCompletion).where(
            ModuleCompletion.membership_id == membership.id,
            ModuleCompletion.module_id == entry.module.id,
        )
    )
    db.session.flush()


def renew_calendar_token(actor: User) -> str:
    """Give the user a new calendar feed address; the old one stops working."""
    actor.calendar_token = new_token()
    db.session.flush()
    return actor.calendar_token


# The participant's home page ------------------------------------------------------------------
# The start page is the busiest page of the service. It reads plain rows (no ORM objects) for
# exactly what it shows: each cohort's modules with their openings, the upcoming deadlines and
# the person's completions.


@dataclass(frozen=True)
class ModuleLine:
    """A module as the start page lists it."""

    slug: str
    titles: dict
    estimated_hours: float
    opens_at: datetime | None

    def title(self, locale: str) -> str:
        return localised(self.titles, locale)


@dataclass(frozen=True)
class Deadline:
    """An assignment due soon in one cohort."""

    assignment_id: int
    titles: dict
    module_slug: str
    due_at: datetime

    def title(self, locale: str) -> str:
        return localised(self.titles, locale)


@dataclass
class ParticipantCohort:
    """What a participant should do next in one cohort."""

    cohort: Cohort
    membership: Membership
    open_modules: list[ModuleLine] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    completed: int = 0
    total: int = 0

    @property
    def has_programme(self) -> bool:
        return self.cohort.programme_version_id is not None

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0


@dataclass
class HomePage:
    """Everything the start page shows a person."""

    participating: list[ParticipantCohort]
    #: cohorts the person trains, or (coordinators) every running cohort
    staff_cohorts: list[Cohort]


#: how many upcoming deadlines the home page lists per cohort
DEADLINES_SHOWN = 5


def home_page(user: User, now: datetime | None = None) -> HomePage:
    """The start page of a person: what to do next in each cohort (five queries at most)."""
    now = now or utcnow()
    rows = db.session.execute(
        sa.select(Membership, Cohort)
        .join(Cohort, Membership.cohort_id == Cohort.id)
        .where(Membership.user_id == user.id, Cohort.status == CohortStatus.active)
        .order_by(Cohort.starts_on.desc(), Cohort.name)
        .options(orm.raiseload("*"))
    ).all()
    if user.is_coordinator:
        staff_cohorts = list(
            db.session.scalars(
                sa.select(Cohort)
                .where(Cohort.status == CohortStatus.active)
                .order_by(Cohort.starts_on.desc(), Cohort.name)
                .options(orm.raiseload("*"))
            )
        )
    else:
        staff_cohorts = [c for m, c in rows if m.role is Role.trainer]
    participating = {
        c.id: ParticipantCohort(cohort=c, membership=m)
        for m, c in rows
        if m.role is Role.participant
    }
    if not participating:
        return HomePage(participating=[], staff_cohorts=staff_cohorts)

    done = completed_module_ids([p.membership.id for p in participating.values()])
    for row in db.session.execute(
        sa.select(
            Cohort.id.label("cohort_id"),
            Module.id,
            Module.slug,
            Module.titles,
            Module.estimated_hours,
            ScheduleItem.opens_at,
        )
        .join(Module, Module.version_id == Cohort.programme_version_id)
        .outerjoin(
            ScheduleItem,
            sa.and_(ScheduleItem.cohort_id == Cohort.id, ScheduleItem.module_id == Module.id),
        )
        .where(Cohort.id.in_(participating))
        .order_by(Cohort.id, Module.position)
    ):
        summary = participating[row.cohort_id]
        summary.total += 1
        if (summary.membership.id, row.id) in done:
            summary.completed += 1
        elif row.opens_at is not None and row.opens_at <= now:
            summary.open_modules.append(
                ModuleLine(row.slug, row.titles, row.estimated_hours, row.opens_at)
            )
    for row in db.session.execute(
        sa.select(
            ScheduleItem.cohort_id,
            ScheduleItem.due_at,
            AssignmentSpec.id,
            AssignmentSpec.titles,
            Module.slug,
        )
        .join(AssignmentSpec, AssignmentSpec.id == ScheduleItem.assignment_spec_id)
        .join(Module, Module.id == AssignmentSpec.module_id)
        .join(Cohort, Cohort.id == ScheduleItem.cohort_id)
        .where(
            ScheduleItem.cohort_id.in_(participating),
            Module.version_id == Cohort.programme_version_id,
            ScheduleItem.due_at >= now,
        )
        .order_by(ScheduleItem.due_at, Module.position, AssignmentSpec.position)
    ):
        summary = participating[row.cohort_id]
        if len(summary.deadlines) < DEADLINES_SHOWN:
            summary.deadlines.append(Deadline(row.id, row.titles, row.slug, row.due_at))
    return HomePage(participating=list(participating.values()), staff_cohorts=staff_cohorts)
