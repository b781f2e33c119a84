"""Factories: build valid objects with sensible defaults; tests override what they care about."""

from __future__ import annotations

import itertools
from datetime import date

from academy.accounts.models import User
from academy.cohorts.models import Cohort, CohortStatus, Membership, Role
from academy.extensions import db
from academy.organisations.models import Organisation, OrganisationKind
from academy.organisations.services import invented_business_id

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def valid_business_id(n: int) -> str:
    """A valid Y-tunnus built from a running number."""
    return invented_business_id(1_000_000 + n * 7)


class Factory:
    """`make.user()`, `make.cohort()` … each adds, flushes and returns the object."""

    def user(self, *, password: str | None = PASSWORD, **fields) -> User:
        n = next(_seq)
        user = User(
            email=fields.pop("email", f"person{n}@example.org"),
            name=fields.pop("name", f"Person {n} Testinen"),
            title=fields.pop("title", "hankinta-asiantuntija"),
            locale=fields.pop("locale", "en"),
            **fields,
        )
        if password is not None:
            user.set_password(password)
        db.session.add(user)
        db.session.flush()
        return user

    def coordinator(self, **fields) -> User:
        return self.user(is_coordinator=True, **fields)

    def organisation(self, **fields) -> Organisation:
        n = next(_seq)
        organisation = Organisation(
            name=fields.pop("name", f"Testilän kunta {n}"),
            business_id=fields.pop("business_id", valid_business_id(n)),
            kind=fields.pop("kind", OrganisationKind.municipality),
            region=fields.pop("region", "Uusimaa"),
            **fields,
        )
        db.session.add(organisation)
        db.session.flush()
        return organisation

    def cohort(self, **fields) -> Cohort:
        n = next(_seq)
        cohort = Cohort(
            name=fields.pop("name", f"Cohort {n}"),
            slug=fields.pop("slug", f"cohort-{n}"),
            starts_on=fields.pop("starts_on", date(2026, 9, 1)),
            ends_on=fields.pop("ends_on", date(2027, 5, 31)),
            language=fields.pop("language", "fi"),
            status=fields.pop("status", CohortStatus.active),
            **fields,
        )
        db.session.add(cohort)
        db.session.flush()
        return cohort

    def membership(
        self, cohort: Cohort, user: User | None = None, role: Role = Role.participant, **fields
    ) -> Membership:
        user = user or self.user()
        organisation = fields.pop("organisation", None)
        if organisation is None and role is Role.participant:
            organisation = self.organisation()
        membership = Membership(
            cohort=cohort, user=user, role=role, organisation=organisation, **fields
        )
        db.session.add(membership)
        db.session.flush()
        return membership

    def participant(self, cohort: Cohort, **fields) -> User:
        return self.membership(cohort, role=Role.participant, **fields).user

    def trainer(self, cohort: Cohort, **fields) -> User:
        return self.membership(cohort, role=Role.trainer, **fields).user


def _texts(text: str) -> dict[str, str]:
    return {"fi": f"{text} (fi)", "sv": f"{text} (sv)", "en": f"{text} (en)"}


RUBRIC = [
    {
        "slug": "analysis",
        "titles": _texts("Analysis"),
        "levels": [
            {"slug": "developing", "points": 1, "titles": _texts("Developing"), "descriptions": {}},
            {"slug": "competent", "points": 2, "titles": _texts("Competent"), "descriptions": {}},
            {"slug": "exemplary", "points": 3, "titles": _texts("Exemplary"), "descriptions": {}},
        ],
    }
]


def _programme_version(self, *, modules: int = 3, assignments_per_module: int = 1, **fields):
    """A programme version with `modules` modules, each with its assignments."""
    from academy.programmes.models import (
        AssignmentKind,
        AssignmentSpec,
        Module,
        Programme,
        ProgrammeVersion,
    )

    n = next(_seq)
    programme = fields.pop("programme", None) or Programme(
        slug=f"programme-{n}", titles=_texts("Programme")
    )
    version = ProgrammeVersion(
        programme=programme,
        number=fields.pop("number", 1),
        content_hash=fields.pop("content_hash", f"{n:064d}"),
        titles=programme.titles,
        descriptions=_texts("Description"),
        completion_rule={"modules": "all", "required_assignments": "accepted"},
    )
    for position in range(1, modules + 1):
        module = Module(
            position=position,
            slug=f"module-{position}",
            titles=_texts(f"Module {position}"),
            summaries=_texts(f"Summary {position}"),
            bodies={"fi": f"# Moduuli {position}\n\nTekstiä."},
            objectives={"fi": ["Tavoite"]},
            estimated_hours=4,
            opens_after_days=(position - 1) * 14,
        )
        for a in range(1, assignments_per_module + 1):
            module.assignments.append(
                AssignmentSpec(
                    position=a,
                    slug=f"assignment-{position}-{a}",
                    titles=_texts(f"Assignment {position}.{a}"),
                    instructions={"fi": "Kirjoita."},
                    kind=AssignmentKind.team if a % 2 == 0 else AssignmentKind.individual,
                    required=True,
                    rubric=RUBRIC,
                    peer_review={},
                    default_offsets={"due": 14, "cut_off": 21},
                )
            )
        version.modules.append(module)
    db.session.add(version)
    db.session.flush()
    return version


Factory.programme_version = _programme_version
