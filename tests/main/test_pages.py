"""The accessibility statement and the privacy notice: public, well-structured, with contacts."""

from __future__ import annotations

import re

import pytest


def text_of(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/accessibility", "/privacy"])
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_page_is_public_with_one_main_heading(client, path, language):
    html = text_of(client.get(path, headers={"Accept-Language": language}))
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert len(re.findall(r"<h2[\s>]", html)) >= 5
    assert f'<html lang="{language}">' in html


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_contacts_are_on_the_pages_in_every_language(client, language):
    headers = {"Accept-Language": language}
    statement = text_of(client.get("/accessibility", headers=headers))
    assert 'href="mailto:saavutettavuus@example.org"' in statement
    assert "Liikenne- ja viestintävirasto Traficom" in statement
    assert 'href="https://www.saavutettavuusvaatimukset.fi/"' in statement
    notice = text_of(client.get("/privacy", headers=headers))
    assert "Motiva Oy" in notice
    assert 'href="mailto:tietosuoja@example.org"' in notice


def test_accessibility_statement_says_what_the_law_asks(client):
    html = text_of(client.get("/accessibility", headers={"Accept-Language": "en"}))
    for fact in ("306/2019", "WCAG 2.1 level AA", "axe-core", "Chromium", "within 14 days"):
        assert fact in html
    assert "spreadsheet" in html  # a known limitation, stated honestly
    assert "23 November 2026" in html


def test_privacy_notice_says_what_the_gdpr_asks(client):
    html = text_of(client.get("/privacy", headers={"Accept-Language": "en"}))
    for fact in ("6(1)(e)", "6(1)(f)", "two years", "ten years", "tietosuojavaltuutettu"):
        assert fact in html
    assert "Send your requests to tietosuoja@example.org." in html


def test_footer_links_to_both_pages(client):
    html = text_of(client.get("/login"))
    assert 'href="/accessibility"' in html
    assert 'href="/privacy"' in html


def test_signed_in_user_sees_the_pages_too(make, login, client):
    login(make.user())
    assert "tietosuoja@example.org" in text_of(client.get("/privacy"))
    assert "saavutettavuus@example.org" in text_of(client.get("/accessibility"))
