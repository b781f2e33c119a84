"""Assignment pages: participants' submissions (submissions.py) and trainers' grading
(grading.py), on one blueprint."""

from flask import Blueprint

bp = Blueprint("assignments", __name__)


from academy.assignments.views import grading, submissions  # noqa: E402, F401
