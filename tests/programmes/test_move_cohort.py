"""Moving a cohort to another version of its programme."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from academy.cohorts.models import ScheduleItem
from academy.core.errors import DomainError
from academy.extensions import db
from academy.learning.models import ModuleCompletion
from academy.programmes import services
from academy.programmes.models import AssignmentSpec, Module
from academy.programmes.services import move_cohort

OPENS = datetime(2026, 9, 1, 6, tzinfo=UTC)


def schedule(cohort, version) -> None:
    """A schedule item for every module and assignment of the version."""
    for module in version.modules:
        db.session.add(ScheduleItem(cohort_id=cohort.id, module_id=module.id, opens_at=OPENS))
        for assignment in module.assignments:
            db.session.add(
                ScheduleItem(cohort_id=cohort.id, assignment_spec_id=assignment.id, due_at=OPENS)
            )
    db.session.flush()


def scheduled_slugs(cohort) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(module slug, version id) and (assignment slug, version id) of the cohort's items."""
    modules = db.session.execute(
        sa.select(Module.slug, Module.version_id)
        .join(ScheduleItem, ScheduleItem.module_id == Module.id)
        .where(ScheduleItem.cohort_id == cohort.id)
        .order_by(Module.slug)
    ).all()
    assignments = db.session.execute(
        sa.select(AssignmentSpec.slug, Module.version_id)
        .join(Module, AssignmentSpec.module_id == Module.id)
        .join(ScheduleItem, ScheduleItem.assignment_spec_id == AssignmentSpec.id)
        .where(ScheduleItem.cohort_id == cohort.id)
        .order_by(AssignmentSpec.slug)
    ).all()
    return [tuple(row) for row in modules], [tuple(row) for row in assignments]


@pytest.fixture
def versions(make):
    """Version 1 with three modules, version 2 of the same programme with only two."""
    v1 = make.programme_version(modules=3)
    v2 = make.programme_version(programme=v1.programme, number=2, modules=2)
    return v1, v2


def test_moving_a_cohort_carries_its_schedule_and_progress_by_slug(make, versions):
    v1, v2 = versions
    coordinator = make.coordinator()
    cohort = make.cohort(programme_version_id=v1.id)
    membership = make.membership(cohort)
    schedule(cohort, v1)
    db.session.add(ModuleCompletion(membership_id=membership.id, module_id=v1.modules[0].id))
    db.session.flush()

    result = move_cohort(coordinator, cohort, v2)

    assert cohort.programme_version_id == v2.id
    assert result.dropped_modules == ["module-3"]
    assert result.dropped_assignments == ["assignment-3-1"]
    assert result.added_modules == result.added_assignments == []
    modules, assignments = scheduled_slugs(cohort)
    assert modules == [("module-1", v2.id), ("module-2", v2.id)]
    assert assignments == [("assignment-1-1", v2.id), ("assignment-2-1", v2.id)]
    completion = db.session.scalars(sa.select(ModuleCompletion)).one()
    assert completion.module_id == v2.modules[0].id


def test_moving_to_a_larger_version_lists_what_is_new(make, versions):
    v1, _ = versions
    v3 = make.programme_version(programme=v1.programme, number=3, modules=4)
    cohort = make.cohort(programme_version_id=v1.id)
    schedule(cohort, v1)

    result = move_cohort(make.coordinator(), cohort, v3)

    assert result.added_modules == ["module-4"]
    assert result.added_assignments == ["assignment-4-1"]
    assert result.dropped_modules == []
    modules, _ = scheduled_slugs(cohort)
    assert modules == [(f"module-{n}", v3.id) for n in (1, 2, 3)]


def message(error: DomainError) -> str:
    """The error's message as a user would read it (lazy strings need a request's locale)."""
    from flask import current_app

    with current_app.test_request_context():
        return str(error.message)


def test_a_module_participants_completed_cannot_be_dropped(make, versions):
    v1, v2 = versions
    cohort = make.cohort(programme_version_id=v1.id)
    membership = make.membership(cohort)
    schedule(cohort, v1)
    db.session.add(ModuleCompletion(membership_id=membership.id, module_id=v1.modules[2].id))
    db.session.flush()

    with pytest.raises(DomainError) as raised:
        move_cohort(make.coordinator(), cohort, v2)

    assert "module-3" in message(raised.value)
    assert cohort.programme_version_id == v1.id
    modules, _ = scheduled_slugs(cohort)
    assert [version for _, version in modules] == [v1.id] * 3


def test_completions_in_other_cohorts_do_not_block_the_move(make, versions):
    v1, v2 = versions
    cohort = make.cohort(programme_version_id=v1.id)
    other = make.cohort(programme_version_id=v1.id)
    db.session.add(
        ModuleCompletion(membership_id=make.membership(other).id, module_id=v1.modules[2].id)
    )
    db.session.flush()

    move_cohort(make.coordinator(), cohort, v2)

    assert cohort.programme_version_id == v2.id
    assert db.session.scalars(sa.select(ModuleCompletion)).one().module_id == v1.modules[2].id


def test_an_assignment_with_participants_work_cannot_be_dropped(make, versions, monkeypatch):
    v1, v2 = versions
    cohort = make.cohort(programme_version_id=v1.id)
    monkeypatch.setattr(services, "_used_assignment_slugs", lambda cohort: {"assignment-3-1"})

    with pytest.raises(DomainError) as raised:
        move_cohort(make.coordinator(), cohort, v2)

    assert "assignment-3-1" in message(raised.value)
    assert cohort.programme_version_id == v1.id


def test_no_assignment_counts_as_used_before_submissions_exist(make):
    assert services._used_assignment_slugs(make.cohort()) == set()


def test_only_a_coordinator_moves_a_cohort(make, versions):
    v1, v2 = versions
    cohort = make.cohort(programme_version_id=v1.id)
    trainer = make.trainer(cohort)

    with pytest.raises(DomainError):
        move_cohort(trainer, cohort, v2)

    assert cohort.programme_version_id == v1.id


def test_a_cohort_cannot_move_to_another_programme(make, versions):
    v1, _ = versions
    cohort = make.cohort(programme_version_id=v1.id)

    with pytest.raises(DomainError) as raised:
        move_cohort(make.coordinator(), cohort, make.programme_version())

    assert raised.value.field == "programme_version"
    assert cohort.programme_version_id == v1.id


def test_moving_to_the_current_version_changes_nothing(make, versions):
    v1, _ = versions
    cohort = make.cohort(programme_version_id=v1.id)
    schedule(cohort, v1)

    result = move_cohort(make.coordinator(), cohort, v1)

    assert result == services.MoveResult()
    assert scheduled_slugs(cohort)[0] == [(f"module-{n}", v1.id) for n in (1, 2, 3)]


def test_a_cohort_without_a_version_gets_one(make, versions):
    v1, _ = versions
    cohort = make.cohort()

    result = move_cohort(make.coordinator(), cohort, v1)

    assert cohort.programme_version_id == v1.id
    assert result.added_modules == ["module-1", "module-2", "module-3"]
