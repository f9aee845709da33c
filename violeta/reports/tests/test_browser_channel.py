"""A witness reports without JavaScript, attaching a photo with its location; the receipt
opens her thread; coordinación answers; she reads and replies. And every public page of the
channel passes axe-core's WCAG 2.2 AA rules."""

import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from PIL import ExifTags, Image
from playwright.sync_api import Browser, Page, expect

from violeta.reports.models import Report, ReportAttachment
from violeta.reports.sanitize import has_location
from violeta.testing.browser import axe_report, axe_violations, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WHAT = "Vi que el jefe de la biblioteca le grita y la encierra en la bodega a una compañera."


def _photo_with_location() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = "TelefonoDePrueba"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (28.0, 38.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (106.0, 5.0, 20.0)
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (120, 60, 160)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_report_receipt_reply_and_answer_without_javascript(
    browser: Browser, page: Page, live_server, catalogs, coordinacion
):
    cache.clear()
    context = browser.new_context(
        java_script_enabled=False, locale="es-MX", timezone_id="America/Chihuahua"
    )
    witness = context.new_page()
    try:
        witness.goto(live_server.url + reverse("report:start"))
        witness.get_by_role("link", name="No, quiero reportar").click()
        witness.get_by_label("Le pasó a otra persona y lo vi o lo supe").check()
        witness.get_by_label("¿Qué pasó?").fill(WHAT)
        witness.get_by_label("¿Dónde pasó?").fill("Biblioteca central")
        witness.get_by_label("No: enviar de forma anónima").check()
        photo = _photo_with_location()
        assert has_location(photo, "image/jpeg")
        witness.get_by_label("Archivos (opcional)").set_input_files(
            {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": photo}
        )
        witness.get_by_role("button", name="Enviar el reporte").click()
        expect(witness.get_by_role("heading", level=1)).to_have_text("Recibimos tu reporte")
        receipt = re.search(r"\d{4} \d{4} \d{4} \d{4}", witness.locator(".receipt").inner_text())
        assert receipt is not None

        # The photo was stored without where it was taken.
        stored = ReportAttachment.objects.get().read()
        assert not has_location(stored, "image/jpeg")
        assert b"TelefonoDePrueba" not in stored

        # Coordinación reads it and asks a question.
        log_in(page, live_server, coordinacion.email)
        page.goto(live_server.url + reverse("reports:queue"))
        report = Report.objects.get()
        page.get_by_role("link", name=report.reference).click()
        expect(page.get_by_text(WHAT)).to_be_visible()
        page.get_by_label("Mensaje para quien reportó").fill("¿Sabes desde cuándo pasa?")
        with page.expect_navigation():
            page.get_by_role("button", name="Enviar mensaje").click()

        # She comes back with her receipt, reads it and answers.
        witness.goto(live_server.url + reverse("report:follow_up"))
        witness.get_by_label("Tu recibo").fill(receipt.group(0))
        witness.get_by_role("button", name="Entrar").click()
        expect(witness.get_by_text("¿Sabes desde cuándo pasa?")).to_be_visible()
        witness.get_by_label("Tu mensaje o lo que quieras agregar").fill("Desde septiembre.")
        witness.get_by_role("button", name="Enviar", exact=True).click()
        expect(witness.get_by_role("status").first).to_contain_text("Recibimos tu mensaje")

        page.reload()
        expect(page.get_by_text("Desde septiembre.")).to_be_visible()
    finally:
        context.close()


def test_a_wrong_receipt_is_throttled_in_the_browser(page: Page, live_server, catalogs, settings):
    cache.clear()
    settings.RECEIPT_FAILURE_LIMIT = 2
    page.goto(live_server.url + reverse("report:follow_up"))
    for _attempt in range(2):
        page.get_by_label("Tu recibo").fill("1111 2222 3333 4444")
        page.get_by_role("button", name="Entrar").click()
        expect(page.get_by_text("Ese recibo no corresponde a ningún reporte")).to_be_visible()
    page.get_by_label("Tu recibo").fill("1111 2222 3333 4444")
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("alert").first).to_contain_text("espera 15 minutos")


def test_the_refused_form_and_the_receipt_pass_axe(page: Page, live_server, catalogs):
    """The channel's plain pages are in the portal's accessibility walk; these two are only
    reached by sending the form."""
    cache.clear()
    page.goto(live_server.url + reverse("report:new"))
    page.locator("form.form button[type=submit]").click()
    expect(page.locator(".form-errors, .field-error").first).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], axe_report(violations)
    page.locator("input[name=reporter_role]").first.check()
    page.locator("textarea[name=what]").fill(WHAT)
    page.locator("form.form button[type=submit]").click()
    expect(page.locator(".receipt")).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], axe_report(violations)
