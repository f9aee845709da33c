"""The public pages as a visitor uses them, in Debian's Chromium."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEUTRAL = "<html><head><title>Clima</title></head><body>Clima en Chihuahua</body></html>"


@pytest.fixture
def neutral_site(page: Page) -> str:
    """Answer for the neutral site locally: the test machine has no Internet."""
    page.route(
        re.compile(r"^https://www\.google\.com/.*"),
        lambda route: route.fulfill(status=200, content_type="text/html", body=NEUTRAL),
    )
    return settings.QUICK_EXIT_URL


def test_home_in_spanish_names_the_imm_and_072(page: Page, live_server, catalogs):
    page.goto(live_server.url)
    expect(page.locator("html")).to_have_attribute("lang", "es-mx")
    expect(page.get_by_role("heading", level=1)).to_have_text("Instituto Municipal de las Mujeres")
    expect(page.get_by_role("link", name="072", exact=True)).to_be_visible()
    expect(page.get_by_text("extensión 2604")).to_be_visible()
    expect(page.get_by_role("heading", name="¿Estás en peligro ahora?")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Otras instituciones que pueden ayudarte")
    ).to_be_visible()


def test_visitor_switches_to_english_and_back(page: Page, live_server, catalogs):
    page.goto(live_server.url)
    page.get_by_label("Idioma").select_option("en")
    page.get_by_role("button", name="Cambiar").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Are you in danger right now?")).to_be_visible()
    expect(page.get_by_role("link", name="Quick exit")).to_be_visible()
    page.get_by_label("Language").select_option("es-mx")
    page.get_by_role("button", name="Change").click()
    expect(page.get_by_role("heading", name="¿Estás en peligro ahora?")).to_be_visible()


def test_quick_exit_button_leaves_and_back_does_not_return(
    page: Page, live_server, catalogs, neutral_site
):
    page.goto(live_server.url + "/directorio/")
    page.get_by_role("link", name="Salida rápida").click()
    page.wait_for_url(neutral_site)
    expect(page.get_by_text("Clima en Chihuahua")).to_be_visible()
    page.go_back()
    assert not page.url.startswith(live_server.url)


def test_escape_key_is_a_quick_exit_too(page: Page, live_server, catalogs, neutral_site):
    page.goto(live_server.url)
    page.get_by_role("heading", level=1).click()
    page.keyboard.press("Escape")
    page.wait_for_url(neutral_site)
    page.go_back()
    assert not page.url.startswith(live_server.url)


def test_skip_link_is_the_first_stop_and_moves_focus_to_content(page: Page, live_server, catalogs):
    page.goto(live_server.url)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Saltar al contenido")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.url.endswith("#contenido")


def test_home_fits_a_phone_screen(page: Page, live_server, catalogs):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    expect(page.get_by_role("link", name="Salida rápida")).to_be_in_viewport()


def test_public_pages_run_under_the_content_security_policy(page: Page, live_server, catalogs):
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    for path in ("/", "/directorio/", "/principios/", "/tipos-de-violencia/"):
        page.goto(live_server.url + path)
        expect(page.get_by_role("link", name="Salida rápida")).to_be_visible()
    assert [text for text in console if "Content Security Policy" in text] == []
    # And the policy is really enforced: an image from another site is refused.
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(
            "document.body.insertAdjacentHTML('beforeend', "
            '\'<img alt="" src="https://tracker.example/pixel.png">\')'
        )
