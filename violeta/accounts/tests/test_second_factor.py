"""The second factor: who needs it, the middleware that insists, enrolment, verification and
recovery codes."""

import datetime
from urllib.parse import quote, urlencode

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from violeta.accounts import roles
from violeta.accounts.models import User
from violeta.accounts.roles import Role
from violeta.testing.access import ROUTES
from violeta.testing.factories import TEST_PASSWORD
from violeta.testing.second_factor import force_login_verified, totp_code, totp_device_for
from violeta.tests.test_access_matrix import admin_routes, world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

ENROL = reverse("accounts:second_factor_enrol")
VERIFY = reverse("accounts:second_factor_verify")
SETTINGS_PAGE = reverse("accounts:second_factor")
HOME = reverse("accounts:home")
# 2026-11-27 10:00 in Chihuahua; frozen so that TOTP steps and throttling are predictable.
NOW = datetime.datetime(2026, 11, 27, 17, 0, tzinfo=datetime.UTC)


def code_from_key(device: TOTPDevice) -> str:
    """What an authenticator app shows for this device's key, computed independently."""
    return f"{totp(device.bin_key):06d}"


def log_in_with_password(client: Client, user: User) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302


def verify(client: Client, code: str, next_url: str = ""):
    return client.post(VERIFY, {"code": code, "next": next_url})


# --- Who needs it --------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_every_role_that_sees_case_data_or_administers_needs_a_second_factor(role):
    user = User(email="x@y.mx", full_name="X", role=role, is_active=True)
    needs = {Role.ATENCION, Role.ENLACE, Role.COORDINACION, Role.AUTORIDAD, Role.ADMINISTRACION}
    assert roles.requires_second_factor(user) is (role in needs)


def test_anonymous_and_inactive_people_need_no_second_factor_because_they_get_nothing():
    assert roles.requires_second_factor(AnonymousUser()) is False
    assert roles.requires_second_factor(None) is False
    inactive = User(email="x@y.mx", full_name="X", role=Role.ATENCION, is_active=False)
    assert roles.requires_second_factor(inactive) is False


# --- The middleware ------------------------------------------------------------------------

# Reachable with a password alone. Everything else must send the person to the second factor.
OPEN_TO_UNVERIFIED = {
    "portal:home",
    "portal:directory",
    "portal:principles",
    "portal:violence_catalogs",
    "guide:start",
    "guide:result",
    "report:start",
    "report:danger",
    "report:new",
    "report:follow_up",
    "report:thread",
    "report:leave",
    "verify:check",
    "verify:code",
    "set_language",
    "accounts:logout",
    "accounts:second_factor_enrol",
    "accounts:second_factor_verify",
}


def test_every_other_page_sends_an_unverified_person_to_verification_with_next(world):  # noqa: F811
    atencion = world["people"]["atencion"]
    totp_device_for(atencion)
    client = Client()
    client.force_login(atencion)
    problems = []
    for route in (*ROUTES, *admin_routes(world)):
        if route.name in OPEN_TO_UNVERIFIED:
            continue
        url = reverse(route.name, kwargs=route.kwargs(world) if route.kwargs else {})
        response = getattr(client, route.method)(url, route.data)
        # A GET with parameters comes back to the same address with them.
        query = f"?{urlencode(route.data)}" if route.method == "get" and route.data else ""
        expected = f"{VERIFY}?next={quote(url + query)}"
        if response.status_code != 302 or response.headers["Location"] != expected:
            problems.append(f"{route.method.upper()} {url}: {response.status_code}")
    assert problems == []


def test_the_open_pages_answer_an_unverified_person(client, catalogs, atencion):
    totp_device_for(atencion)
    client.force_login(atencion)
    assert client.get(reverse("portal:home")).status_code == 200
    assert client.get(reverse("portal:directory")).status_code == 200
    assert client.get(VERIFY).status_code == 200
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.headers["Location"] == "/"
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_person_without_an_authenticator_is_sent_to_set_one_up(client, coordinacion):
    client.force_login(coordinacion)
    response = client.get(HOME)
    assert response.headers["Location"] == f"{ENROL}?next={quote(HOME)}"


