"""Trainers' grading pages."""

from academy.assignments.views import bp  # noqa: F401
