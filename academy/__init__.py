"""academy: the learning platform of the KEINO Academy."""

from __future__ import annotations

import logging
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

import config as settings_module
from academy.core.web import Academy

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | str | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, commands, error pages.

    `config` is an environment name ("development", "test", "production") or a dict of
    settings applied on top of the environment's (tests pass one).
    """
    overrides = config if isinstance(config, dict) else {}
    env_name = config if isinstance(config, str) else overrides.get("ENV_NAME")
    settings = settings_module.load(env_name)
    settings.update(overrides)

    app = Academy(
        __name__,
        instance_path=settings["INSTANCE_PATH"],
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(settings)
    _configure_storage(app)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    from academy.core import i18n, security, web
    from academy.core.db import render_migration_item
    from academy.core.errors import register_error_pages
    from academy.extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(ROOT / "migrations"),
        render_as_batch=True,
        compare_type=True,
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(ROOT / "academy" / "translations"),
    )
    login_manager.init_app(app)
    security.init_app(app)
    web.init_app(app)
    i18n.init_app(app)
    register_error_pages(app)
    _import_models()
    _register_blueprints(app)

    with app.app_context():
        _configure_engine(db.engine)
    return app


def _configure_storage(app: Flask) -> None:
    """Fill in paths that default to the instance folder, and create that folder."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    url = app.config.get("DATABASE_URL") or app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        url = f"sqlite:///{Path(app.instance_path) / 'academy.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "connect_args": {"timeout": 30},
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        }
    else:
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_pre_ping": True,
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        }
    if not app.config.get("UPLOAD_DIR"):
        app.config["UPLOAD_DIR"] = str(Path(app.instance_path) / "uploads")


def _configure_engine(engine: sa.Engine) -> None:
    """SQLite: foreign keys on, write-ahead log, a busy timeout, one writer at a time."""
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        # IMMEDIATE takes the write lock up front, so two writers wait instead of deadlocking.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _import_models() -> None:
    """Import every feature's models so that metadata (and Alembic) see all tables."""
    from academy.accounts import models as _accounts  # noqa: F401
    from academy.assignments import models as _assignments  # noqa: F401
    from academy.cohorts import models as _cohorts  # noqa: F401
    from academy.core import audit as _audit  # noqa: F401
    from academy.learning import models as _learning  # noqa: F401
    from academy.notifications import models as _notifications  # noqa: F401
    from academy.organisations import models as _organisations  # noqa: F401
    from academy.programmes import models as _programmes  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from academy.accounts.cli import register_commands as accounts_commands
    from academy.accounts.views import bp as accounts_bp
    from academy.assignments.cli import register_commands as assignment_commands
    from academy.assignments.views import bp as assignments_bp
    from academy.cohorts.views import bp as cohorts_bp
    from academy.demo import register_commands as demo_commands
    from academy.learning.views import bp as learning_bp
    from academy.main.views import bp as main_bp
    from academy.notifications.views import bp as notifications_bp
    from academy.organisations.views import bp as organisations_bp
    from academy.programmes.cli import register_commands as programme_commands

    for blueprint in (
        main_bp,
        accounts_bp,
        organisations_bp,
        cohorts_bp,
        learning_bp,
        assignments_bp,
        notifications_bp,
    ):
        app.register_blueprint(blueprint)
    accounts_commands(app)
    programme_commands(app)
    assignment_commands(app)
    demo_commands(app)
