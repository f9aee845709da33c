import pytest
from django.test import Client
from django.urls import reverse

from violeta.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def csrf_client():
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("accounts:login"))
    return client


def post_login(client, email, **headers):
    token = client.cookies["violeta_csrf"].value
    return client.post(
        reverse("accounts:login"),
        {"username": email, "password": TEST_PASSWORD, "csrfmiddlewaretoken": token},
        headers=headers,
    )


def test_same_origin_post_with_null_origin_is_accepted(csrf_client, servidora):
    response = post_login(
        csrf_client, servidora.email, Origin="null", **{"Sec-Fetch-Site": "same-origin"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("site", ["cross-site", "same-site", "none"])
def test_null_origin_from_elsewhere_is_refused(csrf_client, servidora, site):
    response = post_login(csrf_client, servidora.email, Origin="null", **{"Sec-Fetch-Site": site})
    assert response.status_code == 403


def test_foreign_origin_is_refused_even_with_a_token(csrf_client, servidora):
    response = post_login(
        csrf_client,
        servidora.email,
        Origin="https://evil.example",
        **{"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 403


def test_token_is_still_required(servidora):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("accounts:login"),
        {"username": servidora.email, "password": TEST_PASSWORD},
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 403


def test_a_system_check_insists_on_the_csrf_middleware(settings):
    from violeta.config.checks import csrf_middleware_installed

    assert csrf_middleware_installed(None) == []
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "csrf" not in m]
    assert [error.id for error in csrf_middleware_installed(None)] == ["violeta.E001"]


@pytest.mark.parametrize(
    "name",
    [
        "accounts:second_factor_verify",
        "accounts:second_factor_enrol",
        "accounts:second_factor",
    ],
)
def test_second_factor_forms_need_the_token(atencion, name):
    from violeta.testing.second_factor import force_login_verified

    client = Client(enforce_csrf_checks=True)
    force_login_verified(client, atencion)
    response = client.post(
        reverse(name),
        {"code": "123456"},
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 403


def test_the_code_form_works_with_a_null_origin_from_the_same_site(csrf_client, atencion):
    from violeta.testing.second_factor import totp_code, totp_device_for

    device = totp_device_for(atencion)
    assert post_login(csrf_client, atencion.email).status_code == 302
    response = csrf_client.post(
        reverse("accounts:second_factor_verify"),
        {
            "code": totp_code(device),
            "csrfmiddlewaretoken": csrf_client.cookies["violeta_csrf"].value,
        },
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("accounts:home")
