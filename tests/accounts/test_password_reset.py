"""Password reset by e-mail: the same answer for every address, single-use timed links."""

from __future__ import annotations

import time

import pytest
from itsdangerous.timed import TimestampSigner

from academy.accounts import services
from academy.accounts.models import User
from academy.extensions import db
from tests.conftest import free_port
from tests.factories import PASSWORD

NEW_PASSWORD = "uusi salasana hankintaan"


def _forgot(client, email):
    return client.post("/password/forgot", data={"email": email}, follow_redirects=True)


def _reset(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(path, data={"password": password, "confirm": confirm or password})


def _visible_text(response) -> str:
    return (
        response.get_data(as_text=True)
        .replace("nobody@example.org", "X")
        .replace("aino@example.org", "X")
    )


def test_password_reset_does_not_reveal_whether_an_address_exists(client, make, mailbox):
    make.user(email="aino@example.org")
    db.session.commit()
    known = _forgot(client, "aino@example.org")
    unknown = _forgot(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert _visible_text(known) == _visible_text(unknown)
    assert "If X belongs to an account" in _visible_text(known)
    assert len(mailbox.to("aino@example.org")) == 1
    assert mailbox.to("nobody@example.org") == []


@pytest.mark.parametrize("fields", [{"active": False}, {"password": None}])
def test_no_reset_link_for_deactivated_or_invited_accounts(client, make, mailbox, fields):
    make.user(email="aino@example.org", **fields)
    db.session.commit()
    response = _forgot(client, "aino@example.org")
    assert "If aino@example.org belongs to an account" in response.get_data(as_text=True)
    assert mailbox.messages == []


def test_forgot_form_needs_a_valid_address(client, mailbox):
    response = client.post("/password/forgot", data={"email": "not an address"})
    assert response.status_code == 200
    assert "Enter a valid e-mail address." in response.get_data(as_text=True)
    assert mailbox.messages == []


def test_reset_link_sets_a_new_password_and_ends_other_sessions(
    app, client, make, login, mailbox, link_in
):
    user = make.user(email="aino@example.org", locale="en")
    other_device = login(user, c=app.test_client())
    assert other_device.get("/profile").status_code == 200
    _forgot(client, "Aino@example.org")
    (message,) = mailbox.to("aino@example.org")
    assert message["Subject"] == "Reset your KEINO Academy password"
    path = link_in(mailbox, "aino@example.org")
    assert client.get(path).status_code == 200
    response = _reset(client, path)
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200
    assert other_device.get("/profile").status_code == 302
    user = db.session.get(User, user.id)
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(PASSWORD)


def test_reset_link_can_be_used_only_once(app, client, make, mailbox, link_in):
    make.user(email="aino@example.org")
    db.session.commit()
    _forgot(client, "aino@example.org")
    path = link_in(mailbox, "aino@example.org")
    assert _reset(client, path).status_code == 302
    again = app.test_client()
    response = again.get(path)
    assert response.status_code == 410
    text = response.get_data(as_text=True)
    assert "not valid or has already been used" in text
    assert 'href="/password/forgot"' in text
    assert _reset(again, path, "yet another password").status_code == 410


def test_expired_reset_link_shows_a_clear_page(client, make, monkeypatch):
    user = make.user()
    db.session.commit()
    three_hours_ago = int(time.time()) - 3 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: three_hours_ago)
    token = services.password_reset_token(user)
    monkeypatch.undo()
    response = client.get(f"/password/reset/{token}")
    assert response.status_code == 410
    assert "This password reset link has expired." in response.get_data(as_text=True)


def test_tampered_reset_link_shows_a_clear_page(client, make):
    user = make.user()
    db.session.commit()
    token = services.password_reset_token(user)
    response = client.get(f"/password/reset/{token[:-3]}xyz")
    assert response.status_code == 404
    assert "not valid" in response.get_data(as_text=True)


def test_reset_link_of_a_deactivated_account_is_refused(client, make):
    user = make.user()
    token = services.password_reset_token(user)
    user.active = False
    db.session.commit()
    assert client.get(f"/password/reset/{token}").status_code == 410


def test_short_new_password_is_refused_beside_the_field(client, make):
    user = make.user()
    db.session.commit()
    path = f"/password/reset/{services.password_reset_token(user)}"
    response = _reset(client, path, "too short")
    assert response.status_code == 200
    assert "at least 12 characters" in response.get_data(as_text=True)
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_forgot_password_answers_the_same_when_the_mail_server_is_down(
    app, client, make, monkeypatch
):
    make.user(email="aino@example.org")
    db.session.commit()
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    response = _forgot(client, "aino@example.org")
    assert response.status_code == 200
    assert "If aino@example.org belongs to an account" in response.get_data(as_text=True)
