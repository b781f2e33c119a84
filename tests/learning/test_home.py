"""The start page: what a participant should do next, and the staff's cohorts."""

from __future__ import annotations

import re

from academy.cohorts.models import CohortStatus
from academy.cohorts.schedule import helsinki_local, load_timeline
from academy.core.db import utcnow
from academy.learning import services


def _main(page: str) -> str:
    return page.split('<main id="main"')[1]


def test_participant_sees_open_modules_deadlines_and_progress(
    make, login, client, programme_cohort
):
    cohort = programme_cohort(modules=3, name="KEINO-akatemia syksy")
    participant = make.participant(cohort)
    services.mark_completed(participant, cohort, load_timeline(cohort).module("module-1"))
    login(participant)

    page = _main(client.get("/").get_data(as_text=True))

    assert "KEINO-akatemia syksy" in page
    assert "1 of 3 modules completed" in page
    assert '<progress max="3" value="1"' in page
    open_section = page.split("Modules open now")[1].split("Coming deadlines")[0]
    assert "Module 2 (en)" in open_section
    assert "Module 1 (en)" not in open_section  # completed
    assert "Module 3 (en)" not in open_section  # not open yet
    deadlines = page.split("Coming deadlines")[1].split("Reviews waiting")[0]
    # Assignment 1.1 was due 6 days ago; 2.1 and 3.1 are still ahead, soonest first.
    assert "Assignment 1.1" not in deadlines
    assert deadlines.index("Assignment 2.1") < deadlines.index("Assignment 3.1")
    assert re.search(r'<time datetime="[^"]+">[^<]+</time>', deadlines)
    assert "No peer reviews are waiting for you." in page
    assert "No feedback has been released to you yet." in page


def test_due_dates_are_formatted_in_the_readers_language(make, login, client, programme_cohort):
    cohort = programme_cohort(modules=2)
    login(make.participant(cohort, user=make.user(locale="fi")))
    deadlines = client.get("/").get_data(as_text=True).split('id="deadlines-')[1]
    due = load_timeline(cohort).module("module-2").assignments[0].due_at
    # Finnish dates read day.month.year (e.g. 4.12.2026) in Helsinki time.
    local = helsinki_local(due)
    assert f"{local.day}.{local.month}.{local.year}" in deadlines


def test_participant_of_a_cohort_without_programme_gets_a_plain_message(make, login, client):
    cohort = make.cohort(name="Ilman ohjelmaa")
    login(make.participant(cohort))
    page = _main(client.get("/").get_data(as_text=True))
    assert "Ilman ohjelmaa" in page
    assert "has not been chosen yet" in page


def test_trainer_sees_the_cohorts_they_train(make, login, client, programme_cohort):
    trained = programme_cohort(name="Koulutettava kohortti")
    other = programme_cohort(name="Toinen kohortti")
    login(make.trainer(trained))
    page = _main(client.get("/").get_data(as_text=True))
    assert "Cohorts you train" in page
    assert "Koulutettava kohortti" in page
    assert "Toinen kohortti" not in page
    assert f"/cohorts/{trained.slug}/modules" in page
    assert f"/cohorts/{other.slug}/" not in page


def test_coordinator_sees_every_active_cohort(make, login, client, programme_cohort):
    programme_cohort(name="Aktiivinen kohortti")
    programme_cohort(name="Suljettu kohortti", status=CohortStatus.closed)
    login(make.coordinator())
    page = _main(client.get("/").get_data(as_text=True))
    assert "Active cohorts" in page
    assert "Aktiivinen kohortti" in page
    assert "Suljettu kohortti" not in page


def test_person_without_cohorts_gets_an_empty_state(make, login, client):
    login(make.user())
    page = _main(client.get("/").get_data(as_text=True))
    assert "You are not in any active cohort yet." in page


def test_home_page_service_lists_only_upcoming_deadlines(make, programme_cohort):
    cohort = programme_cohort(modules=3)
    participant = make.participant(cohort)
    page = services.home_page(participant)
    [summary] = page.participating
    assert all(d.due_at >= utcnow() for d in summary.deadlines)
    assert [d.title("en") for d in summary.deadlines] == [
        "Assignment 2.1 (en)",
        "Assignment 3.1 (en)",
    ]
    assert (summary.completed, summary.total) == (0, 3)