def test_a_verified_person_reaches_staff_pages(client, autoridad):
    force_login_verified(client, autoridad)
    assert client.get(HOME).status_code == 200
    assert client.get(SETTINGS_PAGE).status_code == 200


def test_a_public_servant_needs_no_second_factor(client, servidora):
    client.force_login(servidora)
    assert client.get(HOME).status_code == 200
    assert not TOTPDevice.objects.filter(user=servidora).exists()
    # The second-factor pages have nothing for her and send her home.
    assert client.get(ENROL).headers["Location"] == HOME
    assert client.get(VERIFY).headers["Location"] == HOME
    assert client.get(SETTINGS_PAGE).headers["Location"] == HOME


def test_an_unconfirmed_device_does_not_count_as_verified(client, enlace):
    device = TOTPDevice.objects.create(user=enlace, name="a medias", confirmed=False)
    client.force_login(enlace)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert client.get(HOME).headers["Location"] == f"{ENROL}?next={quote(HOME)}"


def test_another_persons_device_does_not_verify_this_session(client, enlace, atencion):
    other = totp_device_for(atencion)
    totp_device_for(enlace)
    client.force_login(enlace)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = other.persistent_id
    session.save()
    assert client.get(HOME).headers["Location"].startswith(VERIFY)


# --- Login ---------------------------------------------------------------------------------


def test_password_login_goes_straight_to_verification_keeping_next(client, atencion):
    totp_device_for(atencion)
    response = client.post(
        reverse("accounts:login") + "?next=/personal/segundo-factor/",
        {"username": atencion.email, "password": TEST_PASSWORD},
    )
    assert response.headers["Location"] == f"{VERIFY}?next={quote(SETTINGS_PAGE)}"


def test_first_password_login_goes_to_enrolment(client, atencion):
    response = client.post(
        reverse("accounts:login"), {"username": atencion.email, "password": TEST_PASSWORD}
    )
    assert response.headers["Location"] == f"{ENROL}?next={quote(HOME)}"


def test_a_public_servant_goes_home_after_the_password(client, servidora):
    response = client.post(
        reverse("accounts:login"), {"username": servidora.email, "password": TEST_PASSWORD}
    )
    assert response.headers["Location"] == HOME


# --- Enrolment -----------------------------------------------------------------------------


def test_enrolment_page_shows_an_inline_qr_the_secret_and_an_accessible_code_field(
    client, atencion
):
    log_in_with_password(client, atencion)
    body = client.get(ENROL).content.decode()
    device = TOTPDevice.objects.get(user=atencion)
    assert device.confirmed is False
    assert '<svg width="' in body
    assert "<title>Código QR para tu aplicación de autenticación</title>" in body
    assert "<img" not in body  # the QR is markup, not a request to anybody
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in body
    assert 'autocomplete="one-time-code"' in body
    assert 'inputmode="numeric"' in body
    assert '<label for="id_code">Código de verificación</label>' in body


def test_reloading_the_enrolment_page_keeps_the_same_secret(client, atencion):
    log_in_with_password(client, atencion)
    client.get(ENROL)
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=atencion).count() == 1


@time_machine.travel(NOW, tick=False)
def test_enrolment_with_the_right_code_confirms_and_shows_ten_recovery_codes_once(client, atencion):
    log_in_with_password(client, atencion)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=atencion)
    response = client.post(ENROL, {"code": code_from_key(device), "next": HOME})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Tu segundo factor está listo" in body
    assert "no volverás a verlos" in body
    device.refresh_from_db()
    assert device.confirmed is True
    tokens = list(StaticToken.objects.filter(device__user=atencion))
    assert len(tokens) == 10
    assert len({token.token for token in tokens}) == 10
    for token in tokens:
        shown = " ".join(token.token[i : i + 4] for i in range(0, 12, 4))
        assert f"<code>{shown}</code>" in body
    assert f'href="{HOME}"' in body
    # The session is now verified: staff pages open.
    assert client.get(HOME).status_code == 200
    # And the codes are not shown again anywhere.
    assert tokens[0].token[:4] not in client.get(SETTINGS_PAGE).content.decode()


