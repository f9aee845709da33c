"""Closing and reopening a case: who may, what must be true first, and what a closed case
refuses."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from violeta.accounts.models import User
from violeta.audit.models import AuditEntry
from violeta.cases.models import (
    Case,
    CaseAssignment,
    CaseStatus,
    CaseTask,
    ConsentPurpose,
    StatusChange,
)
from violeta.cases.selectors import case_reading
from violeta.cases.selectors_closure import closure_blockers, closure_terms
from violeta.cases.services import consent_record
from violeta.cases.services.closure import case_close, case_reopen
from violeta.notifications.models import Notification, NotificationKind
from violeta.protocols.models import ProtocolRun, ProtocolVersion
from violeta.protocols.services import run_for, transition_take
from violeta.testing.factories import assign_to_affected, consent_give, make_case
from violeta.testing.second_factor import force_login_verified

pytestmark = pytest.mark.django_db

EVERY_ITEM = [
    "sabe_volver_a_pedir_ayuda",
    "plan_de_seguridad_revisado",
    "canalizaciones_con_resultado",
    "consentimiento_estadistica_preguntado",
]
REOPEN_REASON = "Ella volvió a pedir ayuda: el acoso continúa en su nueva área."


def the_run(case) -> ProtocolRun:
    run = run_for(case)
    assert run is not None
    return run


def withdrawn(case, actor):
    """Her request withdrawn: the run is in a final stage, as the protocol's own step leaves it."""
    transition_take(
        run=the_run(case),
        code="retirar_solicitud",
        actor=actor,
        reason="Ella decidió retirar su solicitud.",
    )
    return case


@pytest.fixture
def open_case(protocols, coordinacion, atencion):
    """Registered, attended by atención, on the municipal protocol, still at its first stage."""
    case = make_case(registered_by=coordinacion, protocol="chihuahua-municipal")
    assign_to_affected(case, by=coordinacion, worker=atencion)
    return case


@pytest.fixture
def concluded_case(open_case, coordinacion):
    return withdrawn(open_case, coordinacion)


def close(case, actor, **overrides):
    arguments = {
        "actor": actor,
        "case": case,
        "reason": "decidio_no_continuar",
        "checklist": EVERY_ITEM,
        "note": "Se despidió del equipo.",
        **overrides,
    }
    return case_close(**arguments)


def another_atencion(colleague) -> User:
    return User.objects.create_user(
        "otra.atencion@prueba.violeta.mx",
        full_name="Otra Atención",
        role="atencion",
        dependencia=colleague.dependencia,
    )


def refusal(caught):
    return caught.value.message_dict


# Who may close


