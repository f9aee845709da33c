"""The assigned psychologist assesses her risk as extreme and finds the mandatory actions among
the case's protocol tasks, each with its due time."""

import pytest
from django.utils import dateformat, timezone, translation
from playwright.sync_api import Page, expect

from violeta.protocols.models import RunTask
from violeta.testing.browser import log_in
from violeta.testing.factories import assign_to_affected, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FACTORS = (
    "La violencia ha aumentado en frecuencia o gravedad",
    "Él tiene o puede conseguir un arma",
    "Él ha amenazado con matarla",
    "Él la ha amenazado o agredido con un arma",
    "Él ha intentado estrangularla o asfixiarla",
    "Ella se separó de él hace poco o piensa separarse",
    "Ella cree que él es capaz de matarla",
)


def test_a_psychologist_assesses_extreme_risk_and_sees_the_mandatory_tasks(
    page: Page, live_server, catalogs, enlace, coordinacion, atencion
):
    case = make_case(registered_by=enlace, protocol="chihuahua-municipal")
    assign_to_affected(case, by=coordinacion, worker=atencion)

    log_in(page, live_server, atencion.email)
    page.goto(f"{live_server.url}/casos/{case.pk}/")
    expect(page.get_by_text("Aún no se ha valorado el riesgo.")).to_be_visible()
    page.get_by_role("link", name="Valorar el riesgo").click()
    expect(page.get_by_role("heading", name="Valoración de riesgo")).to_be_visible()
    expect(
        page.get_by_text("Este instrumento apoya y nunca sustituye el juicio profesional.")
    ).to_be_visible()

    for factor in FACTORS:
        page.get_by_label(factor).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Guardar valoración").click()

    status = page.get_by_role("status").first
    expect(status).to_contain_text("Valoración guardada. Nivel de riesgo: Extremo.")
    expect(status).to_contain_text("Solicitar órdenes de protección")
    expect(status).to_contain_text("Canalizar de inmediato a la FEM / CEJUM")
    expect(page.get_by_text("Última valoración: nivel Extremo")).to_be_visible()

    page.get_by_role("link", name=f"Volver al caso {case.folio}").click()
    protocol = page.get_by_role("region", name="Protocolo")
    order = protocol.get_by_role("listitem").filter(has_text="Solicitar órdenes de protección")
    due = RunTask.objects.get(code="orden_proteccion").due_at
    with translation.override("es-mx"):
        due_text = dateformat.format(timezone.localtime(due), "j M Y, H:i")
    expect(order).to_contain_text(due_text)
    expect(protocol.get_by_text("Llamar al 911 si el peligro es inminente")).to_be_visible()
    expect(protocol.get_by_text("Contacto cada 24 horas durante 6 días (6/6)")).to_be_visible()

    expect(page.get_by_text("Nivel de riesgo: Extremo")).to_be_visible()
    page.get_by_role("link", name="Historial de valoraciones").click()
    table = page.get_by_role("table")
    expect(table.get_by_role("row").nth(1)).to_contain_text("Extremo")
    expect(table.get_by_role("row").nth(1)).to_contain_text("Primera valoración")
