"""Invitations: a coordinator invites, the invitee sets a password through the e-mailed link."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from itsdangerous.timed import TimestampSigner

from academy.accounts import services
from academy.accounts.models import Invitation, User, UserStatus
from academy.core.errors import DomainError
from academy.extensions import db
from tests.conftest import free_port

NEW_PASSWORD = "kolme iloista hankintaa"


def _invite(make, **fields) -> User:
    coordinator = make.coordinator()
    fields = {"email": "ilona@example.org", "name": "Ilona Kutsuttu", **fields}
    user = services.invite(coordinator, **fields)
    db.session.commit()
    return user


def _accept(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(path, data={"password": password, "confirm": confirm or password})


# The service -----------------------------------------------------------------------------


def test_invite_creates_a_person_without_password_and_mails_a_link(make, mailbox, link_in):
    user = _invite(make, email="Ilona@Example.org", title="hankintapäällikkö", locale="sv")
    assert user.email == "ilona@example.org"
    assert user.password_hash is None
    assert user.status is UserStatus.invited
    assert user.locale == "sv"
    invitation = db.session.scalar(sa.select(Invitation).where(Invitation.user_id == user.id))
    assert invitation.accepted_at is None
    assert link_in(mailbox, "ilona@example.org").startswith("/invitations/")


def test_invitation_mail_is_in_the_invitees_language(make, mailbox):
    _invite(make, locale="en")
    (message,) = mailbox.to("ilona@example.org")
    assert message["Subject"] == "Invitation to the KEINO Academy"
    assert "Hello Ilona Kutsuttu," in mailbox.body(message)


@pytest.mark.parametrize("email", ["ilona@example.org", "ILONA@example.ORG", " Ilona@example.org "])
def test_inviting_an_existing_address_is_refused_whatever_its_case(make, email):
    make.user(email="ilona@example.org")
    with pytest.raises(DomainError) as error:
        services.invite(make.coordinator(), email=email, name="Toinen")
    assert error.value.field == "email"
    with force_locale("en"):
        assert str(error.value.message) == "A person with this e-mail address already exists."


def test_only_coordinators_can_invite(make):
    with pytest.raises(DomainError):
        services.invite(make.user(), email="x@example.org", name="X")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "not an address"}, "email"),
        ({"name": "  "}, "name"),
        ({"locale": "de"}, "locale"),
    ],
)
def test_invite_refuses_bad_data(make, fields, field):
    data = {"email": "x@example.org", "name": "X", **fields}
    with pytest.raises(DomainError) as error:
        services.invite(make.coordinator(), **data)
    assert error.value.field == field


def test_invite_works_outside_a_request(make, mailbox, link_in):
    """Cohort enrolment and the CLI invite without a request; the link is still absolute."""
    _invite(make)
    assert link_in(mailbox, "ilona@example.org").startswith("/invitations/")


# The link ----------------------------------------------------------------------------------


def test_invitation_link_sets_the_password_and_logs_in(client, make, mailbox, link_in):
    user = _invite(make)
    path = link_in(mailbox, user.email)
    page = client.get(path)
    assert page.status_code == 200
    assert "Ilona Kutsuttu" in page.get_data(as_text=True)
    response = _accept(client, path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/profile").status_code == 200
    user = db.session.get(User, user.id)
    assert user.check_password(NEW_PASSWORD)
    assert user.status is UserStatus.active
    assert user.last_login_at is not None
    # And the new password works for a normal login later.
    client.post("/logout")
    login = client.post("/login", data={"email": user.email, "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_invitation_link_can_be_used_only_once(app, client, make, mailbox, link_in):
    user = _invite(make)
    path = link_in(mailbox, user.email)
    assert _accept(client, path).status_code == 302
    again = app.test_client()
    response = again.get(path)
    assert response.status_code == 410
    text = response.get_data(as_text=True)
    assert "This invitation has already been used." in text
    assert 'href="/login"' in text
    assert _accept(again, path, password="another long password").status_code == 410
    assert db.session.get(User, user.id).check_password(NEW_PASSWORD)


def test_expired_invitation_link_shows_a_clear_page(client, make, monkeypatch):
    user = _invite(make)
    invitation = services.latest_invitation(user)
    eight_days_ago = int(time.time()) - 8 * 24 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: eight_days_ago)
    token = services.invitation_token(invitation)
    monkeypatch.undo()
    response = client.get(f"/invitations/{token}")
    assert response.status_code == 410
    assert "This invitation link has expired." in response.get_data(as_text=True)
    assert _accept(client, f"/invitations/{token}").status_code == 410
    assert db.session.get(User, user.id).password_hash is None


@pytest.mark.parametrize(
    "tamper", [lambda t: t[:-2] + ("AA" if t[-2:] != "AA" else "BB"), lambda t: "x" + t]
)
def test_tampered_invitation_link_shows_a_clear_page(client, make, mailbox, link_in, tamper):
    user = _invite(make)
    path = link_in(mailbox, user.email)
    token = path.removeprefix("/invitations/")
    response = client.get(f"/invitations/{tamper(token)}")
    assert response.status_code == 404
    assert "This invitation link is not valid." in response.get_data(as_text=True)


def test_a_token_from_another_salt_is_not_an_invitation(client, make):
    user = make.user()
    db.session.commit()
    token = services.password_reset_token(user)
    assert client.get(f"/invitations/{token}").status_code == 404


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("short pass", "short pass", "at least 12 characters"),
        (NEW_PASSWORD, "something else entirely", "The passwords do not match."),
        ("ilona@example.org", "ilona@example.org", "must not be your e-mail address"),
        ("ILONA@EXAMPLE.ORG", "ILONA@EXAMPLE.ORG", "must not be your e-mail address"),
    ],
)
def test_bad_password_is_shown_beside_the_field_and_nothing_is_saved(
    client, make, mailbox, link_in, password, confirm, message
):
    user = _invite(make)
    path = link_in(mailbox, user.email)
    response = _accept(client, path, password, confirm)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert message in text
    assert 'class="error-message"' in text
    assert db.session.get(User, user.id).password_hash is None
    assert services.latest_invitation(user).accepted_at is None


def test_resending_an_invitation_replaces_the_old_link(client, make, mailbox, link_in):
    user = _invite(make)
    old_path = link_in(mailbox, user.email)
    mailbox.messages.clear()
    coordinator = make.coordinator()
    services.resend_invitation(coordinator, db.session.get(User, user.id))
    db.session.commit()
    new_path = link_in(mailbox, user.email)
    assert new_path != old_path
    old = client.get(old_path)
    assert old.status_code == 410
    assert "A newer invitation has been sent to you." in old.get_data(as_text=True)
    assert _accept(client, new_path).status_code == 302


def test_resend_is_refused_for_someone_who_has_a_password(make):
    with pytest.raises(DomainError):
        services.resend_invitation(make.coordinator(), make.user())


def test_invitation_of_a_deactivated_person_cannot_be_used(client, make, mailbox, link_in):
    user = _invite(make)
    path = link_in(mailbox, user.email)
    services.deactivate(make.coordinator(), db.session.get(User, user.id))
    db.session.commit()
    response = client.get(path)
    assert response.status_code == 410
    assert "deactivated" in response.get_data(as_text=True)


# The coordinator's pages ----------------------------------------------------------------


def test_coordinator_invites_from_the_people_page(client, make, login, mailbox, link_in):
    login(make.coordinator())
    assert client.get("/people/invite").status_code == 200
    response = client.post(
        "/people/invite",
        data={
            "email": "Pekka.Uusi@Example.org",
            "name": "Pekka Uusi",
            "title": "talousjohtaja",
            "locale": "sv",
            "is_coordinator": "y",
        },
    )
    assert response.status_code == 302
    person = db.session.scalar(sa.select(User).where(User.email == "pekka.uusi@example.org"))
    assert response.headers["Location"] == f"/people/{person.id}"
    assert person.is_coordinator
    assert person.locale == "sv"
    assert person.title == "talousjohtaja"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Invited" in page
    # The invitee can use the link from another browser.
    other = client.application.test_client()
    assert _accept(other, link_in(mailbox, "pekka.uusi@example.org")).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "TAKEN@example.org"}, "A person with this e-mail address already exists"),
        ({"email": "not-an-address"}, "Enter a valid e-mail address."),
        ({"name": ""}, "This field is required."),
        ({"locale": "de"}, "Not a valid choice"),
    ],
)
def test_invite_form_shows_errors_beside_the_field_and_saves_nothing(
    client, make, login, mailbox, data, message
):
    make.user(email="taken@example.org")
    login(make.coordinator())
    before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    response = client.post(
        "/people/invite",
        data={"email": "new@example.org", "name": "Uusi", "locale": "fi"} | data,
    )
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert message in text
    assert 'class="error-message"' in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == before
    assert mailbox.messages == []


def test_coordinator_resends_an_invitation_from_the_person_page(
    client, make, login, mailbox, link_in
):
    user = _invite(make)
    mailbox.messages.clear()
    login(make.coordinator())
    page = client.get(f"/people/{user.id}").get_data(as_text=True)
    assert f'action="/people/{user.id}/resend-invitation"' in page
    response = client.post(f"/people/{user.id}/resend-invitation")
    assert response.headers["Location"] == f"/people/{user.id}"
    assert client.get(f"/people/{user.id}").status_code == 200
    assert link_in(mailbox, user.email).startswith("/invitations/")


def test_resend_for_an_active_person_is_refused_with_a_message(client, make, login, mailbox):
    person = make.user()
    login(make.coordinator())
    response = client.post(f"/people/{person.id}/resend-invitation", follow_redirects=True)
    assert "already accepted the invitation" in response.get_data(as_text=True)
    assert mailbox.messages == []


def test_invitation_is_not_saved_when_the_mail_cannot_be_sent(
    app, client, make, login, monkeypatch
):
    login(make.coordinator())
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens there
    response = client.post(
        "/people/invite", data={"email": "new@example.org", "name": "Uusi", "locale": "fi"}
    )
    assert response.status_code == 200
    assert "could not be sent" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "new@example.org")) is None
