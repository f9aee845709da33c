import pytest
from django.test import Client
from django.urls import reverse

from violeta.testing.factories import TEST_PASSWORD
from violeta.testing.second_factor import force_login_verified

pytestmark = pytest.mark.django_db

EXPECTED_CSP = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}


def csp_of(response) -> dict[str, list[str]]:
    directives = {}
    for part in response.headers["Content-Security-Policy"].split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_protective_headers(response) -> None:
    assert csp_of(response) == EXPECTED_CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def assert_never_stored(response) -> None:
    directives = {d.strip() for d in response.headers.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= directives
    assert "public" not in directives


@pytest.fixture
def verified_admin(admin_sistema) -> Client:
    client = Client()
    force_login_verified(client, admin_sistema)
    return client


@pytest.fixture
def verified_coordinacion(coordinacion) -> Client:
    client = Client()
    force_login_verified(client, coordinacion)
    return client


@pytest.mark.parametrize("name", ["portal:home", "accounts:login"])
def test_security_headers_on_public_and_staff_pages(client, name):
    response = client.get(reverse(name))
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "url",
    [
        reverse("portal:home"),
        reverse("portal:directory"),
        reverse("accounts:login"),
        "/no-existe/",
        "/personal/no-existe/",
    ],
)
def test_every_anonymous_response_carries_the_strict_policy(client, url):
    assert_protective_headers(client.get(url))


def test_a_public_page_seen_anonymously_may_be_cached(client):
    # It holds nothing personal; everything else is no-store (see config/middleware.py).
    response = client.get(reverse("portal:home"))
    assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize(
    "url",
    [
        reverse("accounts:login"),
        reverse("accounts:home"),
        reverse("accounts:second_factor_verify"),
        "/personal/no-existe/",
        "/no-existe/",
        reverse("admin:index"),
    ],
)
def test_staff_paths_are_never_stored_even_for_anonymous_visitors(client, url):
    assert_never_stored(client.get(url))


@pytest.mark.parametrize(
    "url",
    [
        reverse("portal:home"),
        reverse("portal:directory"),
        reverse("accounts:home"),
        reverse("accounts:second_factor"),
        "/no-existe/",
        "/personal/no-existe/",
    ],
)
def test_nothing_served_to_a_logged_in_person_is_stored(verified_coordinacion, url):
    response = verified_coordinacion.get(url)
    assert_never_stored(response)
    assert_protective_headers(response)


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:index"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_add"),
        "/administracion/no-existe/",
    ],
)
def test_the_admin_is_never_stored_and_carries_the_strict_policy(verified_admin, url):
    response = verified_admin.get(url)
    assert response.status_code in {200, 302, 404}
    assert_never_stored(response)
    assert_protective_headers(response)


def test_404_pages_carry_the_headers(verified_coordinacion):
    response = verified_coordinacion.get("/personal/no-existe/")
    assert response.status_code == 404
    assert_protective_headers(response)
    assert_never_stored(response)


def test_a_half_logged_in_person_and_the_lockout_page_are_never_stored(client, atencion):
    response = client.post(
        reverse("accounts:login"), {"username": atencion.email, "password": TEST_PASSWORD}
    )
    assert_never_stored(response)
    assert_never_stored(client.get(response.headers["Location"]))
    for _ in range(5):
        locked = Client().post(
            reverse("accounts:login"), {"username": atencion.email, "password": "no"}
        )
    assert locked.status_code == 429
    assert_never_stored(locked)
    assert_protective_headers(locked)


def test_static_files_stay_cacheable(client):
    response = client.get("/static/violeta/violeta.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_session_and_csrf_cookies_are_http_only_and_secure_outside_debug(client, servidora):
    csrf_cookie = client.get(reverse("accounts:login")).cookies["violeta_csrf"]
    assert csrf_cookie["secure"] is True
    response = client.post(
        reverse("accounts:login"), {"username": servidora.email, "password": TEST_PASSWORD}
    )
    session_cookie = response.cookies["violeta_sesion"]
    assert session_cookie["httponly"] is True
    assert session_cookie["secure"] is True
    # No max-age: the session cookie ends when the browser closes.
    assert session_cookie["max-age"] == ""


def test_passwords_are_hashed_with_argon2_in_the_real_settings():
    from violeta.config import settings as real_settings

    assert real_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
