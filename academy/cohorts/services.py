"""Cohorts: creation, status, memberships; every write and every rule."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from academy.accounts.models import User, normalise_email
from academy.cohorts.models import STATUS_LABELS, Cohort, CohortStatus, Membership, Role
from academy.core.errors import DomainError
from academy.extensions import db
from academy.organisations.models import Organisation
from academy.programmes.models import ProgrammeVersion

LANGUAGES = ("fi", "sv", "en")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: path segments under /cohorts/ that a slug may not take
RESERVED_SLUGS = frozenset({"new", "import"})
SLUG_MAX = 100


def require_coordinator(actor) -> None:
    if actor is None or not getattr(actor, "is_coordinator", False):
        raise DomainError(_l("Only programme coordinators can manage cohorts."))


# Reading -------------------------------------------------------------------------------------


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


@dataclass
class CohortRow:
    """A cohort in a list, with its numbers and the viewer's role in it."""

    cohort: Cohort
    participants: int
    organisations: int
    trainers: int
    role: Role | None = None


def cohort_list(user, status: CohortStatus | None = None) -> list[CohortRow]:
    """The cohorts on /cohorts: all for coordinators, one's own for everyone else; one query."""
    counts = (
        sa.select(
            Membership.cohort_id.label("cohort_id"),
            sa.func.count().filter(Membership.role == Role.participant).label("participants"),
            sa.func.count(sa.distinct(Membership.organisation_id))
            .filter(Membership.role == Role.participant)
            .label("organisations"),
            sa.func.count().filter(Membership.role == Role.trainer).label("trainers"),
        )
        .group_by(Membership.cohort_id)
        .subquery()
    )
    own = orm.aliased(Membership)
    query = (
        sa.select(
            Cohort,
            sa.func.coalesce(counts.c.participants, 0),
            sa.func.coalesce(counts.c.organisations, 0),
            sa.func.coalesce(counts.c.trainers, 0),
            own.role,
        )
        .outerjoin(counts, counts.c.cohort_id == Cohort.id)
        .outerjoin(own, sa.and_(own.cohort_id == Cohort.id, own.user_id == user.id))
        .order_by(Cohort.starts_on.desc(), Cohort.name)
    )
    if not user.is_coordinator:
        query = query.where(own.id.is_not(None))
    if status is not None:
        query = query.where(Cohort.status == status)
    return [CohortRow(*row) for row in db.session.execute(query)]


def get_cohort(slug: str) -> Cohort | None:
    """The cohort with this slug, or None."""
    return db.session.scalar(sa.select(Cohort).where(Cohort.slug == slug))


def memberships(cohort: Cohort) -> list[Membership]:
    """Every membership of a cohort with user and organisation loaded; one query.

    Ordered by organisation name (trainers without one last), then role, then person.
    """
    return list(
        db.session.scalars(
            sa.select(Membership)
            .join(Membership.user)
            .outerjoin(Membership.organisation)
            .where(Membership.cohort_id == cohort.id)
            .options(
                orm.contains_eager(Membership.user),
                orm.contains_eager(Membership.organisation),
            )
            .order_by(
                Organisation.name.is_(None),
                Organisation.name,
                Membership.role,
                User.name,
                User.id,
            )
        )
    )


def membership_of(cohort: Cohort, user_id: int) -> Membership | None:
    """One person's membership in a cohort, with user and organisation loaded."""
    return db.session.scalar(
        sa.select(Membership)
        .where(Membership.cohort_id == cohort.id, Membership.user_id == user_id)
        .options(orm.joinedload(Membership.user), orm.joinedload(Membership.organisation))
    )


def memberships_of_organisation(organisation: Organisation) -> list[Membership]:
    """An organisation's people in every cohort, newest cohort first; one query."""
    return list(
        db.session.scalars(
            sa.select(Membership)
            .join(Membership.cohort)
            .join(Membership.user)
            .where(Membership.organisation_id == organisation.id)
            .options(orm.contains_eager(Membership.cohort), orm.contains_eager(Membership.user))
            .order_by(Cohort.starts_on.desc(), Cohort.name, Cohort.id, Membership.role, User.name)
        )
    )


@dataclass
class OrganisationGroup:
    """One organisation of a cohort and the people a viewer may see from it."""

    organisation: Organisation | None
    members: list[Membership] = field(default_factory=list)
    participant_count: int = 0


@dataclass
class CohortPeople:
    """Who is in a cohort, as one viewer may see it."""

    #: True for trainers and coordinators: every member with role, title and e-mail
    full: bool
    groups: list[OrganisationGroup]
    trainers: list[Membership]
    #: the viewer's own membership, if any
    own: Membership | None

    @property
    def participant_count(self) -> int:
        return sum(group.participant_count for group in self.groups)

    @property
    def organisation_count(self) -> int:
        return sum(1 for group in self.groups if group.organisation is not None)


