import pytest
from django.urls import reverse

from violeta.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["portal:home", "accounts:login"])
def test_security_headers_on_public_and_staff_pages(client, name):
    response = client.get(reverse(name))
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


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
