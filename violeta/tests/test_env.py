import pytest
from django.core.exceptions import ImproperlyConfigured

from violeta.config.env import Env


def test_bool_accepts_common_words():
    env = Env({"A": "yes", "B": "0", "C": " TRUE "})
    assert env.get_bool("A", default=False) is True
    assert env.get_bool("B", default=True) is False
    assert env.get_bool("C", default=False) is True
    assert env.get_bool("MISSING", default=True) is True


def test_bad_bool_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        Env({"DEBUG": "maybe"}).get_bool("DEBUG", default=False)


def test_int_bounds_name_the_variable():
    env = Env({"SESSION_IDLE_MINUTES": "0", "X": "abc"})
    with pytest.raises(ImproperlyConfigured, match="SESSION_IDLE_MINUTES must be at least 1"):
        env.get_int("SESSION_IDLE_MINUTES", default=15, minimum=1)
    with pytest.raises(ImproperlyConfigured, match="X must be a whole number"):
        env.get_int("X", default=1)
    assert Env({"N": "42"}).get_int("N", default=1, maximum=100) == 42


def test_list_rejects_empty_items():
    assert Env({"ALLOWED_HOSTS": "a.mx, b.mx"}).get_list("ALLOWED_HOSTS", default=[]) == [
        "a.mx",
        "b.mx",
    ]
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS"):
        Env({"ALLOWED_HOSTS": "a.mx,,b.mx"}).get_list("ALLOWED_HOSTS", default=[])


def test_url_checks_scheme():
    env = Env({"DATABASE_URL": "mysql://x", "REDIS_URL": "redis://127.0.0.1:6379/0"})
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL must be a URL starting with"):
        env.get_url("DATABASE_URL", schemes=("sqlite", "postgres"))
    assert env.get_url("REDIS_URL", schemes=("redis",)) == "redis://127.0.0.1:6379/0"
    assert env.get_url("MISSING", schemes=("redis",)) is None


def test_secret_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t\n", encoding="utf-8")
    assert Env({"SECRET_KEY_FILE": str(secret)}).get_str("SECRET_KEY") == "s3cr3t"
    # An explicit value wins over the file.
    assert Env({"SECRET_KEY": "direct", "SECRET_KEY_FILE": str(secret)}).get_str("SECRET_KEY") == (
        "direct"
    )


def test_unreadable_secret_file_names_the_variable(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FILE"):
        Env({"SECRET_KEY_FILE": str(tmp_path / "nope")}).get_str("SECRET_KEY")


def test_required_value_missing_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        Env({}).get_str("SECRET_KEY", required=True)