def cohort_people(cohort: Cohort, viewer) -> CohortPeople:
    """The people of a cohort as `viewer` may see them, grouped by organisation.

    Trainers and coordinators see everyone; a participant sees the organisations, the
    trainers and the people of their own organisation.
    """
    everyone = memberships(cohort)
    own = next((m for m in everyone if m.user_id == viewer.id), None)
    full = viewer.is_coordinator or (own is not None and own.role is Role.trainer)
    groups: dict[int | None, OrganisationGroup] = {}
    for membership in everyone:
        key = membership.organisation_id
        group = groups.get(key)
        if group is None:
            group = groups[key] = OrganisationGroup(membership.organisation)
        if membership.role is Role.participant:
            group.participant_count += 1
        if full or (own is not None and key == own.organisation_id):
            group.members.append(membership)
    trainers = [m for m in everyone if m.role is Role.trainer]
    ordered = [g for g in groups.values() if full or g.participant_count]
    return CohortPeople(full=full, groups=ordered, trainers=trainers, own=own)


# Cohorts -------------------------------------------------------------------------------------


def suggest_slug(name: str) -> str:
    """A URL name made of a cohort name: "Pääkaupunki 2026" → "paakaupunki-2026"."""
    text = unicodedata.normalize("NFKD", name.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:SLUG_MAX].rstrip("-") or "cohort"


def _unique_slug(base: str, cohort: Cohort | None) -> str:
    taken = set(
        db.session.scalars(
            sa.select(Cohort.slug).where(
                Cohort.slug.like(f"{base[: SLUG_MAX - 4]}%"),
                Cohort.id != (cohort.id if cohort is not None and cohort.id else -1),
            )
        )
    )
    taken |= RESERVED_SLUGS
    if base not in taken:
        return base
    n = 2
    while f"{base[: SLUG_MAX - 4]}-{n}" in taken:
        n += 1
    return f"{base[: SLUG_MAX - 4]}-{n}"


def _check_cohort(
    cohort: Cohort | None,
    *,
    name: str,
    slug: str,
    starts_on: date | None,
    ends_on: date | None,
    language: str,
) -> tuple[str, str]:
    name = (name or "").strip()
    if not name:
        raise DomainError(_l("Enter the cohort's name."), field="name")
    slug = (slug or "").strip()
    if not slug:
        slug = _unique_slug(suggest_slug(name), cohort)
    elif not SLUG_PATTERN.match(slug) or len(slug) > SLUG_MAX:
        raise DomainError(
            _l("Use only lower-case letters a–z, digits and single hyphens, e.g. keino-2026."),
            field="slug",
        )
    elif slug in RESERVED_SLUGS:
        raise DomainError(_l("This web address is reserved; choose another."), field="slug")
    else:
        query = sa.select(Cohort.id).where(Cohort.slug == slug)
        if cohort is not None and cohort.id is not None:
            query = query.where(Cohort.id != cohort.id)
        if db.session.scalar(query) is not None:
            raise DomainError(
                _l("Another cohort already has the web address %(slug)s.", slug=slug),
                field="slug",
            )
    if starts_on is None:
        raise DomainError(_l("Enter the first day."), field="starts_on")
    if ends_on is None:
        raise DomainError(_l("Enter the last day."), field="ends_on")
    if ends_on < starts_on:
        raise DomainError(
            _l("The last day cannot be before the first day."),
            field="ends_on",
        )
    if language not in LANGUAGES:
        raise DomainError(_l("Choose Finnish, Swedish or English."), field="language")
    return name, slug


def create_cohort(
    actor,
    *,
    name: str,
    starts_on: date | None,
    ends_on: date | None,
    language: str = "fi",
    slug: str = "",
    programme_version_id: int | None = None,
) -> Cohort:
    """Start a cohort in draft; the slug is suggested from the name when left empty."""
    require_coordinator(actor)
    name, slug = _check_cohort(
        None, name=name, slug=slug, starts_on=starts_on, ends_on=ends_on, language=language
    )
    cohort = Cohort(
        name=name,
        slug=slug,
        starts_on=starts_on,
        ends_on=ends_on,
        language=language,
        status=CohortStatus.draft,
        programme_version_id=programme_version_id,
    )
    db.session.add(cohort)
    db.session.flush()
    if programme_version_id is not None:
        set_programme_version(actor, cohort, programme_version_id)
    return cohort


def programme_versions() -> list[ProgrammeVersion]:
    """Every imported programme version, newest first."""
    return list(
        db.session.scalars(
            sa.select(ProgrammeVersion).order_by(
                ProgrammeVersion.programme_id, ProgrammeVersion.number.desc()
            )
        )
    )


