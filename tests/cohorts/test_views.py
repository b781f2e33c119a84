"""Cohort pages through the client: list, create, edit, status, the cohort page, members."""

from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa

from academy.accounts.models import User
from academy.cohorts.models import Cohort, CohortStatus, Membership, Role
from academy.extensions import db

FORM = {
    "name": "KEINO-akatemia syksy 2027",
    "slug": "",
    "starts_on": "2027-09-01",
    "ends_on": "2028-05-31",
    "language": "fi",
}


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _table(response) -> str:
    """The page's main content without the navigation (which lists cohorts too)."""
    html = response.get_data(as_text=True)
    return html[html.index('<main id="main"') :]


# Cohorts ---------------------------------------------------------------------------------


def test_coordinator_creates_a_cohort_with_a_suggested_slug(make, login, client):
    login(make.coordinator())
    response = client.post("/cohorts/new", data=FORM)
    assert response.status_code == 302
    assert response.headers["Location"] == "/cohorts/keino-akatemia-syksy-2027"
    cohort = db.session.scalar(sa.select(Cohort))
    assert (cohort.status, cohort.starts_on) == (CohortStatus.draft, date(2027, 9, 1))
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "KEINO-akatemia syksy 2027" in html and "Draft" in html


def test_end_before_start_is_shown_beside_the_end_field(make, login, client):
    login(make.coordinator())
    response = client.post("/cohorts/new", data=FORM | {"ends_on": "2027-08-31"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="ends_on-error"' in html
    assert "The last day cannot be before the first day." in html
    assert _count(Cohort) == 0


def test_bad_slug_is_shown_beside_its_field(make, login, client):
    make.cohort(slug="taken")
    login(make.coordinator())
    for slug in ("Not Valid", "taken"):
        html = client.post("/cohorts/new", data=FORM | {"slug": slug}).get_data(as_text=True)
        assert 'id="slug-error"' in html
    assert _count(Cohort) == 1


def test_coordinator_edits_a_cohort_and_its_slug(make, login, client):
    cohort = make.cohort(slug="vanha", name="Vanha")
    login(make.coordinator())
    html = client.get("/cohorts/vanha/edit").get_data(as_text=True)
    assert 'value="Vanha"' in html and 'value="2026-09-01"' in html
    response = client.post("/cohorts/vanha/edit", data=FORM | {"slug": "uusi", "language": "sv"})
    assert response.headers["Location"] == "/cohorts/uusi"
    db.session.refresh(cohort)
    assert (cohort.slug, cohort.language) == ("uusi", "sv")


def test_status_change_through_the_page(make, login, client):
    cohort = make.cohort(slug="kohortti", status=CohortStatus.draft)
    login(make.coordinator())
    html = client.get("/cohorts/kohortti").get_data(as_text=True)
    assert 'name="status" value="active"' in html and "data-confirm" in html
    response = client.post("/cohorts/kohortti/status", data={"status": "active"})
    assert response.headers["Location"] == "/cohorts/kohortti"
    db.session.refresh(cohort)
    assert cohort.status is CohortStatus.active


@pytest.mark.parametrize("target", ["archived", "draft", "nonsense", ""])
def test_illegal_status_change_shows_a_message_and_changes_nothing(make, login, client, target):
    cohort = make.cohort(slug="kohortti", status=CohortStatus.active)
    login(make.coordinator())
    response = client.post("/cohorts/kohortti/status", data={"status": target})
    assert response.status_code == 302
    html = client.get("/cohorts/kohortti").get_data(as_text=True)
    assert "flash-error" in html
    db.session.refresh(cohort)
    assert cohort.status is CohortStatus.active


def test_coordinator_lists_and_filters_all_cohorts(make, login, client):
    make.cohort(name="Aktiivinen")
    make.cohort(name="Luonnos", status=CohortStatus.draft)
    login(make.coordinator())
    html = _table(client.get("/cohorts/"))
    assert "Aktiivinen" in html and "Luonnos" in html
    html = _table(client.get("/cohorts/?status=draft"))
    assert "Aktiivinen" not in html and "Luonnos" in html


def test_participant_lists_only_own_cohorts(make, login, client):
    mine = make.cohort(name="Oma kohortti")
    make.cohort(name="Vieras kohortti")
    person = make.participant(mine)
    login(person)
    html = _table(client.get("/cohorts/"))
    assert "Oma kohortti" in html and "Vieras kohortti" not in html
    assert "Participant" in html


# The cohort page -------------------------------------------------------------------------


@pytest.fixture
def cohort_with_people(make):
    cohort = make.cohort(slug="kohortti")
    pori = make.organisation(name="Porin kaupunki")
    turku = make.organisation(name="Turun kaupunki")
    people = {
        "me": make.participant(cohort, organisation=pori, user=make.user(name="Minä Itse")),
        "colleague": make.participant(
            cohort, organisation=pori, user=make.user(name="Kollega Pori", title="talousjohtaja")
        ),
        "stranger": make.participant(
            cohort, organisation=turku, user=make.user(name="Vieras Turku")
        ),
        "trainer": make.trainer(cohort, user=make.user(name="Teemu Kouluttaja")),
    }
    return cohort, people


def test_participant_sees_organisations_trainers_and_own_team(cohort_with_people, login, client):
    _, people = cohort_with_people
    login(people["me"])
    html = client.get("/cohorts/kohortti").get_data(as_text=True)
    assert "Porin kaupunki" in html and "Turun kaupunki" in html
    assert "Teemu Kouluttaja" in html
    assert "Kollega Pori" in html and "talousjohtaja" in html
    assert "Vieras Turku" not in html
    assert "/cohorts/kohortti/members" not in html


def test_trainer_sees_everyone_grouped_by_organisation(cohort_with_people, login, client):
    _, people = cohort_with_people
    login(people["trainer"])
    html = client.get("/cohorts/kohortti").get_data(as_text=True)
    for name in ("Minä Itse", "Kollega Pori", "Vieras Turku", "Teemu Kouluttaja"):
        assert name in html
    assert html.index("Porin kaupunki") < html.index("Turun kaupunki")
    assert "talousjohtaja" in html and "Participant" in html
    assert "/cohorts/kohortti/status" not in html


def test_non_member_gets_404(make, login, client):
    make.cohort(slug="kohortti")
    login(make.participant(make.cohort()))
    assert client.get("/cohorts/kohortti").status_code == 404
    assert client.get("/cohorts/nope").status_code == 404


@pytest.mark.parametrize("viewer", ["participant", "trainer", "coordinator"])
def test_cohort_page_runs_a_constant_number_of_queries(viewer, make, login, client, count_queries):
    cohort = make.cohort(slug="kohortti")
    organisation = make.organisation()
    users = {
        "participant": make.participant(cohort, organisation=organisation),
        "trainer": make.trainer(cohort),
        "coordinator": make.coordinator(),
    }
    login(users[viewer])

    def queries(n: int) -> int:
        for i in range(n):
            make.participant(cohort, organisation=organisation if i % 3 else None)
        db.session.commit()
        with count_queries() as counter:
            assert client.get("/cohorts/kohortti").status_code == 200
        return counter.count

    assert queries(3) == queries(30)


def test_cohort_list_runs_a_constant_number_of_queries(make, login, client, count_queries):
    login(make.coordinator())

    def queries(n: int) -> int:
        for _ in range(n):
            make.participant(make.cohort())
        db.session.commit()
        with count_queries() as counter:
            assert client.get("/cohorts/").status_code == 200
        return counter.count

    assert queries(2) == queries(20)


# Members ---------------------------------------------------------------------------------


def test_coordinator_adds_an_existing_person(make, login, client):
    cohort = make.cohort(slug="kohortti")
    organisation = make.organisation()
    person = make.user(email="aino@example.org", name="Aino Aalto")
    login(make.coordinator())
    response = client.post(
        "/cohorts/kohortti/members",
        data={
            "email": "AINO@example.org",
            "role": "participant",
            "organisation_id": organisation.id,
        },
    )
    assert response.headers["Location"] == "/cohorts/kohortti/members"
    membership = db.session.scalar(sa.select(Membership))
    assert (membership.cohort_id, membership.user_id) == (cohort.id, person.id)
    html = client.get("/cohorts/kohortti/members").get_data(as_text=True)
    assert "Aino Aalto added to the cohort." in html


def test_coordinator_invites_a_new_person(make, login, client, mailbox):
    make.cohort(slug="kohortti")
    login(make.coordinator())
    data = {"email": "uusi@example.org", "role": "trainer", "organisation_id": ""}
    html = client.post("/cohorts/kohortti/members", data=data).get_data(as_text=True)
    assert 'id="name-error"' in html
    assert _count(Membership) == 0
    response = client.post(
        "/cohorts/kohortti/members", data=data | {"name": "Uusi Ihminen", "title": "KEINO-kummi"}
    )
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "uusi@example.org"))
    assert (user.name, user.title) == ("Uusi Ihminen", "KEINO-kummi")
    assert len(mailbox.to("uusi@example.org")) == 1
    assert "Invited" in client.get("/cohorts/kohortti/members").get_data(as_text=True)


