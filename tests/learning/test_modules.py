"""Module pages: opening, preview, language fallback, completion, attachments, safe text."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from academy.cohorts.schedule import load_timeline
from academy.core.db import utcnow
from academy.core.errors import DomainError
from academy.extensions import db
from academy.learning import services
from academy.learning.models import ModuleCompletion
from academy.programmes.services import store_file


def _completions(user) -> int:
    from academy.cohorts.models import Membership

    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ModuleCompletion)
        .join(Membership, Membership.id == ModuleCompletion.membership_id)
        .where(Membership.user_id == user.id)
    )


def _tags(html: str) -> list[tuple[str, list]]:
    """Every start tag of an HTML text with its attributes, as a browser would parse them."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


# Services ------------------------------------------------------------------------------------


def test_completion_is_refused_for_a_module_not_yet_open(request_context, make, programme_cohort):
    cohort = programme_cohort()
    participant = make.participant(cohort)
    not_open = load_timeline(cohort).module("module-3")
    with pytest.raises(DomainError, match="not open yet"):
        services.mark_completed(participant, cohort, not_open)
    assert _completions(participant) == 0


def test_completion_is_refused_for_anyone_but_a_participant(
    request_context, make, programme_cohort
):
    cohort = programme_cohort()
    entry = load_timeline(cohort).module("module-1")
    for someone in (make.trainer(cohort), make.coordinator(), make.participant(make.cohort())):
        with pytest.raises(DomainError, match="Only participants"):
            services.mark_completed(someone, cohort, entry)


def test_completing_twice_keeps_one_completion_and_undo_removes_it(make, programme_cohort):
    cohort = programme_cohort()
    participant = make.participant(cohort)
    entry = load_timeline(cohort).module("module-1")
    services.mark_completed(participant, cohort, entry)
    services.mark_completed(participant, cohort, entry)
    assert _completions(participant) == 1
    services.undo_completion(participant, cohort, entry)
    assert _completions(participant) == 0


def test_text_falls_back_to_finnish_and_says_so(request_context):
    swedish = services.localised_text({"fi": "Teksti", "sv": ""}, "sv")
    assert (swedish.text, swedish.lang, swedish.is_fallback) == ("Teksti", "fi", True)
    assert services.fallback_notice(swedish) == (
        "This module is not yet available in Swedish; showing the Finnish text."
    )
    english = services.localised_text({"fi": "Teksti", "en": "Text"}, "en")
    assert (english.text, english.lang, english.is_fallback) == ("Text", "en", False)
    assert services.fallback_notice(english) is None


# Pages ---------------------------------------------------------------------------------------


def test_participant_sees_content_only_once_the_module_is_open(
    make, login, client, programme_cohort
):
    cohort = programme_cohort()
    login(make.participant(cohort))

    open_page = client.get(f"/cohorts/{cohort.slug}/modules/module-1").get_data(as_text=True)
    assert "Tekstiä." in open_page
    assert "Kirjoita." in open_page  # the assignment's instructions
    assert "Mark as completed" in open_page

    closed = client.get(f"/cohorts/{cohort.slug}/modules/module-3")
    page = closed.get_data(as_text=True)
    assert closed.status_code == 200
    assert "Module 3 (en)" in page
    assert "This module opens on" in page
    assert "Tekstiä." not in page and "Kirjoita." not in page
    assert "Mark as completed" not in page


def test_trainer_and_coordinator_preview_a_module_not_yet_open(
    make, login, client, programme_cohort
):
    cohort = programme_cohort()
    for user in (make.trainer(cohort), make.coordinator()):
        client.post("/logout")
        login(user)
        page = client.get(f"/cohorts/{cohort.slug}/modules/module-3").get_data(as_text=True)
        assert "Preview: participants cannot see this module yet." in page
        assert "Tekstiä." in page
        assert "Mark as completed" not in page


def test_module_list_shows_each_modules_status(make, login, client, programme_cohort):
    cohort = programme_cohort()
    participant = make.participant(cohort)
    services.mark_completed(participant, cohort, load_timeline(cohort).module("module-1"))
    login(participant)
    page = client.get(f"/cohorts/{cohort.slug}/modules").get_data(as_text=True)
    assert page.count('class="badge status-completed"') == 1
    assert page.count('class="badge status-open"') == 1
    assert page.count('class="badge status-not_open"') == 1
    assert "1 of 3 modules completed" in page
    assert '<progress max="3" value="1"' in page


def test_participant_marks_a_module_completed_and_undoes_it(make, login, client, programme_cohort):
    cohort = programme_cohort()
    participant = make.participant(cohort)
    login(participant)

    response = client.post(
        f"/cohorts/{cohort.slug}/modules/module-1/complete", follow_redirects=True
    )
    assert "You have marked this module as completed." in response.get_data(as_text=True)
    assert _completions(participant) == 1

    response = client.post(
        f"/cohorts/{cohort.slug}/modules/module-1/complete/undo", follow_redirects=True
    )
    assert "Mark as completed" in response.get_data(as_text=True)
    assert _completions(participant) == 0


