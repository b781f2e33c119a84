"""Random form data at every POST endpoint, as each kind of user: the answer is never a 5xx.

The routes come from the app's URL map; their URLs and a valid payload from the access matrix
(tests/<feature>/access.py), filled in from its world. Each example keeps, changes or leaves
out every field of that payload (and of the form on the same URL's page), and adds junk fields.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from academy import create_app
from academy.accounts.models import User
from academy.extensions import db
from tests.test_access import CASES, build_world

ROLES = ("anonymous", "participant", "trainer", "coordinator")
#: requests for the whole fuzz run, spread over routes × roles (ACADEMY_FUZZ_REQUESTS to change)
BUDGET = int(os.environ.get("ACADEMY_FUZZ_REQUESTS", "1000"))

#: URL arguments that no access case names: where to find them in the world
ARGUMENT_FALLBACKS = {
    "slug": "cohort_slug",
    "person_id": "participant_id",
    "user_id": "participant_id",
}


def _routes() -> list[tuple[str, str, dict, tuple[str, ...]]]:
    """(endpoint, URL template, valid data, roles) for every POST endpoint of the app.

    The roles are those the access matrix lets in (a role answered 404 is stopped before any
    form is read); all of them for a route the matrix does not know yet.
    """
    with tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://", "INSTANCE_PATH": instance}
        )
    adapter = app.url_map.bind("localhost")
    from_cases = {}
    for case in CASES:
        if case.method != "POST":
            continue
        for filler in ("1", "x"):
            try:
                endpoint, _ = adapter.match(
                    re.sub(r"\{[^}]+\}", filler, case.url.split("?")[0]), method="POST"
                )
            except Exception:  # noqa: S112 - an int placeholder needs digits, a slug letters
                continue
            # those answered 200 (a form shown again) first: they surely reach the form
            roles = tuple(
                sorted(
                    (role for role in ROLES if case.status_for(role) != 404),
                    key=lambda role: (case.status_for(role) != 200, -ROLES.index(role)),
                )
            )
            # the case letting most roles in: not one about a missing object
            if len(roles) > len(from_cases.get(endpoint, ((), (), ()))[2]):
                from_cases[endpoint] = (case.url, case.data or {}, roles)
            break
    routes = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "POST" not in rule.methods:
            continue
        template, data, roles = from_cases.get(rule.endpoint, (None, {}, ROLES))
        if template is None:
            template = re.sub(
                r"<(?:[^:<>]+:)?([^<>]+)>",
                lambda m: "{" + ARGUMENT_FALLBACKS.get(m.group(1), m.group(1)) + "}",
                rule.rule,
            )
        routes.append((rule.endpoint, template, data, roles))
    return routes


ROUTES = _routes()
COMBINATIONS = sum(len(roles) for *_, roles in ROUTES)
EXAMPLES = max(5, min(50, BUDGET // max(1, COMBINATIONS)))


# What a form may receive --------------------------------------------------------------------

SPECIAL = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\x00abc",
        "0",
        "-1",
        "1",
        "99999999999999999999999",
        "1e309",
        "NaN",
        "y",
        "on",
        "true",
        "false",
        "fi",
        "sv",
        "en",
        "participant",
        "trainer",
        "coordinator",
        "draft",
        "active",
        "closed",
        "archived",
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "../../etc/passwd",
        "%s%n%(x)s{0}",
        "\u202ereversed",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂",
        "2026-02-30",
        "31.12.2026",
        "0000-00-00",
        "9999-12-31",
        "2026-09-01T10:00",
        "1234567-8",
        "a@b",
        "ä@example.org",
        "x" * 255,
    ]
)
TEXT = st.text(max_size=80)
LONG_TEXT = st.builds(
    lambda piece, length: (piece * length)[:length],
    st.text(min_size=1, max_size=8),
    st.integers(min_value=300, max_value=120_000),
)
NUMBERS = st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True)).map(str)
DATES = st.one_of(
    st.dates().map(date.isoformat),
    st.datetimes().map(datetime.isoformat),
    st.dates().map(lambda d: d.strftime("%d.%m.%Y")),
)
SLUGS = st.from_regex(r"[a-z0-9][a-z0-9-]{0,80}", fullmatch=True)
EMAILS = st.emails()
FILES = st.builds(
    lambda content, name: (io.BytesIO(content), name),
    st.binary(max_size=4096),
    st.sampled_from(["notes.pdf", "people.csv", "../../evil.txt", "ä ö.docx", "", "x.exe"]),
)
SCALAR = st.one_of(SPECIAL, TEXT, LONG_TEXT, NUMBERS, DATES, SLUGS, EMAILS)
VALUE = st.one_of(SCALAR, st.lists(SCALAR, min_size=2, max_size=4))
#: files go only into fields of their own here; a file in place of a text field has a test below
JUNK_VALUE = st.one_of(VALUE, FILES)
JUNK_NAMES = st.one_of(
    st.sampled_from(["id", "user_id", "is_coordinator", "status", "role", "next", "csrf_token"]),
    st.text(min_size=1, max_size=20),
)


def payload(data, fields: dict[str, list[str]]) -> dict:
    """A draw: each known field valid (0, where shrinking goes), random, a known option, or
    left out; then a few junk fields."""
    form = {}
    for name, options in sorted(fields.items()):
        choice = data.draw(st.integers(min_value=0, max_value=5), label=f"choice {name}")
        if choice <= 1 and options:
            form[name] = options[0]
        elif choice == 2 and options:
            form[name] = data.draw(st.sampled_from(options), label=name)
        elif choice == 3:
            continue
        else:
            form[name] = data.draw(VALUE, label=name)
    extra = data.draw(st.dictionaries(JUNK_NAMES, JUNK_VALUE, max_size=3), label="extra fields")
    return {**extra, **form}


class FormFields(HTMLParser):
    """Names and offered values of the fields of the forms posting to one path."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path
        self.inside = False
        self.select = None
        self.fields: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            action = (attrs.get("action") or self.path).split("?")[0]
            self.inside = (attrs.get("method") or "get").lower() == "post" and (action == self.path)
        elif not self.inside:
            return
        elif tag in ("input", "textarea", "select") and attrs.get("name"):
            name = attrs["name"]
            if name == "csrf_token" or attrs.get("type") in ("submit", "button"):
                return
            values = self.fields.setdefault(name, [])
            if attrs.get("value") is not None:
                values.append(attrs["value"])
            self.select = name if tag == "select" else None
        elif tag == "option" and self.select and attrs.get("value") is not None:
            self.fields[self.select].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None


