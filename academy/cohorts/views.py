"""Cohort pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")


# PLACEHOLDER (replaced by the cohorts helper): endpoints the base layout links to.
@bp.get("/")
def index():
    from flask import abort

    abort(404)


@bp.get("/<slug>")
def show(slug):
    from flask import abort

    abort(404)
