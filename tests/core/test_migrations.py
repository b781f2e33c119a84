"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and
can be undone and redone."""

from __future__ import annotations

import os
from pathlib import Path

import flask_migrate
import psycopg
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from academy import create_app
from academy.extensions import db

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def schema_differences(connection) -> list:
    """What autogenerate would write into a new migration: [] when the schema matches.

    Compared: tables, columns, nullability, types (compare_type), server defaults, indexes,
    unique constraints and foreign keys. Alembic does not compare CHECK constraints at all,
    so nothing needs ignoring for SQLite's reflection of them; enum CHECKs are covered by the
    column type (a VARCHAR of the enum's length) and the model tests.
    """
    context = MigrationContext.configure(
        connection,
        opts={"compare_type": True, "compare_server_default": True},
    )
    return compare_metadata(context, db.metadata)


def _revisions(directory: Path) -> list[Path]:
    return sorted((directory / "versions").glob("*.py"))


def check_migrations(url: str, instance: Path, directory: Path = MIGRATIONS) -> None:
    """Upgrade a fresh database, compare it with the models, downgrade to base, upgrade again."""
    assert _revisions(directory), f"no migration in {directory / 'versions'} yet"
    app = create_app(
        {"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance)}
    )
    try:
        with app.app_context():
            flask_migrate.upgrade(directory=str(directory))
            with db.engine.connect() as conn:
                differences = schema_differences(conn)
            assert not differences, _explain(differences)

            flask_migrate.downgrade(directory=str(directory), revision="base")
            left = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
            assert not left, f"downgrade to base left tables behind: {sorted(left)}"

            flask_migrate.upgrade(directory=str(directory))
            with db.engine.connect() as conn:
                differences = schema_differences(conn)
            assert not differences, "after downgrade and upgrade again:\n" + _explain(differences)
    finally:
        with app.app_context():
            db.engine.dispose()


def _explain(differences: list) -> str:
    lines = ["the migrations do not produce the models' schema; autogenerate would add:"]
    lines += [f"  {difference!r}" for difference in differences]
    lines.append("Generate one: .venv/bin/academy db migrate -m '…' (then read and tidy the file)")
    return "\n".join(lines)


def test_migrations_build_the_models_schema_on_sqlite(tmp_path):
    check_migrations(f"sqlite:///{tmp_path / 'migrations.sqlite3'}", tmp_path / "instance")


@pytest.fixture
def postgresql_url():
    """A fresh PostgreSQL database of this worker's own, dropped afterwards."""
    base = os.environ.get("ACADEMY_TEST_DATABASE_URL")
    if not base:
        pytest.skip("ACADEMY_TEST_DATABASE_URL is not set")
    url = sa.make_url(base)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"{url.database}_migrations_{worker}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_migrations_build_the_models_schema_on_postgresql(postgresql_url, tmp_path):
    check_migrations(postgresql_url, tmp_path / "instance")
