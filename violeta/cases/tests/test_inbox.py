"""The staff inbox: who sees which cases, every filter, the search, pages and query counts."""

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from violeta.audit.models import AuditEntry
from violeta.cases import selectors, selectors_inbox
from violeta.cases.models import Case, CaseParty, CaseTask, EmergencyAccess, Incident, PartyKind
from violeta.cases.selectors_inbox import (
    ContextFlag,
    DueFilter,
    InboxFilters,
    Order,
    Scope,
    StatusFilter,
    inbox_cases,
)
from violeta.catalogs.models import ViolenceModality, ViolenceType
from violeta.protocols.models import Deadline, ProtocolRun, StageChange
from violeta.testing.factories import (
    DependenciaFactory,
    assign_to_affected,
    consent_give,
    make_case,
)
from violeta.testing.second_factor import force_login_verified

pytestmark = pytest.mark.django_db

MUNICIPAL = "chihuahua-municipal"
FEDERAL = "hsas-federal"


def folios(user, **filters):
    return [case.folio for case in inbox_cases(user=user, filters=InboxFilters(**filters))]


def run_of(case):
    return ProtocolRun.objects.get(subject_type="cases.Case", subject_id=str(case.pk))


def move_to(case, stage):
    """Put the case's run in ``stage`` as the engine records it (the case keeps its stage)."""
    run = run_of(case)
    ProtocolRun.objects.filter(pk=run.pk).update(stage=stage)
    StageChange.objects.create(run=run, from_stage=run.stage, to_stage=stage)


def close(case):
    Case.objects.filter(pk=case.pk).update(status="cerrado")


def task_for(case, *, user, due_on, done=False):
    return CaseTask.objects.create(
        case=case,
        title="Llamar para confirmar la cita",
        due_on=due_on,
        assigned_to=user,
        created_by=user,
        done_at=timezone.now() if done else None,
    )


def deadline_for(case, *, due_at, met=False):
    run = run_of(case)
    return Deadline.objects.create(
        run=run, stage=run.stage, due_at=due_at, met_at=timezone.now() if met else None
    )


def incident_for(case, *, types=(), modalities=()):
    incident = Incident.objects.create(case=case, recorded_by=case.registered_by)
    incident.violence_types.set(types)
    incident.violence_modalities.set(modalities)
    return incident


def logged_in(user):
    client = Client()
    force_login_verified(client, user)
    return client


# --- Who sees what ------------------------------------------------------------------------


# The viewer's party cases are named by id up to a limit, tested case by case past it.
party_cases_inline = pytest.mark.parametrize("inline", [100, 0], ids=["by-id", "correlated"])


@party_cases_inline
def test_coordinacion_sees_every_case_except_those_where_she_is_a_party(
    catalogs, enlace, coordinacion, monkeypatch, inline
):
    monkeypatch.setattr(selectors, "PARTY_CASES_INLINE", inline)
    mine_as_party = make_case(registered_by=enlace, accused_user=coordinacion)
    other = make_case(registered_by=enlace)
    assert folios(coordinacion) == [other.folio]
    assert folios(coordinacion, q=mine_as_party.folio) == []
    assert folios(coordinacion, status=StatusFilter.ALL) == [other.folio]


@party_cases_inline
def test_an_assigned_worker_who_is_a_party_does_not_see_that_case_among_hers(
    catalogs, enlace, coordinacion, atencion, monkeypatch, inline
):
    monkeypatch.setattr(selectors, "PARTY_CASES_INLINE", inline)
    hers = make_case(registered_by=enlace)
    assign_to_affected(hers, by=coordinacion, worker=atencion)
    as_party = make_case(registered_by=enlace)
    assign_to_affected(as_party, by=coordinacion, worker=atencion)
    CaseParty.objects.create(case=as_party, kind=PartyKind.TESTIGO, user=atencion)
    assert folios(atencion, scope=Scope.MINE) == [hers.folio]
    assert folios(atencion, scope=Scope.ALL) == [hers.folio]


