"""Security promises every page keeps: headers, cookies, CSRF, no state change by GET, and no
open redirect after login."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from academy import create_app
from academy.accounts.models import User
from academy.extensions import db
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("fresh_user_per_request")

CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    field = CSRF_INPUT.search(html)
    assert field, "no csrf_token field on the page"
    return VALUE.search(field.group(0)).group(1)


@pytest.fixture
def csrf_on(app):
    """CSRF checked as in production, for this test only."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        if name:
            directives[name.lower()] = values
    return directives


def assert_security_headers(response, where: str) -> None:
    csp = csp_directives(response)
    assert csp, f"{where}: no Content-Security-Policy"
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts, f"{where}: CSP says nothing about scripts"
    assert "'unsafe-inline'" not in scripts, f"{where}: inline scripts allowed: {scripts}"
    assert "'unsafe-eval'" not in scripts, f"{where}: eval allowed: {scripts}"
    assert csp.get("frame-ancestors") == ["'none'"], f"{where}: may be framed"
    assert csp.get("object-src") == ["'none'"], f"{where}: plugins allowed"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") in (
        "same-origin",
        "no-referrer",
        "strict-origin",
        "strict-origin-when-cross-origin",
    ), where


def _parameterless_get_routes(app) -> list[str]:
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments
    )


@pytest.mark.parametrize("role", ["anonymous", "participant", "coordinator"])
def test_every_page_carries_the_security_headers(role, app, client, make, login):
    if role != "anonymous":
        login(make.coordinator() if role == "coordinator" else make.user())
    responses = {path: client.get(path) for path in _parameterless_get_routes(app)}
    responses["/static/css/app.css"] = client.get("/static/css/app.css")
    responses["/no-such-page"] = client.get("/no-such-page")
    responses["GET /logout"] = client.get("/logout")
    for where, response in responses.items():
        response.close()  # static files are streamed from an open file
        assert_security_headers(response, f"{role} {where} ({response.status_code})")


def test_pages_behind_a_login_are_not_stored_by_caches(make, login, client):
    login(make.user())
    for path in ("/", "/profile"):
        response = client.get(path)
        assert response.status_code == 200
        assert "no-store" in response.headers.get("Cache-Control", ""), path


def _session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, response.headers
    return cookies[-1]


def test_session_cookie_is_http_only_and_same_site_lax(make, client):
    user = make.user()
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    attributes = [part.strip().lower() for part in _session_cookie(response).split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "secure" not in attributes  # the test server speaks plain HTTP


@pytest.fixture
def production_app(tmp_path, monkeypatch):
    """The app with production settings (on a SQLite file: the check only wants a URL)."""
    for key in [k for k in os.environ if k.startswith("ACADEMY_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("ACADEMY_SECRET_KEY", "a-long-random-value-for-this-test-only-0123456789")
    monkeypatch.setenv("ACADEMY_DATABASE_URL", f"sqlite:///{tmp_path / 'production.sqlite3'}")
    monkeypatch.setenv("ACADEMY_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app("production")
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_production_session_cookie_is_secure_and_pages_ask_for_https(production_app):
    with production_app.app_context():
        user = User(email="secure@example.org", name="Sanna Secure", locale="fi")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        client = production_app.test_client()
        page = client.get("/login", base_url="https://localhost")
        response = client.post(
            "/login",
            base_url="https://localhost",
            headers={"Referer": "https://localhost/login"},  # checked over HTTPS
            data={
                "email": "secure@example.org",
                "password": PASSWORD,
                "csrf_token": csrf_token(page.get_data(as_text=True)),
            },
        )
        db.session.remove()
    assert response.status_code == 302, response.get_data(as_text=True)
    attributes = [part.strip().lower() for part in _session_cookie(response).split(";")]
    assert {"secure", "httponly", "samesite=lax"} <= set(attributes)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert production_app.config["REMEMBER_COOKIE_SECURE"] is True


# CSRF ---------------------------------------------------------------------------------------


def test_login_without_csrf_token_is_refused(csrf_on, make, client):
    user = make.user()
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302  # still signed out


def test_login_with_csrf_token_works(csrf_on, make, client):
    user = make.user()
    db.session.commit()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_forms_of_a_signed_in_user_need_the_token(csrf_on, make, client):
    user = make.user(locale="en")
    db.session.commit()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})

    assert client.post("/logout").status_code == 400
    assert client.post("/language", data={"locale": "sv"}).status_code == 400
    assert client.get("/").status_code == 200  # not logged out
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"  # language not changed


def test_token_of_another_session_is_refused(csrf_on, make, app, client):
    user = make.user()
    db.session.commit()
    other_token = csrf_token(app.test_client().get("/login").get_data(as_text=True))
    client.get("/login")
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": other_token}
    )
    assert response.status_code == 400


# No change of state by GET -----------------------------------------------------------------


def test_logout_by_get_is_not_allowed_and_changes_nothing(make, login, client):
    user = make.user()
    login(user)
    version = user.session_version

    assert client.get("/logout").status_code == 405

    assert client.get("/").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, user.id).session_version == version


def _database_snapshot() -> dict[str, list]:
    snapshot = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            rows = conn.execute(sa.select(table)).all()
            snapshot[table.name] = sorted(map(repr, rows))
    return snapshot


@pytest.mark.parametrize("role", ["participant", "trainer", "coordinator"])
def test_no_get_request_changes_the_database(role, make, login, client):
    """Every GET of the access matrix, then the database is as it was."""
    from tests.test_access import CASES, build_world

    world = build_world(make)
    login(getattr(world, role))
    urls = sorted({case.url.format(**vars(world)) for case in CASES if case.method == "GET"})
    db.session.commit()
    before = _database_snapshot()

    for url in urls:
        client.get(url).close()

    db.session.rollback()
    after = _database_snapshot()
    changed = {
        table: {
            "before": sorted(set(before[table]) - set(after[table])),
            "after": sorted(set(after[table]) - set(before[table])),
        }
        for table in before
        if before[table] != after[table]
    }
    assert not changed, f"GET requests changed the database: {changed}"


# Open redirects ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "https:evil.example",
        "/\t/evil.example",
        " //evil.example",
        "",
    ],
)
def test_login_ignores_a_next_address_outside_the_site(target, make, client):
    user = make.user()
    db.session.commit()
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": user.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.netloc in ("", "localhost"), response.headers["Location"]
    assert location.path == "/", response.headers["Location"]


def test_login_honours_a_next_path_of_the_site(make, client):
    user = make.user()
    db.session.commit()
    response = client.post(
        "/login",
        query_string={"next": "/profile"},
        data={"email": user.email, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] in ("/profile", "http://localhost/profile")


@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example", "/\\evil.example"])
def test_language_switch_does_not_redirect_outside_the_site(target, client):
    response = client.post("/language", data={"locale": "sv", "next": target})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.netloc in ("", "localhost"), response.headers["Location"]


def test_users_table_has_no_plain_passwords(make):
    """Passwords are stored hashed with the configured method."""
    make.user()
    stored = db.session.scalar(sa.select(User.password_hash))
    assert PASSWORD not in stored
    assert stored.startswith("pbkdf2:sha256")
