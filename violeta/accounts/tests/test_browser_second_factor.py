"""The second factor as staff use it, in Debian's Chromium."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from violeta.accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_users_ensure
from violeta.testing.browser import submit_password
from violeta.testing.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_for_secret(secret: str) -> str:
    """What an authenticator app shows for a secret typed into it."""
    return f"{totp(b32decode(secret.replace(' ', ''))):06d}"


def test_a_new_case_worker_enrols_keeps_her_recovery_codes_and_reaches_her_home(
    page: Page, live_server, atencion
):
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    submit_password(page, live_server, atencion.email, TEST_PASSWORD)

    expect(page.get_by_role("heading", level=1)).to_have_text("Configura tu segundo factor")
    expect(
        page.get_by_role("img", name="Código QR para tu aplicación de autenticación")
    ).to_be_visible()
    secret = page.locator("#clave-secreta").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", secret)

    page.get_by_label("Código de verificación").fill(code_for_secret(secret))
    page.get_by_role("button", name="Confirmar").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Tu segundo factor está listo")
    expect(page.get_by_text("no volverás a verlos")).to_be_visible()
    codes = page.get_by_role("list", name="Códigos de recuperación").get_by_role("listitem")
    expect(codes).to_have_count(10)
    expect(codes.first).to_have_text(re.compile(r"^\d{4} \d{4} \d{4}$"))

    page.get_by_role("link", name="Ya los guardé, continuar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hola, {atencion.full_name}")
    assert TOTPDevice.objects.get(user=atencion).confirmed
    # The QR code is inline markup: nothing on the way was refused by the security policy.
    assert [text for text in console if "Content Security Policy" in text] == []


def test_a_recovery_code_gets_her_in_when_she_has_no_phone(page: Page, live_server, atencion):
    submit_password(page, live_server, atencion.email, TEST_PASSWORD)
    secret = page.locator("#clave-secreta").inner_text()
    page.get_by_label("Código de verificación").fill(code_for_secret(secret))
    page.get_by_role("button", name="Confirmar").click()
    recovery = page.get_by_role("listitem").filter(has_text=re.compile(r"^\d{4} \d{4} \d{4}$"))
    first_code = recovery.first.inner_text()
    page.get_by_role("button", name="Cerrar sesión").click()

    submit_password(page, live_server, atencion.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Verificación en dos pasos")
    page.get_by_label("Código de verificación").fill(first_code)
    page.get_by_role("button", name="Verificar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hola, {atencion.full_name}")
    page.get_by_role("link", name="Segundo factor").click()
    expect(page.get_by_text("Te quedan 9 códigos de recuperación sin usar.")).to_be_visible()


def test_a_demo_account_logs_in_with_the_code_from_the_published_secret(
    page: Page, live_server, catalogs
):
    demo_users_ensure()
    submit_password(page, live_server, "coordinacion@demo.violeta.mx", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Verificación en dos pasos")
    page.get_by_label("Código de verificación").fill(code_for_secret(DEMO_TOTP_SECRET))
    page.get_by_role("button", name="Verificar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hola, Adriana Holguín")


def test_a_wrong_code_says_so_next_to_the_field(page: Page, live_server, coordinacion):
    TOTPDevice.objects.create(user=coordinacion, name="Teléfono", confirmed=True)
    submit_password(page, live_server, coordinacion.email, TEST_PASSWORD)
    page.get_by_label("Código de verificación").fill("000000")
    page.get_by_role("button", name="Verificar").click()
    field = page.get_by_label("Código de verificación")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(
        re.compile("Ese código no es correcto o ya se usó")
    )
    expect(page.get_by_role("alert")).to_contain_text("Ese código no es correcto o ya se usó")


def test_a_page_asked_for_before_logging_in_opens_after_both_steps(
    page: Page, live_server, autoridad
):
    device = TOTPDevice.objects.create(user=autoridad, name="Teléfono", confirmed=True)
    page.goto(live_server.url + "/personal/segundo-factor/")
    expect(page.get_by_role("heading", name="Acceso para personal")).to_be_visible()
    page.get_by_label("Correo electrónico").fill(autoridad.email)
    page.get_by_label("Contraseña").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verificación en dos pasos")
    page.get_by_label("Código de verificación").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Verificar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Segundo factor")


def test_repeated_wrong_passwords_show_the_lockout_page(page: Page, live_server, servidora):
    for _ in range(5):
        submit_password(page, live_server, servidora.email, "no-es-esta")
    expect(page.get_by_role("heading", level=1)).to_have_text("Acceso en pausa")
    expect(
        page.get_by_text(re.compile(r"Podrás intentarlo de nuevo a partir de las \d\d:\d\d"))
    ).to_be_visible()
    expect(page.get_by_text("administración de Violeta")).to_be_visible()
    submit_password(page, live_server, servidora.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Acceso en pausa")
