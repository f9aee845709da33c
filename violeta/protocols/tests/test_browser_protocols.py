"""The protocol as people use it: its diagram, and a case carried from registration to closure."""

import re

import pytest
from playwright.sync_api import Page, expect

from violeta.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_read_the_municipal_protocol_as_a_diagram_and_a_list(
    page: Page, live_server, catalogs, servidora
):
    log_in(page, live_server, servidora.email)
    page.goto(live_server.url + "/protocolos/")
    page.get_by_role("link", name=re.compile("Gobierno Municipal de Chihuahua")).click()
    diagram = page.get_by_role("img", name=re.compile("Diagrama"))
    expect(diagram).to_be_visible()
    expect(diagram.locator("text", has_text="Sesión del comité").first).to_be_attached()
    outline = page.locator("ol.outline")
    expect(outline).to_contain_text("Sesión del comité")
    expect(outline).to_contain_text("24 h")
    expect(outline).to_contain_text("30 días hábiles *")


def step(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Paso registrado")


def resolve(page: Page) -> None:
    page.get_by_role("button", name="Marcar como resuelto").click()
    expect(page.get_by_role("status").first).to_contain_text("Punto marcado como resuelto")


def stage_is(page: Page, name: str) -> None:
    expect(page.locator(".protocol dd strong").first).to_have_text(name)


def test_a_case_moves_through_the_municipal_protocol_from_registration_to_closure(
    page: Page, browser, live_server, catalogs, coordinacion, autoridad
):
    log_in(page, live_server, coordinacion.email)
    page.goto(live_server.url + "/casos/nuevo/")
    page.get_by_label("Dependencia donde ocurrieron los hechos").select_option(
        label="Instituto de Cultura del Municipio de Chihuahua"
    )
    page.get_by_role("group", name="Persona afectada").get_by_label("Nombre o seudónimo").fill(
        "Azucena"
    )
    accused = page.get_by_role("group", name="Persona señalada 1")
    accused.get_by_label("Nombre", exact=True).fill("Jefe de área")
    accused.get_by_label("Es persona servidora pública del municipio").check()
    page.get_by_role("group", name="Tipos de violencia").get_by_role("checkbox").first.check()
    page.get_by_label("Relato", exact=True).fill("Me acosa en la bodega desde marzo.")
    page.get_by_role("group", name=re.compile("Compartir su relato con el comité")).get_by_label(
        "Sí"
    ).check()
    page.get_by_role("button", name="Registrar", exact=True).click()
    stage_is(page, "Solicitud de activación")
    # Physical violence may be a crime: the duty to report comes first (LEDMVLV art. 12-i).
    expect(page.locator(".steps")).to_contain_text("Lineamiento pendiente")
    page.get_by_role("link", name=re.compile("^Resolver")).click()
    page.get_by_label("Se cumplió").check()
    page.get_by_label("Constancia o motivo").fill("Oficio 17/2026 a la Fiscalía, entregado hoy.")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("status").first).to_contain_text("Lineamiento resuelto.")

    step(page, "Registrar en el formato único")
    stage_is(page, "Registro en el formato único")
    expect(page.locator(".protocol")).to_contain_text("Plazo")
    step(page, "Turnar al comité")
    stage_is(page, "Sesión del comité")
    # The vote must be recorded before the protocol is activated.
    expect(
        page.get_by_role("button", name="Activar el protocolo y votar medidas de protección")
    ).to_be_disabled()
    resolve(page)
    step(page, "Activar el protocolo y votar medidas de protección")
    step(page, "Turnar al Órgano Interno de Control")
    stage_is(page, "Investigación del Órgano Interno de Control")
    case_url = page.url

    page.get_by_role("link", name="Asignar personal").click()
    page.get_by_label("Persona", exact=True).select_option(
        label=f"{autoridad.full_name} · Autoridad (Comité de Ética u OIC)"
    )
    page.get_by_label("Atiende a").select_option(label="Persona afectada")
    page.get_by_label("Tipo de atención").select_option(label="Comité u OIC")
    page.get_by_role("button", name="Asignar").click()

    oic = browser.new_page()
    log_in(oic, live_server, autoridad.email)
    oic.goto(case_url)
    resolve(oic)
    step(oic, "Concluir la investigación")
    stage_is(oic, "Resolución")
    resolve(oic)
    step(oic, "Resolver con sanción administrativa")
    stage_is(oic, "Seguimiento")

    page.goto(case_url)
    resolve(page)
    step(page, "Cerrar el caso")
    stage_is(page, "Cierre")
    expect(page.locator(".protocol")).to_contain_text("concluido")
    page.get_by_text("Historial del protocolo").click()
    expect(page.locator(".history li")).to_have_count(8)


def test_a_step_without_its_requirement_explains_what_is_missing(
    page: Page, live_server, catalogs, coordinacion
):
    from violeta.testing.factories import make_case

    case = make_case(registered_by=coordinacion, protocol="chihuahua-municipal")
    log_in(page, live_server, coordinacion.email)
    page.goto(f"{live_server.url}/casos/{case.pk}/")
    step(page, "Registrar en el formato único")
    expect(page.locator(".steps")).to_contain_text(
        "Falta: Consentimiento de ella para compartir su relato con el comité y el OIC"
    )
    page.get_by_text("Registrar su decisión").click()
    page.get_by_label("Finalidad").select_option(
        label="Compartir su relato con el comité y el Órgano Interno de Control"
    )
    page.get_by_label("Acepta", exact=True).check()
    page.get_by_role("button", name="Registrar decisión").click()
    step(page, "Turnar al comité")
    stage_is(page, "Sesión del comité")
