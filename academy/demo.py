"""`academy demo`: a realistic demo (organisations, cohorts, people), loaded idempotently.

Everything is looked up by a natural key first (business ID or name, e-mail, cohort slug,
membership, module completion) and created only when missing, so a second run changes nothing.
Rows that already exist are left exactly as they are: a demo password someone changed stays
changed.

The programme content comes from `curricula/keino-academy` through the programmes feature's
importer; without it, or when that folder is missing or invalid, the demo still loads people and
cohorts and says what it skipped.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app

from academy.accounts.models import User
from academy.cohorts.models import Cohort, CohortStatus, Membership, Role, ScheduleItem
from academy.core.db import utcnow
from academy.extensions import db
from academy.learning.models import ModuleCompletion
from academy.organisations.models import Organisation, OrganisationKind
from academy.organisations.services import invented_business_id
from academy.programmes.models import Module

DEMO_PASSWORD = "demo"  # noqa: S105 - the documented password of the demo accounts
PROGRAMME_FOLDER = "keino-academy"

#: the three logins `make run` prints
LOGINS = (
    ("coordinator@example.org", "coordinator"),
    ("trainer@example.org", "trainer"),
    ("participant@example.org", "participant"),
)

K = OrganisationKind
#: (name, kind, region) — the procurement units of DOMAIN.md
ORGANISATIONS = (
    ("Turun kaupunki", K.municipality, "Varsinais-Suomi"),
    ("Porin kaupunki", K.municipality, "Satakunta"),
    ("Rovaniemen kaupunki", K.municipality, "Lappi"),
    ("Keravan kaupunki", K.municipality, "Uusimaa"),
    ("Iin kunta", K.municipality, "Pohjois-Pohjanmaa"),
    ("Pirkanmaan hyvinvointialue", K.wellbeing_county, "Pirkanmaa"),
    ("Keski-Suomen hyvinvointialue", K.wellbeing_county, "Keski-Suomi"),
    ("Varsinais-Suomen hyvinvointialue", K.wellbeing_county, "Varsinais-Suomi"),
    ("HUS-yhtymä", K.other, "Uusimaa"),
    ("Valtori", K.state_agency, "Uusimaa"),
    ("Maanmittauslaitos", K.state_agency, "Uusimaa"),
    ("Senaatti-kiinteistöt", K.state_agency, "Uusimaa"),
    ("Hansel Oy", K.central_purchasing_body, "Uusimaa"),
    ("KL-Kuntahankinnat Oy", K.central_purchasing_body, "Uusimaa"),
    ("Tampereen Tilapalvelut Oy", K.municipal_company, "Pirkanmaa"),
)


@dataclass(frozen=True)
class CohortSpec:
    slug: str
    name: str
    starts_on: date
    ends_on: date
    #: e-mails of the cohort's trainers
    trainers: tuple[str, ...]
    #: organisation name → participants as (name, title, locale, e-mail or None)
    teams: dict[str, tuple[tuple[str, str, str, str | None], ...]]
    #: mark modules completed for its participants (a cohort near its end)
    with_progress: bool = False


SPRING = CohortSpec(
    slug="keino-2026-spring",
    name="KEINO-akatemia kevät 2026",
    starts_on=date(2026, 2, 2),
    ends_on=date(2026, 12, 11),
    trainers=("trainer@example.org", "paivi.lehtonen@example.org"),
    with_progress=True,
    teams={
        "Porin kaupunki": (
            ("Katja Mattila", "hankintapäällikkö", "fi", None),
            ("Harri Lahtinen", "talousjohtaja", "fi", None),
            ("Noora Salminen", "hankinta-asiantuntija", "fi", None),
        ),
        "Rovaniemen kaupunki": (
            ("Sami Kemppainen", "hallintojohtaja", "fi", None),
            ("Jenni Rauhala", "hankinta-asiantuntija", "fi", None),
        ),
        "Pirkanmaan hyvinvointialue": (
            ("Petri Heikkinen", "hankintajohtaja", "fi", None),
            ("Minna Koivisto", "hankinta-analyytikko", "fi", None),
            ("Laura Tuominen", "kehityspäällikkö", "fi", None),
        ),
        "Keski-Suomen hyvinvointialue": (
            ("Arto Seppälä", "talousjohtaja", "fi", None),
            ("Merja Turunen", "hankintapäällikkö", "fi", None),
            ("Anu Pesonen", "hankinta-asiantuntija", "fi", None),
        ),
        "Maanmittauslaitos": (
            ("Heikki Hämäläinen", "hankintapäällikkö", "fi", None),
            ("Satu Leppänen", "hankintalakimies", "fi", None),
            ("Tuomas Ojala", "hankinta-asiantuntija", "fi", None),
        ),
        "Valtori": (
            ("Janne Räsänen", "kehityspäällikkö", "fi", None),
            ("Piia Kinnunen", "hankinta-asiantuntija", "fi", None),
        ),
        "Hansel Oy": (
            ("Fredrik Lindroos", "hankintajohtaja", "sv", None),
            ("Elina Huttunen", "hankinta-analyytikko", "fi", None),
        ),
        "Tampereen Tilapalvelut Oy": (
            ("Kimmo Vainio", "kehityspäällikkö", "fi", None),
            ("Paula Rinne", "hankinta-asiantuntija", "fi", None),
        ),
    },
)

AUTUMN = CohortSpec(
    slug="keino-2026-autumn",
    name="KEINO-akatemia syksy 2026",
    starts_on=date(2026, 9, 7),
    ends_on=date(2027, 5, 28),
    trainers=("trainer@example.org", "mikael.ekholm@example.org"),
    teams={
        # Turku is bilingual: one of its team works in Swedish.
        "Turun kaupunki": (
            ("Anna Laine", "hankintapäällikkö", "fi", "participant@example.org"),
            ("Elin Lindqvist", "hankinta-asiantuntija", "sv", None),
            ("Markku Salonen", "talousjohtaja", "fi", None),
            ("Riikka Heinonen", "hankintalakimies", "fi", None),
        ),
        "Keravan kaupunki": (
            ("Jari Nieminen", "hallintojohtaja", "fi", None),
            ("Outi Kallio", "hankinta-asiantuntija", "fi", None),
            ("Tiina Rantanen", "hankinta-analyytikko", "fi", None),
        ),
        "Iin kunta": (
            ("Pekka Jokela", "talousjohtaja", "fi", None),
            ("Sari Hietala", "hankinta-asiantuntija", "fi", None),
        ),
        "Varsinais-Suomen hyvinvointialue": (
            ("Johan Sundström", "hankintajohtaja", "sv", None),
            ("Kaisa Lehtinen", "hankintapäällikkö", "fi", None),
            ("Ville Aaltonen", "hankinta-analyytikko", "fi", None),
        ),
        "HUS-yhtymä": (
            ("Maria Holmström", "hankintapäällikkö", "sv", None),
            ("Sarah Whitfield", "hankinta-analyytikko", "en", None),
            ("Antti Väisänen", "hankintalakimies", "fi", None),
        ),
        "Senaatti-kiinteistöt": (
            ("Timo Karjalainen", "kehityspäällikkö", "fi", None),
            ("Hanna Savolainen", "hankinta-asiantuntija", "fi", None),
        ),
        "KL-Kuntahankinnat Oy": (
            ("Mikko Laaksonen", "hankintajohtaja", "fi", None),
            ("Eeva Manninen", "hankintalakimies", "fi", None),
            ("Juha Peltonen", "hankinta-asiantuntija", "fi", None),
        ),
    },
)

COHORTS = (SPRING, AUTUMN)

#: programme staff: (e-mail, name, title, locale, is_coordinator)
STAFF = (
    ("coordinator@example.org", "Kirsi Mäkinen", "ohjelmakoordinaattori", "fi", True),
    ("trainer@example.org", "Heidi Koskinen", "KEINO-asiantuntija", "fi", False),
    ("paivi.lehtonen@example.org", "Päivi Lehtonen", "KEINO-asiantuntija", "fi", False),
    ("mikael.ekholm@example.org", "Mikael Ekholm", "KEINO-asiantuntija", "sv", False),
)

#: share of the open modules each spring participant has completed, in turn
PROGRESS_PATTERN = (1.0, 0.8, 0.6, 1.0, 0.4, 0.8, 0.2, 1.0, 0.6, 0.0)


def business_id(n: int) -> str:
    """An invented but valid Y-tunnus for the n-th demo organisation (steps of 10 apart, so a
    base without a check digit never meets the next organisation's)."""
    return invented_business_id(2_950_000 + n * 10)


def demo_email(name: str) -> str:
    """firstname.lastname@example.org without Finnish and Swedish letters."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return ascii_name.lower().replace(" ", ".") + "@example.org"


@dataclass
class Tally:
    """What a run created and what it found already there, per kind of row."""

    created: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def count(self, kind: str, created: bool) -> None:
        (self.created if created else self.existing)[kind] += 1

    @property
    def changed(self) -> bool:
        return sum(self.created.values()) > 0


# Loading ---------------------------------------------------------------------------------------
def load_demo() -> Tally:
    """Create whatever part of the demo is missing; flush, the caller commits."""
    tally = Tally()
    organisations = _organisations(tally)
    users = _staff(tally)
    cohorts = {}
    for spec in COHORTS:
        cohort = _cohort(spec, tally)
        cohorts[spec.slug] = cohort
        for email in spec.trainers:
            _membership(cohort, users[email], Role.trainer, None, tally)
        for organisation_name, people in spec.teams.items():
            organisation = organisations[organisation_name]
            for name, title, locale, email in people:
                email = email or demo_email(name)
                user = _user(email, name, title, locale, False, "participant accounts", tally)
                _membership(cohort, user, Role.participant, organisation, tally)
    db.session.flush()
    _programme(cohorts, tally)
    db.session.flush()
    return tally


def _organisations(tally: Tally) -> dict[str, Organisation]:
    found = {}
    for n, (name, kind, region) in enumerate(ORGANISATIONS, start=1):
        number = business_id(n)
        # Also by name: a coordinator may have added the unit already with its real Y-tunnus.
        organisation = db.session.scalar(
            sa.select(Organisation)
            .where(sa.or_(Organisation.business_id == number, Organisation.name == name))
            .order_by(Organisation.id)
            .limit(1)
        )
        tally.count("organisations", organisation is None)
        if organisation is None:
            organisation = Organisation(name=name, business_id=number, kind=kind, region=region)
            db.session.add(organisation)
        found[name] = organisation
    db.session.flush()
    return found


def _staff(tally: Tally) -> dict[str, User]:
    return {
        email: _user(
            email,
            name,
            title,
            locale,
            is_coordinator,
            "coordinator accounts" if is_coordinator else "trainer accounts",
            tally,
        )
        for email, name, title, locale, is_coordinator in STAFF
    }


def _user(
    email: str, name: str, title: str, locale: str, is_coordinator: bool, kind: str, tally: Tally
) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    tally.count(kind, user is None)
    if user is None:
        user = User(
            email=email, name=name, title=title, locale=locale, is_coordinator=is_coordinator
        )
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        db.session.flush()
    return user


def _cohort(spec: CohortSpec, tally: Tally) -> Cohort:
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.slug == spec.slug))
    tally.count("cohorts", cohort is None)
    if cohort is None:
        cohort = Cohort(
            slug=spec.slug,
            name=spec.name,
            starts_on=spec.starts_on,
            ends_on=spec.ends_on,
            language="fi",
            status=CohortStatus.active,
        )
        db.session.add(cohort)
        db.session.flush()
    return cohort


def _membership(cohort: Cohort, user: User, role: Role, organisation, tally: Tally) -> None:
    membership = db.session.scalar(
        sa.select(Membership).where(
            Membership.cohort_id == cohort.id, Membership.user_id == user.id
        )
    )
    tally.count("memberships", membership is None)
    if membership is None:
        db.session.add(
            Membership(
                cohort_id=cohort.id,
                user_id=user.id,
                role=role,
                organisation_id=organisation.id if organisation is not None else None,
            )
        )


# Programme content ----------------------------------------------------------------------------
def _programme(cohorts: dict[str, Cohort], tally: Tally) -> None:
    """Import the KEINO curriculum, pin the cohorts to it, schedule them, add some progress."""
    try:
        from academy.programmes.services import CurriculumInvalid, import_curriculum
    except ImportError:
        tally.notes.append("Programme content skipped: the curriculum importer is not installed.")
        return
    path = Path(current_app.config["CURRICULA_DIR"]) / PROGRAMME_FOLDER
    if not path.is_dir():
        tally.notes.append(f"Programme content skipped: {path} does not exist.")
        return
    try:
        result = import_curriculum(path)
    except CurriculumInvalid as error:
        problems = "\n".join(f"  {problem}" for problem in error.problems[:10])
        tally.notes.append(
            f"Programme content skipped: the curriculum in {path} is not valid "
            f"(academy curriculum validate {path} lists every problem):\n{problems}"
        )
        return
    version = result.version
    tally.count("programme versions", bool(result.created))

    for spec in COHORTS:
        cohort = cohorts[spec.slug]
        # A cohort already following a version keeps it: only a coordinator moves cohorts.
        tally.count("cohorts pinned to the programme", cohort.programme_version_id is None)
        if cohort.programme_version_id is None:
            cohort.programme_version_id = version.id
        db.session.flush()
        _schedule(cohort, tally)
        if spec.with_progress and cohort.programme_version_id == version.id:
            _progress(cohort, tally)


def _schedule(cohort: Cohort, tally: Tally) -> None:
    """Give the cohort its default schedule; items it has already are kept as they are."""
    if cohort.programme_version_id is None:
        return
    try:
        from academy.cohorts.schedule import create_default_schedule
    except ImportError:
        tally.notes.append("Schedules skipped: academy.cohorts.schedule is not installed.")
        return
    created = len(create_default_schedule(cohort))
    total = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ScheduleItem)
        .where(ScheduleItem.cohort_id == cohort.id)
    )
    tally.created["schedule items"] += created
    tally.existing["schedule items"] += total - created


def _progress(cohort: Cohort, tally: Tally) -> None:
    """Mark the first open modules completed for most participants, a different share each."""
    now = utcnow()
    start = datetime.combine(cohort.starts_on, time(9), tzinfo=UTC)
    scheduled = db.session.execute(
        sa.select(ScheduleItem.module_id, ScheduleItem.opens_at)
        .join(Module, Module.id == ScheduleItem.module_id)
        .where(ScheduleItem.cohort_id == cohort.id)
        .order_by(Module.position)
    ).all()
    if scheduled:
        modules = [(module_id, opens_at or start) for module_id, opens_at in scheduled]
    else:  # no schedule (yet): the curriculum's default offsets from the cohort's start
        modules = [
            (module_id, start + timedelta(days=days))
            for module_id, days in db.session.execute(
                sa.select(Module.id, Module.opens_after_days)
                .where(Module.version_id == cohort.programme_version_id)
                .order_by(Module.position)
            )
        ]
    modules = [(module_id, opens_at) for module_id, opens_at in modules if opens_at <= now]
    if not modules:
        return
    participants = db.session.scalars(
        sa.select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.cohort_id == cohort.id, Membership.role == Role.participant)
        .order_by(User.email)
    ).all()
    done = set(
        db.session.execute(
            sa.select(ModuleCompletion.membership_id, ModuleCompletion.module_id).where(
                ModuleCompletion.membership_id.in_([m.id for m in participants])
            )
        ).all()
    )
    for i, membership in enumerate(participants):
        share = PROGRESS_PATTERN[i % len(PROGRESS_PATTERN)]
        for module_id, opens_at in modules[: round(share * len(modules))]:
            key = (membership.id, module_id)
            tally.count("module completions", key not in done)
            if key in done:
                continue
            completed_at = min(opens_at + timedelta(days=6 + (i % 9), hours=i % 7), now)
            db.session.add(
                ModuleCompletion(
                    membership_id=membership.id, module_id=module_id, completed_at=completed_at
                )
            )


#: the rows of the summary, in this order
SUMMARY_ORDER = (
    "organisations",
    "coordinator accounts",
    "trainer accounts",
    "participant accounts",
    "cohorts",
    "memberships",
    "programme versions",
    "cohorts pinned to the programme",
    "schedule items",
    "module completions",
)


# The command ----------------------------------------------------------------------------------
def _summary(tally: Tally) -> str:
    seen = {*tally.created, *tally.existing}
    kinds = [kind for kind in SUMMARY_ORDER if kind in seen]
    kinds += sorted(seen - set(kinds))
    width = max(len(kind) for kind in kinds) if kinds else 0
    lines = [
        f"  {kind:<{width}}  {tally.created[kind]:>3} created, "
        f"{tally.existing[kind]:>3} already there"
        for kind in kinds
    ]
    return "\n".join(lines)


def register_commands(app) -> None:
    @app.cli.command("demo")
    def demo() -> None:
        """Load the demo: organisations, two cohorts, people and progress (idempotent)."""
        if not current_app.config.get("DEMO_ALLOWED"):
            raise click.ClickException(
                "The demo is not allowed here (DEMO_ALLOWED is off, as in production): "
                "it would add accounts whose password is 'demo'."
            )
        tally = load_demo()
        db.session.commit()
        if tally.changed:
            click.echo("Demo loaded:")
        else:
            click.echo("The demo was already loaded: nothing changed.")
        click.echo(_summary(tally))
        for note in tally.notes:
            click.echo(note)
        click.echo(f'\nDemo logins (password "{DEMO_PASSWORD}"):')
        for email, role in LOGINS:
            click.echo(f"  {email:<26} {role}")
