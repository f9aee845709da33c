"""The retaliation watch: who may record an adverse change and against whom, who hears about
it, coordinación's single review, the queue, and the pages that keep what was typed."""

from __future__ import annotations

import datetime
import json
import re
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import include, path, reverse

from violeta.accounts.roles import Role
from violeta.audit.models import AuditEntry
from violeta.cases.models import AssignmentKind, CaseParty, CaseStatus, PartyKind
from violeta.cases.selectors import case_reading
from violeta.cases.services import case_assign
from violeta.config import urls as root_urls
from violeta.notifications.models import Notification, NotificationKind
from violeta.sanctions import views_retaliation
from violeta.sanctions.models import AdverseChange, AdverseKind
from violeta.sanctions.services_retaliation import (
    adverse_change_record,
    adverse_change_review,
    adverse_changes_reviewable_by,
)
from violeta.sanctions.views_retaliation import retaliation_section
from violeta.testing.factories import UserFactory, assign_to_affected, consent_give, make_case
from violeta.testing.second_factor import force_login_verified

# Until the project's URLconf includes the sanctions pages, these tests mount them as the
# project will: under /sancion/, namespace "sanctions".
urlpatterns: list[Any] = list(root_urls.urlpatterns)
if not any(getattr(p, "namespace", None) == "sanctions" for p in root_urls.urlpatterns):
    urlpatterns.append(path("sancion/", include((views_retaliation.urlpatterns, "sanctions"))))

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

CHIHUAHUA = zoneinfo.ZoneInfo("America/Chihuahua")
NOW = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=CHIHUAHUA)
REPORT_DAY = NOW.date()
DETAIL = "La jefa de área la cambió al turno nocturno dos semanas después del reporte."
NOTE = "El cambio coincide con el reporte y no tiene otra justificación documentada."


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def case(catalogs: None, enlace: Any, coordinacion: Any, atencion: Any) -> Any:
    """Her case, registered by an enlace today, with a witness, attended by atención (so the
    IMM took it and the enlace no longer acts on it)."""
    case = make_case(
        registered_by=enlace,
        protocol="chihuahua-municipal",
        affected="Lucía Afectada",
        accused="Ramiro Señalado",
    )
    CaseParty.objects.create(case=case, kind=PartyKind.TESTIGO, display_name="Teresa Testigo")
    assign_to_affected(case, by=coordinacion, worker=atencion)
    return case


@pytest.fixture
def on_case_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """The section on the case page, as SanctionsConfig.ready will register it."""
    from violeta.cases.views import case as case_views

    entry = (retaliation_section, "sanctions/_retaliation.html")
    if entry not in case_views._extra_sections:
        monkeypatch.setattr(case_views, "_extra_sections", [*case_views._extra_sections, entry])


def party(case: Any, kind: str) -> CaseParty:
    return case.parties.get(kind=kind)


def record(
    actor: Any,
    case: Any,
    *,
    kind: str = PartyKind.AFECTADA,
    change: AdverseKind = AdverseKind.CAMBIO_HORARIO,
    effective_on: datetime.date = REPORT_DAY,
) -> AdverseChange:
    return adverse_change_record(
        actor=actor,
        case=case,
        party=party(case, kind),
        kind=change,
        effective_on=effective_on,
        detail=DETAIL,
    )


def client_for(user: Any) -> Client:
    client = Client()
    force_login_verified(client, user)
    return client


def coordinator_who_is_a_witness(case: Any) -> Any:
    user: Any = UserFactory(
        role=Role.COORDINACION, email="coord.testigo@prueba.violeta.mx", full_name="Coord Testigo"
    )
    CaseParty.objects.create(
        case=case, kind=PartyKind.TESTIGO, display_name="Coord Testigo", user=user
    )
    return user


