"""Fixtures for the learning tests: cohorts that follow a programme, with a schedule."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from academy.cohorts.schedule import create_default_schedule
from academy.extensions import db


@pytest.fixture(autouse=True)
def _real_sessions(fresh_user_per_request):
    """Every request loads its user from the session, as on a real server."""


@pytest.fixture
def programme_cohort(make):
    """`programme_cohort(modules=3, started_days_ago=20)`: a cohort pinned to a new programme
    version, with the default schedule. Modules open every 14 days from the start, so with the
    defaults modules 1 and 2 are open and module 3 opens in 8 days."""

    def _build(
        *, modules: int = 3, assignments_per_module: int = 1, started_days_ago: int = 20, **fields
    ):
        version = make.programme_version(
            modules=modules, assignments_per_module=assignments_per_module
        )
        cohort = make.cohort(
            programme_version_id=version.id,
            starts_on=date.today() - timedelta(days=started_days_ago),
            **fields,
        )
        create_default_schedule(cohort)
        db.session.flush()
        return cohort

    return _build


@pytest.fixture
def request_context(app):
    """A request in English, for tests that read translated messages outside the client."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield
