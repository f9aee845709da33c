"""Closing a case and reopening it, as a coordinator does it with the keyboard alone."""

import re

import pytest
from playwright.sync_api import Page, expect

from violeta.protocols.services import run_for, transition_take
from violeta.testing.browser import log_in_by_keyboard, tab_to
from violeta.testing.factories import assign_to_affected, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REOPEN_REASON = "Ella volvió a pedir ayuda: el acoso continúa en su nueva área."


def test_a_coordinator_closes_a_concluded_case_and_reopens_it_with_the_keyboard(
    page: Page, live_server, catalogs, coordinacion, atencion
):
    case = make_case(registered_by=coordinacion, protocol="chihuahua-municipal")
    assign_to_affected(case, by=coordinacion, worker=atencion)
    run = run_for(case)
    assert run is not None
    transition_take(
        run=run,
        code="retirar_solicitud",
        actor=coordinacion,
        reason="Ella decidió retirar su solicitud.",
    )
    log_in_by_keyboard(page, live_server, coordinacion)
    page.goto(f"{live_server.url}/casos/{case.pk}/")

    # From the case file to the closure form.
    tab_to(page, page.get_by_role("link", name="Cerrar el caso"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Cerrar el caso {case.folio}")
    expect(page.get_by_text("Todavía no se puede cerrar este caso")).to_have_count(0)

    # The reason, every point of the checklist, a note; then send it.
    reason = page.get_by_role("radio", name="Atención concluida")
    tab_to(page, reason)
    page.keyboard.press("Space")
    expect(reason).to_be_checked()
    for item in (
        "Se le informó cómo volver a pedir ayuda",
        "El plan de seguridad fue revisado con ella",
        "Las canalizaciones tienen un resultado registrado",
        "Se le preguntó si consiente que su caso cuente en la estadística",
    ):
        box = page.get_by_role("checkbox", name=item)
        tab_to(page, box)
        page.keyboard.press("Space")
        expect(box).to_be_checked()
    tab_to(page, page.get_by_label("Observaciones (opcional)"))
    page.keyboard.type("Se despidió del equipo; sabe que puede volver.")
    tab_to(page, page.get_by_role("button", name="Cerrar el caso"))
    page.keyboard.press("Enter")

    # Back on the case file: the banner says when and why; the file is read-only.
    expect(page.get_by_role("status")).to_contain_text(f"Caso {case.folio} cerrado.")
    banner = page.locator("#caso-cerrado")
    expect(banner).to_contain_text(re.compile(r"Caso cerrado el \d+ de \w+ de \d{4}"))
    expect(banner).to_contain_text("motivo: Atención concluida")
    expect(page.get_by_role("link", name="Cerrar el caso")).to_have_count(0)

    # Reopening asks for a written reason.
    tab_to(page, banner.get_by_role("link", name="Reabrir"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Reabrir el caso {case.folio}")
    tab_to(page, page.get_by_label("Motivo de la reapertura"))
    page.keyboard.type("Volvió.")
    tab_to(page, page.get_by_role("button", name="Reabrir el caso"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("con al menos 20 caracteres")
    field = page.get_by_label("Motivo de la reapertura")
    expect(field).to_have_value("Volvió.")
    tab_to(page, field)
    page.keyboard.press("Control+A")
    page.keyboard.type(REOPEN_REASON)
    tab_to(page, page.get_by_role("button", name="Reabrir el caso"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text(f"Caso {case.folio} reabierto.")
    expect(page.locator("#caso-cerrado")).to_have_count(0)
    expect(page.get_by_role("link", name="Cerrar el caso")).to_be_visible()
