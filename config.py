"""Settings for academy: one class per environment, every value overridable by ACADEMY_*."""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DEFAULT_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production


class Config:
    """Defaults shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY = DEFAULT_SECRET_KEY
    INSTANCE_PATH = str(ROOT / "instance")
    SQLALCHEMY_DATABASE_URI = ""  # filled in by create_app: instance/academy.sqlite3
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    DATABASE_URL = ""
    UPLOAD_DIR = ""
    CURRICULA_DIR = str(ROOT / "curricula")

    BABEL_DEFAULT_LOCALE = "fi"
    BABEL_DEFAULT_TIMEZONE = "Europe/Helsinki"
    LANGUAGES = ("fi", "sv", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 8 * 3600

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead

    MAX_CONTENT_LENGTH = 210 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 2 * 1024 * 1024
    MAX_FORM_PARTS = 1000
    ASSIGNMENT_MAX_FILES = 10
    ASSIGNMENT_MAX_FILE_SIZE = 20 * 1024 * 1024

    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a hash method, not a password
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 10
    LOGIN_MAX_FAILURES_PER_ADDRESS = 30
    LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
    INVITATION_MAX_AGE_SECONDS = 7 * 24 * 3600
    PASSWORD_RESET_MAX_AGE_SECONDS = 2 * 3600

    MAIL_BACKEND = "smtp"  # "smtp" or "log"
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_SENDER = "KEINO-akatemia <academy@example.org>"
    SERVER_NAME = None
    PREFERRED_URL_SCHEME = "http"

    DEMO_ALLOWED = True


class DevelopmentConfig(Config):
    """`make run` on a laptop: SQLite in instance/, mail to the log."""

    ENV_NAME = "development"
    MAIL_BACKEND = "log"


class TestConfig(Config):
    """The test suite: a throw-away database, fast hashes, CSRF checked only where tested."""

    ENV_NAME = "test"
    TESTING = True
    WTF_CSRF_ENABLED = False
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 - fast hashes for tests
    MAIL_BACKEND = "smtp"
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 8025


class ProductionConfig(Config):
    """gunicorn behind TLS, PostgreSQL, secrets from the environment."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    DEMO_ALLOWED = False

    @classmethod
    def check(cls, settings: dict) -> None:
        """Refuse to start with settings that are unsafe in production."""
        if settings.get("SECRET_KEY") in (None, "", DEFAULT_SECRET_KEY):
            raise RuntimeError(
                "Production needs its own secret: set ACADEMY_SECRET_KEY to a long random value."
            )
        if not settings.get("DATABASE_URL"):
            raise RuntimeError(
                "Production needs PostgreSQL: set ACADEMY_DATABASE_URL="
                "postgresql+psycopg://user:password@host/academy."
            )


#: ACADEMY_* variables that steer tools (the environment, the test suite), not the app
NOT_SETTINGS = {"ACADEMY_ENV", "ACADEMY_TEST_DATABASE_URL", "ACADEMY_BROWSER_REQUIRED"}

CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def _coerce(current, raw: str):
    """Read an environment string as the type of the setting it overrides."""
    if current is None:
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    if isinstance(current, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(current, int):
        return int(raw)
    if isinstance(current, (dict, list, tuple)):
        return json.loads(raw)
    return raw


def load(name: str | None = None, environ: dict | None = None) -> dict:
    """Settings for one environment as a dict, with ACADEMY_* variables applied on top."""
    environ = os.environ if environ is None else environ
    name = name or environ.get("ACADEMY_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"ACADEMY_ENV must be one of {', '.join(CONFIGS)}, not {name!r}.")
    cls = CONFIGS[name]
    settings = {key: getattr(cls, key) for key in dir(cls) if key.isupper()}
    for key, raw in environ.items():
        if key.startswith("ACADEMY_") and key not in NOT_SETTINGS:
            setting = key.removeprefix("ACADEMY_")
            settings[setting] = _coerce(settings.get(setting, ""), raw)
    if name == "production":
        ProductionConfig.check(settings)
    return settings