@time_machine.travel(NOW, tick=False)
def test_enrolment_with_a_wrong_code_is_refused_with_a_clear_message(client, atencion):
    log_in_with_password(client, atencion)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=atencion)
    wrong = f"{(int(code_from_key(device)) + 1) % 1_000_000:06d}"
    body = client.post(ENROL, {"code": wrong}).content.decode()
    assert "Ese código no coincide" in body
    assert 'aria-invalid="true"' in body
    assert 'aria-describedby="id_code_helptext id_code_error"' in body
    assert 'id="id_code_error"' in body
    device.refresh_from_db()
    assert device.confirmed is False
    assert device.throttling_failure_count == 1
    assert not StaticDevice.objects.filter(user=atencion).exists()
    assert client.get(HOME).status_code == 302


def test_enrolment_rejects_malformed_codes_before_checking_them(client, atencion):
    log_in_with_password(client, atencion)
    client.get(ENROL)
    body = client.post(ENROL, {"code": "12a45"}).content.decode()
    assert "El código lleva 6 números" in body
    assert TOTPDevice.objects.get(user=atencion).throttling_failure_count == 0


def test_a_password_alone_cannot_replace_an_existing_authenticator(client, atencion):
    device = totp_device_for(atencion)
    log_in_with_password(client, atencion)
    response = client.get(ENROL)
    assert response.headers["Location"].startswith(VERIFY)
    response = client.post(ENROL, {"code": totp_code(device)})
    assert response.headers["Location"].startswith(VERIFY)
    assert list(TOTPDevice.objects.filter(user=atencion)) == [device]


# --- Verification --------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_verification_with_the_app_code_goes_to_next_with_a_new_session_key(client, atencion):
    device = totp_device_for(atencion)
    log_in_with_password(client, atencion)
    key_before = client.session.session_key
    response = verify(client, code_from_key(device), next_url=SETTINGS_PAGE)
    assert response.headers["Location"] == SETTINGS_PAGE
    assert client.session.session_key != key_before
    assert client.get(SETTINGS_PAGE).status_code == 200


def test_verification_never_redirects_off_site(client, atencion):
    device = totp_device_for(atencion)
    log_in_with_password(client, atencion)
    response = verify(client, totp_code(device), next_url="https://evil.example/")
    assert response.headers["Location"] == HOME


@time_machine.travel(NOW, tick=False)
def test_an_app_code_is_accepted_only_once(client, atencion):
    device = totp_device_for(atencion)
    code = code_from_key(device)
    log_in_with_password(client, atencion)
    assert verify(client, code).status_code == 302
    client.post(reverse("accounts:logout"))
    log_in_with_password(client, atencion)
    body = verify(client, code).content.decode()
    assert "Ese código no es correcto o ya se usó" in body


def test_a_wrong_code_is_refused_with_a_clear_message_and_counted(client, coordinacion):
    device = totp_device_for(coordinacion)
    log_in_with_password(client, coordinacion)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = verify(client, wrong)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ese código no es correcto o ya se usó" in body
    assert 'aria-invalid="true"' in body
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.get(username=coordinacion.email)
    assert attempt.failures_since_start == 1
    assert client.get(HOME).status_code == 302


def test_django_otp_throttling_applies_after_a_wrong_code(client, coordinacion):
    with time_machine.travel(NOW, tick=False) as clock:
        device = totp_device_for(coordinacion)
        log_in_with_password(client, coordinacion)
        verify(client, f"{(int(code_from_key(device)) + 1) % 1_000_000:06d}")
        body = verify(client, code_from_key(device)).content.decode()
        assert "Hubo varios códigos incorrectos seguidos. Espera 1 segundo" in body
        clock.shift(datetime.timedelta(seconds=2))
        assert verify(client, code_from_key(device)).status_code == 302


