"""A worker learns of an assignment from the header and reads her notices."""

import pytest
from playwright.sync_api import Page, expect

from violeta.notifications.models import NotificationKind
from violeta.notifications.services import notifications_send
from violeta.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_unread_notices_show_in_the_header_and_can_be_marked_read(
    page: Page, live_server, atencion
):
    notifications_send(
        recipients=[atencion], kind=NotificationKind.CASE_ASSIGNED, folio="IMM-2026-00007"
    )
    log_in(page, live_server, atencion.email)
    link = page.get_by_role("link", name="Avisos 1 sin leer")
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_text("Se te asignó un caso")).to_be_visible()
    expect(page.get_by_text("Folio IMM-2026-00007")).to_be_visible()
    page.get_by_role("button", name="Marcar todos como leídos").click()
    expect(page.get_by_role("link", name="Avisos", exact=True)).to_be_visible()
    expect(page.get_by_text("nuevo", exact=True)).to_have_count(0)