def test_participant_without_organisation_is_refused_beside_the_field(make, login, client):
    make.cohort(slug="kohortti")
    person = make.user()
    login(make.coordinator())
    response = client.post(
        "/cohorts/kohortti/members",
        data={"email": person.email, "role": "participant", "organisation_id": ""},
    )
    html = response.get_data(as_text=True)
    assert 'id="organisation_id-error"' in html
    assert "choose one" in html
    assert _count(Membership) == 0


def test_duplicate_member_is_refused_clearly(make, login, client):
    cohort = make.cohort(slug="kohortti")
    person = make.participant(cohort, user=make.user(name="Jo Mukana"))
    login(make.coordinator())
    response = client.post(
        "/cohorts/kohortti/members", data={"email": person.email, "role": "trainer"}
    )
    html = response.get_data(as_text=True)
    assert 'id="email-error"' in html and "Jo Mukana is already in this cohort." in html
    assert _count(Membership) == 1


def test_coordinator_changes_a_members_role_and_organisation(make, login, client):
    cohort = make.cohort(slug="kohortti")
    membership = make.membership(cohort, role=Role.trainer)
    organisation = make.organisation(name="Uusi Yksikkö")
    login(make.coordinator())
    url = f"/cohorts/kohortti/members/{membership.user_id}"
    html = client.get(url).get_data(as_text=True)
    assert '<input checked id="role-1" name="role" required type="radio" value="trainer">' in html
    response = client.post(url, data={"role": "participant", "organisation_id": ""})
    assert 'id="organisation_id-error"' in response.get_data(as_text=True)
    response = client.post(url, data={"role": "participant", "organisation_id": organisation.id})
    assert response.status_code == 302
    db.session.refresh(membership)
    assert (membership.role, membership.organisation_id) == (Role.participant, organisation.id)


