"""Module pages, schedules, progress and the calendar feed."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("learning", __name__)
