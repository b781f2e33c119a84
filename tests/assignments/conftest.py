"""Fixtures for the submission tests: a cohort whose assignments are open now."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from academy.assignments import files, services
from academy.cohorts.models import Cohort, ScheduleItem
from academy.cohorts.schedule import create_default_schedule
from academy.core.db import utcnow
from academy.extensions import db
from academy.programmes.models import AssignmentSpec
from tests.browser.conftest import browser, new_page  # noqa: F401 - for test_journey.py

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


# Not autouse: tests/assignments is shared with the grading tests, which set their own scene.
# The submission test modules ask for both with `pytestmark = SUBMISSION_FIXTURES`.


@pytest.fixture
def english():
    """Messages raised outside a request are read in English (the source language)."""
    with force_locale("en"):
        yield


#: every request loads its user from the session, as on a real server; messages in English
SUBMISSION_FIXTURES = pytest.mark.usefixtures("fresh_user_per_request", "english")


@dataclass
class Course:
    """A cohort following a one-module programme: an individual and a team assignment."""

    cohort: Cohort
    individual: AssignmentSpec
    team: AssignmentSpec

    def set_dates(self, spec, *, opens=-1.0, due=7.0, cut_off=14.0) -> ScheduleItem:
        """Dates in days from now (None: no date)."""
        item = db.session.scalar(
            sa.select(ScheduleItem).where(
                ScheduleItem.cohort_id == self.cohort.id,
                ScheduleItem.assignment_spec_id == spec.id,
            )
        )
        now = utcnow()
        item.opens_at = None if opens is None else now + timedelta(days=opens)
        item.due_at = None if due is None else now + timedelta(days=due)
        item.cut_off_at = None if cut_off is None else now + timedelta(days=cut_off)
        db.session.flush()
        return item


@pytest.fixture
def course(make) -> Course:
    version = make.programme_version(modules=1, assignments_per_module=2)
    cohort = make.cohort(programme_version_id=version.id)
    create_default_schedule(cohort)
    individual = services.find_assignment(cohort, "assignment-1-1")
    team = services.find_assignment(cohort, "assignment-1-2")
    result = Course(cohort, individual, team)
    result.set_dates(individual)
    result.set_dates(team)
    return result


def upload(name: str = "raportti.pdf", content: bytes = PDF) -> files.Upload:
    return files.Upload(io.BytesIO(content), name)


def at(days: float) -> datetime:
    return utcnow() + timedelta(days=days)
