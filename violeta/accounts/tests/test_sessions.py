"""A staff session ends after SESSION_IDLE_MINUTES without activity; activity keeps it open."""

import datetime
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from violeta.testing.second_factor import force_login_verified

pytestmark = pytest.mark.django_db

HOME = reverse("accounts:home")
NOW = datetime.datetime(2026, 11, 27, 16, 0, tzinfo=datetime.UTC)

# Both session stores Violeta uses: the database on one machine, the cache (Redis in
# production; the local-memory cache here, whose clock time_machine controls) on several.
ENGINES: dict[str, dict[str, Any]] = {
    "db": {"SESSION_ENGINE": "django.contrib.sessions.backends.db"},
    "cache": {
        "SESSION_ENGINE": "django.contrib.sessions.backends.cache",
        "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    },
}


@pytest.fixture(params=list(ENGINES))
def session_store(request, settings):
    for name, value in ENGINES[request.param].items():
        setattr(settings, name, value)
    return request.param


def test_the_default_idle_limit_is_fifteen_minutes_and_ends_with_the_browser(settings):
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_a_session_idle_past_the_limit_is_logged_out(client, session_store, coordinacion):
    with time_machine.travel(NOW, tick=False) as clock:
        force_login_verified(client, coordinacion)
        assert client.get(HOME).status_code == 200
        clock.shift(datetime.timedelta(minutes=15, seconds=1))
        response = client.get(HOME)
        assert response.status_code == 302
        assert response.headers["Location"].startswith(reverse("accounts:login"))


def test_activity_keeps_the_session_open(client, session_store, coordinacion):
    with time_machine.travel(NOW, tick=False) as clock:
        force_login_verified(client, coordinacion)
        for _ in range(4):  # an hour of work, a page every 14 minutes
            clock.shift(datetime.timedelta(minutes=14))
            assert client.get(HOME).status_code == 200


def test_the_idle_limit_follows_the_setting(client, session_store, coordinacion, settings):
    settings.SESSION_COOKIE_AGE = 5 * 60
    with time_machine.travel(NOW, tick=False) as clock:
        force_login_verified(client, coordinacion)
        clock.shift(datetime.timedelta(minutes=4))
        assert client.get(HOME).status_code == 200
        clock.shift(datetime.timedelta(minutes=5, seconds=1))
        assert client.get(HOME).status_code == 302