def assign_autoridad(case: Any, coordinacion: Any, autoridad: Any) -> None:
    consent_give(case, purpose="comite_oic")
    case_assign(
        actor=coordinacion,
        case=case,
        user=autoridad,
        attends=party(case, PartyKind.AFECTADA),
        kind=AssignmentKind.AUTORIDAD,
    )


# Recording ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [PartyKind.AFECTADA, PartyKind.TESTIGO])
def test_a_change_against_her_or_a_witness_is_recorded(case: Any, atencion: Any, kind: str) -> None:
    change = record(atencion, case, kind=kind)
    assert change.party == party(case, kind)
    assert change.recorded_by == atencion
    assert change.reviewed_at is None
    assert change.is_retaliation is None


def test_a_change_against_the_accused_is_refused(case: Any, atencion: Any) -> None:
    with pytest.raises(ValidationError) as refusal:
        record(atencion, case, kind=PartyKind.SENALADA)
    assert "party" in refusal.value.message_dict
    assert "no a la persona señalada" in refusal.value.message_dict["party"][0]
    assert not AdverseChange.objects.exists()


def test_a_change_before_the_report_is_not_retaliation(case: Any, atencion: Any) -> None:
    with pytest.raises(ValidationError) as refusal:
        record(atencion, case, effective_on=REPORT_DAY - datetime.timedelta(days=1))
    assert "anterior al reporte" in refusal.value.message_dict["effective_on"][0]
    assert not AdverseChange.objects.exists()


def test_a_change_dated_after_today_is_refused(case: Any, atencion: Any) -> None:
    with pytest.raises(ValidationError) as refusal:
        record(atencion, case, effective_on=REPORT_DAY + datetime.timedelta(days=1))
    assert "posterior a hoy" in refusal.value.message_dict["effective_on"][0]


def test_a_party_from_another_case_is_refused(case: Any, atencion: Any, enlace: Any) -> None:
    other = make_case(registered_by=enlace, affected="Otra Persona")
    with pytest.raises(ValidationError) as refusal:
        adverse_change_record(
            actor=atencion,
            case=case,
            party=party(other, PartyKind.AFECTADA),
            kind=AdverseKind.BAJA,
            effective_on=REPORT_DAY,
        )
    assert "no pertenece a este caso" in refusal.value.message_dict["party"][0]


@pytest.mark.parametrize(
    # The enlace lost access when the IMM took the case; this autoridad is not assigned.
    "persona",
    ["servidora", "enlace", "autoridad", "admin_sistema", "outsider"],
    indirect=True,
)
def test_who_does_not_act_on_the_case_may_not_record(case: Any, persona: Any) -> None:
    with pytest.raises(PermissionDenied):
        record(persona, case)
    assert not AdverseChange.objects.exists()


def test_a_coordinator_who_is_a_party_may_not_record(case: Any) -> None:
    with pytest.raises(PermissionDenied):
        record(coordinator_who_is_a_witness(case), case)


def test_nothing_is_recorded_on_a_closed_case(case: Any, atencion: Any) -> None:
    case.status = CaseStatus.CLOSED
    case.save(update_fields=["status"])
    with pytest.raises(PermissionDenied):
        record(atencion, case)


def test_the_assigned_autoridad_and_coordinacion_may_record(
    case: Any, coordinacion: Any, autoridad: Any
) -> None:
    assign_autoridad(case, coordinacion, autoridad)
    record(autoridad, case)
    record(coordinacion, case, kind=PartyKind.TESTIGO)
    assert AdverseChange.objects.count() == 2


def test_the_enlace_who_registered_it_records_until_the_imm_takes_it(
    catalogs: None, enlace: Any
) -> None:
    case = make_case(registered_by=enlace)
    assert record(enlace, case).recorded_by == enlace