def test_coordinator_removes_a_member(make, login, client):
    cohort = make.cohort(slug="kohortti")
    person = make.participant(cohort, user=make.user(name="Lähtevä Ihminen"))
    login(make.coordinator())
    html = client.get(f"/cohorts/kohortti/members/{person.id}").get_data(as_text=True)
    assert 'data-confirm="Remove Lähtevä Ihminen from' in html
    response = client.post(f"/cohorts/kohortti/members/{person.id}/remove")
    assert response.headers["Location"] == "/cohorts/kohortti/members"
    assert _count(Membership) == 0
    assert db.session.get(User, person.id) is not None
    assert client.post(f"/cohorts/kohortti/members/{person.id}/remove").status_code == 404


def test_members_page_runs_a_constant_number_of_queries(make, login, client, count_queries):
    cohort = make.cohort(slug="kohortti")
    login(make.coordinator())

    def queries(n: int) -> int:
        for _ in range(n):
            make.participant(cohort)
        db.session.commit()
        with count_queries() as counter:
            assert client.get("/cohorts/kohortti/members").status_code == 200
        return counter.count

    assert queries(3) == queries(30)


def test_csv_upload_enrols_everyone_or_nobody(make, login, client):
    make.cohort(slug="kohortti")
    make.organisation(business_id="0204819-8")
    login(make.coordinator())
    bad = b"email,name,title,business_id,role\nok@example.org,Ok,,0204819-8,participant\nbad,,,,\n"
    response = client.post(
        "/cohorts/kohortti/members/import",
        data={"file": (io.BytesIO(bad), "people.csv")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Row 3:" in html and "Nothing was saved" in html
    assert _count(Membership) == 0
    good = b"ok@example.org,Ok Ihminen,,0204819-8,participant\n"
    response = client.post(
        "/cohorts/kohortti/members/import",
        data={"file": (io.BytesIO(good), "people.csv")},
        content_type="multipart/form-data",
    )
    assert response.headers["Location"] == "/cohorts/kohortti/members"
    assert _count(Membership) == 1


def test_import_needs_a_file_or_text(make, login, client):
    make.cohort(slug="kohortti")
    login(make.coordinator())
    html = client.post("/cohorts/kohortti/members/import", data={}).get_data(as_text=True)
    assert 'id="file-error"' in html
