"""Runs every feature's access cases for every role, and checks that every route has a case."""

from __future__ import annotations

import importlib
import pkgutil
import re
from types import SimpleNamespace

import pytest
from werkzeug.exceptions import HTTPException

import tests
from academy.cohorts.models import Role
from academy.core.web import IdConverter
from academy.extensions import db
from tests.access import ROLES, Case


def _access_modules():
    for info in pkgutil.iter_modules(tests.__path__):
        if info.ispkg:
            try:
                yield importlib.import_module(f"tests.{info.name}.access")
            except ModuleNotFoundError:
                continue


MODULES = list(_access_modules())
CASES: list[Case] = [case for module in MODULES for case in getattr(module, "CASES", [])]


def build_world(make) -> SimpleNamespace:
    """Two cohorts with a participant and a trainer each, and a coordinator."""
    cohort = make.cohort(slug="world-cohort")
    other_cohort = make.cohort(slug="other-cohort")
    organisation = make.organisation()
    participant = make.membership(cohort, organisation=organisation).user
    world = SimpleNamespace(
        cohort=cohort,
        cohort_slug=cohort.slug,
        other_cohort=other_cohort,
        organisation=organisation,
        organisation_id=organisation.id,
        participant=participant,
        participant_id=participant.id,
        trainer=make.membership(cohort, role=Role.trainer).user,
        outsider=make.membership(other_cohort).user,
        other_trainer=make.membership(other_cohort, role=Role.trainer).user,
        coordinator=make.coordinator(),
        anonymous=None,
    )
    for module in MODULES:
        if hasattr(module, "setup"):
            module.setup(world, make)
    db.session.commit()
    return world


def _case_id(case: Case) -> str:
    return f"{case.method} {case.url}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_route_answers_each_role_as_expected(case, role, make, client, login):
    world = build_world(make)
    user = getattr(world, role)
    if user is not None:
        login(user)
    url = case.url.format(**vars(world))
    response = client.open(url, method=case.method, data=case.data or {})
    assert response.status_code == case.status_for(role), (
        f"{role} {case.method} {url} answered {response.status_code}"
    )


def _rule_pattern(case: Case) -> str:
    return re.sub(r"\{[^}]+\}", "<x>", case.url.split("?")[0])


def test_every_route_is_in_the_access_matrix(app):
    covered = set()
    adapter = app.url_map.bind("localhost")
    for case in CASES:
        url = re.sub(r"\{[^}]+\}", "1", case.url.split("?")[0])
        try:
            endpoint, _ = adapter.match(url, method=case.method)
        except HTTPException:  # a slug placeholder may need letters
            url = re.sub(r"\{[^}]+\}", "x", case.url.split("?")[0])
            try:
                endpoint, _ = adapter.match(url, method=case.method)
            except HTTPException:
                continue
        covered.add((endpoint, case.method))
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (rule.endpoint, method) not in covered:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "Routes without access cases:\n" + "\n".join(sorted(missing))


# Ids no row can have --------------------------------------------------------------------------

#: zero, negative, just past PostgreSQL's INTEGER, SQLite's INTEGER, and past any 64-bit integer
IMPOSSIBLE_IDS = ("0", "-1", str(2**31), str(2**63), str(10**20))


def _id_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(c, IdConverter) for c in rule._converters.values())
    ]


def test_every_id_in_a_url_uses_the_id_converter(app):
    loose = [
        rule.rule
        for rule in app.url_map.iter_rules()
        for name, converter in rule._converters.items()
        if (name == "id" or name.endswith("_id")) and not isinstance(converter, IdConverter)
    ]
    assert not loose, f"ids without the id converter: {loose}"
    assert _id_rules(app), "no route takes an id"


@pytest.mark.parametrize("value", IMPOSSIBLE_IDS)
def test_ids_no_row_can_have_are_not_found_on_every_route(value, app, make, client, login):
    world = build_world(make)
    login(world.coordinator)  # the role that passes the most checks before the lookup
    answers = {}
    for rule in _id_rules(app):
        url = rule.rule
        for name, converter in rule._converters.items():
            filler = value if isinstance(converter, IdConverter) else world.cohort_slug
            url = re.sub(rf"<[^>]*\b{name}>", filler, url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            answers[f"{method} {url}"] = client.open(url, method=method).status_code
    assert answers and set(answers.values()) == {404}, answers


@pytest.mark.parametrize("value", ("0", "-3", str(10**6), str(2**63), str(10**20)))
@pytest.mark.parametrize("path", ("/people", "/organisations/", "/notifications"))
def test_impossible_page_numbers_are_not_found(path, value, make, client, login):
    login(make.coordinator())
    assert client.get(f"{path}?page={value}").status_code == 404


@pytest.mark.parametrize("path", ("/people", "/organisations/", "/notifications"))
def test_a_page_number_that_is_not_a_number_shows_the_first_page(path, make, client, login):
    login(make.coordinator())
    assert client.get(f"{path}?page=x").status_code == 200
