"""`academy users …`: manage accounts from the command line."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from academy.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-coordinator")
@click.argument("email")
@click.argument("name")
@click.password_option()
def create_coordinator(email: str, name: str, password: str) -> None:
    """Create a coordinator account (the first one of a new installation)."""
    from academy.accounts.services import create_coordinator as create
    from academy.core.errors import DomainError

    try:
        user = create(email=email, name=name, password=password)
    except DomainError as error:
        db.session.rollback()
        # Outside a request there is no user to pick a language for; the console speaks English.
        with force_locale("en"):
            message = str(error.message)
        raise click.ClickException(message) from error
    db.session.commit()
    click.echo(f"Created coordinator {user.email}.")


@users_cli.command("prune-login-attempts")
def prune_login_attempts() -> None:
    """Delete failed login attempts older than the rate-limit window."""
    from academy.accounts.services import prune_login_attempts as prune

    count = prune()
    db.session.commit()
    click.echo(f"Deleted {count} old login attempts.")


def register_commands(app) -> None:
    app.cli.add_command(users_cli)
