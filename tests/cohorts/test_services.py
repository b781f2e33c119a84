"""Cohort rules: dates, slugs, status transitions, memberships."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from academy.accounts.models import User
from academy.cohorts import services
from academy.cohorts.models import Cohort, CohortStatus, Membership, Role
from academy.core.errors import DomainError
from academy.extensions import db


def _create(actor, **fields) -> Cohort:
    fields = {
        "name": "KEINO-akatemia syksy 2026",
        "starts_on": date(2026, 9, 1),
        "ends_on": date(2027, 5, 31),
        "language": "fi",
        **fields,
    }
    return services.create_cohort(actor, **fields)


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# Cohorts ---------------------------------------------------------------------------------


def test_new_cohort_is_a_draft_with_a_slug_from_its_name(make):
    cohort = _create(make.coordinator(), name="Hankinnat & vaikuttavuus: Pääkaupunki 2026")
    assert cohort.status is CohortStatus.draft
    assert cohort.slug == "hankinnat-vaikuttavuus-paakaupunki-2026"


def test_suggested_slug_avoids_taken_ones(make):
    coordinator = make.coordinator()
    make.cohort(slug="syksy-2026")
    assert _create(coordinator, name="Syksy 2026").slug == "syksy-2026-2"
    assert _create(coordinator, name="Syksy 2026").slug == "syksy-2026-3"
    assert _create(coordinator, name="New").slug == "new-2"


@pytest.mark.parametrize("slug", ["Syksy", "syksy 2026", "syksy--2026", "-syksy", "ä", "x" * 101])
def test_malformed_slug_is_refused(make, slug):
    with pytest.raises(DomainError) as raised:
        _create(make.coordinator(), slug=slug)
    assert raised.value.field == "slug"


def test_taken_or_reserved_slug_is_refused(make):
    coordinator = make.coordinator()
    make.cohort(slug="syksy-2026")
    for slug in ("syksy-2026", "new"):
        with pytest.raises(DomainError) as raised:
            _create(coordinator, slug=slug)
        assert raised.value.field == "slug"


def test_cohort_end_before_start_is_refused(make):
    with pytest.raises(DomainError) as raised:
        _create(make.coordinator(), starts_on=date(2026, 9, 1), ends_on=date(2026, 8, 31))
    assert raised.value.field == "ends_on"
    assert _count(Cohort) == 0


def test_one_day_cohort_is_allowed(make):
    cohort = _create(make.coordinator(), starts_on=date(2026, 9, 1), ends_on=date(2026, 9, 1))
    assert cohort.starts_on == cohort.ends_on


def test_database_refuses_end_before_start_too(make):
    cohort = make.cohort()
    cohort.ends_on = date(2000, 1, 1)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()


def test_unknown_language_is_refused(make):
    with pytest.raises(DomainError) as raised:
        _create(make.coordinator(), language="de")
    assert raised.value.field == "language"


def test_cohort_can_keep_its_slug_when_edited(make):
    coordinator = make.coordinator()
    cohort = _create(coordinator, slug="syksy")
    services.update_cohort(
        coordinator,
        cohort,
        name="Syksy",
        slug="syksy",
        starts_on=date(2026, 9, 2),
        ends_on=date(2026, 12, 1),
        language="sv",
    )
    assert (cohort.slug, cohort.language, cohort.starts_on) == ("syksy", "sv", date(2026, 9, 2))


def test_only_coordinators_create_cohorts(make):
    with pytest.raises(DomainError):
        _create(make.user())


def test_status_follows_the_life_cycle(make):
    coordinator = make.coordinator()
    cohort = _create(coordinator)
    for status in ("active", "closed", "active", "closed", "archived"):
        services.change_status(coordinator, cohort, status)
        assert cohort.status is CohortStatus(status)


def test_illegal_status_change_is_refused(make):
    coordinator = make.coordinator()
    cohort = _create(coordinator)
    with pytest.raises(DomainError) as raised:
        services.change_status(coordinator, cohort, CohortStatus.archived)
    assert raised.value.field == "status"
    assert cohort.status is CohortStatus.draft
    with pytest.raises(DomainError):
        services.change_status(coordinator, cohort, "finished")
    assert cohort.status is CohortStatus.draft


# Members ---------------------------------------------------------------------------------


def test_existing_person_is_added_by_email_in_any_case(make, mailbox):
    coordinator = make.coordinator()
    cohort = make.cohort()
    person = make.user(email="aino.aalto@example.org")
    organisation = make.organisation()
    membership = services.add_member(
        coordinator,
        cohort,
        email="  Aino.Aalto@Example.ORG ",
        role="participant",
        organisation_id=organisation.id,
    )
    assert (membership.user, membership.role, membership.organisation) == (
        person,
        Role.participant,
        organisation,
    )
    assert mailbox.messages == []


def test_new_person_is_created_and_invited(make, mailbox):
    coordinator = make.coordinator()
    cohort = make.cohort(language="sv")
    membership = services.add_member(
        coordinator,
        cohort,
        email="Uusi.Ihminen@example.org",
        role=Role.trainer,
        name="Uusi Ihminen",
        title="kehityspäällikkö",
    )
    user = membership.user
    db.session.commit()
    assert (user.email, user.name, user.title, user.locale) == (
        "uusi.ihminen@example.org",
        "Uusi Ihminen",
        "kehityspäällikkö",
        "sv",
    )
    assert user.password_hash is None
    assert len(mailbox.to("uusi.ihminen@example.org")) == 1


def test_new_person_needs_a_name(make):
    with pytest.raises(DomainError) as raised:
        services.add_member(
            make.coordinator(), make.cohort(), email="uusi@example.org", role=Role.trainer
        )
    assert raised.value.field == "name"
    assert _count(User) == 1


def test_participant_needs_an_organisation(make):
    coordinator = make.coordinator()
    person = make.user()
    with pytest.raises(DomainError) as raised:
        services.add_member(coordinator, make.cohort(), email=person.email, role="participant")
    assert raised.value.field == "organisation_id"
    assert _count(Membership) == 0


def test_trainer_needs_no_organisation(make):
    membership = services.add_member(
        make.coordinator(), make.cohort(), email=make.user().email, role="trainer"
    )
    assert membership.organisation is None


def test_unknown_organisation_and_role_are_refused(make):
    coordinator, cohort, person = make.coordinator(), make.cohort(), make.user()
    with pytest.raises(DomainError) as raised:
        services.add_member(
            coordinator, cohort, email=person.email, role="participant", organisation_id=999
        )
    assert raised.value.field == "organisation_id"
    with pytest.raises(DomainError) as raised:
        services.add_member(coordinator, cohort, email=person.email, role="mentor")
    assert raised.value.field == "role"


def test_invalid_email_is_refused(make):
    with pytest.raises(DomainError) as raised:
        services.add_member(make.coordinator(), make.cohort(), email="aino@", role="trainer")
    assert raised.value.field == "email"


def test_a_person_is_in_a_cohort_once(make):
    cohort = make.cohort()
    person = make.participant(cohort)
    with pytest.raises(DomainError) as raised:
        services.add_member(make.coordinator(), cohort, email=person.email, role="trainer")
    assert raised.value.field == "email"
    assert _count(Membership) == 1


def test_a_person_may_train_in_one_cohort_and_participate_in_another(make):
    coordinator = make.coordinator()
    person = make.user()
    services.add_member(coordinator, make.cohort(), email=person.email, role="trainer")
    services.add_member(
        coordinator,
        make.cohort(),
        email=person.email,
        role="participant",
        organisation_id=make.organisation().id,
    )
    assert _count(Membership) == 2


def test_change_member_role_and_organisation(make):
    coordinator = make.coordinator()
    cohort = make.cohort()
    membership = make.membership(cohort, role=Role.trainer)
    organisation = make.organisation()
    services.change_member(
        coordinator, membership, role="participant", organisation_id=organisation.id
    )
    assert (membership.role, membership.organisation_id) == (Role.participant, organisation.id)
    with pytest.raises(DomainError) as raised:
        services.change_member(coordinator, membership, role="participant", organisation_id=None)
    assert raised.value.field == "organisation_id"


def test_removing_a_member_keeps_the_account(make):
    cohort = make.cohort()
    membership = make.membership(cohort)
    user_id = membership.user_id
    services.remove_member(make.coordinator(), membership)
    assert _count(Membership) == 0
    assert db.session.get(User, user_id) is not None


# Reading ---------------------------------------------------------------------------------


def test_cohort_list_shows_coordinators_all_and_others_their_own(make):
    mine, other = make.cohort(name="Mine"), make.cohort(name="Other", status=CohortStatus.draft)
    person = make.participant(mine)
    make.trainer(mine)
    assert [row.cohort for row in services.cohort_list(person)] == [mine]
    assert services.cohort_list(person)[0].role is Role.participant
    rows = {row.cohort.name: row for row in services.cohort_list(make.coordinator())}
    assert set(rows) == {"Mine", "Other"}
    assert (rows["Mine"].participants, rows["Mine"].organisations, rows["Mine"].trainers) == (
        1,
        1,
        1,
    )
    drafts = services.cohort_list(make.coordinator(), status=CohortStatus.draft)
    assert [row.cohort for row in drafts] == [other]


def test_cohorts_for_navigation(make):
    active = make.cohort()
    archived = make.cohort(status=CohortStatus.archived)
    person = make.user()
    make.participant(active, user=person)
    make.participant(archived, user=person)
    assert services.cohorts_for(person) == [active]
    assert services.cohorts_for(make.coordinator()) == [active]


def test_participant_sees_organisations_trainers_and_own_team(make):
    cohort = make.cohort()
    mine, theirs = make.organisation(name="A-kunta"), make.organisation(name="B-kunta")
    me = make.participant(cohort, organisation=mine)
    colleague = make.participant(cohort, organisation=mine)
    stranger = make.participant(cohort, organisation=theirs)
    trainer = make.trainer(cohort)
    people = services.cohort_people(cohort, me)
    assert not people.full
    assert [g.organisation for g in people.groups] == [mine, theirs]
    assert {m.user for m in people.groups[0].members} == {me, colleague}
    assert people.groups[1].members == []
    assert people.groups[1].participant_count == 1
    assert [m.user for m in people.trainers] == [trainer]
    assert stranger not in {m.user for g in people.groups for m in g.members}


def test_trainer_sees_everyone_grouped_by_organisation(make):
    cohort = make.cohort()
    organisation = make.organisation(name="A-kunta")
    participant = make.participant(cohort, organisation=organisation)
    trainer = make.trainer(cohort)
    people = services.cohort_people(cohort, trainer)
    assert people.full
    assert [g.organisation for g in people.groups] == [organisation, None]
    assert [m.user for m in people.groups[0].members] == [participant]
    assert [m.user for m in people.groups[1].members] == [trainer]
