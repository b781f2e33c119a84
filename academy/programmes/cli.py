"""`academy curriculum …`: validate and import curricula."""

from __future__ import annotations


def register_commands(app) -> None:
    """Filled in by the programmes feature."""
