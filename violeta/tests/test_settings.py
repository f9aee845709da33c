"""The settings module, imported fresh in a subprocess under different environments."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


DEFAULT_SHOW = (
    "settings.TIME_ZONE, settings.DATABASES['default']['ENGINE'],"
    " settings.SESSION_ENGINE, settings.DEBUG"
)


def load_settings(
    tmp_path: Path, *, show: str = DEFAULT_SHOW, **variables: str
) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "TIME_ZONE"}
    }
    env.update(
        {"VIOLETA_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "violeta.config.settings"}
    )
    env.update(variables)
    code = f"from django.conf import settings; print({show})"
    return subprocess.run(  # noqa: S603 - fixed interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )


def test_defaults_are_sqlite_chihuahua_time_and_debug_off(tmp_path):
    (tmp_path / "secret_key").write_text("k" * 60, encoding="utf-8")
    result = load_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "America/Chihuahua",
        "django.db.backends.sqlite3",
        "django.contrib.sessions.backends.db",
        "False",
    ]


def test_production_without_secret_key_refuses_to_start(tmp_path):
    result = load_settings(tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_short_secret_key_is_rejected(tmp_path):
    result = load_settings(tmp_path, SECRET_KEY="too-short")
    assert "SECRET_KEY must be at least 50 characters" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "perhaps", "DEBUG must be one of"),
        ("DATABASE_URL", "mysql://db/violeta", "DATABASE_URL must be a URL starting with"),
        ("TIME_ZONE", "Mars/Olympus", "TIME_ZONE 'Mars/Olympus' is not a known time zone"),
        ("SESSION_IDLE_MINUTES", "0", "SESSION_IDLE_MINUTES must be at least 1"),
        ("REDIS_URL", "http://cache", "REDIS_URL must be a URL starting with"),
    ],
)
def test_bad_values_name_the_variable(tmp_path, variable, value, message):
    result = load_settings(tmp_path, SECRET_KEY="k" * 60, **{variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_postgres_and_redis_urls_configure_database_cache_and_sessions(tmp_path):
    result = load_settings(
        tmp_path,
        SECRET_KEY="k" * 60,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/violeta",
        REDIS_URL="redis://127.0.0.1:6379/3",
        TIME_ZONE="America/Mexico_City",
        DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "America/Mexico_City",
        "violeta.backends.postgresql",
        "django.contrib.sessions.backends.cache",
        "True",
    ]


ATTACHMENTS_LOCATION = "settings.STORAGES['attachments']['OPTIONS']['location']"


def test_attachments_are_stored_under_the_var_dir_by_default(tmp_path):
    result = load_settings(tmp_path, show=ATTACHMENTS_LOCATION, SECRET_KEY="k" * 60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "attachments")


def test_attachments_dir_moves_the_attachments_storage(tmp_path):
    elsewhere = tmp_path / "adjuntos"
    result = load_settings(
        tmp_path, show=ATTACHMENTS_LOCATION, SECRET_KEY="k" * 60, ATTACHMENTS_DIR=str(elsewhere)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(elsewhere)


def test_the_wsgi_application_keeps_its_startup_objects_out_of_full_collections(tmp_path):
    result = load_settings(
        tmp_path,
        show="__import__('gc').get_freeze_count() > 1000, "
        "__import__('violeta.config.wsgi', fromlist=['application']).application is not None, "
        "__import__('gc').get_freeze_count() > 1000",
        SECRET_KEY="k" * 60,
    )
    assert result.returncode == 0, result.stderr
    # Nothing is frozen before the entry point is imported; its objects are after.
    assert result.stdout.split() == ["False", "True", "True"]
