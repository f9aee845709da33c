"""The case's timeline: everything in order, each viewer seeing only what she may, in a
constant number of queries."""

import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from violeta.accounts.roles import Role, Specialty
from violeta.cases import services
from violeta.cases.models import (
    AccountAddition,
    CaseNote,
    ConsentOverride,
    ConsentPurpose,
    ContactMethod,
    Incident,
    PartyKind,
    StatusChange,
)
from violeta.cases.selectors_timeline import timeline_for
from violeta.cases.services.attention import (
    case_task_add,
    case_task_complete,
    safety_plan_update,
    session_record,
)
from violeta.protocols.models import RunEvent, StageChange
from violeta.protocols.services import run_for
from violeta.testing.factories import UserFactory, assign_to_affected, consent_give, make_case
from violeta.testing.second_factor import force_login_verified

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
NOTES = "Notas que nunca salen en la línea de tiempo."
STEPS = "Plan que nunca sale en la línea de tiempo."
AFFECTED = "Azucena Prueba"


def at(minutes):
    return time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False)


@pytest.fixture
def juridica(atencion):
    return UserFactory(
        role=Role.ATENCION,
        specialty=Specialty.JURIDICA,
        full_name="Atención Jurídica",
        dependencia=atencion.dependencia,
    )


def build_history(case, *, enlace, coordinacion, atencion, juridica, autoridad, rounds=1):
    """One of every kind of entry (``rounds`` times for the repeatable ones)."""
    with at(1):
        consent_give(case)
        assign_to_affected(case, by=coordinacion, worker=atencion)
    with at(2):
        assign_to_affected(case, by=coordinacion, worker=juridica, kind="juridica")
    with at(3):
        assign_to_affected(case, by=coordinacion, worker=autoridad, kind="autoridad")
    minute = 10
    for _ in range(rounds):
        with at(minute):
            AccountAddition.objects.create(case=case, author=atencion, body="Detalle nuevo.")
        with at(minute + 1):
            Incident.objects.create(
                case=case, recorded_by=atencion, occurred_on=datetime.date(2026, 2, 1)
            )
        with at(minute + 2):
            services.party_add(
                actor=atencion,
                case=case,
                kind=PartyKind.TESTIGO,
                facts=services.PartyFacts(display_name="Testigo Secreta"),
            )
        with at(minute + 3):
            services.contact_preference_record(
                actor=atencion, case=case, method=ContactMethod.TELEFONO, safe_times="Tardes"
            )
        with at(minute + 4):
            session_record(
                actor=atencion,
                case=case,
                service="psicologia",
                held_at=START + datetime.timedelta(minutes=minute + 4),
                mode="presencial",
                notes=NOTES,
            )
        with at(minute + 5):
            safety_plan_update(
                actor=atencion,
                case=case,
                warning_signs="",
                safe_contacts="",
                safe_places="",
                steps=STEPS,
            )
        with at(minute + 6):
            task = case_task_add(
                actor=atencion,
                case=case,
                title="Llamarle",
                due_on=datetime.date(2026, 3, 10),
                assigned_to=juridica,
            )
        with at(minute + 7):
            case_task_complete(actor=juridica, task=task)
        with at(minute + 8):
            CaseNote.objects.create(case=case, author=atencion, body="Nota del equipo secreta.")
        minute += 10
    run = run_for(case)
    assert run is not None
    with at(minute):
        StageChange.objects.create(
            run=run, transition="x", from_stage=run.stage, to_stage=run.stage, actor=coordinacion
        )
        RunEvent.objects.create(run=run, code="comite_notificado")
    with at(minute + 1):
        ConsentOverride.objects.create(
            case=case,
            purpose=ConsentPurpose.CANALIZACION,
            reason="Motivo legal secreto",
            actor=coordinacion,
        )
    with at(minute + 2):
        StatusChange.objects.create(
            case=case, to_status="cerrado", reason="concluido", actor=coordinacion
        )
    with at(minute + 3):
        StatusChange.objects.create(
            case=case, to_status="abierto", reason="reapertura", actor=coordinacion
        )
    return minute + 10


@pytest.fixture
def case(protocols, enlace):
    with at(0):
        return make_case(registered_by=enlace, affected=AFFECTED, protocol="chihuahua-municipal")


@pytest.fixture
def history(case, enlace, coordinacion, atencion, juridica, autoridad):
    build_history(
        case,
        enlace=enlace,
        coordinacion=coordinacion,
        atencion=atencion,
        juridica=juridica,
        autoridad=autoridad,
    )
    return case


def codes(entries):
    return [entry.code for entry in entries]


