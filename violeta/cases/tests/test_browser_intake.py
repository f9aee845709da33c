"""The whole of atención by keyboard, in Spanish: intake, a session, and closure."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from violeta.cases.models import Case
from violeta.cases.tests.test_browser_attention import as_input
from violeta.testing.browser import follow, log_in_by_keyboard, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACCOUNT = "Mi jefe me encierra en la bodega y me dice que mi contrato depende de él."


def check(page: Page, locator) -> None:
    """Tick a checkbox or a radio button with the space bar."""
    locator.focus()
    page.keyboard.press("Space")
    expect(locator).to_be_checked()


def test_intake_then_a_session_then_closure_with_the_keyboard_alone(
    page: Page, live_server, catalogs, atencion
):
    log_in_by_keyboard(page, live_server, atencion)
    page.goto(live_server.url + "/casos/nuevo/")
    expect(page.get_by_role("heading", name="Registrar un caso")).to_be_visible()

    # The single form: how it arrived, her, him, what happened, her account, her consent.
    page.get_by_label("¿Cómo llegó el caso?").select_option(label="Teléfono 072")
    page.get_by_label("Dependencia donde ocurrieron los hechos").select_option(
        label="Instituto de Cultura del Municipio de Chihuahua"
    )
    her = page.get_by_role("group", name="Persona afectada")
    her.get_by_label("Nombre o seudónimo").fill("Azucena")
    her.get_by_label("Edad", exact=True).fill("29")
    check(page, her.get_by_label("Es persona servidora pública del municipio"))
    him = page.get_by_role("group", name="Persona señalada 1")
    him.get_by_label("Nombre", exact=True).fill("Jefe de bodega")
    check(page, him.get_by_label("Es persona servidora pública del municipio"))
    him.get_by_label("Relación jerárquica con ella").select_option(value="superior")
    incident = page.get_by_role("group", name="Hecho 1")
    incident.get_by_label("Fecha", exact=True).fill(
        (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    )
    sexual = incident.get_by_role("checkbox", name=re.compile(r"^Sexual \(LEDMVLV"))
    # The legal definition is read beside the option, before choosing it.
    expect(incident.locator(f"#{sexual.get_attribute('aria-describedby')}")).to_contain_text("art.")
    check(page, sexual)
    page.get_by_label("Relato", exact=True).fill(ACCOUNT)
    consent = page.get_by_role("group", name=re.compile("Compartir su relato con el comité"))
    check(page, consent.get_by_label("Sí"))
    submit(page, "Registrar")

    folio = Case.objects.get().folio
    expect(page.get_by_role("heading", name=f"Caso {folio}")).to_be_visible()
    expect(page.get_by_text(ACCOUNT)).to_be_visible()
    expect(page.get_by_text("Relación jerárquica.")).to_be_visible()
    expect(page.get_by_text("Veces que narró los hechos")).to_be_visible()

    # A psychology session (she registered it, so she attends her).
    follow(page, "Registrar sesión")
    page.get_by_label("Fecha y hora de la sesión").fill(
        as_input(timezone.now() - datetime.timedelta(hours=1))
    )
    page.get_by_label("Notas de la sesión").fill("Primera contención; acordamos plan de seguridad.")
    submit(page, "Guardar sesión")
    expect(page.get_by_role("status").first).to_contain_text("Sesión registrada.")

    # She decides not to continue: the request is withdrawn, then the case is closed.
    withdraw = page.locator("li.step").filter(
        has=page.get_by_role("button", name="Retirar la solicitud", exact=True)
    )
    withdraw.get_by_label("Motivo").fill("Ella decidió no continuar por ahora.")
    submit(page, "Retirar la solicitud")
    follow(page, "Cerrar el caso")
    check(page, page.get_by_role("radio", name="Ella decidió no continuar"))
    for item in (
        "Se le informó cómo volver a pedir ayuda",
        "El plan de seguridad fue revisado con ella",
        "Las canalizaciones tienen un resultado registrado",
        "Se le preguntó si consiente que su caso cuente en la estadística",
    ):
        check(page, page.get_by_role("checkbox", name=item))
    submit(page, "Cerrar el caso")
    expect(page.locator("#caso-cerrado")).to_contain_text("Ella decidió no continuar")
    expect(page.get_by_role("link", name="Registrar sesión")).to_have_count(0)
