"""The public channel: a report and its receipt, follow-up, throttles and traps, and that
nothing links a report to where it came from."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from violeta.reports.models import Report, ReportStatus
from violeta.reports.receipt import receipt_hash, receipt_normalize

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.77"
AGENT = "Mozilla/5.0 (Prueba; Violeta) NavegadorUnico/9.9"
WHAT = "Mi jefe me grita frente a todos y me amenaza con despedirme si no salgo con él."


@pytest.fixture(autouse=True)
def _clean_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def _client() -> Client:
    return Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=AGENT)


def _form(client: Client) -> dict[str, str]:
    page = client.get(reverse("report:new"))
    token = re.search(r'name="started" value="([^"]+)"', page.content.decode())
    assert token is not None
    return {"started": token.group(1)}


def _submit(client: Client, **extra: str) -> Any:
    data = _form(client) | {
        "reporter_role": "afectada",
        "what": WHAT,
        "when": "La semana pasada",
        "where": "Oficina de Obras",
        "anonymous": "si",
        "contact_wish": "ninguno",
    }
    data.update(extra)
    return client.post(reverse("report:new"), data)


def _receipt(response: Any) -> str:
    found = re.search(r"<strong>(\d{4} \d{4} \d{4} \d{4})</strong>", response.content.decode())
    assert found is not None, response.content.decode()[:2000]
    return found.group(1)


def test_a_report_gives_a_receipt_shown_once_and_stored_only_as_a_hash(catalogs: None) -> None:
    client = _client()
    response = _submit(client)
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    receipt = _receipt(response)
    report = Report.objects.get()
    assert report.receipt_hash == receipt_hash(receipt)
    assert report.what == WHAT
    assert report.status == ReportStatus.NUEVO
    # The digits appear in no column of any table.
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the schema
            for row in cursor.fetchall():
                assert receipt_normalize(receipt) not in repr(row), table


def test_nothing_in_the_database_links_a_report_to_the_senders_address(catalogs: None) -> None:
    client = _client()
    receipt = _receipt(_submit(client))
    client.post(reverse("report:follow_up"), {"receipt": receipt})
    client.post(reverse("report:thread"), {"body": "Agrego que también me escribe mensajes."})
    names = {f.name.lower() for model in (Report,) for f in model._meta.get_fields()}
    assert not {n for n in names if n == "ip" or "address" in n or "agent" in n}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the schema
            for row in cursor.fetchall():
                text = repr(row)
                assert ADDRESS not in text, table
                assert "NavegadorUnico" not in text, table


def test_the_receipt_opens_the_thread_and_the_reporter_adds_information(
    catalogs: None,
) -> None:
    client = _client()
    receipt = _receipt(_submit(client))
    response = client.post(reverse("report:follow_up"), {"receipt": receipt.replace(" ", "-")})
    assert response.status_code == 302
    thread = client.get(reverse("report:thread"))
    assert WHAT in thread.content.decode()
    client.post(reverse("report:thread"), {"body": "También pasó el lunes."})
    report = Report.objects.get()
    assert report.messages.get().body == "También pasó el lunes."
    client.post(reverse("report:leave"))
    assert client.get(reverse("report:thread")).status_code == 302


def test_wrong_receipts_are_throttled_even_when_a_right_one_follows(
    catalogs: None, settings: Any
) -> None:
    settings.RECEIPT_FAILURE_LIMIT = 3
    client = _client()
    receipt = _receipt(_submit(client))
    other = _client()
    for _attempt in range(3):
        wrong = other.post(reverse("report:follow_up"), {"receipt": "0000 0000 0000 0000"})
        assert wrong.status_code == 400
        assert "no corresponde" in wrong.content.decode()
    blocked = other.post(reverse("report:follow_up"), {"receipt": receipt})
    assert blocked.status_code == 429
    assert "espera 15 minutos" in blocked.content.decode()


def test_submissions_are_rate_limited_and_the_form_keeps_what_was_typed(
    catalogs: None, settings: Any
) -> None:
    settings.REPORT_SUBMIT_LIMIT = 2
    client = _client()
    assert _submit(client).status_code == 200
    assert _submit(client).status_code == 200
    refused = _submit(client, what="Texto que escribí y no quiero perder al reintentar.")
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "Texto que escribí y no quiero perder" in body
    assert "llama al 911" in body
    assert Report.objects.count() == 2


def test_the_time_trap_and_the_hidden_field_refuse_programs(catalogs: None, settings: Any) -> None:
    client = _client()
    settings.REPORT_MIN_SECONDS = 60
    too_fast = _submit(client)
    assert too_fast.status_code == 400
    assert "demasiado rápido" in too_fast.content.decode()
    assert WHAT in too_fast.content.decode()
    settings.REPORT_MIN_SECONDS = 0
    filled = _submit(client, website="http://spam.example")
    assert filled.status_code == 400
    assert not Report.objects.exists()


def test_required_answers_and_identity_rules(catalogs: None) -> None:
    client = _client()
    short = _submit(client, what="Muy corto")
    assert short.status_code == 400
    assert "al menos 20" in short.content.decode()
    unnamed = _submit(client, anonymous="no", name="")
    assert "Escribe tu nombre" in unnamed.content.decode()
    no_detail = _submit(client, contact_wish="telefono", contact_detail="")
    assert "teléfono o correo seguro" in no_detail.content.decode()
    assert not Report.objects.exists()


def test_danger_comes_first(catalogs: None) -> None:
    client = _client()
    start = client.get(reverse("report:start")).content.decode()
    assert start.index("¿estás en peligro ahora?") < start.index("¿Ya enviaste un reporte?")
    danger = client.get(reverse("report:danger")).content.decode()
    assert 'href="tel:911"' in danger
    page = _submit(client, in_danger="on").content.decode()
    assert page.index("llama al 911 ahora") < page.index("Recibimos tu reporte")


def test_an_anonymous_report_keeps_no_name(catalogs: None) -> None:
    _submit(_client(), anonymous="si", name="Nombre que no debe guardarse")
    assert Report.objects.get().name == ""


def test_a_deployment_without_a_pepper_is_refused(settings: Any) -> None:
    from violeta.config.checks import receipt_pepper_set

    assert receipt_pepper_set(None) == []
    settings.RECEIPT_PEPPER = ""
    assert [error.id for error in receipt_pepper_set(None)] == ["violeta.E010"]


def test_the_same_receipt_hashes_the_same_and_a_new_pepper_changes_it(settings: Any) -> None:
    first = receipt_hash("1234 5678 9012 3456")
    assert receipt_hash("1234-5678-9012-3456") == first
    assert receipt_hash("1234 5678 9012 3457") != first
    settings.RECEIPT_PEPPER = "another-pepper-for-tests-000000000000000"
    assert receipt_hash("1234 5678 9012 3456") != first


def test_behind_the_proxy_each_visitor_has_her_own_count(catalogs: None, settings: Any) -> None:
    """All requests reach the app from the proxy: the count follows the address it forwards,
    or one person could lock everybody out of their receipts."""
    settings.BEHIND_TLS_PROXY = True
    settings.RECEIPT_FAILURE_LIMIT = 2
    first = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")
    for _attempt in range(2):
        first.post(reverse("report:follow_up"), {"receipt": "0000 0000 0000 0000"})
    assert first.post(reverse("report:follow_up"), {"receipt": "1"}).status_code == 429
    assert second.post(reverse("report:follow_up"), {"receipt": "1"}).status_code == 400
