"""`academy users …` commands."""

from __future__ import annotations

import sqlalchemy as sa

from academy.accounts.models import User
from academy.extensions import db

COORDINATOR_PASSWORD = "pitkä koordinaattorin salasana"


def _create(app, *args, password=COORDINATOR_PASSWORD):
    runner = app.test_cli_runner()
    return runner.invoke(
        args=["users", "create-coordinator", *args], input=f"{password}\n{password}\n"
    )


def test_create_coordinator_makes_an_active_coordinator(app, client):
    result = _create(app, "Kaisa@Example.org", "Kaisa Koordinaattori")
    assert result.exit_code == 0, result.output
    assert "Created coordinator kaisa@example.org." in result.output
    user = db.session.scalar(sa.select(User).where(User.email == "kaisa@example.org"))
    assert user.is_coordinator and user.is_active
    login = client.post(
        "/login", data={"email": "kaisa@example.org", "password": "pitkä koordinaattorin salasana"}
    )
    assert login.status_code == 302


def test_create_coordinator_refuses_a_duplicate_address(app, make):
    make.user(email="kaisa@example.org")
    db.session.commit()
    result = _create(app, "KAISA@example.org", "Kaisa")
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_create_coordinator_refuses_a_short_password(app):
    result = _create(app, "kaisa@example.org", "Kaisa", password="short")
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_create_coordinator_refuses_a_bad_address(app):
    result = _create(app, "not-an-address", "Kaisa")
    assert result.exit_code != 0
    assert "valid e-mail address" in result.output
