"""A psychologist follows the mandatory referral of a girl from the recommendation to the
moment the Procuraduría attends her, with the oficio in between."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from violeta.documents.testing import pdf_text
from violeta.testing.browser import log_in
from violeta.testing.factories import assign_to_affected, make_case

from .conftest import add_incident, set_affected

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_recommendation_to_attended(
    page: Page, live_server, catalogs, enlace, coordinacion, atencion
):
    case = make_case(
        registered_by=enlace,
        protocol="chihuahua-municipal",
        account="Mi tío me grita y me encierra cuando mi mamá no está.",
        affected="Lucía Hernández",
    )
    assign_to_affected(case, by=coordinacion, worker=atencion)
    set_affected(case, age=15)
    add_incident(case, types=["psicologica"], modalities=["familiar"])

    log_in(page, live_server, atencion.email)
    page.goto(f"{live_server.url}/casos/{case.pk}/")
    section = page.get_by_role("region", name="Canalización")
    expect(section).to_contain_text("Canalización obligatoria pendiente")
    section.get_by_role("link", name="Ver recomendaciones y canalizaciones").click()

    card = page.get_by_role("article", name="Procuraduría").first
    expect(card).to_contain_text("Obligatoria")
    expect(card).to_contain_text("es niña o adolescente")
    expect(card).to_contain_text("LGDNNA arts. 12, 122")
    expect(page.get_by_role("article", name="Fiscalía").first).to_contain_text("Obligatoria")
    card.get_by_role("link", name="Proponer esta canalización").click()

    expect(page.get_by_label("Motivo de la canalización")).to_have_value(
        "Es niña o adolescente. La Procuraduría de Protección debe conocer el caso para "
        "proteger y restituir sus derechos, con su interés superior como guía."
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Proponer").click()
    expect(page.get_by_role("status").first).to_contain_text("Canalización propuesta")
    expect(page.get_by_text("Obligatoria por ley").first).to_be_visible()

    # Sending before she decides what to share is refused, with the reason.
    page.get_by_label("Nuevo estado").select_option(label="Enviada")
    with page.expect_navigation():
        page.get_by_role("button", name="Actualizar el estado").click()
    expect(page.get_by_role("alert").first).to_contain_text("no ha aceptado compartir")

    consent = page.get_by_role("region", name="Su consentimiento para esta institución")
    consent.get_by_label("Acepta", exact=True).check()
    consent.get_by_label("Sus datos de identificación").check()
    consent.get_by_label("Los hechos clasificados").check()
    with page.expect_navigation():
        consent.get_by_role("button", name="Registrar decisión").click()
    expect(consent).to_contain_text("Sus datos de identificación")

    with page.expect_download() as download:
        page.get_by_role("button", name="Generar el oficio (PDF)").click()
    text = pdf_text(Path(download.value.path()).read_bytes())
    assert "Lucía Hernández" in text
    assert case.folio in text
    assert "encierra" not in text  # her account was not among what she agreed to share

    page.get_by_label("Nuevo estado").select_option(label="Enviada")
    page.get_by_label("Persona de contacto en la institución").fill("Lic. Rosa Chávez")
    with page.expect_navigation():
        page.get_by_role("button", name="Actualizar el estado").click()
    expect(page.get_by_role("status").first).to_contain_text("Estado actualizado: Enviada")

    page.get_by_label("Nuevo estado").select_option(label="Recibida por la institución")
    with page.expect_navigation():
        page.get_by_role("button", name="Actualizar el estado").click()
    page.get_by_label("Nuevo estado").select_option(label="Atendida")
    page.get_by_label("Nota").fill("Primera entrevista con la Procuraduría.")
    with page.expect_navigation():
        page.get_by_role("button", name="Actualizar el estado").click()

    expect(page.get_by_text("Atendida", exact=True).first).to_be_visible()
    history = page.get_by_role("region", name="Historial")
    expect(history).to_contain_text("Primera entrevista con la Procuraduría.")
    expect(history).to_contain_text("Oficio generado")
    expect(page.get_by_role("button", name="Actualizar el estado")).to_have_count(0)

    page.goto(f"{live_server.url}/casos/{case.pk}/")
    section = page.get_by_role("region", name="Canalización")
    expect(section).to_contain_text("Atendida")
    # The Fiscalía is still pending: one mandatory referral does not stand for the other.
    expect(section).to_contain_text("Canalización obligatoria pendiente")
