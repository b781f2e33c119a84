"""Login, logout, the rate limit and sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from academy.accounts import services
from academy.accounts.models import LoginAttempt
from academy.core.db import utcnow
from academy.extensions import db
from tests.factories import PASSWORD


def _post_login(client, email, password, **kwargs):
    return client.post("/login", data={"email": email, "password": password}, **kwargs)


def test_login_with_the_right_password_goes_home(client, make):
    user = make.user(email="aino@example.org")
    db.session.commit()
    response = _post_login(client, "Aino@Example.org ", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert db.session.get(type(user), user.id).last_login_at is not None


def test_wrong_password_and_unknown_address_get_the_same_answer(client, make):
    make.user(email="aino@example.org")
    db.session.commit()
    wrong = _post_login(client, "aino@example.org", "not the password")
    unknown = _post_login(client, "nobody@example.org", "not the password")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "Wrong e-mail or password." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 2


def test_inactive_user_cannot_log_in(client, make):
    make.user(email="gone@example.org", active=False)
    db.session.commit()
    response = _post_login(client, "gone@example.org", PASSWORD)
    assert response.status_code == 200
    assert "Wrong e-mail or password." in response.get_data(as_text=True)


def test_invited_user_without_password_cannot_log_in(client, make):
    make.user(email="invited@example.org", password=None)
    db.session.commit()
    response = _post_login(client, "invited@example.org", "")
    assert response.status_code == 200
    response = _post_login(client, "invited@example.org", "anything at all")
    assert "Wrong e-mail or password." in response.get_data(as_text=True)


def test_login_is_refused_after_ten_failures_even_with_the_right_password(client, make):
    make.user(email="aino@example.org")
    db.session.commit()
    for _ in range(10):
        _post_login(client, "aino@example.org", "guess")
    response = _post_login(client, "aino@example.org", PASSWORD)
    assert response.status_code == 200
    assert "Too many failed attempts" in response.get_data(as_text=True)


def test_real_user_gets_in_again_after_the_window(client, make, monkeypatch):
    make.user(email="aino@example.org")
    db.session.commit()
    for _ in range(10):
        _post_login(client, "aino@example.org", "guess")
    later = utcnow() + timedelta(minutes=16)
    monkeypatch.setattr(services, "utcnow", lambda: later)
    assert _post_login(client, "aino@example.org", PASSWORD).status_code == 302


def test_old_failures_do_not_count(client, make):
    make.user(email="aino@example.org")
    long_ago = utcnow() - timedelta(minutes=20)
    for _ in range(10):
        db.session.add(
            LoginAttempt(email="aino@example.org", address="127.0.0.1", attempted_at=long_ago)
        )
    db.session.commit()
    assert _post_login(client, "aino@example.org", PASSWORD).status_code == 302


def test_login_is_refused_after_thirty_failures_from_one_address(client, make):
    make.user(email="aino@example.org")
    db.session.commit()
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    for n in range(30):
        _post_login(client, f"guess{n}@example.org", "guess", environ_base=attacker)
    refused = _post_login(client, "aino@example.org", PASSWORD, environ_base=attacker)
    assert "Too many failed attempts" in refused.get_data(as_text=True)
    # Another address is not affected.
    other = _post_login(
        client, "aino@example.org", PASSWORD, environ_base={"REMOTE_ADDR": "198.51.100.1"}
    )
    assert other.status_code == 302


def test_prune_login_attempts_deletes_only_old_ones(app):
    db.session.add(
        LoginAttempt(email="a@example.org", address="x", attempted_at=utcnow() - timedelta(hours=1))
    )
    db.session.add(LoginAttempt(email="a@example.org", address="x"))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["users", "prune-login-attempts"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 old login attempts." in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 1


def test_session_is_renewed_at_login(client, make):
    make.user(email="aino@example.org")
    db.session.commit()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    _post_login(client, "aino@example.org", PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"]


def test_login_follows_a_local_next_path(client, make):
    make.user(email="aino@example.org")
    db.session.commit()
    response = client.post(
        "/login?next=/profile", data={"email": "aino@example.org", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/profile"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "///evil.example",
    ],
)
def test_login_ignores_a_next_path_to_another_site(client, make, target):
    make.user(email="aino@example.org")
    db.session.commit()
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": "aino@example.org", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_signed_in_user_visiting_login_goes_home(client, make, login):
    login(make.user())
    assert client.get("/login").headers["Location"] == "/"


def test_protected_page_sends_anonymous_visitor_to_login(client):
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_logout_needs_post(client, make, login):
    login(make.user())
    assert client.get("/logout").status_code == 405
    assert client.get("/profile").status_code == 200


def test_an_old_session_cookie_no_longer_works_after_logout(app, client, make, login):
    login(make.user())
    cookie = client.get_cookie("session").value
    assert client.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    response = thief.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_deactivating_a_user_ends_their_session(client, make, login):
    user = make.user()
    login(user)
    assert client.get("/profile").status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/profile").status_code == 302
