"""The request boundary and the URL pieces every blueprint shares.

One place decides when a request's work is saved (Indico's request handler does the same): a
view that returns normally is committed, any exception rolls back, so no view commits, no page
half-saves and nothing is announced that was not saved (e-mails and jobs wait for the commit).
"""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

from academy.core.db import MAX_ID
from academy.extensions import db

#: no list has this many pages; a larger page number is simply not found
MAX_PAGE = 100_000


class Academy(Flask):
    """Flask with one request boundary around every view."""

    def dispatch_request(self):
        try:
            rv = super().dispatch_request()
        except BaseException:
            db.session.rollback()
            raise
        if db.session().in_transaction():
            db.session.commit()
        return rv


class IdConverter(IntegerConverter):
    """`<id:name>`: a row id, 1 … MAX_ID; anything else matches no route (404).

    An id beyond the column's range would make the database raise instead of finding nothing.
    """

    def __init__(self, url_map, **kwargs):
        super().__init__(url_map, min=1, max=MAX_ID, **kwargs)


def page_arg(name: str = "page") -> int:
    """The page number asked for in the query string: 1 when absent, 404 when impossible."""
    page = request.args.get(name, 1, type=int)
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    return page


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = IdConverter
