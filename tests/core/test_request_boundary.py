"""The request boundary: a view that returns is committed, any exception rolls back, and a
service's DomainError becomes what the user sees without saving the service's half-work."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Blueprint, abort, get_flashed_messages

from academy import create_app
from academy.core.errors import DomainError, domain_errors
from academy.extensions import db
from academy.organisations.models import Organisation, OrganisationKind
from academy.organisations.services import invented_business_id

probe = Blueprint("probe", __name__, url_prefix="/probe")


def _add(name: str) -> None:
    db.session.add(
        Organisation(
            name=name,
            business_id=invented_business_id(4_100_000 + len(name)),
            kind=OrganisationKind.municipality,
        )
    )
    db.session.flush()


def _refuse() -> None:
    raise DomainError("Refused by the rules.")


@probe.post("/returns")
def returns():
    _add("Returns")
    return "ok"


@probe.post("/raises")
def raises():
    _add("Raises")
    raise RuntimeError("boom")


@probe.post("/aborts")
def aborts():
    _add("Aborts")
    abort(404)


@probe.post("/refused")
def refused():
    with domain_errors():
        _add("Refused")
        _refuse()
        return "not reached"
    return " | ".join(get_flashed_messages())


@probe.post("/refused-but-kept")
def refused_but_kept():
    with domain_errors(rollback=False):
        _add("Kept")
        _refuse()
    return "kept"


@pytest.fixture
def probe_client(app):
    """A second application on the same database, with the probe routes."""
    other = create_app(
        {
            "ENV_NAME": "test",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "INSTANCE_PATH": app.instance_path,
            "PROPAGATE_EXCEPTIONS": False,
        }
    )
    other.register_blueprint(probe)
    with other.app_context():
        yield other.test_client()
        db.session.remove()
        db.engine.dispose()


def _names(app) -> set[str]:
    with db.engine.connect() as conn:
        return set(conn.scalars(sa.select(Organisation.name)))


def test_a_view_that_returns_is_committed(app, probe_client):
    assert probe_client.post("/probe/returns").status_code == 200
    assert "Returns" in _names(app)


def test_a_view_that_raises_saves_nothing(app, probe_client):
    assert probe_client.post("/probe/raises").status_code == 500
    assert "Raises" not in _names(app)


def test_a_view_that_aborts_saves_nothing(app, probe_client):
    assert probe_client.post("/probe/aborts").status_code == 404
    assert "Aborts" not in _names(app)


def test_a_domain_error_is_shown_and_the_services_work_rolled_back(app, probe_client):
    response = probe_client.post("/probe/refused")
    assert response.get_data(as_text=True) == "Refused by the rules."
    assert "Refused" not in _names(app)


def test_a_domain_error_can_keep_what_was_written_before_the_refusal(app, probe_client):
    assert probe_client.post("/probe/refused-but-kept").get_data(as_text=True) == "kept"
    assert "Kept" in _names(app)
