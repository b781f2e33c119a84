"""In-app notifications: the list, opening and marking read, the unread count, e-mail beside."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import render_template_string

from academy.core.errors import DomainError
from academy.extensions import db
from academy.notifications import services
from academy.notifications.models import Notification


def _notify(user, url="/cohorts/x", **params):
    params = {"assignment": {"en": "Impact goals", "fi": "Vaikuttavuustavoitteet"}} | params
    params["cohort"] = "K"
    return services.notify([user], "assessment.released", params=params, url=url)[0]


def test_the_list_shows_own_notifications_newest_first(make, login, client):
    me, someone = make.user(), make.user()
    _notify(me, assignment={"en": "First"})
    _notify(me, assignment={"en": "Second"})
    _notify(someone, assignment={"en": "Not mine"})
    login(me)
    html = client.get("/notifications").get_data(as_text=True)
    assert html.index("Second") < html.index("First")
    assert "Not mine" not in html
    assert "2 unread notifications" in html


def test_text_is_in_the_readers_language(make, login, client):
    me = make.user(locale="fi")
    notification = _notify(me)
    assert "Vaikuttavuustavoitteet" in services.message(notification, "fi")
    assert "Impact goals" in services.message(notification, "en")
    assert "Vaikuttavuustavoitteet" in services.message(notification, "sv")  # falls back


def test_opening_marks_read_and_goes_where_it_points(make, login, client):
    me = make.user()
    notification = _notify(me, url="/cohorts/world/submissions/1")
    login(me)
    assert services.unread_count(me) == 1
    response = client.post(f"/notifications/{notification.id}/open")
    assert response.status_code == 302
    assert response.headers["Location"] == "/cohorts/world/submissions/1"
    db.session.expire_all()
    assert db.session.get(Notification, notification.id).read_at is not None
    assert services.unread_count(me) == 0


def test_a_notification_never_redirects_off_site(make, login, client):
    me = make.user()
    notification = _notify(me, url="//evil.example.org/")
    login(me)
    response = client.post(f"/notifications/{notification.id}/open")
    assert response.headers["Location"] == "/notifications"


def test_mark_one_and_all_as_read(make, login, client):
    me = make.user()
    first, *_others = (_notify(me) for _ in range(3))
    login(me)
    assert client.post(f"/notifications/{first.id}/read").status_code == 302
    assert services.unread_count(me) == 2
    assert client.post("/notifications/read").status_code == 302
    assert services.unread_count(me) == 0


def test_someone_elses_notification_is_not_found(make, login, client):
    me, someone = make.user(), make.user()
    theirs = _notify(someone)
    login(me)
    assert client.post(f"/notifications/{theirs.id}/open").status_code == 404
    assert client.post(f"/notifications/{theirs.id}/read").status_code == 404
    with pytest.raises(DomainError):
        services.mark_read(me, theirs)
    assert db.session.get(Notification, theirs.id).read_at is None


def test_unread_badge_helper_is_offered_to_templates(make, login, client, app):
    me = make.user()
    _notify(me)
    login(me)
    with app.test_request_context("/"):
        from flask_login import login_user

        login_user(me)
        assert render_template_string("{{ unread_notifications() }}") == "1"
    assert services.unread_count(None) == 0


def test_notify_sends_email_in_the_recipients_language(make, mailbox):
    person = make.user(locale="sv")
    services.notify(
        [person, person],  # the same person once only
        "assessment.released",
        params={"assignment": {"sv": "Effektmål"}, "cohort": "K"},
        url="/cohorts/k/submissions/1",
        email_subject="Subject",
        email_template="email/assessment_released",
        email_context={"assignment_titles": {"sv": "Effektmål"}, "cohort_name": "K"},
    )
    db.session.commit()
    assert [m["To"] for m in mailbox.messages] == [person.email]
    body = mailbox.body(mailbox.messages[0])
    assert "Effektmål" in body and "/cohorts/k/submissions/1" in body
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 1


def test_failed_mail_is_a_domain_error(make, app, monkeypatch):
    from academy.core import mail

    def broken(message):
        raise OSError("no route")

    monkeypatch.setattr(mail, "deliver", broken)
    with pytest.raises(DomainError):
        services.notify(
            [make.user()],
            "assessment.released",
            params={},
            url="/",
            email_subject="s",
            email_template="email/assessment_released",
            email_context={"assignment_titles": {}, "cohort_name": "K"},
        )
