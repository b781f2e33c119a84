"""Domain errors and the error pages."""

from __future__ import annotations

from flask import render_template
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule was broken: `message` is translated, `field` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    """The object does not exist, or the actor may not know that it does."""


def apply_to_form(form, error: DomainError) -> None:
    """Show a domain error beside its field, or above the form when it names none."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def register_error_pages(app) -> None:
    """Readable error pages, in the user's language, for the HTTP errors a user can meet."""

    def render(error: HTTPException):
        return render_template("errors.html", error=error), error.code

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, render)
