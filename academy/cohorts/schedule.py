"""A cohort's schedule: when modules open and when assignments are due, reviewed and cut off.

Dates are chosen in Helsinki time (a module opens at 09:00, a deadline falls at 16:00) and
stored in UTC. The schedule is read as a `Timeline`: the programme's modules in order, each with
its assignments and their schedule items, loaded in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from academy.cohorts.models import Cohort, ScheduleItem
from academy.core.db import utcnow
from academy.core.errors import DomainError
from academy.extensions import db
from academy.programmes.models import AssignmentSpec, Module

HELSINKI = ZoneInfo("Europe/Helsinki")
#: modules open in the morning, Helsinki time
OPENING_TIME = time(9, 0)
#: deadlines fall in the afternoon, Helsinki time
DEADLINE_TIME = time(16, 0)
#: the dates an assignment's schedule item carries, besides its opening
ASSIGNMENT_DATES = ("due_at", "review_due_at", "cut_off_at")
#: the keys of AssignmentSpec.default_offsets for those dates
OFFSET_KEYS = {"due_at": "due", "review_due_at": "review_due", "cut_off_at": "cut_off"}


def helsinki_moment(day: date, at: time) -> datetime:
    """The UTC moment of `day` at `at` on the clock in Helsinki."""
    return datetime.combine(day, at, tzinfo=HELSINKI).astimezone(UTC)


def helsinki_local(moment: datetime | None) -> datetime | None:
    """A stored UTC moment as Helsinki wall-clock time."""
    return None if moment is None else moment.astimezone(HELSINKI)


def field_name(kind: str, ident: int, attr: str) -> str:
    """The name under which a date of the schedule is edited and its errors are reported."""
    return f"{kind}_{ident}_{attr}"


class ScheduleInvalid(DomainError):
    """One or more dates of a schedule change break a rule; nothing was saved."""

    def __init__(self, errors: list[DomainError]):
        super().__init__(_l("The schedule was not saved. Please correct the dates marked."))
        self.errors = errors


@dataclass
class AssignmentEntry:
    """An assignment and its dates in one cohort."""

    spec: AssignmentSpec
    item: ScheduleItem | None

    def date(self, attr: str) -> datetime | None:
        return getattr(self.item, attr) if self.item is not None else None

    @property
    def due_at(self) -> datetime | None:
        return self.date("due_at")

    @property
    def review_due_at(self) -> datetime | None:
        return self.date("review_due_at")

    @property
    def cut_off_at(self) -> datetime | None:
        return self.date("cut_off_at")


@dataclass
class ModuleEntry:
    """A module, its opening in one cohort and its assignments."""

    module: Module
    item: ScheduleItem | None
    assignments: list[AssignmentEntry] = field(default_factory=list)

    @property
    def opens_at(self) -> datetime | None:
        return self.item.opens_at if self.item is not None else None

    def is_open(self, now: datetime | None = None) -> bool:
        """Open once its opening moment has passed; a module without a date is not open."""
        return self.opens_at is not None and self.opens_at <= (now or utcnow())


@dataclass
class Timeline:
    """A cohort's modules in programme order with their schedule."""

    cohort: Cohort
    modules: list[ModuleEntry]

    @property
    def is_complete(self) -> bool:
        """Every module and assignment has a schedule item."""
        return all(
            entry.item is not None and all(a.item is not None for a in entry.assignments)
            for entry in self.modules
        )

    def module(self, slug: str) -> ModuleEntry | None:
        return next((entry for entry in self.modules if entry.module.slug == slug), None)


def _items_of(cohort_ids: list[int]) -> list[ScheduleItem]:
    if not cohort_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(ScheduleItem)
            .where(ScheduleItem.cohort_id.in_(cohort_ids))
            .options(orm.raiseload("*"))
        )
    )