def test_the_notice_reaches_coordinacion_but_not_a_party(
    case: Any, atencion: Any, coordinacion: Any, django_capture_on_commit_callbacks: Any
) -> None:
    witness = coordinator_who_is_a_witness(case)
    UserFactory(role=Role.COORDINACION, email="coord.baja@prueba.violeta.mx", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        record(atencion, case)
    notices = Notification.objects.filter(kind=NotificationKind.RETALIATION)
    assert [n.recipient for n in notices] == [coordinacion]
    assert not notices.filter(recipient=witness).exists()
    # The folio only: no name, no content.
    assert [(n.folio, n.actor_name) for n in notices] == [(case.folio, "")]


def test_the_detail_is_encrypted_and_the_audit_keeps_codes_only(
    case: Any, atencion: Any, coordinacion: Any
) -> None:
    change = record(atencion, case)
    adverse_change_review(actor=coordinacion, change=change, is_retaliation=True, note=NOTE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT detail, review_note FROM sanctions_adversechange")
        stored = cursor.fetchone()
    assert "turno nocturno" not in str(stored[0])
    assert "justificación" not in str(stored[1])
    entries = AuditEntry.objects.filter(target_id=str(change.pk))
    assert {e.action for e in entries} == {"create", "update"}
    written = json.dumps([e.detail for e in entries], ensure_ascii=False)
    assert "turno nocturno" not in written
    assert "justificación" not in written
    assert "cambio_horario" in written


# Review ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    ["servidora", "atencion", "enlace", "autoridad", "admin_sistema", "outsider"],
    indirect=True,
)
def test_only_coordinacion_reviews(case: Any, atencion: Any, persona: Any) -> None:
    change = record(atencion, case)
    with pytest.raises(PermissionDenied):
        adverse_change_review(actor=persona, change=change, is_retaliation=True, note=NOTE)
    change.refresh_from_db()
    assert change.reviewed_at is None


def test_a_coordinator_who_is_a_party_may_not_review(case: Any, atencion: Any) -> None:
    change = record(atencion, case)
    with pytest.raises(PermissionDenied):
        adverse_change_review(
            actor=coordinator_who_is_a_witness(case),
            change=change,
            is_retaliation=False,
            note=NOTE,
        )


def test_a_review_needs_a_note_of_twenty_characters(
    case: Any, atencion: Any, coordinacion: Any
) -> None:
    change = record(atencion, case)
    with pytest.raises(ValidationError) as refusal:
        adverse_change_review(
            actor=coordinacion, change=change, is_retaliation=False, note="  No aplica.  "
        )
    assert "al menos 20 caracteres" in refusal.value.message_dict["note"][0]
    change.refresh_from_db()
    assert change.reviewed_at is None


def test_a_change_is_reviewed_only_once(case: Any, atencion: Any, coordinacion: Any) -> None:
    change = record(atencion, case)
    reviewed = adverse_change_review(
        actor=coordinacion, change=change, is_retaliation=True, note=NOTE
    )
    assert reviewed.reviewed_by == coordinacion
    assert reviewed.is_retaliation is True
    with pytest.raises(ValidationError, match="ya se revisó"):
        adverse_change_review(
            actor=coordinacion, change=change, is_retaliation=False, note=NOTE + " Otra."
        )
    change.refresh_from_db()
    assert change.is_retaliation is True
    assert change.review_note == NOTE


def test_a_confirmed_retaliation_notifies_the_assigned_autoridad(
    case: Any,
    atencion: Any,
    coordinacion: Any,
    autoridad: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assign_autoridad(case, coordinacion, autoridad)
    change = record(atencion, case)
    with django_capture_on_commit_callbacks(execute=True):
        adverse_change_review(actor=coordinacion, change=change, is_retaliation=True, note=NOTE)
    notices = Notification.objects.filter(kind=NotificationKind.RETALIATION, recipient=autoridad)
    assert [n.folio for n in notices] == [case.folio]


def test_a_change_found_not_retaliation_does_not_reach_the_autoridad(
    case: Any,
    atencion: Any,
    coordinacion: Any,
    autoridad: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    assign_autoridad(case, coordinacion, autoridad)
    change = record(atencion, case)
    with django_capture_on_commit_callbacks(execute=True):
        adverse_change_review(actor=coordinacion, change=change, is_retaliation=False, note=NOTE)
    assert not Notification.objects.filter(
        kind=NotificationKind.RETALIATION, recipient=autoridad
    ).exists()


# Pages -------------------------------------------------------------------------------------


def test_the_queue_lists_pending_changes_first(
    case: Any, atencion: Any, coordinacion: Any, clock: Any
) -> None:
    first = record(atencion, case, change=AdverseKind.CAMBIO_AREA)
    clock.shift(datetime.timedelta(minutes=5))
    second = record(atencion, case, change=AdverseKind.EVALUACION)
    clock.shift(datetime.timedelta(minutes=5))
    third = record(atencion, case, change=AdverseKind.DESCUENTO, kind=PartyKind.TESTIGO)
    adverse_change_review(actor=coordinacion, change=first, is_retaliation=False, note=NOTE)

    assert list(adverse_changes_reviewable_by(user=coordinacion)) == [second, third, first]
    page = client_for(coordinacion).get(reverse("sanctions:retaliation_queue"))
    assert page.status_code == 200
    assert page.context["pending"] == [second, third]
    assert page.context["reviewed"] == [first]
    html = page.content.decode()
    links = [reverse("sanctions:adverse_review", args=[c.pk]) for c in (second, third, first)]
    assert html.index(links[0]) < html.index(links[1]) < html.index(links[2])
    assert case.folio in html
    assert "Evaluación negativa o nota desfavorable" in html
    assert "10 Mar 2026" in html
    assert atencion.full_name in html
    # The queue names the kind of party, never the person nor the detail.
    assert "Lucía" not in html
    assert "turno nocturno" not in html


@pytest.mark.parametrize(
    "persona",
    ["servidora", "atencion", "enlace", "autoridad", "admin_sistema", "outsider"],
    indirect=True,
)
def test_queue_and_review_pages_are_not_found_but_for_coordinacion(
    case: Any, atencion: Any, persona: Any
) -> None:
    change = record(atencion, case)
    client = client_for(persona)
    assert client.get(reverse("sanctions:retaliation_queue")).status_code == 404
    review = reverse("sanctions:adverse_review", args=[change.pk])
    assert client.get(review).status_code == 404
    response = client.post(review, {"revision-is_retaliation": "si", "revision-note": NOTE})
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["enlace", "autoridad", "outsider"], indirect=True)
def test_the_record_page_is_not_found_for_who_does_not_act(case: Any, persona: Any) -> None:
    url = reverse("sanctions:adverse_add", args=[case.pk])
    client = client_for(persona)
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404


def test_recording_through_the_page_returns_to_the_case(case: Any, atencion: Any) -> None:
    client = client_for(atencion)
    url = reverse("sanctions:adverse_add", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    # Atención reads her account, so the choices carry the names; never the accused.
    html = page.content.decode()
    assert "Persona afectada: Lucía Afectada" in html
    assert "Testigo 1: Teresa Testigo" in html
    assert "Ramiro" not in html
    response = client.post(
        url,
        {
            "cambio-party": party(case, PartyKind.TESTIGO).pk,
            "cambio-kind": AdverseKind.CAMBIO_FUNCIONES,
            "cambio-effective_on": REPORT_DAY.isoformat(),
            "cambio-detail": DETAIL,
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("cases:detail", args=[case.pk])
    change = AdverseChange.objects.get()
    assert change.kind == AdverseKind.CAMBIO_FUNCIONES
    assert change.detail == DETAIL


def test_coordinacion_records_without_seeing_names(case: Any, coordinacion: Any) -> None:
    html = client_for(coordinacion).get(reverse("sanctions:adverse_add", args=[case.pk]))
    text = html.content.decode()
    assert "Persona afectada" in text
    assert "Testigo 1" in text
    assert "Lucía" not in text
    assert "Teresa" not in text


def test_a_refused_record_keeps_what_was_typed(case: Any, atencion: Any) -> None:
    the_day_before = (REPORT_DAY - datetime.timedelta(days=1)).isoformat()
    response = client_for(atencion).post(
        reverse("sanctions:adverse_add", args=[case.pk]),
        {
            "cambio-party": party(case, PartyKind.AFECTADA).pk,
            "cambio-kind": AdverseKind.BAJA,
            "cambio-effective_on": the_day_before,
            "cambio-detail": DETAIL,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "anterior al reporte" in html
    assert DETAIL in html
    assert the_day_before in html
    assert re.search(r'value="baja"[^>]*selected', html)
    assert not AdverseChange.objects.exists()


def test_choosing_the_accused_on_the_page_is_refused(case: Any, atencion: Any) -> None:
    response = client_for(atencion).post(
        reverse("sanctions:adverse_add", args=[case.pk]),
        {
            "cambio-party": party(case, PartyKind.SENALADA).pk,
            "cambio-kind": AdverseKind.BAJA,
            "cambio-effective_on": REPORT_DAY.isoformat(),
            "cambio-detail": DETAIL,
        },
    )
    assert response.status_code == 400
    assert DETAIL in response.content.decode()
    assert not AdverseChange.objects.exists()


def test_coordinacion_reads_the_detail_and_reviews_it(
    case: Any, atencion: Any, coordinacion: Any
) -> None:
    change = record(atencion, case)
    client = client_for(coordinacion)
    url = reverse("sanctions:adverse_review", args=[change.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert DETAIL in page.content.decode()
    assert AuditEntry.objects.filter(action="view", target_id=str(change.pk)).exists()
    response = client.post(url, {"revision-is_retaliation": "si", "revision-note": NOTE})
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("sanctions:retaliation_queue")
    change.refresh_from_db()
    assert change.is_retaliation is True
    # Reviewed: the page shows the conclusion and no form.
    html = client.get(url).content.decode()
    assert NOTE in html
    assert 'name="revision-note"' not in html
    again = client.post(url, {"revision-is_retaliation": "no", "revision-note": NOTE})
    assert again.status_code == 400
    assert "ya se revisó" in again.content.decode()


def test_a_refused_review_keeps_what_was_typed(case: Any, atencion: Any, coordinacion: Any) -> None:
    change = record(atencion, case)
    response = client_for(coordinacion).post(
        reverse("sanctions:adverse_review", args=[change.pk]),
        {"revision-is_retaliation": "no", "revision-note": "Sin relación."},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Sin relación." in html
    assert "al menos 20 caracteres" in html
    assert re.search(r'value="no"[^>]*checked', html)
    change.refresh_from_db()
    assert change.reviewed_at is None


# The case page -----------------------------------------------------------------------------


def test_the_case_page_shows_the_section_to_the_assigned_atencion(
    case: Any, atencion: Any, on_case_page: None
) -> None:
    record(atencion, case)
    page = client_for(atencion).get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="represalias"' in html
    assert "Represalias" in html
    assert "Pendiente de revisión" in html
    assert DETAIL in html
    assert reverse("sanctions:adverse_add", args=[case.pk]) in html
    # Reviewing is coordinación's: atención gets no link to it.
    assert "/represalias/" not in html.replace('id="represalias"', "")


def test_the_case_page_offers_coordinacion_the_review(
    case: Any, atencion: Any, coordinacion: Any, on_case_page: None
) -> None:
    change = record(atencion, case)
    html = client_for(coordinacion).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("sanctions:adverse_review", args=[change.pk]) in html


@pytest.mark.parametrize("persona", ["enlace", "autoridad", "outsider"], indirect=True)
def test_no_section_for_who_does_not_act_on_the_case(case: Any, persona: Any) -> None:
    request = RequestFactory().get("/")
    request.user = persona
    reading = case_reading(user=persona, case=case)
    assert retaliation_section(request, case, reading) == {"retaliation_panel": None}
