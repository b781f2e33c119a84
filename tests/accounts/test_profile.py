"""One's own profile: details, language, password and memberships."""

from __future__ import annotations

from academy.accounts.models import User
from academy.cohorts.models import Role
from academy.extensions import db
from tests.factories import PASSWORD

NEW_PASSWORD = "pitkä ja uusi salasana"


def test_profile_shows_memberships_with_cohort_role_and_organisation(
    client, make, login, count_queries
):
    user = make.user()
    for n in range(3):
        cohort = make.cohort(name=f"KEINO-akatemia {n}")
        organisation = make.organisation(name=f"Turun kaupunki {n}")
        make.membership(cohort, user, organisation=organisation)
    make.membership(make.cohort(name="Trainer cohort"), user, role=Role.trainer)
    login(user)
    with count_queries() as counter:
        response = client.get("/profile")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    for n in range(3):
        assert f"KEINO-akatemia {n}" in text
        assert f"Turun kaupunki {n}" in text
    assert "Trainer cohort" in text
    assert "Participant" in text and "Trainer" in text
    assert counter.count < 15


def test_user_edits_name_title_and_language(client, make, login):
    user = make.user(locale="en")
    login(user)
    response = client.post(
        "/profile", data={"name": "Aino Uusinimi", "title": "hankintajohtaja", "locale": "sv"}
    )
    assert response.status_code == 302
    user = db.session.get(User, user.id)
    assert (user.name, user.title, user.locale) == ("Aino Uusinimi", "hankintajohtaja", "sv")
    assert (
        client.get("/profile")
        .get_data(as_text=True)
        .startswith('<!doctype html>\n<html lang="sv">')
    )


def test_profile_refuses_an_empty_name_beside_the_field(client, make, login):
    user = make.user(name="Aino Ennallaan")
    login(user)
    response = client.post("/profile", data={"name": "", "title": "", "locale": "en"})
    assert response.status_code == 200
    assert 'id="name-error"' in response.get_data(as_text=True)
    assert db.session.get(User, user.id).name == "Aino Ennallaan"


def test_change_password_needs_the_current_password(client, make, login):
    user = make.user()
    login(user)
    response = client.post(
        "/profile/password",
        data={"current_password": "wrong", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "The current password is not correct." in text
    assert 'id="current_password-error"' in text
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_change_password_keeps_this_session_and_ends_the_others(app, client, make, login):
    user = make.user()
    login(user)
    other_device = login(user, c=app.test_client())
    response = client.post(
        "/profile/password",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200
    assert other_device.get("/profile").status_code == 302
    assert db.session.get(User, user.id).check_password(NEW_PASSWORD)


def test_change_password_refuses_a_short_one(client, make, login):
    user = make.user()
    login(user)
    response = client.post(
        "/profile/password",
        data={"current_password": PASSWORD, "password": "short", "confirm": "short"},
    )
    assert "at least 12 characters" in response.get_data(as_text=True)
    assert db.session.get(User, user.id).check_password(PASSWORD)
