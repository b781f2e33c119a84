"""The `academy` console script: Flask's command group bound to create_app."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup


def _create_app():
    from academy import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Operate academy: database, curricula, demo data, the development server."""
