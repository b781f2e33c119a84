"""Language: the user's choice, else the remembered choice, else Accept-Language."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user

LANGUAGE_NAMES = {"fi": "Suomeksi", "sv": "På svenska", "en": "In English"}


def select_locale() -> str:
    """The locale of this request."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def current_locale() -> str:
    return str(get_locale() or "fi")


def _date(value: date | datetime | None, format: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, format)
    return format_date(value, format)


def init_app(app) -> None:
    """Template helpers for dates, numbers and the language switcher."""
    app.jinja_env.filters["date"] = _date
    app.jinja_env.filters["number"] = lambda value: format_decimal(value)
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["current_locale"] = current_locale
