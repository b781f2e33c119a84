"""Organisation pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


# PLACEHOLDER (replaced by the organisations helper): endpoint the base layout links to.
@bp.get("/")
def index():
    from flask import abort

    abort(404)
