"""Settings: production refuses unsafe defaults and says why; ACADEMY_* overrides everything."""

from __future__ import annotations

import pytest

import config
from academy import create_app

GOOD_SECRET = "k3y-long-random-value-for-this-test-only-0123456789"
PG_URL = "postgresql+psycopg://academy:secret@db.example.org/academy"


@pytest.fixture
def clean_environ(monkeypatch):
    """No ACADEMY_* variable of the outer shell (Makefile, CI) reaches the test."""
    import os

    for key in [k for k in os.environ if k.startswith("ACADEMY_")]:
        monkeypatch.delenv(key)
    return monkeypatch


def test_production_refuses_the_default_secret_key():
    with pytest.raises(RuntimeError, match="ACADEMY_SECRET_KEY"):
        config.load("production", environ={"ACADEMY_DATABASE_URL": PG_URL})
    with pytest.raises(RuntimeError, match="ACADEMY_SECRET_KEY"):
        config.load(
            "production",
            environ={
                "ACADEMY_DATABASE_URL": PG_URL,
                "ACADEMY_SECRET_KEY": config.DEFAULT_SECRET_KEY,
            },
        )
    with pytest.raises(RuntimeError, match="ACADEMY_SECRET_KEY"):
        config.load(
            "production", environ={"ACADEMY_DATABASE_URL": PG_URL, "ACADEMY_SECRET_KEY": ""}
        )


def test_production_refuses_to_start_without_a_database_url():
    with pytest.raises(RuntimeError, match="ACADEMY_DATABASE_URL"):
        config.load("production", environ={"ACADEMY_SECRET_KEY": GOOD_SECRET})


def test_production_starts_with_its_own_secret_and_database():
    settings = config.load(
        "production", environ={"ACADEMY_SECRET_KEY": GOOD_SECRET, "ACADEMY_DATABASE_URL": PG_URL}
    )
    assert settings["SECRET_KEY"] == GOOD_SECRET
    assert settings["DATABASE_URL"] == PG_URL
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["REMEMBER_COOKIE_SECURE"] is True
    assert settings["DEMO_ALLOWED"] is False
    assert settings["WTF_CSRF_ENABLED"] is True


def test_create_app_for_production_refuses_the_default_secret_key(clean_environ, tmp_path):
    clean_environ.setenv("ACADEMY_DATABASE_URL", PG_URL)
    clean_environ.setenv("ACADEMY_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="ACADEMY_SECRET_KEY"):
        create_app("production")


def test_create_app_for_production_refuses_to_start_without_a_database(clean_environ, tmp_path):
    clean_environ.setenv("ACADEMY_SECRET_KEY", GOOD_SECRET)
    clean_environ.setenv("ACADEMY_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="ACADEMY_DATABASE_URL"):
        create_app("production")


def test_academy_env_chooses_the_environment(clean_environ, tmp_path):
    clean_environ.setenv("ACADEMY_ENV", "production")
    clean_environ.setenv("ACADEMY_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="ACADEMY_SECRET_KEY"):
        create_app()


def test_an_unknown_environment_is_refused_by_name():
    with pytest.raises(RuntimeError, match="staging"):
        config.load("staging", environ={})
    with pytest.raises(RuntimeError, match="ACADEMY_ENV"):
        config.load(environ={"ACADEMY_ENV": "staging"})


def test_development_is_the_default_environment():
    assert config.load(environ={})["ENV_NAME"] == "development"


def _settings() -> list[str]:
    return sorted(key for key in dir(config.Config) if key.isupper())


def _sample(value):
    """An environment string for a setting, and the value it should become."""
    if isinstance(value, bool):
        return ("false", False) if value else ("true", True)
    if isinstance(value, int):
        return str(value + 7), value + 7
    if isinstance(value, dict):
        return '{"pool_size": 3}', {"pool_size": 3}
    if isinstance(value, (list, tuple)):
        return '["fi", "sv"]', ["fi", "sv"]
    return "from-the-environment", "from-the-environment"


@pytest.mark.parametrize("env_name", sorted(config.CONFIGS))
@pytest.mark.parametrize("setting", _settings())
def test_every_setting_can_be_overridden_by_the_environment(setting, env_name):
    environ = {"ACADEMY_SECRET_KEY": GOOD_SECRET, "ACADEMY_DATABASE_URL": PG_URL}
    current = config.load(env_name, environ=environ)[setting]
    raw, expected = _sample(current)
    if setting in ("SECRET_KEY", "DATABASE_URL"):
        raw, expected = f"{current}-changed", f"{current}-changed"
    settings = config.load(env_name, environ={**environ, f"ACADEMY_{setting}": raw})
    assert settings[setting] == expected
    assert type(settings[setting]) is type(expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("Yes", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("off", False),
        ("", False),
    ],
)
def test_booleans_are_read_from_the_usual_spellings(raw, expected):
    settings = config.load("development", environ={"ACADEMY_MAIL_USE_TLS": raw})
    assert settings["MAIL_USE_TLS"] is expected


def test_numbers_are_read_as_numbers():
    settings = config.load(
        "development", environ={"ACADEMY_MAIL_PORT": "587", "ACADEMY_MAX_FORM_PARTS": " 50 "}
    )
    assert settings["MAIL_PORT"] == 587
    assert settings["MAX_FORM_PARTS"] == 50


def test_a_time_limit_without_a_default_can_be_set_as_a_number():
    """WTF_CSRF_TIME_LIMIT defaults to None (no limit); a number from the environment must
    arrive as a number, or Flask-WTF fails when it compares token ages."""
    settings = config.load("development", environ={"ACADEMY_WTF_CSRF_TIME_LIMIT": "3600"})
    assert settings["WTF_CSRF_TIME_LIMIT"] == 3600


def test_environment_overrides_reach_the_app(clean_environ, tmp_path):
    clean_environ.setenv("ACADEMY_INSTANCE_PATH", str(tmp_path))
    clean_environ.setenv("ACADEMY_LOGIN_MAX_FAILURES_PER_ACCOUNT", "3")
    clean_environ.setenv("ACADEMY_MAIL_BACKEND", "log")
    app = create_app({"ENV_NAME": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] == 3
    assert app.config["MAIL_BACKEND"] == "log"
    assert app.instance_path == str(tmp_path)