@pytest.mark.parametrize("persona", ["servidora", "admin_sistema", "outsider"], indirect=True)
def test_people_who_handle_no_cases_see_nothing_even_by_folio(catalogs, enlace, persona):
    case = make_case(registered_by=enlace)
    assert folios(persona, scope=Scope.ALL, status=StatusFilter.ALL) == []
    assert folios(persona, q=case.folio) == []


@pytest.mark.parametrize("persona", ["servidora", "admin_sistema", "outsider"], indirect=True)
def test_the_inbox_page_is_not_found_for_people_who_handle_no_cases(persona):
    assert logged_in(persona).get(reverse("cases:list")).status_code == 404


def test_atencion_starts_on_her_assigned_cases_and_all_adds_emergency_access(
    catalogs, enlace, coordinacion, atencion
):
    assigned = make_case(registered_by=enlace)
    assign_to_affected(assigned, by=coordinacion, worker=atencion)
    emergency = make_case(registered_by=enlace)
    EmergencyAccess.objects.create(
        case=emergency,
        user=atencion,
        reason="Llamó en crisis y su psicóloga no está.",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    unrelated = make_case(registered_by=enlace)
    assert folios(atencion) == [assigned.folio]
    assert set(folios(atencion, scope=Scope.ALL)) == {assigned.folio, emergency.folio}
    assert folios(atencion, q=unrelated.folio) == []


def test_enlace_starts_on_the_cases_she_registered(catalogs, enlace, coordinacion):
    hers = make_case(registered_by=enlace)
    make_case(registered_by=coordinacion)
    assert folios(enlace) == [hers.folio]
    assert folios(enlace, scope=Scope.MINE) == []


def test_autoridad_sees_only_what_is_assigned_to_her(catalogs, enlace, coordinacion, autoridad):
    assigned = make_case(registered_by=enlace)
    consent_give(assigned)
    assign_to_affected(assigned, by=coordinacion, worker=autoridad, kind="autoridad")
    make_case(registered_by=enlace)
    assert folios(autoridad) == [assigned.folio]
    assert folios(autoridad, scope=Scope.ALL) == [assigned.folio]


# --- Filters ------------------------------------------------------------------------------


def test_status_defaults_to_open_and_filters_closed_and_all(catalogs, enlace, coordinacion):
    open_case = make_case(registered_by=enlace)
    closed_case = make_case(registered_by=enlace)
    close(closed_case)
    assert folios(coordinacion) == [open_case.folio]
    assert folios(coordinacion, status=StatusFilter.CLOSED) == [closed_case.folio]
    assert set(folios(coordinacion, status=StatusFilter.ALL)) == {
        open_case.folio,
        closed_case.folio,
    }


def test_dependencia_filter_matches_the_code(catalogs, enlace, coordinacion, atencion):
    in_cultura = make_case(registered_by=enlace)
    make_case(registered_by=atencion)  # IMM (prueba)
    assert folios(coordinacion, dependencia="cultura_prueba") == [in_cultura.folio]
    assert folios(coordinacion, dependencia="tesoreria") == []


def test_a_new_version_of_a_dependencia_is_filtered_by_its_code(
    catalogs, enlace, coordinacion, atencion
):
    in_cultura = make_case(registered_by=enlace)
    assert folios(coordinacion, dependencia="cultura_prueba") == [in_cultura.folio]
    # The ids of a code are remembered; a new version of the entry (a catalog write) is seen.
    newer = DependenciaFactory(
        code="cultura_prueba", name_es="Cultura (nueva)", effective_date=datetime.date(2024, 1, 1)
    )
    in_newer = make_case(registered_by=enlace)
    Case.objects.filter(pk=in_newer.pk).update(dependencia=newer)
    assert set(folios(coordinacion, dependencia="cultura_prueba")) == {
        in_cultura.folio,
        in_newer.folio,
    }


def test_context_flags_all_must_hold(catalogs, enlace, coordinacion):
    workplace = make_case(registered_by=enlace)
    both = make_case(registered_by=enlace)
    make_case(registered_by=enlace)
    Case.objects.filter(pk__in=[workplace.pk, both.pk]).update(is_workplace=True)
    Case.objects.filter(pk=both.pk).update(is_hierarchical=True)
    assert set(folios(coordinacion, flags=frozenset({ContextFlag.WORKPLACE}))) == {
        workplace.folio,
        both.folio,
    }
    assert folios(
        coordinacion, flags=frozenset({ContextFlag.WORKPLACE, ContextFlag.HIERARCHICAL})
    ) == [both.folio]


def test_stage_filter_matches_protocol_and_stage(catalogs, enlace, coordinacion):
    in_session = make_case(registered_by=enlace, protocol=MUNICIPAL)
    move_to(in_session, "sesion_comite")
    municipal_registro = make_case(registered_by=enlace, protocol=MUNICIPAL)
    move_to(municipal_registro, "registro")
    federal_registro = make_case(registered_by=enlace, protocol=FEDERAL)
    move_to(federal_registro, "registro")
    make_case(registered_by=enlace)  # no protocol run at all
    assert folios(coordinacion, stage=(MUNICIPAL, "sesion_comite")) == [in_session.folio]
    # The same stage code in another protocol is another stage.
    assert folios(coordinacion, stage=(MUNICIPAL, "registro")) == [municipal_registro.folio]
    assert folios(coordinacion, stage=(FEDERAL, "registro")) == [federal_registro.folio]


def test_violence_type_and_modality_filters_look_at_every_incident_once(
    catalogs, enlace, coordinacion
):
    sexual = ViolenceType.objects.get(law="ledmvlv", code="sexual")
    psychological = ViolenceType.objects.get(law="ledmvlv", code="psicologica")
    laboral = ViolenceModality.objects.get(law="ledmvlv", code="laboral_docente")
    twice = make_case(registered_by=enlace)
    incident_for(twice, types=[psychological])
    incident_for(twice, types=[sexual], modalities=[laboral])
    incident_for(twice, types=[sexual, psychological], modalities=[laboral])
    only_psychological = make_case(registered_by=enlace)
    incident_for(only_psychological, types=[psychological])
    assert folios(coordinacion, violence_type=("ledmvlv", "sexual")) == [twice.folio]
    assert sorted(folios(coordinacion, violence_type=("ledmvlv", "psicologica"))) == sorted(
        [twice.folio, only_psychological.folio]
    )
    assert folios(coordinacion, violence_modality=("ledmvlv", "laboral_docente")) == [twice.folio]
    # Same code, other law: not the same catalog entry.
    assert folios(coordinacion, violence_type=("lgamvlv", "sexual")) == []


# The viewer's due tasks are named by case id up to a limit, tested case by case past it.
task_cases_inline = pytest.mark.parametrize("inline", [500, 0], ids=["by-id", "correlated"])


@task_cases_inline
def test_due_soon_counts_my_open_tasks_and_unmet_deadlines_within_the_days(
    frozen, catalogs, enlace, coordinacion, atencion, monkeypatch, inline
):
    monkeypatch.setattr(selectors_inbox, "TASK_CASES_INLINE", inline)
    today = timezone.localdate()
    now = timezone.now()
    my_task = make_case(registered_by=enlace, protocol=MUNICIPAL)
    assign_to_affected(my_task, by=coordinacion, worker=atencion)
    task_for(my_task, user=atencion, due_on=today + datetime.timedelta(days=3))
    later_task = make_case(registered_by=enlace, protocol=MUNICIPAL)
    assign_to_affected(later_task, by=coordinacion, worker=atencion)
    task_for(later_task, user=atencion, due_on=today + datetime.timedelta(days=5))
    done_task = make_case(registered_by=enlace, protocol=MUNICIPAL)
    assign_to_affected(done_task, by=coordinacion, worker=atencion)
    task_for(done_task, user=atencion, due_on=today, done=True)
    deadline = make_case(registered_by=enlace, protocol=MUNICIPAL)
    assign_to_affected(deadline, by=coordinacion, worker=atencion)
    deadline_for(deadline, due_at=now + datetime.timedelta(hours=20))
    met = make_case(registered_by=enlace, protocol=MUNICIPAL)
    assign_to_affected(met, by=coordinacion, worker=atencion)
    deadline_for(met, due_at=now + datetime.timedelta(hours=20), met=True)
    overdue = make_case(registered_by=enlace, protocol=MUNICIPAL)
    assign_to_affected(overdue, by=coordinacion, worker=atencion)
    deadline_for(overdue, due_at=now - datetime.timedelta(hours=1))

    assert set(folios(atencion, due=DueFilter.SOON)) == {my_task.folio, deadline.folio}
    assert set(folios(atencion, due=DueFilter.SOON, due_days=5)) == {
        my_task.folio,
        later_task.folio,
        deadline.folio,
    }
    # Coordinación is not assigned the tasks: for her only the protocol's deadlines count.
    assert folios(coordinacion, due=DueFilter.SOON) == [deadline.folio]


@task_cases_inline
def test_overdue_counts_past_tasks_of_mine_and_past_unmet_deadlines(
    frozen, catalogs, enlace, coordinacion, atencion, autoridad, monkeypatch, inline
):
    monkeypatch.setattr(selectors_inbox, "TASK_CASES_INLINE", inline)
    today = timezone.localdate()
    now = timezone.now()
    late_task = make_case(registered_by=enlace, protocol=MUNICIPAL)
    task_for(late_task, user=atencion, due_on=today - datetime.timedelta(days=1))
    others_task = make_case(registered_by=enlace, protocol=MUNICIPAL)
    task_for(others_task, user=autoridad, due_on=today - datetime.timedelta(days=1))
    late_deadline = make_case(registered_by=enlace, protocol=MUNICIPAL)
    deadline_for(late_deadline, due_at=now - datetime.timedelta(minutes=5))
    due_today = make_case(registered_by=enlace, protocol=MUNICIPAL)
    task_for(due_today, user=atencion, due_on=today)
    for case in (late_task, others_task, late_deadline, due_today):
        assign_to_affected(case, by=coordinacion, worker=atencion)
    assert set(folios(atencion, due=DueFilter.OVERDUE)) == {late_task.folio, late_deadline.folio}
    assert folios(atencion, due=DueFilter.SOON) == [due_today.folio]


def test_rows_carry_stage_next_due_and_overdue(frozen, catalogs, enlace, coordinacion, atencion):
    today = timezone.localdate()
    case = make_case(registered_by=enlace, protocol=MUNICIPAL)
    assign_to_affected(case, by=coordinacion, worker=atencion)
    move_to(case, "sesion_comite")
    task_for(case, user=atencion, due_on=today + datetime.timedelta(days=4))
    due_at = timezone.now() + datetime.timedelta(days=1)
    deadline_for(case, due_at=due_at)
    rows: list[Any] = list(inbox_cases(user=atencion, filters=InboxFilters()))
    (row,) = rows
    assert row.run_stage == "sesion_comite"
    assert row.next_deadline_at == due_at
    assert row.next_task_on == today + datetime.timedelta(days=4)
    assert row.next_due_on == today + datetime.timedelta(days=1)
    assert not row.overdue


def test_newest_first_by_default_and_due_first_on_request(frozen, catalogs, enlace, coordinacion):
    now = timezone.now()
    old = make_case(registered_by=enlace, protocol=MUNICIPAL)
    new = make_case(registered_by=enlace, protocol=MUNICIPAL)
    no_deadline = make_case(registered_by=enlace, protocol=MUNICIPAL)
    Case.objects.filter(pk=old.pk).update(registered_at=now - datetime.timedelta(days=9))
    Case.objects.filter(pk=new.pk).update(registered_at=now - datetime.timedelta(days=1))
    deadline_for(old, due_at=now + datetime.timedelta(days=1))
    deadline_for(new, due_at=now + datetime.timedelta(days=2))
    assert folios(coordinacion) == [no_deadline.folio, new.folio, old.folio]
    assert folios(coordinacion, order=Order.DUE_FIRST) == [old.folio, new.folio, no_deadline.folio]


# --- Search -------------------------------------------------------------------------------


def test_folio_search_is_exact_trimmed_and_case_insensitive(catalogs, enlace, coordinacion):
    case = make_case(registered_by=enlace, folio="IMM-2026-00042")
    make_case(registered_by=enlace, folio="IMM-2026-00420")
    assert folios(coordinacion, q="  imm-2026-00042 ") == [case.folio]
    assert folios(coordinacion, q="IMM-2026-0004") == []


def test_a_bare_number_finds_the_folio_with_that_number(catalogs, enlace, coordinacion):
    this_year = make_case(registered_by=enlace, folio="IMM-2026-00042")
    last_year = make_case(registered_by=enlace, folio="IMM-2025-00042")
    make_case(registered_by=enlace, folio="IMM-2026-00420")
    make_case(registered_by=enlace, folio="IMM-2026-00142")
    assert set(folios(coordinacion, q="42")) == {this_year.folio, last_year.folio}
    assert set(folios(coordinacion, q="00042")) == {this_year.folio, last_year.folio}


def test_an_exact_name_finds_the_case_through_the_blind_index(catalogs, enlace, coordinacion):
    case = make_case(registered_by=enlace, affected="María José Pérez", accused="Jorge Ruiz")
    make_case(registered_by=enlace, affected="María Pérez", accused="Otra Persona")
    # Case, accents and spacing do not matter: the index normalises them.
    assert folios(coordinacion, q="maria  jose PEREZ") == [case.folio]
    assert folios(coordinacion, q="Jorge Ruiz") == [case.folio]
    # A different name, or a part of the name, is not a match.
    assert folios(coordinacion, q="María José") == []
    assert folios(coordinacion, q="Maria Jose Peres") == []


def test_curp_phone_email_and_employee_number_are_searched_exactly(catalogs, enlace, coordinacion):
    case = make_case(registered_by=enlace)
    make_case(registered_by=enlace)
    party = CaseParty.objects.get(case=case, kind=PartyKind.SENALADA)
    party.curp = "PERJ800101HCHRZR09"
    party.phone = "614 123 4567"
    party.email = "jorge.ruiz@municipio.gob.mx"
    party.employee_number = "EMP-7781"
    party.save()
    assert folios(coordinacion, q="perj800101hchrzr09") == [case.folio]
    assert folios(coordinacion, q="+52 (614) 123-4567") == [case.folio]
    assert folios(coordinacion, q="Jorge.Ruiz@municipio.gob.mx") == [case.folio]
    assert folios(coordinacion, q="emp 7781") == [case.folio]
    assert folios(coordinacion, q="PERJ800101HCHRZR08") == []


def test_search_never_reaches_past_the_viewer(catalogs, enlace, coordinacion, atencion):
    assigned = make_case(registered_by=enlace, affected="Rosa Elena Díaz")
    assign_to_affected(assigned, by=coordinacion, worker=atencion)
    not_assigned = make_case(registered_by=enlace, affected="Rosa Elena Díaz")
    with_coordinacion_as_party = make_case(
        registered_by=enlace, affected="Rosa Elena Díaz", accused_user=coordinacion
    )
    assert folios(atencion, q="Rosa Elena Díaz", scope=Scope.ALL) == [assigned.folio]
    assert folios(coordinacion, q="Rosa Elena Díaz") == sorted(
        [assigned.folio, not_assigned.folio], reverse=True
    )
    assert with_coordinacion_as_party.folio not in folios(coordinacion, q="Rosa Elena Díaz")


def test_search_combines_with_filters(catalogs, enlace, coordinacion):
    open_case = make_case(registered_by=enlace, affected="Lucía Gómez")
    closed_case = make_case(registered_by=enlace, affected="Lucía Gómez")
    close(closed_case)
    assert folios(coordinacion, q="Lucía Gómez") == [open_case.folio]
    assert folios(coordinacion, q="Lucía Gómez", status=StatusFilter.CLOSED) == [closed_case.folio]


# --- The page -----------------------------------------------------------------------------


def test_page_shows_metadata_only_and_marks_overdue_with_text(
    frozen, catalogs, enlace, coordinacion
):
    case = make_case(
        registered_by=enlace, protocol=MUNICIPAL, affected="Azucena", account="Relato secreto"
    )
    deadline_for(case, due_at=timezone.now() - datetime.timedelta(hours=2))
    body = logged_in(coordinacion).get(reverse("cases:list")).content.decode()
    assert case.folio in body
    assert "Solicitud de activación" in body
    assert "Vencido" in body
    assert "Plazo del protocolo:" in body
    assert "<time datetime=" in body
    assert "Azucena" not in body
    assert "Relato secreto" not in body
    for link in ("Registrar un caso", "Acceso de emergencia", "Casos con relato repetido"):
        assert link in body


def test_the_retold_link_is_only_for_coordinacion(catalogs, enlace, atencion):
    body = logged_in(atencion).get(reverse("cases:list")).content.decode()
    assert "Registrar un caso" in body
    assert "Casos con relato repetido" not in body


def test_pages_of_25_keep_the_filters_and_a_page_past_the_end_shows_the_last(
    catalogs, enlace, coordinacion
):
    cases = [make_case(registered_by=enlace) for _ in range(27)]
    client = logged_in(coordinacion)
    url = reverse("cases:list")
    first = client.get(url, {"status": "todos"}).content.decode()
    assert first.count('<th scope="row">') == 25
    assert "Página 1 de 2" in first
    assert 'aria-label="Páginas de resultados"' in first
    assert re.search(r'href="\?status=todos&amp;page=2"', first)
    second = client.get(url, {"status": "todos", "page": "2"}).content.decode()
    assert second.count('<th scope="row">') == 2
    # Newest first: the two oldest are on the second page.
    assert cases[0].folio in second
    assert cases[1].folio in second
    beyond = client.get(url, {"status": "todos", "page": "99"}).content.decode()
    assert "Página 2 de 2" in beyond
    assert beyond.count('<th scope="row">') == 2


def test_past_the_count_cap_the_page_says_more_than_and_offers_no_last_page(
    catalogs, enlace, coordinacion, monkeypatch
):
    from violeta.cases.views import inbox

    monkeypatch.setattr(inbox, "PAGE_SIZE", 2)
    monkeypatch.setattr(inbox, "COUNT_CAP", 4)
    for _ in range(5):
        make_case(registered_by=enlace)
    client = logged_in(coordinacion)
    body = client.get(reverse("cases:list"), {"status": "todos"}).content.decode()
    assert "Se encontraron más de 4 casos." in body
    assert "Página 1 de más de 2" in body
    assert "Última" not in body
    assert body.count('<th scope="row">') == 2
    exact = client.get(reverse("cases:list"), {"status": "todos", "q": "1"}).content.decode()
    assert "más de" not in exact


def test_invalid_filters_explain_themselves_keep_the_values_and_show_no_cases(
    catalogs, enlace, coordinacion
):
    case = make_case(registered_by=enlace)
    response = logged_in(coordinacion).get(
        reverse("cases:list"),
        {"status": "borrados", "due_days": "muchos", "stage": "no-existe:nada", "q": "algo"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Algunos filtros tienen valores que no son válidos" in body
    assert "«borrados» no es una opción de este filtro" in body
    assert "«no-existe:nada» no es una opción de este filtro" in body
    assert "Escribe un número entero de días." in body
    assert 'value="muchos"' in body
    assert 'value="algo"' in body
    assert case.folio not in body
    # Nothing was searched, so nothing was audited.
    assert not AuditEntry.objects.filter(detail__search="identifier").exists()


def test_a_search_that_finds_nothing_says_so(catalogs, enlace, coordinacion):
    make_case(registered_by=enlace)
    body = logged_in(coordinacion).get(reverse("cases:list"), {"q": "Nadie Así"}).content
    assert "Ningún caso coincide con tu búsqueda" in body.decode()


def test_each_search_is_audited_without_what_was_typed(catalogs, enlace, coordinacion):
    make_case(registered_by=enlace, affected="Teresa Olivas")
    client = logged_in(coordinacion)
    client.get(reverse("cases:list"), {"q": "Teresa Olivas"})
    client.get(reverse("cases:list"))  # no search: no entry
    (entry,) = AuditEntry.objects.filter(detail__search="identifier")
    assert entry.action == "view"
    assert entry.actor_id == coordinacion.pk
    assert entry.target_type == "cases.Case"
    assert entry.target_id == ""
    assert entry.detail == {"search": "identifier", "results": 1}
    assert "Teresa" not in str(
        list(AuditEntry.objects.values_list("detail", "target_type", "target_id"))
    )


# --- Cost ---------------------------------------------------------------------------------


def _busy_cases(count, *, enlace, coordinacion, atencion):
    sexual = ViolenceType.objects.get(law="ledmvlv", code="sexual")
    for number in range(count):
        case = make_case(registered_by=enlace, protocol=MUNICIPAL, affected="Misma Persona")
        assign_to_affected(case, by=coordinacion, worker=atencion)
        deadline_for(case, due_at=timezone.now() + datetime.timedelta(days=number % 5))
        task_for(case, user=atencion, due_on=timezone.localdate())
        incident_for(case, types=[sexual])


def _queries_for_page(client, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("cases:list"), params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"scope": "todos", "due": "pronto", "order": "vence"},
        {"q": "Misma Persona", "violence_type": "ledmvlv:sexual"},
    ],
)
def test_a_page_costs_the_same_queries_for_5_or_40_cases(
    catalogs, enlace, coordinacion, atencion, django_assert_max_num_queries, params
):
    _busy_cases(5, enlace=enlace, coordinacion=coordinacion, atencion=atencion)
    client = logged_in(atencion)
    with_five = _queries_for_page(client, params)
    _busy_cases(35, enlace=enlace, coordinacion=coordinacion, atencion=atencion)
    with django_assert_max_num_queries(with_five):
        body = client.get(reverse("cases:list"), params).content.decode()
    assert body.count('<th scope="row">') == 25


def test_a_page_reads_the_protocols_and_catalogs_once_and_names_the_stages(
    catalogs, enlace, coordinacion, atencion
):
    case = make_case(registered_by=enlace, protocol=MUNICIPAL)
    move_to(case, "sesion_comite")
    assign_to_affected(case, by=coordinacion, worker=atencion)
    client = logged_in(atencion)
    params = {
        "stage": f"{MUNICIPAL}:sesion_comite",
        "dependencia": case.dependencia.code,
    }
    client.get(reverse("cases:list"), params)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("cases:list"), params)
    sql = [query["sql"] for query in captured]
    # Once read, the versions and the catalogs' ids are remembered under the catalogs' token,
    # read once per page.
    assert not [s for s in sql if "protocols_protocolversion" in s]
    assert not [s for s in sql if 'FROM "catalogs_dependencia"' in s]
    assert len([s for s in sql if "catalogs_cataloggeneration" in s]) == 1
    body = response.content.decode()
    assert case.folio in body
    assert "<td>Sesión del comité</td>" in body  # the row's stage, not the filter's option