def test_completing_a_module_not_yet_open_is_refused(make, login, client, programme_cohort):
    cohort = programme_cohort()
    participant = make.participant(cohort)
    login(participant)
    response = client.post(
        f"/cohorts/{cohort.slug}/modules/module-3/complete", follow_redirects=True
    )
    assert "not open yet, so it cannot be completed" in response.get_data(as_text=True)
    assert _completions(participant) == 0


def test_swedish_reader_gets_the_finnish_text_marked_as_such(make, login, client, programme_cohort):
    cohort = programme_cohort()
    login(make.participant(cohort, user=make.user(locale="sv")))
    page = client.get(f"/cohorts/{cohort.slug}/modules/module-1").get_data(as_text=True)
    # The catalogue may translate the sentence; the marking and the language attribute stay.
    assert 'id="language-notice"' in page
    assert '<div class="prose module-body" lang="fi">' in page


def test_translated_body_is_shown_without_a_notice(make, login, client, programme_cohort):
    cohort = programme_cohort()
    module = load_timeline(cohort).module("module-1").module
    module.bodies = {**module.bodies, "en": "# Module one\n\n## Why\n\nEnglish text."}
    login(make.participant(cohort))
    page = client.get(f"/cohorts/{cohort.slug}/modules/module-1").get_data(as_text=True)
    assert "English text." in page
    assert 'lang="en"' in page
    assert 'id="language-notice"' not in page
    # The text sits under the page's h1: its headings move one level down, and the contents
    # list links to them.
    assert page.count("<h1") == 1
    assert '<h2 id="module-one">Module one</h2>' in page
    assert '<a href="#why">Why</a>' in page


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        '<img src=x onerror="alert(1)">',
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
    ],
)
def test_module_text_cannot_run_script(make, login, client, programme_cohort, body):
    cohort = programme_cohort()
    module = load_timeline(cohort).module("module-1").module
    module.bodies = {"fi": f"Alku\n\n{body}\n\nLoppu"}
    spec = load_timeline(cohort).module("module-1").assignments[0].spec
    spec.instructions = {"fi": body}
    login(make.participant(cohort))
    page = client.get(f"/cohorts/{cohort.slug}/modules/module-1").get_data(as_text=True)
    main = page.split('<main id="main"')[1]
    tags = _tags(main)
    assert "script" not in {tag for tag, _attrs in tags}
    for _tag, attrs in tags:
        for name, value in attrs:
            assert not name.startswith("on")
            assert not (value or "").strip().lower().startswith(("javascript:", "data:"))
    assert "Loppu" in main


def test_attachment_is_downloaded_by_members(make, login, client, programme_cohort):
    cohort = programme_cohort()
    module = load_timeline(cohort).module("module-1").module
    module.attachments = {"itsearviointi-å.csv": store_file(b"a;b\n1;2\n")}
    module.bodies = {"fi": "[Pohja](attachments/itsearviointi-å.csv)"}
    login(make.participant(cohort))

    page = client.get(f"/cohorts/{cohort.slug}/modules/module-1").get_data(as_text=True)
    link = f"/cohorts/{cohort.slug}/modules/module-1/attachments/itsearviointi-%C3%A5.csv"
    assert f'href="{link}"' in page

    response = client.get(link)
    assert response.status_code == 200
    assert response.data == b"a;b\n1;2\n"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''itsearviointi-%C3%A5.csv" in response.headers["Content-Disposition"]
    assert response.mimetype == "text/csv"
    response.close()


def test_unknown_or_missing_attachment_is_not_found(make, login, client, programme_cohort):
    cohort = programme_cohort()
    module = load_timeline(cohort).module("module-1").module
    module.attachments = {"lost.pdf": "0" * 64, "evil.pdf": "../../etc/passwd"}
    login(make.participant(cohort))
    base = f"/cohorts/{cohort.slug}/modules/module-1/attachments"
    for name in ("lost.pdf", "evil.pdf", "other.pdf", "..%2F..%2Fconfig.py"):
        assert client.get(f"{base}/{name}").status_code == 404


def test_attachment_of_a_module_not_yet_open_is_hidden_from_participants(
    make, login, client, programme_cohort
):
    cohort = programme_cohort()
    module = load_timeline(cohort).module("module-3").module
    module.attachments = {"pohja.csv": store_file(b"x")}
    url = f"/cohorts/{cohort.slug}/modules/module-3/attachments/pohja.csv"
    login(make.participant(cohort))
    assert client.get(url).status_code == 404
    client.post("/logout")
    login(make.trainer(cohort))
    response = client.get(url)
    assert response.status_code == 200
    response.close()


def test_unknown_module_and_non_member_get_not_found(make, login, client, programme_cohort):
    cohort = programme_cohort()
    login(make.participant(cohort))
    assert client.get(f"/cohorts/{cohort.slug}/modules/no-such-module").status_code == 404
    client.post("/logout")
    login(make.participant(make.cohort()))
    assert client.get(f"/cohorts/{cohort.slug}/modules").status_code == 404
    assert client.get(f"/cohorts/{cohort.slug}/modules/module-1").status_code == 404


def test_a_module_opens_when_its_date_passes(make, programme_cohort):
    cohort = programme_cohort()
    entry = load_timeline(cohort).module("module-3")
    assert not entry.is_open()
    assert entry.is_open(utcnow() + timedelta(days=9))
