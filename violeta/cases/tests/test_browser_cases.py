"""A case registered once, assigned by coordinación, read by the worker; break-glass access."""

import pytest
from playwright.sync_api import Page, expect

from violeta.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACCOUNT = "El jefe de área me acorrala en la bodega y me dice comentarios sexuales."


def register_case(page: Page, live_server) -> str:
    page.goto(live_server.url + "/casos/nuevo/")
    page.get_by_label("Dependencia donde ocurrieron los hechos").select_option(
        label="Cultura (prueba)"
    )
    page.get_by_role("group", name="Persona afectada").get_by_label("Nombre o seudónimo").fill(
        "Azucena"
    )
    page.get_by_role("group", name="Persona señalada 1").get_by_label("Nombre", exact=True).fill(
        "Jefe de área"
    )
    page.get_by_role("group", name="Tipos de violencia").get_by_role("checkbox").first.check()
    page.get_by_label("Relato", exact=True).fill(ACCOUNT)
    page.get_by_role("button", name="Registrar").click()
    message = page.get_by_role("status").first
    expect(message).to_contain_text("Caso registrado con el folio")
    return message.inner_text().split("folio ")[1].rstrip(".").strip()


def test_enlace_registers_coordinacion_assigns_and_the_worker_reads_once(
    page: Page, browser, live_server, catalogs, enlace, coordinacion, atencion
):
    log_in(page, live_server, enlace.email)
    folio = register_case(page, live_server)
    expect(page.get_by_role("heading", name=f"Caso {folio}")).to_be_visible()
    expect(page.get_by_text(ACCOUNT)).to_be_visible()

    coord = browser.new_page()
    log_in(coord, live_server, coordinacion.email)
    coord.goto(live_server.url + "/casos/")
    coord.get_by_role("link", name=folio).click()
    expect(coord.get_by_text("Sólo ves los datos generales de este caso")).to_be_visible()
    expect(coord.get_by_text(ACCOUNT)).to_have_count(0)
    coord.get_by_role("link", name="Asignar personal").click()
    coord.get_by_label("Persona", exact=True).select_option(
        label=f"{atencion.full_name} · Atención (IMM)"
    )
    coord.get_by_label("Atiende a").select_option(label="Persona afectada")
    coord.get_by_label("Tipo de atención").select_option(label="Atención psicológica")
    coord.get_by_role("button", name="Asignar").click()
    expect(coord.get_by_role("status").first).to_contain_text("Asignación registrada")
    expect(coord.get_by_text(f"{atencion.full_name} (Atención psicológica)")).to_be_visible()

    worker = browser.new_page()
    log_in(worker, live_server, atencion.email)
    worker.goto(live_server.url + "/casos/")
    worker.get_by_role("link", name=folio).click()
    expect(worker.get_by_text(ACCOUNT)).to_be_visible()
    worker.get_by_label("Nueva nota").fill("Primera sesión: se acuerda plan de seguridad.")
    worker.get_by_role("button", name="Agregar nota").click()
    expect(worker.get_by_text("Primera sesión: se acuerda plan de seguridad.")).to_be_visible()

    coord.goto(coord.url)
    coord.get_by_role("link", name="Quién ha consultado este expediente").click()
    expect(coord.get_by_role("cell", name=atencion.full_name).first).to_be_visible()


def test_emergency_access_with_a_reason_opens_the_case_and_warns(
    page: Page, live_server, catalogs, enlace, atencion
):
    from violeta.testing.factories import make_case

    case = make_case(registered_by=enlace, account=ACCOUNT)
    log_in(page, live_server, atencion.email)
    page.goto(live_server.url + "/casos/acceso-de-emergencia/")
    page.get_by_label("Folio del caso").fill(case.folio)
    page.get_by_label("Motivo").fill("corto")
    page.get_by_role("button", name="Solicitar acceso").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.get_by_label("Folio del caso")).to_have_value(case.folio)
    page.get_by_label("Motivo").fill("Llamó en crisis y su psicóloga no está disponible hoy.")
    page.get_by_role("button", name="Solicitar acceso").click()
    expect(
        page.get_by_text("Estás viendo este expediente con acceso de emergencia")
    ).to_be_visible()
    expect(page.get_by_text(ACCOUNT)).to_be_visible()


def test_information_is_added_to_the_account_and_a_retelling_reaches_coordinacion(
    page: Page, browser, live_server, catalogs, enlace, coordinacion, atencion
):
    from violeta.cases.models import AssignmentKind, PartyKind
    from violeta.cases.services import case_assign
    from violeta.testing.factories import make_case

    case = make_case(registered_by=enlace, account=ACCOUNT)
    case_assign(
        actor=coordinacion,
        case=case,
        user=atencion,
        attends=case.parties.get(kind=PartyKind.AFECTADA),
        kind=AssignmentKind.PSICOLOGIA,
    )
    log_in(page, live_server, atencion.email)
    page.goto(f"{live_server.url}/casos/{case.pk}/")
    page.get_by_text("Agregar información al relato").click()
    page.get_by_label("Información nueva").fill("Recordó que hubo un testigo: la compañera Ana.")
    page.get_by_label("Para obtenerla, ella tuvo que volver a narrar los hechos").check()
    page.get_by_role("button", name="Agregar al relato").click()
    expect(page.get_by_role("alert").first).to_contain_text("Indica por qué")
    expect(page.get_by_label("Información nueva")).to_have_value(
        "Recordó que hubo un testigo: la compañera Ana."
    )
    page.get_by_label("Motivo por el que volvió a narrarlos").select_option(
        label="Ella quiso contar hechos nuevos"
    )
    page.get_by_role("button", name="Agregar al relato").click()
    expect(page.get_by_text("Recordó que hubo un testigo: la compañera Ana.")).to_be_visible()
    expect(page.get_by_text(ACCOUNT)).to_be_visible()

    coord = browser.new_page()
    log_in(coord, live_server, coordinacion.email)
    coord.goto(live_server.url + "/casos/")
    coord.get_by_role("link", name="Casos con relato repetido").click()
    expect(coord.get_by_role("link", name=case.folio)).to_be_visible()
