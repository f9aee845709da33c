"""Each demo role logs in through the real form and sees its own home."""

import re

import pytest
from playwright.sync_api import Page, expect

from violeta.accounts.demo import DEMO_PASSWORD, DEMO_USERS, demo_users_ensure
from violeta.accounts.roles import Role
from violeta.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEES = {
    Role.SERVIDORA: "Capacitación",
    Role.ATENCION: "Casos asignados",
    Role.ENLACE: "Registrar un caso",
    Role.COORDINACION: "Asignar casos",
    Role.AUTORIDAD: "Procedimientos del comité y del OIC",
    Role.ADMINISTRACION: "Personas usuarias y catálogos",
}


@pytest.fixture
def demo_accounts(catalogs):
    return demo_users_ensure()


@pytest.mark.parametrize("demo", DEMO_USERS, ids=[d.role.value for d in DEMO_USERS])
def test_demo_role_logs_in_and_sees_its_home(page: Page, live_server, demo_accounts, demo):
    log_in(page, live_server, demo.email, DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hola, {demo.full_name}")
    expect(page.get_by_text(str(demo.role.label), exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=SEES[demo.role])).to_be_visible()
    others = set(SEES.values()) - {SEES[demo.role], "Registrar un caso", "Capacitación"}
    for title in others:
        expect(page.get_by_role("heading", name=title, exact=True)).to_have_count(0)


def test_wrong_password_shows_a_clear_message_and_keeps_the_email(
    page: Page, live_server, demo_accounts
):
    log_in(page, live_server, "coordinacion@demo.violeta.mx", "no-es-esta")
    expect(page.get_by_role("alert")).to_contain_text("El correo o la contraseña no son correctos")
    expect(page.get_by_label("Correo electrónico")).to_have_value("coordinacion@demo.violeta.mx")


def test_administration_reaches_the_admin_but_not_case_apps(page: Page, live_server, demo_accounts):
    log_in(page, live_server, "admin@demo.violeta.mx", DEMO_PASSWORD)
    page.get_by_role("link", name="Personas usuarias y catálogos").click()
    expect(page.get_by_role("link", name="Personas usuarias", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Directorio de instituciones")).to_be_visible()


def test_sign_out_returns_to_the_public_home(page: Page, live_server, demo_accounts):
    log_in(page, live_server, "servidora@demo.violeta.mx", DEMO_PASSWORD)
    page.get_by_role("button", name="Cerrar sesión").click()
    expect(page.get_by_role("link", name="Acceso para personal")).to_be_visible()
    page.goto(live_server.url + "/personal/inicio/")
    expect(page.get_by_role("heading", name="Acceso para personal")).to_be_visible()


def test_the_admin_works_under_the_content_security_policy(page: Page, live_server, demo_accounts):
    console = []
    page.on("console", lambda message: console.append(message.text))
    log_in(page, live_server, "admin@demo.violeta.mx", DEMO_PASSWORD)
    page.get_by_role("link", name="Personas usuarias y catálogos").click()
    page.get_by_role("link", name="Personas usuarias", exact=True).click()
    # The admin's own scripts run: "select all" ticks every row and offers the actions. They
    # attach on load, so wait for it rather than race them.
    page.wait_for_load_state("load")
    page.locator("#action-toggle").check()
    expect(page.locator("input.action-select:checked")).to_have_count(len(DEMO_USERS))
    page.locator("select[name=action]").select_option(
        label="Desbloquear el acceso tras intentos fallidos"
    )
    page.locator("#changelist-form button[name=index]").click()
    expect(page.get_by_text("Se desbloqueó el acceso de 6 personas.")).to_be_visible()
    page.get_by_role("link", name="servidora@demo.violeta.mx").click()
    expect(page.get_by_label("Nombre completo")).to_have_value("Rosa Elena Chávez")
    page.go_back()
    page.get_by_role("link", name=re.compile(r"^(Añadir|Agregar) persona usuaria")).click()
    expect(page.get_by_label("Correo electrónico")).to_be_visible()
    violations = [text for text in console if "Content Security Policy" in text]
    assert violations == []