def test_coordinacion_closes_a_case_whose_procedure_concluded(
    concluded_case, coordinacion, atencion, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        close(concluded_case, coordinacion)

    case = Case.objects.get(pk=concluded_case.pk)
    assert case.status == CaseStatus.CLOSED
    assert case.closed_at is not None
    change = StatusChange.objects.get(case=case)
    assert (change.to_status, change.reason, change.checklist, change.actor) == (
        CaseStatus.CLOSED,
        "decidio_no_continuar",
        EVERY_ITEM,
        coordinacion,
    )
    assert change.note == "Se despidió del equipo."
    entry = AuditEntry.objects.get(action="close", target_id=str(case.pk))
    assert entry.actor == coordinacion
    assert entry.detail == {
        "reason": "decidio_no_continuar",
        "checklist": EVERY_ITEM,
        "stage": "solicitud_retirada",
        "note": True,
    }
    # The assigned team hears of it; the person who closed it does not notify herself.
    notice = Notification.objects.get(kind=NotificationKind.PROTOCOL_NOTICE, folio=case.folio)
    assert (notice.recipient, notice.actor_name) == (atencion, coordinacion.full_name)


def test_atencion_actively_assigned_closes_the_case(concluded_case, atencion):
    close(concluded_case, atencion, note="")
    assert Case.objects.get(pk=concluded_case.pk).status == CaseStatus.CLOSED
    assert StatusChange.objects.get(case=concluded_case).note == ""


def test_atencion_whose_assignment_ended_may_not_close(concluded_case, atencion):
    CaseAssignment.objects.filter(case=concluded_case, user=atencion).update(
        ended_at=timezone.now()
    )
    with pytest.raises(PermissionDenied):
        close(concluded_case, atencion)


def test_atencion_not_assigned_may_not_close(concluded_case, atencion):
    other = another_atencion(atencion)
    with pytest.raises(PermissionDenied):
        close(concluded_case, other)


@pytest.mark.parametrize("persona", ["servidora", "enlace", "admin_sistema", "outsider"])
def test_people_outside_the_team_cannot_close(concluded_case, persona, request):
    with pytest.raises(PermissionDenied):
        close(concluded_case, request.getfixturevalue(persona))
    assert Case.objects.get(pk=concluded_case.pk).status == CaseStatus.OPEN


def test_the_autoridad_cannot_close_even_when_assigned(concluded_case, coordinacion, autoridad):
    consent_give(concluded_case)
    assign_to_affected(concluded_case, by=coordinacion, worker=autoridad, kind="autoridad")
    assert case_reading(user=autoridad, case=concluded_case).act
    with pytest.raises(PermissionDenied):
        close(concluded_case, autoridad)


def test_the_enlace_who_registered_it_cannot_close(protocols, enlace):
    case = withdrawn(make_case(registered_by=enlace, protocol="chihuahua-municipal"), enlace)
    assert case_reading(user=enlace, case=case).act
    with pytest.raises(PermissionDenied):
        close(case, enlace)


def test_a_coordinator_who_is_a_party_cannot_close(protocols, atencion, coordinacion):
    case = make_case(
        registered_by=atencion, protocol="chihuahua-municipal", accused_user=coordinacion
    )
    withdrawn(case, atencion)
    with pytest.raises(PermissionDenied):
        close(case, coordinacion)


# What must be true first


def test_the_reason_must_be_one_of_the_protocols_closure_reasons(concluded_case, coordinacion):
    with pytest.raises(ValidationError) as caught:
        close(concluded_case, coordinacion, reason="se_aburrio")
    assert refusal(caught) == {"reason": ["Elige uno de los motivos de cierre."]}
    assert Case.objects.get(pk=concluded_case.pk).status == CaseStatus.OPEN
    assert not StatusChange.objects.exists()


def test_every_checklist_item_must_be_confirmed_and_the_missing_ones_are_named(
    concluded_case, coordinacion
):
    with pytest.raises(ValidationError) as caught:
        close(concluded_case, coordinacion, checklist=EVERY_ITEM[:2])
    assert refusal(caught) == {
        "checklist": [
            "Falta confirmar: Las canalizaciones tienen un resultado registrado; "
            "Se le preguntó si consiente que su caso cuente en la estadística."
        ]
    }
    assert Case.objects.get(pk=concluded_case.pk).status == CaseStatus.OPEN


def test_a_checklist_item_of_another_protocol_is_refused(concluded_case, coordinacion):
    with pytest.raises(ValidationError) as caught:
        close(concluded_case, coordinacion, checklist=[*EVERY_ITEM, "medidas_votadas"])
    assert refusal(caught) == {
        "checklist": ["La lista de verificación incluye puntos que no son de este protocolo."]
    }


def test_closure_is_refused_while_the_procedure_is_not_in_a_final_stage(open_case, coordinacion):
    with pytest.raises(ValidationError) as caught:
        close(open_case, coordinacion)
    assert refusal(caught) == {
        NON_FIELD_ERRORS: [
            "El protocolo está en la etapa «Solicitud de activación». Para cerrar el caso, "
            "primero el procedimiento debe concluir o retirarse la solicitud."
        ]
    }
    assert Case.objects.get(pk=open_case.pk).status == CaseStatus.OPEN


@pytest.mark.parametrize("stage", ["cierre", "no_activacion", "solicitud_retirada"])
def test_every_final_stage_allows_closure(open_case, coordinacion, stage):
    ProtocolRun.objects.filter(pk=the_run(open_case).pk).update(stage=stage)
    close(open_case, coordinacion)
    assert Case.objects.get(pk=open_case.pk).status == CaseStatus.CLOSED


def test_closure_is_refused_while_the_case_has_open_tasks_and_says_how_many(
    concluded_case, coordinacion, atencion
):
    tasks = [
        CaseTask.objects.create(
            case=concluded_case,
            title=title,
            due_on=datetime.date(2026, 12, 1),
            assigned_to=atencion,
            created_by=coordinacion,
        )
        for title in ("Llamar para confirmar la cita", "Enviar el oficio", "Archivar constancias")
    ]
    CaseTask.objects.filter(pk=tasks[2].pk).update(done_at=timezone.now(), done_by=atencion)
    with pytest.raises(ValidationError) as caught:
        close(concluded_case, coordinacion)
    assert refusal(caught) == {
        NON_FIELD_ERRORS: ["Hay 2 tareas abiertas en el caso; termínalas antes de cerrarlo."]
    }
    CaseTask.objects.update(done_at=timezone.now(), done_by=atencion)
    close(concluded_case, coordinacion)
    assert Case.objects.get(pk=concluded_case.pk).status == CaseStatus.CLOSED


def test_every_problem_is_reported_at_once(open_case, coordinacion):
    with pytest.raises(ValidationError) as caught:
        close(open_case, coordinacion, reason="", checklist=[])
    assert set(refusal(caught)) == {"reason", "checklist", NON_FIELD_ERRORS}


def test_closing_twice_is_refused(concluded_case, coordinacion):
    close(concluded_case, coordinacion)
    with pytest.raises(ValidationError) as caught:
        close(concluded_case, coordinacion)
    assert caught.value.code == "already_closed"
    assert StatusChange.objects.filter(case=concluded_case).count() == 1


def test_when_two_people_close_at_once_only_one_wins(concluded_case, coordinacion, atencion):
    theirs = Case.objects.get(pk=concluded_case.pk)
    close(concluded_case, coordinacion)
    # ``theirs`` was read before the closure: it still says open, the database does not.
    with pytest.raises(ValidationError) as caught:
        close(theirs, atencion)
    assert caught.value.messages == [
        "Otra persona ya cerró este caso. Vuelve a abrir el expediente para ver su estado."
    ]
    assert StatusChange.objects.filter(case=concluded_case).count() == 1
    assert AuditEntry.objects.filter(action="close").count() == 1


def test_a_closed_case_refuses_writes_through_case_reading(concluded_case, coordinacion, atencion):
    assert case_reading(user=atencion, case=concluded_case).act
    close(concluded_case, coordinacion)
    case = Case.objects.get(pk=concluded_case.pk)
    assert not case_reading(user=atencion, case=case).act
    assert not case_reading(user=coordinacion, case=case).act
    # Reading stays: the assigned worker still reads the file.
    assert case_reading(user=atencion, case=case).account
    with pytest.raises(PermissionDenied):
        consent_record(actor=atencion, case=case, purpose=ConsentPurpose.COMITE_OIC, granted=True)


def test_a_case_on_a_version_without_closure_reasons_uses_those_of_the_current_version(
    open_case, coordinacion
):
    current = the_run(open_case).protocol
    older = {key: value for key, value in current.definition.items() if key != "closure"}
    older["version"] = "2021.1"
    version = ProtocolVersion.objects.create(
        code=current.code,
        version="2021.1",
        name=current.name,
        definition=older,
        source_file=current.source_file,
        sha256="0" * 64,
        effective_date=current.effective_date - datetime.timedelta(days=1),
    )
    ProtocolRun.objects.filter(pk=the_run(open_case).pk).update(
        protocol=version, stage="solicitud_retirada"
    )
    terms = closure_terms(case=open_case, language="es")
    assert terms is not None
    assert terms.reason_label("no_localizada") == (
        "No fue posible localizarla tras los intentos registrados"
    )
    close(open_case, coordinacion, reason="no_localizada")
    assert Case.objects.get(pk=open_case.pk).status == CaseStatus.CLOSED


def test_the_blockers_are_readable_before_trying(open_case, coordinacion):
    assert closure_blockers(case=open_case) == [
        "El protocolo está en la etapa «Solicitud de activación». Para cerrar el caso, "
        "primero el procedimiento debe concluir o retirarse la solicitud."
    ]
    withdrawn(open_case, coordinacion)
    assert closure_blockers(case=open_case) == []


# Reopening


@pytest.fixture
def closed_case(concluded_case, coordinacion):
    close(concluded_case, coordinacion)
    return Case.objects.get(pk=concluded_case.pk)


def test_coordinacion_reopens_with_a_written_reason(
    closed_case, coordinacion, atencion, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case_reopen(actor=coordinacion, case=closed_case, reason=f"  {REOPEN_REASON}  ")

    case = Case.objects.get(pk=closed_case.pk)
    assert (case.status, case.closed_at) == (CaseStatus.OPEN, None)
    change = StatusChange.objects.filter(case=case).latest("created_at")
    assert (change.to_status, change.reason, change.note, change.actor) == (
        CaseStatus.OPEN,
        "reapertura",
        REOPEN_REASON,
        coordinacion,
    )
    entry = AuditEntry.objects.get(action="reopen", target_id=str(case.pk))
    assert entry.detail == {"reason": "reapertura", "closed_for": "decidio_no_continuar"}
    assert Notification.objects.filter(recipient=atencion, folio=case.folio).count() == 1
    # Open again: the team acts on it again.
    assert case_reading(user=atencion, case=case).act


def test_reopening_needs_a_reason_of_at_least_20_characters(closed_case, coordinacion):
    for reason in ("", "   ", "Volvió a llamar."):
        with pytest.raises(ValidationError) as caught:
            case_reopen(actor=coordinacion, case=closed_case, reason=reason)
        assert refusal(caught) == {
            "reason": ["Escribe por qué se reabre el caso, con al menos 20 caracteres."]
        }
    assert Case.objects.get(pk=closed_case.pk).status == CaseStatus.CLOSED


def test_atencion_who_was_assigned_reopens_even_after_her_assignment_ended(closed_case, atencion):
    CaseAssignment.objects.filter(case=closed_case, user=atencion).update(ended_at=timezone.now())
    case_reopen(actor=atencion, case=closed_case, reason=REOPEN_REASON)
    assert Case.objects.get(pk=closed_case.pk).status == CaseStatus.OPEN


@pytest.mark.parametrize(
    "persona", ["servidora", "enlace", "autoridad", "admin_sistema", "outsider"]
)
def test_people_outside_the_team_cannot_reopen(closed_case, persona, request):
    with pytest.raises(PermissionDenied):
        case_reopen(actor=request.getfixturevalue(persona), case=closed_case, reason=REOPEN_REASON)
    assert Case.objects.get(pk=closed_case.pk).status == CaseStatus.CLOSED


def test_atencion_never_assigned_cannot_reopen(closed_case, atencion):
    other = another_atencion(atencion)
    with pytest.raises(PermissionDenied):
        case_reopen(actor=other, case=closed_case, reason=REOPEN_REASON)


def test_reopening_an_open_case_is_refused(concluded_case, coordinacion):
    with pytest.raises(ValidationError) as caught:
        case_reopen(actor=coordinacion, case=concluded_case, reason=REOPEN_REASON)
    assert caught.value.messages == ["Este caso ya está abierto."]


def test_a_reopened_case_may_be_closed_again(closed_case, coordinacion):
    case_reopen(actor=coordinacion, case=closed_case, reason=REOPEN_REASON)
    close(closed_case, coordinacion, reason="atencion_concluida")
    assert list(
        StatusChange.objects.filter(case=closed_case).values_list("to_status", "reason")
    ) == [
        (CaseStatus.CLOSED, "decidio_no_continuar"),
        (CaseStatus.OPEN, "reapertura"),
        (CaseStatus.CLOSED, "atencion_concluida"),
    ]


# Pages


def client_for(user, language=None):
    client = Client()
    force_login_verified(client, user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def url(name, case):
    return reverse(name, kwargs={"pk": case.pk})


def test_the_close_page_shows_reasons_and_checklist_and_what_blocks_closure(
    open_case, coordinacion
):
    response = client_for(coordinacion).get(url("cases:close", open_case))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Todavía no se puede cerrar este caso" in body
    assert "El protocolo está en la etapa «Solicitud de activación»" in body
    assert 'type="radio" name="reason" value="canalizada_atendida"' in body
    assert "Canalizada y atendida en otra institución" in body
    assert 'type="checkbox" name="checklist" value="plan_de_seguridad_revisado"' in body
    assert "El plan de seguridad fue revisado con ella" in body


def test_the_close_page_speaks_the_viewers_language(concluded_case, coordinacion):
    body = client_for(coordinacion, "en").get(url("cases:close", concluded_case)).content
    assert "She was asked whether she consents to her case counting" in body.decode()
    assert "Todavía no se puede cerrar" not in body.decode()


@pytest.mark.parametrize(
    "persona", ["servidora", "enlace", "autoridad", "admin_sistema", "outsider"]
)
def test_the_close_and_reopen_pages_are_404_outside_the_team(concluded_case, persona, request):
    client = client_for(request.getfixturevalue(persona))
    for name in ("cases:close", "cases:reopen"):
        assert client.get(url(name, concluded_case)).status_code == 404
        assert client.post(url(name, concluded_case), {"reason": "x"}).status_code == 404
    assert Case.objects.get(pk=concluded_case.pk).status == CaseStatus.OPEN


def test_closing_through_the_page_shows_the_banner_and_the_reopen_link(
    concluded_case, coordinacion
):
    client = client_for(coordinacion)
    detail = url("cases:detail", concluded_case)
    assert (
        'href="{}"'.format(url("cases:close", concluded_case))
        in client.get(detail).content.decode()
    )
    response = client.post(
        url("cases:close", concluded_case),
        {"reason": "decidio_no_continuar", "checklist": EVERY_ITEM, "note": "Sin novedad."},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == detail
    body = client.get(detail).content.decode()
    closed_at = Case.objects.get(pk=concluded_case.pk).closed_at
    day = timezone.localtime(closed_at).day
    assert f"Caso cerrado el {day} de " in body
    assert "motivo: Ella decidió no continuar" in body
    assert f"Caso {concluded_case.folio} cerrado." in body
    assert 'href="{}"'.format(url("cases:reopen", concluded_case)) in body
    assert 'href="{}"'.format(url("cases:close", concluded_case)) not in body


def test_a_refused_closure_is_shown_with_status_400_keeping_what_was_typed(
    concluded_case, coordinacion
):
    response = client_for(coordinacion).post(
        url("cases:close", concluded_case),
        {
            "reason": "canalizada_atendida",
            "checklist": EVERY_ITEM[:1],
            "note": "La canalizamos al CJM.",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Falta confirmar: El plan de seguridad fue revisado con ella" in body
    assert 'value="canalizada_atendida" id="id_reason_2" required checked' in body
    assert (
        'value="sabe_volver_a_pedir_ayuda" id="id_checklist_0" aria-invalid="true" checked' in body
    )
    assert "La canalizamos al CJM." in body
    assert Case.objects.get(pk=concluded_case.pk).status == CaseStatus.OPEN


def test_a_blocked_closure_lists_the_blockers_once(open_case, coordinacion):
    response = client_for(coordinacion).post(
        url("cases:close", open_case),
        {"reason": "decidio_no_continuar", "checklist": EVERY_ITEM},
    )
    assert response.status_code == 400
    assert response.content.decode().count("Solicitud de activación") == 1


def test_the_close_page_of_a_closed_case_leads_back_to_the_case(closed_case, coordinacion):
    response = client_for(coordinacion).get(url("cases:close", closed_case))
    assert response.status_code == 302
    assert response.headers["Location"] == url("cases:detail", closed_case)


def test_reopening_through_the_page(closed_case, coordinacion):
    client = client_for(coordinacion)
    assert client.get(url("cases:reopen", closed_case)).status_code == 200
    short = client.post(url("cases:reopen", closed_case), {"reason": "Volvió."})
    assert short.status_code == 400
    assert "con al menos 20 caracteres" in short.content.decode()
    assert "Volvió." in short.content.decode()
    response = client.post(url("cases:reopen", closed_case), {"reason": REOPEN_REASON})
    assert response.status_code == 302
    body = client.get(url("cases:detail", closed_case)).content.decode()
    assert "reabierto" in body
    assert "Caso cerrado el" not in body
    assert Case.objects.get(pk=closed_case.pk).status == CaseStatus.OPEN


def test_the_reopen_page_of_an_open_case_leads_back_to_the_case(concluded_case, atencion):
    response = client_for(atencion).get(url("cases:reopen", concluded_case))
    assert response.status_code == 302
    assert response.headers["Location"] == url("cases:detail", concluded_case)
