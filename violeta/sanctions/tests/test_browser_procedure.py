"""The autoridad takes a case against a public servant from opening the procedure to its
resolution: the comité meets, the member from the accused's dependencia is excused, a measure
is voted, the acta is downloaded, and the resolution is notified."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from violeta.documents.testing import pdf_text
from violeta.sanctions.models import Procedure
from violeta.testing.browser import log_in

from .conftest import HER_EMAIL, HER_PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALLEGATIONS = (
    "Se le atribuye haber hecho comentarios sexuales reiterados a una compañera de la "
    "dirección entre marzo y mayo de 2026."
)


def test_from_opening_the_procedure_to_its_resolution(
    page: Page, live_server, procedure_case, comite, autoridad
):
    log_in(page, live_server, autoridad.email)
    page.goto(f"{live_server.url}/casos/{procedure_case.pk}/")
    section = page.get_by_role("region", name="Procedimiento administrativo")
    section.get_by_role("link", name="Abrir el procedimiento").click()

    page.get_by_label("Persona servidora pública señalada").select_option(label="Ramiro Señalado")
    page.get_by_label("Hechos que se le atribuyen").fill(ALLEGATIONS)
    with page.expect_navigation():
        page.get_by_role("button", name="Abrir el procedimiento").click()
    expect(page.get_by_role("status").first).to_contain_text("Procedimiento abierto")

    with page.expect_navigation():
        page.get_by_role("button", name="Registrar la notificación").click()
    expect(page.get_by_role("status").first).to_contain_text("Plazo para pruebas y alegatos")

    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    page.get_by_label("Fecha y hora de la sesión").fill(tomorrow.strftime("%Y-%m-%dT10:00"))
    page.get_by_label("Lugar").fill("Sala de cabildo")
    with page.expect_navigation():
        page.get_by_role("button", name="Convocar").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "1 integrante(s) quedaron excusados por conflicto de interés"
    )
    members = page.get_by_role("table")
    expect(members.get_by_role("row", name="Vocal de Obras")).to_contain_text(
        "Excusado: Trabaja en la misma cadena de mando"
    )

    attendance = page.get_by_role("group", name="Integrantes presentes")
    for box in attendance.get_by_role("checkbox").all():
        box.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Registrar asistencia").click()
    expect(page.get_by_role("status").first).to_contain_text("hay quórum")

    page.get_by_text("Proponer una medida").click()
    page.get_by_label("Medida", exact=True).select_option(label="Reubicación del presunto agresor")
    page.get_by_label("Quién debe cumplirla").fill("Recursos Humanos de Obras Públicas")
    page.get_by_label("Inicia").fill(tomorrow.strftime("%Y-%m-%d"))
    page.get_by_label("Termina").fill((tomorrow + datetime.timedelta(days=60)).strftime("%Y-%m-%d"))
    with page.expect_navigation():
        page.get_by_role("button", name="Proponer la medida").click()

    voting = page.get_by_role("region", name="Votación: Reubicación del presunto agresor")
    # The excused member has no vote to cast.
    expect(voting.get_by_role("group", name="Vocal de Obras")).to_have_count(0)
    for name in ("Autoridad OIC", "Sofía Secretaria", "Vocal Tesorería", "Vocal Cultura"):
        voting.get_by_role("group", name=name).get_by_label("A favor").check()
    with page.expect_navigation():
        voting.get_by_role("button", name="Registrar la votación").click()
    expect(page.get_by_role("status").first).to_contain_text("Por unanimidad")

    with page.expect_download() as download:
        page.get_by_role("button", name="Descargar el acta (PDF)").click()
    acta = pdf_text(Path(download.value.path()).read_bytes())
    assert "Vocal de Obras" in acta
    assert "Reubicación del presunto agresor" in acta
    assert "Por unanimidad" in acta
    assert HER_PHONE not in acta and HER_EMAIL not in acta

    # His term to present evidence and arguments runs out before the autoridad resolves.
    procedure = Procedure.objects.get(case=procedure_case)
    Procedure.objects.filter(pk=procedure.pk).update(
        response_due_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    page.goto(f"{live_server.url}/sancion/{procedure.pk}/")
    page.get_by_role("link", name="Resolver el procedimiento").click()
    page.get_by_label("Responsabilidad administrativa: sanción").check()
    page.get_by_label("Amonestación privada").check()
    page.get_by_label("Fundamentos y motivos").fill(
        "Con las pruebas presentadas por ambas partes se acredita la conducta atribuida, "
        "contraria al Código de Ética (LGRA art. 49)."
    )
    page.get_by_label("No", exact=True).check()
    page.get_by_label("Por qué sí o por qué no").fill(
        "Los hechos no constituyen un delito según la valoración jurídica."
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Registrar la resolución").click()

    resolution = page.get_by_role("region", name="Resolución")
    expect(resolution).to_contain_text("Responsabilidad administrativa: sanción")
    expect(resolution).to_contain_text("Amonestación privada")
    resolution.get_by_text("Registrar una notificación de la resolución").click()
    resolution.get_by_label("Persona señalada").check()
    with page.expect_navigation():
        resolution.get_by_role("button", name="Registrar la notificación").click()
    expect(page.get_by_role("region", name="Resolución")).to_contain_text(
        "Plazo para el recurso de revocación (LGRA art. 210)"
    )
