"""Assignment pages: participants' submissions (submissions.py) and trainers' grading
(grading.py), on one blueprint."""

from flask import Blueprint, abort

bp = Blueprint("assignments", __name__)

#: the largest row id a database can hold (SQLite's and PostgreSQL's signed 64-bit integers)
MAX_ID = 2**63 - 1


@bp.url_value_preprocessor
def _refuse_impossible_ids(_endpoint, values) -> None:
    """An id in the URL that no row can have is simply not found (the database would raise)."""
    for value in (values or {}).values():
        if isinstance(value, int) and not 0 < value <= MAX_ID:
            abort(404)


from academy.assignments.views import grading, submissions  # noqa: E402, F401