def set_programme_version(actor, cohort: Cohort, version_id: int | None) -> Cohort:
    """Pin a cohort to a programme version, or move it to another version of its programme.

    Schedule items and completions follow their modules by slug (see move_cohort); modules
    new to the cohort get their dates from the programme's defaults.
    """
    from academy.cohorts.schedule import create_default_schedule
    from academy.programmes.services import move_cohort

    require_coordinator(actor)
    version = db.session.get(ProgrammeVersion, version_id) if version_id else None
    if version is None:
        raise DomainError(_l("Choose a programme version."), field="programme_version_id")
    move_cohort(actor, cohort, version)
    db.session.flush()
    db.session.expire(cohort, ["programme_version"])
    create_default_schedule(cohort, actor)
    return cohort


def update_cohort(
    actor,
    cohort: Cohort,
    *,
    name: str,
    starts_on: date | None,
    ends_on: date | None,
    language: str,
    slug: str = "",
) -> Cohort:
    """Change a cohort's name, web address, dates or language."""
    require_coordinator(actor)
    name, slug = _check_cohort(
        cohort, name=name, slug=slug, starts_on=starts_on, ends_on=ends_on, language=language
    )
    cohort.name = name
    cohort.slug = slug
    cohort.starts_on = starts_on
    cohort.ends_on = ends_on
    cohort.language = language
    db.session.flush()
    return cohort


def change_status(actor, cohort: Cohort, status: CohortStatus | str) -> Cohort:
    """Move a cohort along its life cycle; an illegal step changes nothing."""
    require_coordinator(actor)
    if not isinstance(status, CohortStatus):
        try:
            status = CohortStatus(status)
        except ValueError:
            raise DomainError(_l("Choose a status."), field="status") from None
    if not cohort.can_become(status):
        # the same message as Cohort.change_status, but lazy all the way, so that it can be
        # raised outside a request (CLI, jobs) and translated where it is shown
        raise DomainError(
            _l(
                "A cohort cannot go from %(old)s to %(new)s.",
                old=STATUS_LABELS[cohort.status],
                new=STATUS_LABELS[status],
            ),
            field="status",
        )
    cohort.change_status(status)
    db.session.flush()
    return cohort


# Members -------------------------------------------------------------------------------------


def _role(value: Role | str) -> Role:
    if isinstance(value, Role):
        return value
    try:
        return Role(value)
    except ValueError:
        raise DomainError(_l("Choose participant or trainer."), field="role") from None


def _organisation(role: Role, organisation_id: int | None) -> Organisation | None:
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if organisation_id and organisation is None:
        raise DomainError(_l("Choose an organisation from the list."), field="organisation_id")
    if role is Role.participant and organisation is None:
        raise DomainError(
            _l("A participant takes part for an organisation: choose one."),
            field="organisation_id",
        )
    return organisation


def check_email(email: str) -> str:
    email = normalise_email(email or "")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise DomainError(
            _l("Enter an e-mail address such as name@example.org."), field="email"
        ) from None
    return email


def add_member(
    actor,
    cohort: Cohort,
    *,
    email: str,
    role: Role | str,
    organisation_id: int | None = None,
    name: str = "",
    title: str = "",
) -> Membership:
    """Add a person to a cohort; someone without an account is created and invited.

    A person is in a cohort at most once; a participant needs an organisation.
    """
    require_coordinator(actor)
    email = check_email(email)
    role = _role(role)
    organisation = _organisation(role, organisation_id)
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is not None:
        if membership_of(cohort, user.id) is not None:
            raise DomainError(
                _l("%(name)s is already in this cohort.", name=user.name), field="email"
            )
    else:
        name = (name or "").strip()
        if not name:
            raise DomainError(
                _l("Nobody has this e-mail address yet: enter the person's name to invite them."),
                field="name",
            )
        from academy.accounts.services import invite

        user = invite(
            actor, email=email, name=name, title=(title or "").strip(), locale=cohort.language
        )
    membership = Membership(cohort=cohort, user=user, role=role, organisation=organisation)
    db.session.add(membership)
    db.session.flush()
    return membership


def change_member(
    actor, membership: Membership, *, role: Role | str, organisation_id: int | None
) -> Membership:
    """Change a member's role or organisation."""
    require_coordinator(actor)
    role = _role(role)
    organisation = _organisation(role, organisation_id)
    membership.role = role
    membership.organisation = organisation
    db.session.flush()
    return membership


def remove_member(actor, membership: Membership) -> None:
    """Take a person out of a cohort (their account stays)."""
    require_coordinator(actor)
    db.session.delete(membership)
    db.session.flush()
