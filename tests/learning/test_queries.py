"""Pages cost a fixed number of queries, however many modules and participants there are."""

from __future__ import annotations

import pytest

from academy.cohorts.schedule import load_timeline
from academy.extensions import db
from academy.learning import services
from tests.learning.support import schedule_form_data

PAGES = {
    "home": "/",
    "modules": "/cohorts/{slug}/modules",
    "module": "/cohorts/{slug}/modules/module-2",
    "schedule": "/cohorts/{slug}/schedule",
}


def _world(make, programme_cohort, modules: int, participants: int):
    """A cohort with a schedule, participants who have completed a few modules, a trainer."""
    cohort = programme_cohort(modules=modules, assignments_per_module=2, started_days_ago=400)
    timeline = load_timeline(cohort)
    users = [make.participant(cohort) for _ in range(participants)]
    for user in users:
        for entry in timeline.modules[: modules // 2]:
            services.mark_completed(user, cohort, entry)
    trainer = make.trainer(cohort)
    # A second cohort for the same participant, so the home page joins several timelines.
    other = programme_cohort(modules=modules, started_days_ago=5)
    make.participant(other, user=users[0])
    db.session.commit()
    return cohort, {"participant": users[0], "trainer": trainer, "coordinator": make.coordinator()}


def _client(app):
    """A new browser (each request loads its user afresh: see conftest's _real_sessions)."""
    return app.test_client()


def _queries(count_queries, client, url: str) -> int:
    client.get(url)  # warm up: anything a first request does once
    db.session.expire_all()
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count


@pytest.mark.parametrize("role", ["participant", "trainer", "coordinator"])
@pytest.mark.parametrize("page", PAGES)
def test_page_queries_do_not_grow_with_the_number_of_modules(
    make, login, app, count_queries, programme_cohort, page, role
):
    counts = []
    for modules in (8, 40):
        cohort, people = _world(make, programme_cohort, modules=modules, participants=3)
        client = _client(app)
        login(people[role], c=client)
        counts.append(_queries(count_queries, client, PAGES[page].format(slug=cohort.slug)))
    assert counts[0] == counts[1], f"{page} as {role}: {counts[0]} vs {counts[1]} queries"


@pytest.mark.parametrize("role", ["participant", "trainer", "coordinator"])
@pytest.mark.parametrize("page", PAGES)
def test_page_queries_do_not_grow_with_the_number_of_participants(
    make, login, app, count_queries, programme_cohort, page, role
):
    counts = []
    for participants in (3, 30):
        cohort, people = _world(make, programme_cohort, modules=8, participants=participants)
        client = _client(app)
        login(people[role], c=client)
        counts.append(_queries(count_queries, client, PAGES[page].format(slug=cohort.slug)))
    assert counts[0] == counts[1], f"{page} as {role}: {counts[0]} vs {counts[1]} queries"


def test_calendar_feed_queries_do_not_grow(make, app, count_queries, programme_cohort):
    counts = []
    for modules in (8, 40):
        _cohort, people = _world(make, programme_cohort, modules=modules, participants=3)
        user = people["participant"]
        counts.append(_queries(count_queries, _client(app), f"/calendar/{user.calendar_token}.ics"))
    assert counts[0] == counts[1]


def test_home_page_stays_small(make, login, client, count_queries, programme_cohort):
    _cohort, people = _world(make, programme_cohort, modules=8, participants=3)
    login(people["participant"])
    # user, navigation, memberships, modules, assignments, schedule items, completions
    assert _queries(count_queries, client, "/") <= 8


def test_schedule_shown_again_with_errors_costs_the_same_for_any_size(
    make, login, app, count_queries, programme_cohort
):
    counts = []
    for modules in (8, 40):
        cohort, people = _world(make, programme_cohort, modules=modules, participants=3)
        spec_id = load_timeline(cohort).modules[0].assignments[0].spec.id
        data = schedule_form_data(cohort, **{f"assignment_{spec_id}_cut_off_at_date": "2000-01-01"})
        client = _client(app)
        login(people["coordinator"], c=client)
        db.session.expire_all()
        with count_queries() as counter:
            response = client.post(f"/cohorts/{cohort.slug}/schedule", data=data)
        assert response.status_code == 422
        counts.append(counter.count)
    assert counts[0] == counts[1]
