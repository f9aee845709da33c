"""Coordinación finds cases in the inbox: by folio, by an exact name, by protocol stage."""

import pytest
from playwright.sync_api import Page, expect

from violeta.protocols.models import ProtocolRun, StageChange
from violeta.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def cases_in_the_table(page: Page):
    return page.get_by_role("table").get_by_role("row")


def test_coordinacion_searches_by_folio_and_exact_name_and_filters_by_stage(
    page: Page, live_server, catalogs, enlace, coordinacion
):
    from violeta.testing.factories import make_case

    rosa = make_case(
        registered_by=enlace, affected="Rosa Elena Díaz", protocol="chihuahua-municipal"
    )
    in_session = make_case(
        registered_by=enlace, affected="Otra Persona", protocol="chihuahua-municipal"
    )
    run = ProtocolRun.objects.get(subject_id=str(in_session.pk))
    ProtocolRun.objects.filter(pk=run.pk).update(stage="sesion_comite")
    StageChange.objects.create(run=run, from_stage=run.stage, to_stage="sesion_comite")

    log_in(page, live_server, coordinacion.email)
    page.goto(live_server.url + "/casos/")
    expect(page.get_by_role("heading", name="Casos", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=rosa.folio)).to_be_visible()
    expect(page.get_by_role("link", name=in_session.folio)).to_be_visible()

    search = page.get_by_label("Buscar por folio o por un dato exacto")
    search.fill(in_session.folio.lower())
    page.get_by_role("button", name="Filtrar").click()
    expect(page.get_by_text("Se encontró 1 caso.")).to_be_visible()
    expect(page.get_by_role("link", name=in_session.folio)).to_be_visible()
    expect(page.get_by_role("link", name=rosa.folio)).to_have_count(0)

    page.get_by_role("link", name="Limpiar").click()
    page.get_by_label("Buscar por folio o por un dato exacto").fill("rosa elena diaz")
    page.get_by_role("button", name="Filtrar").click()
    expect(page.get_by_role("link", name=rosa.folio)).to_be_visible()
    expect(page.get_by_role("link", name=in_session.folio)).to_have_count(0)
    expect(page.get_by_text("Rosa Elena Díaz")).to_have_count(0)
    expect(page.get_by_label("Buscar por folio o por un dato exacto")).to_have_value(
        "rosa elena diaz"
    )

    page.get_by_label("Buscar por folio o por un dato exacto").fill("Rosa Díaz")
    page.get_by_role("button", name="Filtrar").click()
    expect(page.get_by_text("Ningún caso coincide con tu búsqueda")).to_be_visible()

    page.get_by_role("link", name="Limpiar").click()
    page.get_by_label("Etapa del protocolo").select_option(label="Sesión del comité")
    page.get_by_role("button", name="Filtrar").click()
    expect(page.get_by_role("link", name=in_session.folio)).to_be_visible()
    expect(page.get_by_role("link", name=rosa.folio)).to_have_count(0)
    expect(cases_in_the_table(page).filter(has_text=in_session.folio)).to_contain_text(
        "Sesión del comité"
    )
    expect(page.get_by_label("Etapa del protocolo")).to_have_value(
        "chihuahua-municipal:sesion_comite"
    )
