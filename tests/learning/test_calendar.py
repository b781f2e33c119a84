"""The personal calendar feed and its secret address."""

from __future__ import annotations

from icalendar import Calendar

from academy.accounts.models import User
from academy.cohorts.models import CohortStatus
from academy.cohorts.schedule import load_timeline
from academy.extensions import db


def _feed(client, user) -> Calendar:
    response = client.get(f"/calendar/{user.calendar_token}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.data)


def test_feed_holds_every_date_of_the_persons_cohorts(make, client, programme_cohort):
    cohort = programme_cohort(modules=2)
    entry = load_timeline(cohort).module("module-1")
    entry.assignments[0].item.review_due_at = entry.assignments[0].item.cut_off_at
    programme_cohort(modules=5)  # not theirs
    user = make.participant(cohort)
    db.session.commit()

    calendar = _feed(client, user)

    events = list(calendar.walk("VEVENT"))
    # 2 module openings + 2 due dates + 2 cut-offs + 1 review due date
    assert len(events) == 7
    uids = [str(event["UID"]) for event in events]
    assert len(set(uids)) == 7
    assert all("@" in uid for uid in uids)
    assert all("DTSTAMP" in event for event in events)
    summaries = {str(event["SUMMARY"]) for event in events}
    assert f"Module opens: Module 1 (en) ({cohort.name})" in summaries
    assert f"Due: Assignment 1.1 (en) ({cohort.name})" in summaries
    assert f"Peer reviews due: Assignment 1.1 (en) ({cohort.name})" in summaries
    assert f"Cut-off: Assignment 2.1 (en) ({cohort.name})" in summaries
    opening = next(e for e in events if str(e["SUMMARY"]).startswith("Module opens: Module 1"))
    assert opening.decoded("DTSTART") == entry.opens_at
    assert str(opening["URL"]).endswith(f"/cohorts/{cohort.slug}/modules/module-1")


def test_feed_speaks_the_persons_language(make, client, programme_cohort):
    cohort = programme_cohort(modules=1)
    user = make.participant(cohort, user=make.user(locale="fi"))
    db.session.commit()
    summaries = {str(e["SUMMARY"]) for e in _feed(client, user).walk("VEVENT")}
    assert any("Module 1 (fi)" in s for s in summaries)
    assert not any("(en)" in s for s in summaries)


def test_uids_stay_the_same_between_fetches(make, client, programme_cohort):
    user = make.participant(programme_cohort(modules=2))
    db.session.commit()
    first = sorted(str(e["UID"]) for e in _feed(client, user).walk("VEVENT"))
    second = sorted(str(e["UID"]) for e in _feed(client, user).walk("VEVENT"))
    assert first == second


def test_feed_leaves_out_archived_cohorts(make, client, programme_cohort):
    user = make.user()
    make.participant(programme_cohort(modules=1, status=CohortStatus.archived), user=user)
    db.session.commit()
    assert list(_feed(client, user).walk("VEVENT")) == []


def test_unknown_token_is_not_found(client):
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_renewing_the_address_stops_the_old_one(make, login, client, programme_cohort):
    cohort = programme_cohort(modules=1)
    user = make.participant(cohort)
    old_token = user.calendar_token
    login(user)
    page = client.get("/").get_data(as_text=True)
    assert f"/calendar/{old_token}.ics" in page

    response = client.post("/calendar/renew")

    assert response.status_code == 302
    db.session.expire_all()
    new_token = db.session.get(User, user.id).calendar_token
    assert new_token != old_token
    assert client.get(f"/calendar/{old_token}.ics").status_code == 404
    assert client.get(f"/calendar/{new_token}.ics").status_code == 200
    assert f"/calendar/{new_token}.ics" in client.get("/").get_data(as_text=True)


def test_inactive_person_has_no_feed(make, client):
    user = make.user(active=False)
    db.session.commit()
    assert client.get(f"/calendar/{user.calendar_token}.ics").status_code == 404


def test_feed_needs_no_login_but_sets_no_cookie(make, client):
    user = make.user()
    db.session.commit()
    response = client.get(f"/calendar/{user.calendar_token}.ics")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert Calendar.from_ical(response.data)["VERSION"] == "2.0"
