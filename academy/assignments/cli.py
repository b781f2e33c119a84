"""`academy assignments …`: submissions from the command line (support staff, imports).

The commands call the same services as the pages, so the same rules hold: the dates are
checked against the server's clock inside the write transaction, files by their content.
"""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from flask_babel import force_locale

from academy.extensions import db

assignments_cli = AppGroup("assignments", help="Submissions and extensions.")


def _fail(error) -> click.ClickException:
    db.session.rollback()
    with force_locale("en"):  # the console speaks English
        return click.ClickException(str(getattr(error, "message", error)))


@assignments_cli.command("submit")
@click.argument("email")
@click.argument("cohort_slug")
@click.argument("assignment_slug")
@click.option("--text-file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--file",
    "attachments",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
def submit(email, cohort_slug, assignment_slug, text_file, attachments) -> None:
    """Submit work on behalf of a participant: text and files, then Submit."""
    from academy.accounts.models import User
    from academy.assignments import files, services
    from academy.cohorts.models import Cohort
    from academy.core.errors import DomainError

    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.lower()))
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.slug == cohort_slug))
    if user is None or cohort is None:
        raise click.ClickException("No such person or cohort.")
    spec = services.find_assignment(cohort, assignment_slug)
    if spec is None:
        raise click.ClickException("No such assignment in the cohort's programme.")
    try:
        with files.removing_orphans():
            submission = services.submission_for(user, cohort, spec, create=True)
            if text_file is not None:
                text = text_file.read_text("utf-8")
                services.save_draft(user, submission, text, submission.draft_revision)
            if attachments:
                streams = [path.open("rb") for path in attachments]
                try:
                    services.add_files(
                        user,
                        submission,
                        [
                            files.Upload(s, p.name)
                            for s, p in zip(streams, attachments, strict=True)
                        ],
                    )
                finally:
                    for stream in streams:
                        stream.close()
            version = services.submit(user, submission, submission.draft_revision)
            number, late = version.number, version.late
            db.session.commit()
    except DomainError as error:
        raise _fail(error) from error
    click.echo(f"Submitted version {number}{' (late)' if late else ''}.")


def register_commands(app) -> None:
    app.cli.add_command(assignments_cli)
