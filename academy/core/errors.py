"""Domain errors and the error pages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import flash, render_template
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


@contextmanager
def domain_errors(form=None, *, rollback: bool = True) -> Iterator[None]:
    """Turn a service's DomainError inside the block into what the user sees.

    The error goes beside its field of `form` (or above the form), or is flashed when there is
    no form, and the block's work is rolled back; execution goes on after the block, so a view
    reads: validate, then `with domain_errors(form):` call the service and redirect, else render
    the form again. `rollback=False` keeps what the service wrote before refusing (a counted
    failed login, say) for the request boundary to commit.
    """
    from academy.extensions import db

    try:
        yield
    except DomainError as error:
        if rollback:
            db.session.rollback()
        if form is None:
            flash(error.message, "error")
        else:
            apply_to_form(form, error)


def register_error_pages(app) -> None:
    """Readable error pages, in the user's language, for the HTTP errors a user can meet."""

    def render(error: HTTPException):
        return render_template("errors.html", error=error), error.code

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, render)
