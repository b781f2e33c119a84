"""Fixtures: one database per test worker (SQLite, or PostgreSQL when
ACADEMY_TEST_DATABASE_URL is set), emptied after every test; a real SMTP server on loopback;
factories; a login helper; a query counter."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy

import psycopg
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient

from academy import create_app
from academy.extensions import db
from tests.factories import PASSWORD, Factory


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker_database_url(tmp_path_factory) -> str:
    """A database of this worker's own: a fresh SQLite file, or a new PostgreSQL database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    base = os.environ.get("ACADEMY_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    url = sa.make_url(base)
    name = f"{url.database}_{worker}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


class EnglishClient(FlaskClient):
    """A test client that asks for English pages unless a test sends its own header."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.environ_base.setdefault("HTTP_ACCEPT_LANGUAGE", "en")


@dataclass
class Mailbox:
    """What the loopback SMTP server received."""

    port: int = 0
    messages: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]

    def body(self, message) -> str:
        return message.get_body(("plain",)).get_content()


@pytest.fixture(scope="session")
def mailbox():
    box = Mailbox(port=free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    controller.stop()


@pytest.fixture(scope="session")
def app(tmp_path_factory, mailbox):
    """The application with an empty schema built from the models."""
    app = create_app(
        {
            "ENV_NAME": "test",
            "SQLALCHEMY_DATABASE_URI": _worker_database_url(tmp_path_factory),
            "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
            "MAIL_PORT": mailbox.port,
        }
    )
    app.test_client_class = EnglishClient
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _context(app, mailbox):
    """Each test in an app context over an empty database and an empty mailbox."""
    mailbox.messages.clear()
    with app.app_context():
        yield
        db.session.rollback()
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make():
    return Factory()


@pytest.fixture
def login(client):
    """`login(user)` signs the test client in as `user` (committing pending factory rows)."""

    def _login(user, password: str = PASSWORD, c=None):
        db.session.commit()
        c = c or client
        response = c.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return c

    return _login


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as counter:` counts the SQL statements run inside the block."""

    @contextlib.contextmanager
    def _count():
        counter = QueryCounter()
        sa.event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counter)

    return _count


@pytest.fixture
def live_server(app):
    """The app served on a loopback port in a thread, for browser tests."""
    from werkzeug.serving import make_server

    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture(autouse=True)
def fresh_user_per_request(app):
    """Load the signed-in user afresh at every request, as a real server does.

    The test's app context outlives single requests and Flask-Login caches the user in `g`;
    without this a session ended by one request could still look alive in the next one.
    """
    from flask import g, request_started

    def forget(sender, **extra):
        # what Flask-Login and Flask-Babel keep in `g` belongs to one request
        g.pop("_login_user", None)
        g.pop("_flask_babel", None)

    request_started.connect(forget, app)
    yield
    request_started.disconnect(forget, app)
