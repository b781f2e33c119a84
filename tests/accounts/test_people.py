"""The coordinators' people pages: list, search, person, edit, deactivate and reactivate."""

from __future__ import annotations

import pytest

from academy.accounts import services
from academy.accounts.models import User, UserStatus
from academy.core.errors import DomainError
from academy.extensions import db
from tests.factories import PASSWORD


def test_people_list_shows_status_and_coordinator_flag(client, make, login):
    make.user(name="Aino Aktiivinen")
    make.user(name="Veikko Poistettu", active=False)
    make.user(name="Ilona Kutsuttu", password=None)
    login(make.coordinator(name="Kaisa Koordinaattori"))
    text = client.get("/people").get_data(as_text=True)
    for name in ("Aino Aktiivinen", "Veikko Poistettu", "Ilona Kutsuttu", "Kaisa Koordinaattori"):
        assert name in text
    assert "Invited" in text and "Deactivated" in text and "Active" in text
    assert "Everyone: 4" in text


@pytest.mark.parametrize("q", ["virtanen", "VIRTANEN", "aino.v@", "EXAMPLE.ORG/x"])
def test_people_search_by_name_or_email_ignores_case(client, make, login, q):
    make.user(name="Aino Virtanen", email="aino.v@example.org")
    make.user(name="Pekka Korhonen", email="pekka@example.org")
    login(make.coordinator(name="Kaisa K"))
    text = client.get("/people", query_string={"q": q}).get_data(as_text=True)
    if q.endswith("/x"):
        assert "Nobody matches" in text
    else:
        assert "Aino Virtanen" in text
        assert "Pekka Korhonen" not in text


def test_people_search_treats_wildcards_as_text(client, make, login):
    make.user(name="Aino Virtanen")
    login(make.coordinator(name="Kaisa K"))
    assert "Nobody matches" in client.get("/people?q=%25").get_data(as_text=True)


def test_people_list_is_paginated_by_fifty(client, make, login, count_queries):
    for n in range(60):
        make.user(name=f"Henkilö {n:02d}")
    login(make.coordinator(name="Ööpinen Koordinaattori"))
    with count_queries() as counter:
        first = client.get("/people").get_data(as_text=True)
    assert counter.count < 10
    assert "Henkilö 00" in first and "Henkilö 49" in first and "Henkilö 50" not in first
    assert "Page 1 of 2" in first
    assert 'href="/people?page=2"' in first
    second = client.get("/people?page=2").get_data(as_text=True)
    assert "Henkilö 50" in second and "Henkilö 59" in second


def test_person_page_shows_details_and_memberships(client, make, login):
    person = make.user(name="Aino Virtanen", title="hankintapäällikkö")
    cohort = make.cohort(name="KEINO-akatemia syksy 2026")
    make.membership(cohort, person, organisation=make.organisation(name="Porin kaupunki"))
    login(make.coordinator())
    text = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert "<h1>Aino Virtanen</h1>" in text
    assert "hankintapäällikkö" in text
    assert "KEINO-akatemia syksy 2026" in text and "Porin kaupunki" in text
    assert f'action="/people/{person.id}/deactivate"' in text


def test_coordinator_deactivates_and_reactivates_a_person(app, client, make, login):
    person = make.user(email="aino@example.org")
    their_browser = login(person, c=app.test_client())
    login(make.coordinator())
    response = client.post(f"/people/{person.id}/deactivate")
    assert response.headers["Location"] == f"/people/{person.id}"
    assert db.session.get(User, person.id).status is UserStatus.deactivated
    assert their_browser.get("/profile").status_code == 302
    refused = their_browser.post("/login", data={"email": "aino@example.org", "password": PASSWORD})
    assert refused.status_code == 200
    client.post(f"/people/{person.id}/reactivate")
    assert db.session.get(User, person.id).status is UserStatus.active
    login(person, c=their_browser)


def test_coordinator_cannot_deactivate_themself(client, make, login):
    coordinator = make.coordinator()
    login(coordinator)
    page = client.get(f"/people/{coordinator.id}").get_data(as_text=True)
    assert "/deactivate" not in page
    response = client.post(f"/people/{coordinator.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert db.session.get(User, coordinator.id).active


def test_coordinator_edits_a_person(client, make, login):
    person = make.user(email="aino@example.org", locale="fi")
    login(make.coordinator())
    assert 'value="aino@example.org"' in client.get(f"/people/{person.id}/edit").get_data(
        as_text=True
    )
    response = client.post(
        f"/people/{person.id}/edit",
        data={
            "email": "Aino.Uusi@Example.org",
            "name": "Aino Uusi",
            "title": "hankintalakimies",
            "locale": "en",
            "is_coordinator": "y",
        },
    )
    assert response.status_code == 302
    person = db.session.get(User, person.id)
    assert person.email == "aino.uusi@example.org"
    assert (person.name, person.title, person.locale, person.is_coordinator) == (
        "Aino Uusi",
        "hankintalakimies",
        "en",
        True,
    )


def test_editing_to_another_persons_address_is_refused_whatever_its_case(client, make, login):
    make.user(email="taken@example.org")
    person = make.user(email="aino@example.org", name="Aino Ennallaan")
    login(make.coordinator())
    response = client.post(
        f"/people/{person.id}/edit",
        data={"email": "TAKEN@example.org", "name": "Muutettu", "locale": "fi"},
    )
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert 'id="email-error"' in text
    assert "A person with this e-mail address already exists" in text
    person = db.session.get(User, person.id)
    assert (person.email, person.name) == ("aino@example.org", "Aino Ennallaan")


def test_keeping_ones_own_address_in_another_case_is_fine(make):
    coordinator = make.coordinator()
    person = make.user(email="aino@example.org")
    services.update_person(
        coordinator,
        person,
        email="AINO@example.org",
        name="Aino",
        title="",
        locale="fi",
        is_coordinator=False,
    )
    assert person.email == "aino@example.org"


def test_coordinator_cannot_remove_their_own_coordinator_role(make):
    coordinator = make.coordinator()
    with pytest.raises(DomainError) as error:
        services.update_person(
            coordinator,
            coordinator,
            email=coordinator.email,
            name=coordinator.name,
            title="",
            locale="fi",
            is_coordinator=False,
        )
    assert error.value.field == "is_coordinator"


def test_people_services_refuse_non_coordinators(make):
    someone, person = make.user(), make.user()
    for action in (services.deactivate, services.reactivate, services.resend_invitation):
        with pytest.raises(DomainError):
            action(someone, person)


def test_unknown_person_is_404(client, make, login):
    login(make.coordinator())
    assert client.get("/people/999999").status_code == 404
    assert client.post("/people/999999/deactivate").status_code == 404