def known_fields(client, url: str, data: dict) -> dict[str, list[str]]:
    """The valid payload's fields first, then whatever the page at `url` offers."""
    fields = {name: [str(value)] for name, value in data.items()}
    response = client.get(url)
    if response.status_code == 200 and response.mimetype == "text/html":
        parser = FormFields(url.split("?")[0])
        parser.feed(response.get_data(as_text=True))
        for name, values in parser.fields.items():
            fields.setdefault(name, []).extend(values)
    response.close()
    return fields


def sign_in(client, user_id: int | None) -> None:
    """Put the user's current session identity into the client's cookie (or none)."""
    db.session.rollback()  # whatever a failed example left behind
    identity = db.session.get(User, user_id).get_id() if user_id else None
    with client.session_transaction() as session:
        session.clear()
        if identity:
            session["_user_id"] = identity
            session["_fresh"] = True


def _combinations():
    for endpoint, template, data, roles in ROUTES:
        for role in roles:
            yield pytest.param(template, data, role, id=f"{role}-POST {template} ({endpoint})")


@pytest.mark.usefixtures("fresh_user_per_request")
@pytest.mark.parametrize(("template", "data", "role"), list(_combinations()))
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    print_blob=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],  # no slow "explain"
)
@given(draw=st.data())
def test_random_form_data_never_causes_a_server_error(template, data, role, draw, make, client):
    # Hypothesis runs the body many times within one test function, and the database is only
    # emptied after the test function: the world is built once, by the first example.
    world = _world_once(make)
    user = getattr(world, role)
    url = template.format(**vars(world))
    sign_in(client, user.id if user else None)
    fields = _fields_once(world, client, url, data)

    form = payload(draw, fields)
    response = client.post(url, data=form)
    response.close()

    assert response.status_code < 500, f"{role} POST {url} {form!r}: {response.status_code}"


_cache: dict = {}


def _world_once(make):
    """The world of the current test function (built at its first example)."""
    key = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0]
    if _cache.get("key") != key:
        _cache.clear()
        _cache["key"] = key
        _cache["world"] = build_world(make)
    return _cache["world"]


def _fields_once(world, client, url, data):
    if "fields" not in _cache:
        _cache["fields"] = known_fields(client, url, data)
    return _cache["fields"]


#: values that random drawing rarely puts into an otherwise valid form, by name
HOSTILE = {
    "a file": lambda: (io.BytesIO(b"%PDF-1.4"), "notes.pdf"),  # any multipart field may be one
    "a NUL byte": lambda: "abc\x00def",  # PostgreSQL refuses NUL in text
    "100 000 characters": lambda: "é" * 100_000,
}


def _one_role_each():
    """Per route, the role most likely to reach its form: hostile values are about the form."""
    for endpoint, template, data, roles in ROUTES:
        if roles:
            yield pytest.param(
                template, data, roles[0], id=f"{roles[0]}-POST {template} ({endpoint})"
            )


@pytest.mark.usefixtures("fresh_user_per_request")
@pytest.mark.parametrize(("template", "data", "role"), list(_one_role_each()))
def test_a_hostile_value_in_any_field_is_not_a_server_error(template, data, role, make, client):
    """The valid payload with one field replaced by a file, a NUL byte, a huge text…"""
    world = build_world(make)
    user = getattr(world, role)
    url = template.format(**vars(world))
    sign_in(client, user.id if user else None)
    failures = []
    for name in known_fields(client, url, data):
        for label, value in HOSTILE.items():
            sign_in(client, user.id if user else None)
            try:
                response = client.post(url, data={**data, name: value()})
                response.close()
                status = response.status_code
            except Exception as error:  # reported below, with the field
                status = f"{type(error).__name__}: {str(error)[:200]}"
            if not isinstance(status, int) or status >= 500:
                failures.append(f"{name} = {label}: {status}")
    assert not failures, f"{role} POST {url}, valid data but:\n" + "\n".join(failures)


def test_every_post_route_is_fuzzed(app):
    fuzzed = {template for _endpoint, template, _data, roles in ROUTES if roles}
    posts = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods]
    assert len(fuzzed) == len(posts) > 0
