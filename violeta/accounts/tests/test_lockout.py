"""Repeated failed logins pause an account, from the address they came from, for a while."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from violeta.accounts.lockout import client_ip
from violeta.testing.factories import TEST_PASSWORD
from violeta.testing.second_factor import force_login_verified, totp_code, totp_device_for

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:second_factor_verify")
# 10:00 in Chihuahua (UTC-6).
NOW = datetime.datetime(2026, 11, 27, 16, 0, tzinfo=datetime.UTC)


WRONG_PASSWORD = "no-es-esta"


def attempt(client: Client, email: str, password: str = WRONG_PASSWORD, ip: str = "10.0.0.7"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def fail(client: Client, email: str, times: int, ip: str = "10.0.0.7"):
    response = None
    for _ in range(times):
        response = attempt(client, email, ip=ip)
    return response


@time_machine.travel(NOW, tick=False)
def test_the_fifth_wrong_password_pauses_the_account_with_a_calm_page(client, servidora):
    for _ in range(4):
        response = attempt(client, servidora.email)
        assert response.status_code == 200
        assert "El correo o la contraseña no son correctos" in response.content.decode()
    response = attempt(client, servidora.email)
    body = response.content.decode()
    assert response.status_code == 429
    assert "<h1>Acceso en pausa</h1>" in body
    assert "Podrás intentarlo de nuevo a partir de las 10:15 (en unos 15 minutos)." in body
    assert "administración de Violeta en el Instituto Municipal de las Mujeres" in body
    assert response.headers["Retry-After"] == "900"
    assert 'id="salida-rapida"' not in body


@time_machine.travel(NOW, tick=False)
def test_during_the_pause_even_the_right_password_does_not_log_in(client, servidora):
    fail(client, servidora.email, 5)
    response = attempt(client, servidora.email, password=TEST_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_pause_ends_when_the_page_said_and_further_attempts_do_not_move_it(client, servidora):
    with time_machine.travel(NOW, tick=False) as clock:
        fail(client, servidora.email, 5)
        clock.shift(datetime.timedelta(minutes=10))
        body = attempt(client, servidora.email).content.decode()
        assert "a partir de las 10:15 (en unos 5 minutos)" in body
        clock.shift(datetime.timedelta(minutes=5, seconds=1))
        response = attempt(client, servidora.email, password=TEST_PASSWORD)
        assert response.status_code == 302
        assert response.headers["Location"] == reverse("accounts:home")


@time_machine.travel(NOW, tick=False)
def test_failures_from_elsewhere_do_not_lock_a_person_out_of_her_own_computer(client, servidora):
    # Somebody who knows her e-mail tries from another computer...
    fail(Client(), servidora.email, 8, ip="203.0.113.9")
    # ...and she still logs in from hers.
    response = attempt(client, servidora.email, password=TEST_PASSWORD, ip="10.0.0.7")
    assert response.status_code == 302


@time_machine.travel(NOW, tick=False)
def test_failures_for_one_account_do_not_lock_colleagues_at_the_same_address(
    client, servidora, outsider
):
    fail(Client(), outsider.email, 5)
    assert attempt(client, servidora.email, password=TEST_PASSWORD).status_code == 302


@time_machine.travel(NOW, tick=False)
def test_changing_the_case_of_the_email_does_not_buy_more_attempts(client, servidora):
    fail(client, servidora.email.upper(), 2)
    fail(client, servidora.email.title(), 2)
    assert attempt(client, servidora.email).status_code == 429


@time_machine.travel(NOW, tick=False)
def test_a_successful_login_clears_earlier_failures(client, servidora):
    fail(client, servidora.email, 4)
    assert attempt(client, servidora.email, password=TEST_PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    assert fail(client, servidora.email, 4).status_code == 200


def test_the_limit_and_the_pause_come_from_settings(client, servidora, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=45)
    with time_machine.travel(NOW, tick=False):
        response = fail(client, servidora.email, 2)
        assert response.status_code == 429
        assert "a partir de las 10:45 (en unos 45 minutos)" in response.content.decode()


def test_wrong_second_factor_codes_count_toward_the_same_pause(client, atencion):
    device = totp_device_for(atencion)
    with time_machine.travel(NOW, tick=False) as clock:
        attempt(client, atencion.email, password=TEST_PASSWORD)
        wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
        for _ in range(4):
            response = client.post(VERIFY, {"code": wrong}, REMOTE_ADDR="10.0.0.7")
            assert response.status_code == 200
            # Past django-otp's own, growing delay, so that every code is really checked.
            clock.shift(datetime.timedelta(seconds=30))
        response = client.post(VERIFY, {"code": wrong}, REMOTE_ADDR="10.0.0.7")
        assert response.status_code == 429
        assert "Acceso en pausa" in response.content.decode()
        # The half-open session is closed; the password does not reopen it for now.
        assert "_auth_user_id" not in client.session
        assert attempt(client, atencion.email, password=TEST_PASSWORD).status_code == 429


@time_machine.travel(NOW, tick=False)
def test_administration_unlocks_an_account_from_the_user_list(client, servidora, admin_sistema):
    fail(Client(), servidora.email, 5)
    force_login_verified(client, admin_sistema)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock_logins", "_selected_action": [servidora.pk]},
        follow=True,
    )
    assert "Se desbloqueó el acceso de 1 persona." in response.content.decode()
    assert not AccessAttempt.objects.filter(username=servidora.email).exists()
    assert attempt(Client(), servidora.email, password=TEST_PASSWORD).status_code == 302


def test_failed_attempts_keep_no_password_or_code(client, atencion):
    attempt(client, atencion.email, password="mi-contraseña-secreta")
    stored = AccessAttempt.objects.get(username=atencion.email)
    assert "mi-contraseña-secreta" not in stored.post_data


def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4"
    )
    settings.BEHIND_TLS_PROXY = False
    assert client_ip(request) == "127.0.0.1"
    settings.BEHIND_TLS_PROXY = True
    # The first entry was written by the client and could be anything; the last is the proxy's.
    assert client_ip(request) == "198.51.100.4"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("LOGIN_MAX_FAILURES", "0", "LOGIN_MAX_FAILURES must be at least 1"),
        ("LOGIN_MAX_FAILURES", "cinco", "LOGIN_MAX_FAILURES must be a whole number"),
        ("LOGIN_LOCKOUT_MINUTES", "0", "LOGIN_LOCKOUT_MINUTES must be at least 1"),
    ],
)
def test_bad_lockout_settings_stop_start_up_naming_the_variable(tmp_path, variable, value, message):
    from violeta.tests.test_settings import load_settings

    result = load_settings(tmp_path, SECRET_KEY="k" * 60, **{variable: value})
    assert result.returncode != 0
    assert message in result.stderr
