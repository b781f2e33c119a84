"""`academy demo`: a realistic demo (organisations, cohorts, people), loaded idempotently."""

from __future__ import annotations


def register_commands(app) -> None:
    pass