def test_a_recovery_code_verifies_once_and_is_then_used_up(client, enlace):
    with time_machine.travel(NOW, tick=False) as clock:
        totp_device_for(enlace)
        codes = _recovery_codes(enlace)
        log_in_with_password(client, enlace)
        # Typed as shown, with spaces.
        shown = " ".join(codes[0][i : i + 4] for i in range(0, 12, 4))
        assert verify(client, shown).headers["Location"] == HOME
        assert StaticToken.objects.filter(device__user=enlace).count() == 9
        client.post(reverse("accounts:logout"))
        log_in_with_password(client, enlace)
        body = verify(client, codes[0]).content.decode()
        assert "Ese código no es correcto o ya se usó" in body
        clock.shift(datetime.timedelta(seconds=2))  # past django-otp's throttle
        assert verify(client, codes[1]).status_code == 302


def test_verification_page_explains_both_kinds_of_code(client, enlace):
    totp_device_for(enlace)
    log_in_with_password(client, enlace)
    body = client.get(VERIFY).content.decode()
    assert "6 dígitos" in body
    assert "12 dígitos" in body
    assert 'autocomplete="one-time-code"' in body
    assert 'inputmode="numeric"' in body


# --- Recovery codes ------------------------------------------------------------------------


def _recovery_codes(user: User) -> list[str]:
    from violeta.accounts.services import recovery_codes_regenerate

    return recovery_codes_regenerate(user=user)


def test_the_settings_page_counts_the_codes_left(client, autoridad):
    _recovery_codes(autoridad)
    force_login_verified(client, autoridad)
    body = client.get(SETTINGS_PAGE).content.decode()
    assert "Te quedan 10 códigos de recuperación sin usar." in body
    assert 'id="salida-rapida"' not in body


def test_regenerating_recovery_codes_replaces_the_old_ones(client, autoridad):
    old = _recovery_codes(autoridad)
    force_login_verified(client, autoridad)
    response = client.post(SETTINGS_PAGE)
    body = response.content.decode()
    assert "Tus nuevos códigos de recuperación" in body
    new = set(StaticToken.objects.filter(device__user=autoridad).values_list("token", flat=True))
    assert len(new) == 10
    assert new.isdisjoint(old)
    assert StaticDevice.objects.filter(user=autoridad).count() == 1


def test_regenerating_recovery_codes_needs_a_verified_session(client, autoridad):
    totp_device_for(autoridad)
    old = _recovery_codes(autoridad)
    client.force_login(autoridad)
    response = client.post(SETTINGS_PAGE)
    assert response.headers["Location"] == f"{VERIFY}?next={quote(SETTINGS_PAGE)}"
    tokens = set(StaticToken.objects.filter(device__user=autoridad).values_list("token", flat=True))
    assert tokens == set(old)


def test_home_links_to_the_second_factor_page_only_for_roles_that_use_one(
    client, autoridad, servidora
):
    force_login_verified(client, autoridad)
    assert f'href="{SETTINGS_PAGE}"' in client.get(HOME).content.decode()
    other = Client()
    other.force_login(servidora)
    assert f'href="{SETTINGS_PAGE}"' not in other.get(HOME).content.decode()


# --- Administración ------------------------------------------------------------------------


def test_administration_can_reset_a_lost_second_factor(client, admin_sistema, atencion):
    totp_device_for(atencion)
    _recovery_codes(atencion)
    force_login_verified(client, admin_sistema)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [atencion.pk]},
        follow=True,
    )
    assert "Se restableció el segundo factor de 1 persona" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=atencion).exists()
    assert not StaticDevice.objects.filter(user=atencion).exists()


def test_the_admin_never_shows_second_factor_secrets():
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)


def test_a_system_check_insists_on_the_second_factor_middleware(settings):
    from violeta.accounts.checks import SECOND_FACTOR_MIDDLEWARE, second_factor_middleware_installed

    assert second_factor_middleware_installed(None) == []
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != SECOND_FACTOR_MIDDLEWARE]
    assert [error.id for error in second_factor_middleware_installed(None)] == ["violeta.E101"]
    settings.MIDDLEWARE = [SECOND_FACTOR_MIDDLEWARE, *settings.MIDDLEWARE]
    assert [error.id for error in second_factor_middleware_installed(None)] == ["violeta.E101"]
