"""The schedule: programme defaults, the coordinator's editor and the read-only timeline."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from academy.cohorts.models import ScheduleItem
from academy.cohorts.schedule import (
    AssignmentDates,
    ScheduleInvalid,
    create_default_schedule,
    helsinki_local,
    helsinki_moment,
    load_timeline,
    update_schedule,
)
from academy.core.errors import DomainError
from academy.extensions import db
from tests.learning.support import schedule_form_data


def _items(cohort) -> list[ScheduleItem]:
    return list(
        db.session.scalars(sa.select(ScheduleItem).where(ScheduleItem.cohort_id == cohort.id))
    )


def test_default_schedule_opens_modules_at_nine_and_sets_deadlines_at_sixteen_helsinki(make):
    version = make.programme_version(modules=2, assignments_per_module=1)
    cohort = make.cohort(programme_version_id=version.id, starts_on=date(2026, 9, 1))

    created = create_default_schedule(cohort)

    assert len(created) == 4
    timeline = load_timeline(cohort)
    first, second = timeline.modules
    # 1 September is summer time in Helsinki (UTC+3): 09:00 there is 06:00 UTC.
    assert first.opens_at == datetime(2026, 9, 1, 6, 0, tzinfo=UTC)
    assert second.opens_at == datetime(2026, 9, 15, 6, 0, tzinfo=UTC)
    assignment = second.assignments[0]
    assert assignment.item.opens_at == second.opens_at
    assert assignment.due_at == datetime(2026, 9, 29, 13, 0, tzinfo=UTC)  # +14 days, 16:00
    assert assignment.cut_off_at == datetime(2026, 10, 6, 13, 0, tzinfo=UTC)  # +21 days
    assert assignment.review_due_at is None  # no peer review in the defaults


def test_default_schedule_follows_winter_time():
    assert helsinki_moment(date(2026, 12, 1), time(16)) == datetime(2026, 12, 1, 14, tzinfo=UTC)


def test_default_schedule_is_idempotent_and_keeps_edited_dates(make):
    version = make.programme_version(modules=3)
    cohort = make.cohort(programme_version_id=version.id)
    create_default_schedule(cohort)
    timeline = load_timeline(cohort)
    moved = datetime(2026, 10, 1, 7, 0, tzinfo=UTC)
    timeline.modules[0].item.opens_at = moved
    db.session.flush()

    assert create_default_schedule(cohort) == []

    assert len(_items(cohort)) == 6
    assert load_timeline(cohort).modules[0].opens_at == moved


def test_default_schedule_fills_only_what_is_missing(make):
    version = make.programme_version(modules=2)
    cohort = make.cohort(programme_version_id=version.id)
    create_default_schedule(cohort)
    timeline = load_timeline(cohort)
    db.session.delete(timeline.modules[1].assignments[0].item)
    db.session.flush()

    created = create_default_schedule(cohort)

    assert [item.assignment_spec_id for item in created] == [
        timeline.modules[1].assignments[0].spec.id
    ]


def test_default_schedule_needs_a_programme_version(make):
    cohort = make.cohort()
    with pytest.raises(DomainError):
        create_default_schedule(cohort)
    assert load_timeline(cohort) is None


def test_update_refuses_cut_off_before_due_and_changes_nothing(make):
    version = make.programme_version(modules=1)
    cohort = make.cohort(programme_version_id=version.id)
    create_default_schedule(cohort)
    coordinator = make.coordinator()
    entry = load_timeline(cohort).modules[0]
    spec = entry.assignments[0].spec
    before = {(i.id, i.opens_at, i.due_at, i.cut_off_at) for i in _items(cohort)}
    new_opening = datetime(2026, 9, 2, 6, 0, tzinfo=UTC)

    with pytest.raises(ScheduleInvalid) as raised:
        update_schedule(
            coordinator,
            cohort,
            {entry.module.id: new_opening},
            {
                spec.id: AssignmentDates(
                    due_at=datetime(2026, 9, 20, 13, 0, tzinfo=UTC),
                    review_due_at=datetime(2026, 9, 19, 13, 0, tzinfo=UTC),
                    cut_off_at=datetime(2026, 9, 19, 13, 0, tzinfo=UTC),
                )
            },
        )

    fields = {error.field for error in raised.value.errors}
    assert fields == {
        f"assignment_{spec.id}_cut_off_at",
        f"assignment_{spec.id}_review_due_at",
    }
    db.session.expire_all()
    assert {(i.id, i.opens_at, i.due_at, i.cut_off_at) for i in _items(cohort)} == before


def test_update_refuses_a_due_date_before_the_module_opens(make):
    version = make.programme_version(modules=1)
    cohort = make.cohort(programme_version_id=version.id)
    entry = load_timeline(cohort).modules[0]
    with pytest.raises(ScheduleInvalid) as raised:
        update_schedule(
            make.coordinator(),
            cohort,
            {entry.module.id: datetime(2026, 9, 10, 6, 0, tzinfo=UTC)},
            {
                entry.assignments[0].spec.id: AssignmentDates(
                    due_at=datetime(2026, 9, 9, tzinfo=UTC)
                )
            },
        )
    assert [e.field for e in raised.value.errors] == [
        f"assignment_{entry.assignments[0].spec.id}_due_at"
    ]


def test_update_creates_missing_items_and_assignments_open_with_their_module(make):
    version = make.programme_version(modules=1)
    cohort = make.cohort(programme_version_id=version.id)
    entry = load_timeline(cohort).modules[0]
    opening = datetime(2026, 9, 10, 6, 0, tzinfo=UTC)
    due = datetime(2026, 9, 24, 13, 0, tzinfo=UTC)

    update_schedule(
        make.coordinator(),
        cohort,
        {entry.module.id: opening},
        {entry.assignments[0].spec.id: AssignmentDates(due_at=due)},
    )

    timeline = load_timeline(cohort)
    assert timeline.modules[0].opens_at == opening
    assert timeline.modules[0].assignments[0].item.opens_at == opening
    assert timeline.modules[0].assignments[0].due_at == due
    assert timeline.is_complete


# Through the pages --------------------------------------------------------------------------


def test_coordinator_sees_an_editable_schedule(make, login, client, programme_cohort):
    cohort = programme_cohort(modules=2)
    login(make.coordinator())
    page = client.get(f"/cohorts/{cohort.slug}/schedule").get_data(as_text=True)
    assert "<h1>Schedule</h1>" in page
    assert 'type="date"' in page and 'type="time"' in page
    assert "Create from programme defaults" in page
    assert "Module 1 (en)" in page and "Assignment 2.1 (en)" in page


def test_coordinator_moves_a_deadline(make, login, client, programme_cohort):
    cohort = programme_cohort(modules=1)
    spec_id = load_timeline(cohort).modules[0].assignments[0].spec.id
    login(make.coordinator())
    due = load_timeline(cohort).modules[0].assignments[0].due_at
    new_day = helsinki_local(due).date() + timedelta(days=2)
    data = schedule_form_data(
        cohort,
        **{
            f"assignment_{spec_id}_due_at_date": new_day.isoformat(),
            f"assignment_{spec_id}_due_at_time": "12:30",
        },
    )

    response = client.post(f"/cohorts/{cohort.slug}/schedule", data=data)

    assert response.status_code == 302
    db.session.expire_all()
    assert load_timeline(cohort).modules[0].assignments[0].due_at == helsinki_moment(
        new_day, time(12, 30)
    )


def test_bad_date_shows_an_error_beside_the_field_and_saves_nothing(
    make, login, client, programme_cohort
):
    cohort = programme_cohort(modules=2)
    spec_id = load_timeline(cohort).modules[0].assignments[0].spec.id
    module_id = load_timeline(cohort).modules[1].module.id
    before = {(i.id, i.opens_at, i.due_at, i.cut_off_at) for i in _items(cohort)}
    login(make.coordinator())
    data = schedule_form_data(
        cohort,
        **{
            f"module_{module_id}_opens_at_date": "2030-01-01",  # valid, but must not be saved
            f"assignment_{spec_id}_cut_off_at_date": "2000-01-01",  # before the due date
        },
    )

    response = client.post(f"/cohorts/{cohort.slug}/schedule", data=data)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error_id = f"assignment_{spec_id}_cut_off_at_date-error"
    assert (
        f'<p class="error-message" id="{error_id}">The cut-off cannot be before the due date.'
        in page
    )
    assert f'aria-describedby="{error_id}"' in page
    assert 'value="2000-01-01"' in page  # what was typed stays in the form
    db.session.expire_all()
    assert {(i.id, i.opens_at, i.due_at, i.cut_off_at) for i in _items(cohort)} == before


def test_malformed_date_is_refused_beside_its_field(make, login, client, programme_cohort):
    cohort = programme_cohort(modules=1)
    module_id = load_timeline(cohort).modules[0].module.id
    login(make.coordinator())
    data = schedule_form_data(cohort, **{f"module_{module_id}_opens_at_date": "31.2.2026"})
    response = client.post(f"/cohorts/{cohort.slug}/schedule", data=data)
    assert response.status_code == 422
    assert f'id="module_{module_id}_opens_at_date-error"' in response.get_data(as_text=True)


def test_coordinator_creates_the_schedule_from_defaults(make, login, client):
    version = make.programme_version(modules=2)
    cohort = make.cohort(programme_version_id=version.id)
    login(make.coordinator())
    page = client.get(f"/cohorts/{cohort.slug}/schedule").get_data(as_text=True)
    assert "Some modules or assignments have no dates yet" in page

    response = client.post(f"/cohorts/{cohort.slug}/schedule/defaults", follow_redirects=True)

    assert "4 dates were added from the programme" in response.get_data(as_text=True)
    assert len(_items(cohort)) == 4


def test_participant_and_trainer_see_the_timeline_read_only(make, login, client, programme_cohort):
    cohort = programme_cohort(modules=2)
    for user in (make.participant(cohort), make.trainer(cohort)):
        client.post("/logout")
        login(user)
        page = client.get(f"/cohorts/{cohort.slug}/schedule").get_data(as_text=True)
        assert "Module 2 (en)" in page and "Assignment 1.1 (en)" in page
        assert "<input" not in page.split('<main id="main"')[1].replace('type="hidden"', "")
        assert "Create from programme defaults" not in page
        assert client.post(f"/cohorts/{cohort.slug}/schedule", data={}).status_code == 404


def test_cohort_without_a_programme_says_so(make, login, client):
    cohort = make.cohort()
    login(make.participant(cohort))
    page = client.get(f"/cohorts/{cohort.slug}/schedule").get_data(as_text=True)
    assert "does not follow a programme yet" in page
    assert "Choose the programme version" not in page
    client.post("/logout")
    login(make.coordinator())
    page = client.get(f"/cohorts/{cohort.slug}/schedule").get_data(as_text=True)
    assert "Choose the programme version on the cohort" in page


def test_a_day_out_of_range_is_refused_beside_its_field(make, login, client, programme_cohort):
    cohort = programme_cohort(modules=1)
    module_id = load_timeline(cohort).modules[0].module.id
    login(make.coordinator())
    data = schedule_form_data(cohort, **{f"module_{module_id}_opens_at_date": "0001-01-01"})
    response = client.post(f"/cohorts/{cohort.slug}/schedule", data=data)
    assert response.status_code == 422
    assert "Enter a day between 2000 and 2100." in response.get_data(as_text=True)
