"""Coordinators choose the programme version a cohort follows, and move it later."""

from __future__ import annotations

import sqlalchemy as sa

from academy.cohorts.models import Cohort, ScheduleItem
from academy.extensions import db
from academy.programmes.models import Programme


def _items(cohort: Cohort) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ScheduleItem)
        .where(ScheduleItem.cohort_id == cohort.id)
    )


def test_a_cohort_created_with_a_version_gets_its_default_schedule(make, login, client):
    version = make.programme_version(modules=3, assignments_per_module=1)
    login(make.coordinator())
    response = client.post(
        "/cohorts/new",
        data={
            "name": "KEINO-akatemia kevät 2027",
            "slug": "kevat-2027",
            "starts_on": "2027-02-01",
            "ends_on": "2027-11-30",
            "language": "fi",
            "programme_version_id": str(version.id),
        },
    )
    assert response.status_code == 302
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.slug == "kevat-2027"))
    assert cohort.programme_version_id == version.id
    assert _items(cohort) == 6  # three modules and their three assignments


def test_a_cohort_can_be_created_without_a_programme(make, login, client):
    login(make.coordinator())
    response = client.post(
        "/cohorts/new",
        data={
            "name": "Ilman ohjelmaa",
            "starts_on": "2027-02-01",
            "ends_on": "2027-11-30",
            "language": "fi",
            "programme_version_id": "",
        },
    )
    assert response.status_code == 302
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.name == "Ilman ohjelmaa"))
    assert cohort.programme_version_id is None


def test_coordinator_pins_a_cohort_from_its_settings(make, login, client):
    version = make.programme_version(modules=2)
    cohort = make.cohort()
    login(make.coordinator())
    page = client.get(f"/cohorts/{cohort.slug}/edit").get_data(as_text=True)
    assert "Programme version" in page
    response = client.post(
        f"/cohorts/{cohort.slug}/programme", data={"programme_version_id": str(version.id)}
    )
    assert response.status_code == 302
    db.session.refresh(cohort)
    assert cohort.programme_version_id == version.id
    assert _items(cohort) == 4


def test_moving_to_a_new_version_keeps_adjusted_dates_of_shared_modules(make, login, client):
    old = make.programme_version(modules=2)
    cohort = make.cohort(programme_version_id=old.id)
    coordinator = make.coordinator()
    login(coordinator)
    client.post(f"/cohorts/{cohort.slug}/programme", data={"programme_version_id": str(old.id)})
    item = db.session.scalar(
        sa.select(ScheduleItem).where(
            ScheduleItem.cohort_id == cohort.id, ScheduleItem.module_id.is_not(None)
        )
    )
    db.session.refresh(item)
    adjusted = item.opens_at.replace(hour=6)
    item.opens_at = adjusted
    db.session.commit()
    programme = db.session.get(Programme, old.programme_id)
    new = make.programme_version(modules=3, programme=programme, number=2)
    db.session.commit()

    response = client.post(
        f"/cohorts/{cohort.slug}/programme", data={"programme_version_id": str(new.id)}
    )

    assert response.status_code == 302
    db.session.refresh(cohort)
    assert cohort.programme_version_id == new.id
    assert _items(cohort) == 6
    moved = db.session.get(ScheduleItem, item.id)
    assert moved.opens_at == adjusted


def test_a_version_of_another_programme_is_refused_and_nothing_changes(make, login, client):
    version = make.programme_version(modules=2)
    other = make.programme_version(modules=2)
    cohort = make.cohort(programme_version_id=version.id)
    login(make.coordinator())
    response = client.post(
        f"/cohorts/{cohort.slug}/programme", data={"programme_version_id": str(other.id)}
    )
    assert response.status_code == 422
    assert "another version of its own programme" in response.get_data(as_text=True)
    db.session.refresh(cohort)
    assert cohort.programme_version_id == version.id


def test_an_unknown_version_is_refused_beside_the_field(make, login, client):
    cohort = make.cohort()
    login(make.coordinator())
    response = client.post(
        f"/cohorts/{cohort.slug}/programme", data={"programme_version_id": "999"}
    )
    assert response.status_code == 422
    db.session.refresh(cohort)
    assert cohort.programme_version_id is None
