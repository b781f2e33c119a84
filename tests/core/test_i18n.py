"""Languages: complete and current catalogues, and the rules for choosing the language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from academy.accounts.models import User
from academy.extensions import db

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "academy" / "translations"
CATALOGUE_LOCALES = ("fi", "sv")  # English is the source language
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}
LANG = re.compile(r'<html[^>]*\slang="([^"]+)"')


def read_catalogue(locale: str):
    path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def extracted_messages() -> dict[tuple[str, str | None], str]:
    """Every translatable string of the code and templates: {(msgid, context): where}."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault((msgid, context), f"{filename}:{lineno}")
    return found


@pytest.mark.parametrize("locale", CATALOGUE_LOCALES)
def test_catalogue_has_no_untranslated_or_fuzzy_message(locale):
    catalogue = read_catalogue(locale)
    untranslated, fuzzy = [], []
    for message in catalogue:
        if not message.id:
            continue  # the header
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    problems = [*(f"untranslated: {m!r}" for m in untranslated), *(f"fuzzy: {m!r}" for m in fuzzy)]
    assert not problems, f"{locale}: {len(problems)} problems\n" + "\n".join(problems)


@pytest.mark.parametrize("locale", CATALOGUE_LOCALES)
def test_catalogue_translations_keep_their_placeholders(locale):
    catalogue = read_catalogue(locale)
    problems = [
        f"{message.id!r}: {'; '.join(map(str, errors))}"
        for message, errors in catalogue.check()
        if message.string and errors
    ]
    assert not problems, f"{locale}:\n" + "\n".join(problems)


def test_extraction_finds_the_strings_of_code_and_templates():
    messages = extracted_messages()
    places = {where.split("/")[0] for where in messages.values()}
    assert {"academy", "templates"} <= places, places


def _by_place(item) -> tuple[str, int]:
    filename, _, line = item[1].rpartition(":")
    return filename, int(line)


@pytest.mark.parametrize("locale", CATALOGUE_LOCALES)
def test_catalogue_has_every_string_of_the_code(locale):
    catalogue = read_catalogue(locale)
    missing = [
        f"{where}: {msgid!r}" + (f" (context {context!r})" if context else "")
        for (msgid, context), where in sorted(extracted_messages().items(), key=_by_place)
        if catalogue.get(msgid, context=context) is None
    ]
    assert not missing, (
        f"{locale}: {len(missing)} strings are not in the catalogue (run `make messages` and "
        "translate them):\n" + "\n".join(missing)
    )


# Choosing the language ---------------------------------------------------------------------


def page_language(response) -> str:
    match = LANG.search(response.get_data(as_text=True))
    assert match, "no lang attribute on <html>"
    return match.group(1)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("sv", "sv"),
        ("sv-FI,sv;q=0.9", "sv"),
        ("en-GB,en;q=0.8", "en"),
        ("fi", "fi"),
        ("de", "fi"),
        ("", "fi"),
    ],
)
def test_visitors_get_the_language_their_browser_asks_for(accept, expected, client):
    response = client.get("/login", headers={"Accept-Language": accept})
    assert response.status_code == 200
    assert page_language(response) == expected


def test_a_signed_in_users_saved_language_wins(make, login, client):
    user = make.user(locale="fi")
    login(user)
    with client.session_transaction() as session:
        session["locale"] = "en"
    response = client.get("/", headers={"Accept-Language": "sv"})
    assert page_language(response) == "fi"


def test_visitors_choice_is_remembered(client):
    response = client.post("/language", data={"locale": "sv", "next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")

    response = client.get("/login", headers={"Accept-Language": "en"})
    assert page_language(response) == "sv"


def test_signed_in_users_choice_is_saved_on_the_account(make, login, client):
    user = make.user(locale="fi")
    login(user)
    client.post("/language", data={"locale": "en"})
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"
    assert page_language(client.get("/", headers={"Accept-Language": "sv"})) == "en"


def test_an_unknown_language_is_ignored(client):
    client.post("/language", data={"locale": "de"})
    assert page_language(client.get("/login", headers={"Accept-Language": "sv"})) == "sv"