def _modules_of(version_ids: list[int], slug: str | None = None) -> list[Module]:
    """Modules of these versions with their assignments (two queries).

    Lists need no module texts, which are the bulk of a module's row: those are left out
    (and refuse to load one by one) unless a single module is asked for by its slug.
    """
    if not version_ids:
        return []
    assignments = orm.selectinload(Module.assignments)
    options = [assignments.raiseload("*"), orm.raiseload("*")]
    if slug is None:
        options += [
            orm.defer(Module.bodies, raiseload=True),
            orm.defer(Module.objectives, raiseload=True),
            orm.defer(Module.attachments, raiseload=True),
            assignments.defer(AssignmentSpec.instructions, raiseload=True),
            assignments.defer(AssignmentSpec.rubric, raiseload=True),
        ]
    query = (
        sa.select(Module)
        .where(Module.version_id.in_(version_ids))
        .order_by(Module.version_id, Module.position)
        .options(*options)
    )
    if slug is not None:
        query = query.where(Module.slug == slug)
    return list(db.session.scalars(query))


def _timeline(cohort: Cohort, modules: list[Module], items: list[ScheduleItem]) -> Timeline:
    by_module = {i.module_id: i for i in items if i.module_id is not None}
    by_assignment = {i.assignment_spec_id: i for i in items if i.assignment_spec_id is not None}
    return Timeline(
        cohort=cohort,
        modules=[
            ModuleEntry(
                module=module,
                item=by_module.get(module.id),
                assignments=[
                    AssignmentEntry(spec=spec, item=by_assignment.get(spec.id))
                    for spec in module.assignments
                ],
            )
            for module in modules
        ],
    )


def load_timeline(cohort: Cohort, module_slug: str | None = None) -> Timeline | None:
    """The cohort's schedule (three queries), or None when it follows no programme version.

    With `module_slug`, the timeline holds only that module (or none when it does not exist).
    """
    if cohort.programme_version_id is None:
        return None
    modules = _modules_of([cohort.programme_version_id], module_slug)
    if module_slug is not None:
        ids = [m.id for m in modules]
        spec_ids = [a.id for m in modules for a in m.assignments]
        items = (
            list(
                db.session.scalars(
                    sa.select(ScheduleItem)
                    .where(
                        ScheduleItem.cohort_id == cohort.id,
                        sa.or_(
                            ScheduleItem.module_id.in_(ids),
                            ScheduleItem.assignment_spec_id.in_(spec_ids),
                        ),
                    )
                    .options(orm.raiseload("*"))
                )
            )
            if ids
            else []
        )
    else:
        items = _items_of([cohort.id])
    return _timeline(cohort, modules, items)


def load_timelines(cohorts: list[Cohort]) -> dict[int, Timeline]:
    """Timelines of several cohorts at once (three queries), keyed by cohort id."""
    pinned = [c for c in cohorts if c.programme_version_id is not None]
    modules = _modules_of(sorted({c.programme_version_id for c in pinned}))
    items = _items_of([c.id for c in pinned])
    modules_by_version: dict[int, list[Module]] = {}
    for module in modules:
        modules_by_version.setdefault(module.version_id, []).append(module)
    items_by_cohort: dict[int, list[ScheduleItem]] = {}
    for item in items:
        items_by_cohort.setdefault(item.cohort_id, []).append(item)
    return {
        c.id: _timeline(
            c, modules_by_version.get(c.programme_version_id, []), items_by_cohort.get(c.id, [])
        )
        for c in pinned
    }


def default_opening(cohort: Cohort, module: Module) -> datetime:
    """When a module opens by the programme's defaults: its offset from the start, 09:00."""
    return helsinki_moment(cohort.starts_on + timedelta(days=module.opens_after_days), OPENING_TIME)


def default_assignment_dates(spec: AssignmentSpec, module_opens_at: datetime) -> dict:
    """An assignment's dates by the programme's defaults: offsets from the module's opening."""
    opening_day = module_opens_at.astimezone(HELSINKI).date()
    offsets = spec.default_offsets or {}
    dates = {}
    for attr, key in OFFSET_KEYS.items():
        days = offsets.get(key)
        dates[attr] = (
            None
            if days is None
            else helsinki_moment(opening_day + timedelta(days=int(days)), DEADLINE_TIME)
        )
    return dates


