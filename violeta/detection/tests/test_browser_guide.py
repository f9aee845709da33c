"""The "¿Qué hago si…?" guide as an anonymous visitor uses it, in Debian's Chromium."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def answer(page: Page, question: str, choice: str) -> None:
    page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()


def see_result(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Ver qué puedo hacer").click()


def test_visitor_marks_what_happened_and_reads_her_band_and_next_steps(
    page: Page, live_server, catalogs
):
    page.goto(live_server.url + reverse("guide:start"))
    expect(page.get_by_role("heading", level=1)).to_have_text("¿Qué hago si…?")
    answer(page, "¿Estás en peligro ahora mismo?", "No")
    page.get_by_label("Celar").check()
    page.get_by_label("Empujar, jalonear").check()
    answer(page, "¿Quieres ayuda?", "Sí")
    answer(page, "¿Trabajas en el Gobierno Municipal de Chihuahua?", "Sí")
    see_result(page)

    assert urlsplit(page.url).path == reverse("guide:result")
    assert urlsplit(page.url).query == ""
    expect(page.get_by_role("heading", level=1)).to_have_text("Qué puedes hacer")
    expect(page.get_by_text("¡Reacciona! No te dejes destruir")).to_be_visible()
    expect(page.get_by_text("Lo más grave que marcaste fue «Empujar, jalonear»")).to_be_visible()
    expect(page.get_by_role("link", name="072", exact=True)).to_be_visible()
    expect(page.get_by_text("extensión 2604")).to_be_visible()
    expect(page.get_by_role("heading", name="Contacto confidencial con el IMM")).to_be_visible()
    expect(
        page.get_by_role("heading", name="La Unidad de Igualdad de Género de tu dependencia")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Tipos y modalidades de violencia")).to_be_visible()
    expect(page.get_by_role("link", name="Salida rápida")).to_be_visible()

    page.get_by_role("link", name="Ver los datos del IMM en el directorio").click()
    page.wait_for_url("**/directorio/#inst-imm")
    expect(page.locator("#inst-imm")).to_contain_text("Instituto Municipal de las Mujeres")


def test_without_javascript_a_visitor_in_danger_is_told_to_call_911_first(
    browser: Browser, live_server, catalogs
):
    context = browser.new_context(
        java_script_enabled=False, locale="es-MX", timezone_id="America/Chihuahua"
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + reverse("guide:start"))
        expect(page.locator("html")).to_have_attribute("lang", "es-mx")
        answer(page, "¿Estás en peligro ahora mismo?", "Sí")
        page.get_by_label("Bromas hirientes").check()
        page.get_by_label("Amenazar de muerte").check()
        answer(page, "¿Quieres ayuda?", "Todavía no lo sé")
        see_result(page)

        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Si estás en peligro, llama al 911 ahora"
        )
        first_link = page.locator("main a").first
        expect(first_link).to_have_text("911")
        expect(first_link).to_have_attribute("href", "tel:911")
        expect(page.get_by_text("¡Necesitas ayuda profesional!")).to_be_visible()
        expect(page.get_by_role("heading", name="Cuando tú quieras")).to_be_visible()
        expect(page.get_by_role("link", name="Salida rápida")).to_be_visible()
    finally:
        context.close()


def test_the_guide_fits_a_phone_screen(page: Page, live_server, catalogs):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + reverse("guide:start"))
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.get_by_label("Cachetear").check()
    answer(page, "¿Quieres ayuda?", "Sí")
    see_result(page)
    expect(page.get_by_text("¡Reacciona! No te dejes destruir")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
