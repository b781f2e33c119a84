"""`academy curriculum …`: validate, import and list curricula."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from sqlalchemy import orm

from academy.extensions import db
from academy.programmes.loader import Problem, check
from academy.programmes.models import Programme
from academy.programmes.services import CurriculumInvalid, import_curriculum

curriculum = AppGroup("curriculum", help="Validate, import and list curricula.")

_FOLDER = click.Path(exists=True, file_okay=False, path_type=Path)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem))
    click.echo(f"{_count(len(problems), 'problem')} found.", err=True)


@curriculum.command("validate")
@click.argument("path", type=_FOLDER)
def validate_command(path: Path) -> None:
    """Check a curriculum folder; print each problem as file:line: message.

    Warnings (texts not yet translated into a language declared partial) are printed as
    file:line: warning: message and do not make the curriculum invalid.
    """
    report = check(path)
    for problem in sorted(report.errors + report.warnings, key=lambda p: (p.file, p.line)):
        click.echo(str(problem))
    if report.warnings:
        click.echo(f"{_count(len(report.warnings), 'warning')}.", err=True)
    result = report.curriculum
    if result is None:
        click.echo(f"{_count(len(report.errors), 'problem')} found.", err=True)
        raise SystemExit(1)
    states = result.target_states.target_states if result.target_states else []
    click.echo(
        f"{result.slug}: valid — {_count(len(result.modules), 'module')}, "
        f"{_count(result.assignment_count, 'assignment')}, "
        f"{_count(len(result.attachments), 'attachment')}"
        + (f", {_count(len(states), 'target state')}" if states else "")
    )


@curriculum.command("import")
@click.argument("path", type=_FOLDER)
def import_command(path: Path) -> None:
    """Validate a curriculum folder and store it as a new programme version."""
    try:
        result = import_curriculum(path)
    except CurriculumInvalid as error:
        db.session.rollback()
        _print_problems(error.problems)
        raise SystemExit(1) from None
    version = result.version
    if result.created:
        message = (
            f"imported {version.programme.slug} version {version.number} "
            f"({_count(len(version.modules), 'module')})"
        )
    else:
        message = (
            f"{version.programme.slug} is unchanged (version {version.number}, "
            f"sha256 {version.content_hash[:12]}…); nothing imported"
        )
    db.session.commit()
    click.echo(message)


@curriculum.command("list")
def list_command() -> None:
    """List programmes, their versions and the cohorts that follow each version."""
    from academy.cohorts.models import Cohort

    programmes = db.session.scalars(
        sa.select(Programme).order_by(Programme.slug).options(orm.selectinload(Programme.versions))
    ).all()
    if not programmes:
        click.echo("No programmes imported yet.")
        return
    cohorts: dict[int, list[str]] = {}
    for version_id, cohort_slug in db.session.execute(
        sa.select(Cohort.programme_version_id, Cohort.slug)
        .where(Cohort.programme_version_id.is_not(None))
        .order_by(Cohort.slug)
    ):
        cohorts.setdefault(version_id, []).append(cohort_slug)
    for programme in programmes:
        click.echo(programme.slug)
        for version in programme.versions:
            used = ", ".join(cohorts.get(version.id, [])) or "no cohorts"
            click.echo(
                f"  version {version.number}  {version.imported_at:%Y-%m-%d %H:%M} UTC  "
                f"sha256 {version.content_hash[:12]}  {used}"
            )


def register_commands(app) -> None:
    """Add `academy curriculum …` to the app's command line."""
    app.cli.add_command(curriculum)