def create_default_schedule(cohort: Cohort, actor=None) -> list[ScheduleItem]:
    """Give every module and assignment without a date its programme default; return the new items.

    Existing items are kept as they are, so running it again changes nothing; an assignment's
    defaults count from its module's actual opening.
    """
    timeline = load_timeline(cohort)
    if timeline is None:
        raise DomainError(
            _l("This cohort follows no programme version yet, so it has no schedule to create.")
        )
    created = []
    for entry in timeline.modules:
        if entry.item is None:
            entry.item = ScheduleItem(
                cohort_id=cohort.id,
                module_id=entry.module.id,
                opens_at=default_opening(cohort, entry.module),
            )
            created.append(entry.item)
        for assignment in entry.assignments:
            if assignment.item is None:
                assignment.item = ScheduleItem(
                    cohort_id=cohort.id,
                    assignment_spec_id=assignment.spec.id,
                    opens_at=entry.item.opens_at,
                    **default_assignment_dates(assignment.spec, entry.item.opens_at),
                )
                created.append(assignment.item)
    db.session.add_all(created)
    db.session.flush()
    return created


@dataclass
class AssignmentDates:
    """The dates a coordinator sets for one assignment."""

    due_at: datetime | None
    review_due_at: datetime | None = None
    cut_off_at: datetime | None = None


def check_assignment_dates(
    spec_id: int, dates: AssignmentDates, module_opens_at: datetime | None
) -> list[DomainError]:
    """The rules an assignment's dates must keep, as errors beside the fields they concern."""
    errors = []

    def refuse(attr: str, message) -> None:
        errors.append(DomainError(message, field=field_name("assignment", spec_id, attr)))

    if dates.due_at is None:
        refuse("due_at", _l("Enter the due date."))
        return errors
    if module_opens_at is not None and dates.due_at < module_opens_at:
        refuse("due_at", _l("The due date cannot be before the module opens."))
    if dates.review_due_at is not None and dates.review_due_at < dates.due_at:
        refuse("review_due_at", _l("Peer reviews cannot be due before the assignment is due."))
    if dates.cut_off_at is not None and dates.cut_off_at < dates.due_at:
        refuse("cut_off_at", _l("The cut-off cannot be before the due date."))
    return errors


def update_schedule(
    actor,
    cohort: Cohort,
    module_openings: Mapping[int, datetime | None],
    assignment_dates: Mapping[int, AssignmentDates],
) -> Timeline:
    """Set the dates of a cohort's modules and assignments, all or nothing.

    `module_openings` maps module ids and `assignment_dates` assignment ids to their new dates;
    entries left out keep theirs. Items missing so far are created. An assignment opens with its
    module. Raises ScheduleInvalid (with every problem found) before changing anything.
    """
    timeline = load_timeline(cohort)
    if timeline is None:
        raise DomainError(_l("This cohort follows no programme version yet."))
    errors: list[DomainError] = []
    known_modules = {e.module.id for e in timeline.modules}
    known_specs = {a.spec.id for e in timeline.modules for a in e.assignments}
    if set(module_openings) - known_modules or set(assignment_dates) - known_specs:
        raise DomainError(_l("The schedule changed meanwhile. Reload the page and try again."))
    for entry in timeline.modules:
        opens_at = module_openings.get(entry.module.id, entry.opens_at)
        if entry.module.id in module_openings and opens_at is None:
            errors.append(
                DomainError(
                    _l("Enter the date the module opens."),
                    field=field_name("module", entry.module.id, "opens_at"),
                )
            )
        for assignment in entry.assignments:
            if assignment.spec.id in assignment_dates:
                errors += check_assignment_dates(
                    assignment.spec.id, assignment_dates[assignment.spec.id], opens_at
                )
    if errors:
        raise ScheduleInvalid(errors)

    new_items = []
    for entry in timeline.modules:
        if entry.module.id in module_openings:
            if entry.item is None:
                entry.item = ScheduleItem(cohort_id=cohort.id, module_id=entry.module.id)
                new_items.append(entry.item)
            entry.item.opens_at = module_openings[entry.module.id]
        for assignment in entry.assignments:
            dates = assignment_dates.get(assignment.spec.id)
            if dates is None and assignment.item is None:
                continue
            if assignment.item is None:
                assignment.item = ScheduleItem(
                    cohort_id=cohort.id, assignment_spec_id=assignment.spec.id
                )
                new_items.append(assignment.item)
            assignment.item.opens_at = entry.opens_at
            if dates is not None:
                for attr in ASSIGNMENT_DATES:
                    setattr(assignment.item, attr, getattr(dates, attr))
    db.session.add_all(new_items)
    db.session.flush()
    return timeline