def text(entries):
    return " ".join(f"{e.kind} {e.actor} {e.summary}" for e in entries)


def test_everything_appears_once_in_chronological_order(history, atencion):
    entries = timeline_for(user=atencion, case=history)
    moments = [entry.at for entry in entries]
    assert moments == sorted(moments)
    assert entries[0].code == "registration"
    assert codes(entries)[-2:] == ["status_change", "status_change"]
    assert entries[-2].summary == "Caso cerrado."
    assert entries[-1].summary == "Caso reabierto."
    for code in (
        "account_taking",
        "account_addition",
        "incident",
        "party",
        "assignment_start",
        "consent",
        "consent_override",
        "contact",
        "session",
        "safety_plan",
        "task_created",
        "task_done",
        "note",
        "stage_change",
        "run_event",
    ):
        assert code in codes(entries), code
    # Entering a stage is told once, by its stage change.
    assert not any("entered:" in entry.summary for entry in entries)


def test_the_assigned_psychologist_sees_names_but_never_contents(history, atencion):
    entries = timeline_for(user=atencion, case=history)
    everything = text(entries)
    assert AFFECTED in everything
    assert "Testigo Secreta" in everything
    for secret in (NOTES, STEPS, "Nota del equipo secreta.", "Motivo legal secreto", "Tardes"):
        assert secret not in everything
    assert "Teléfono" in everything or "teléfono" in everything


def test_coordinacion_sees_no_plans_no_notes_and_no_names(history, coordinacion):
    entries = timeline_for(user=coordinacion, case=history)
    found = codes(entries)
    assert "session" in found
    assert "safety_plan" not in found
    assert "note" not in found
    everything = text(entries)
    assert AFFECTED not in everything
    assert "Testigo Secreta" not in everything
    assert "Persona agregada al caso: Testigo." in everything


def test_another_specialty_sees_sessions_plans_and_notes_entries(history, juridica):
    found = codes(timeline_for(user=juridica, case=history))
    assert {"session", "safety_plan", "note"} <= set(found)


def test_the_autoridad_sees_no_sessions_and_no_plans(history, autoridad):
    entries = timeline_for(user=autoridad, case=history)
    found = codes(entries)
    assert "registration" in found
    assert "session" not in found
    assert "safety_plan" not in found
    assert "note" not in found


def test_an_emergency_reader_sees_plans_and_her_access(history, atencion):
    reader: Any = UserFactory(
        role=Role.ATENCION, specialty=Specialty.TRABAJO_SOCIAL, dependencia=atencion.dependencia
    )
    services.emergency_access_grant(
        actor=reader, case=history, reason="Llamó en crisis y nadie del equipo responde."
    )
    found = codes(timeline_for(user=reader, case=history))
    assert {"session", "safety_plan", "note", "emergency_access"} <= set(found)


@pytest.mark.parametrize("who", ["outsider", "servidora", "admin_sistema", "enlace"])
def test_those_who_may_not_open_the_case_get_nothing(history, who, request):
    assert timeline_for(user=request.getfixturevalue(who), case=history) == []


def test_the_number_of_queries_does_not_grow_with_the_entries(
    protocols, enlace, coordinacion, atencion, juridica, autoridad, django_assert_max_num_queries
):
    people = {
        "enlace": enlace,
        "coordinacion": coordinacion,
        "atencion": atencion,
        "juridica": juridica,
        "autoridad": autoridad,
    }
    with at(0):
        small = make_case(registered_by=enlace, protocol="chihuahua-municipal")
        big = make_case(registered_by=enlace, protocol="chihuahua-municipal")
    build_history(small, rounds=1, **people)
    build_history(big, rounds=8, **people)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as baseline:
        few = timeline_for(user=atencion, case=small)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        many = timeline_for(user=atencion, case=big)
    assert len(many) > 3 * len(few) / 2


def test_the_timeline_page_lists_what_the_viewer_may_see(history, coordinacion, outsider):
    url = reverse("cases:timeline", kwargs={"pk": history.pk})
    client = Client()
    force_login_verified(client, coordinacion)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert f"Línea de tiempo del caso {history.folio}" in body
    assert "Caso registrado" in body
    assert "<time datetime=" in body
    assert NOTES not in body
    assert AFFECTED not in body
    stranger = Client()
    force_login_verified(stranger, outsider)
    assert stranger.get(url).status_code == 404


def test_the_timeline_renders_in_the_local_time_zone(history, atencion):
    client = Client()
    force_login_verified(client, atencion)
    body = client.get(reverse("cases:timeline", kwargs={"pk": history.pk})).content.decode()
    local = timezone.localtime(history.registered_at)
    assert local.strftime("%H:%M") in body
