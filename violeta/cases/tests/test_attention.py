"""Attention on a case: sessions whose notes stay with one specialty, her safety plan in
versions, and the team's tasks. Services first, then what each persona sees, then the pages."""

import datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from violeta.accounts.roles import Role, Specialty
from violeta.audit.models import AuditEntry
from violeta.cases import services
from violeta.cases.models import (
    AttentionSession,
    Case,
    CaseParty,
    CaseStatus,
    CaseTask,
    PartyKind,
    SafetyPlan,
    Service,
    SessionMode,
)
from violeta.cases.selectors_attention import (
    attention_access,
    case_tasks_open,
    safety_plans_for,
    sessions_for,
)
from violeta.cases.services.attention import (
    case_task_add,
    case_task_complete,
    safety_plan_update,
    session_record,
)
from violeta.notifications.models import Notification, NotificationKind
from violeta.testing.factories import UserFactory, assign_to_affected, consent_give, make_case
from violeta.testing.second_factor import force_login_verified

pytestmark = pytest.mark.django_db

NOTES = "Trabajamos la culpa; ella identifica redes de apoyo."


def hours_ago(hours):
    return timezone.now() - datetime.timedelta(hours=hours)


@pytest.fixture
def case(enlace, coordinacion, atencion):
    case = make_case(registered_by=enlace, account="Relato que sólo ve quien atiende")
    assign_to_affected(case, by=coordinacion, worker=atencion)
    case.refresh_from_db()
    return case


@pytest.fixture
def juridica(atencion):
    return UserFactory(
        role=Role.ATENCION,
        specialty=Specialty.JURIDICA,
        full_name="Atención Jurídica",
        dependencia=atencion.dependencia,
    )


@pytest.fixture
def juridica_assigned(case, coordinacion, juridica):
    assign_to_affected(case, by=coordinacion, worker=juridica, kind="juridica")
    return juridica


@pytest.fixture
def emergency_reader(case, atencion):
    """Another psychologist, not assigned, who opened the file with acceso de emergencia."""
    reader: Any = UserFactory(
        role=Role.ATENCION,
        specialty=Specialty.PSICOLOGIA,
        full_name="Psicóloga de Guardia",
        dependencia=atencion.dependencia,
    )
    services.emergency_access_grant(
        actor=reader, case=case, reason="Llamó en crisis y su psicóloga no está disponible."
    )
    return reader


@pytest.fixture
def assigned_autoridad(case, coordinacion, autoridad):
    consent_give(case)
    assign_to_affected(case, by=coordinacion, worker=autoridad, kind="autoridad")
    return autoridad


def record(actor, case, **overrides):
    values = {
        "actor": actor,
        "case": case,
        "service": Service.PSICOLOGICA,
        "held_at": hours_ago(2),
        "mode": SessionMode.PRESENCIAL,
        "notes": NOTES,
    }
    values.update(overrides)
    return session_record(**values)


def plan(actor, case, steps="Salir por la puerta de servicio y llamar al 911."):
    return safety_plan_update(
        actor=actor,
        case=case,
        warning_signs="Él bebe el fin de semana.",
        safe_contacts="Su hermana Lucía.",
        safe_places="Casa de su hermana.",
        steps=steps,
    )


def close(case):
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_at=timezone.now())
    case.refresh_from_db()


class TestSessionRecord:
    def test_the_assigned_psychologist_records_a_session_audited_without_its_notes(
        self, case, atencion
    ):
        session = record(
            atencion,
            case,
            next_appointment_at=timezone.now() + datetime.timedelta(days=7),
            interpreter_present=True,
        )
        session.refresh_from_db()
        assert session.notes == NOTES
        assert session.author == atencion
        assert session.interpreter_present is True
        entry = AuditEntry.objects.get(target_id=str(session.pk), action="create")
        assert entry.actor == atencion
        assert entry.detail["service"] == "psicologia"
        assert NOTES not in str(entry.detail)

    @pytest.mark.parametrize(
        "who", ["outsider", "coordinacion", "enlace", "servidora", "admin_sistema", "autoridad"]
    )
    def test_nobody_but_assigned_atencion_records_a_session(self, case, who, request):
        with pytest.raises(PermissionDenied):
            record(request.getfixturevalue(who), case)
        assert not AttentionSession.objects.exists()

    def test_an_assigned_autoridad_may_not_record_a_session(self, case, assigned_autoridad):
        with pytest.raises(PermissionDenied):
            record(assigned_autoridad, case)

    def test_an_unassigned_psychologist_and_an_emergency_reader_may_not_record(
        self, case, emergency_reader
    ):
        other = UserFactory(role=Role.ATENCION, specialty=Specialty.PSICOLOGIA)
        for actor in (other, emergency_reader):
            with pytest.raises(PermissionDenied):
                record(actor, case)

    def test_a_worker_whose_assignment_ended_may_not_record(self, case, atencion):
        case.assignments.filter(user=atencion).update(ended_at=timezone.now())
        with pytest.raises(PermissionDenied):
            record(atencion, case)

    def test_nobody_records_a_session_on_a_closed_case(self, case, atencion):
        close(case)
        with pytest.raises(PermissionDenied):
            record(atencion, case)

    def test_a_worker_records_only_sessions_of_her_own_service(
        self, case, atencion, juridica_assigned
    ):
        with pytest.raises(ValidationError) as refused:
            record(atencion, case, service=Service.JURIDICA)
        assert "service" in refused.value.error_dict
        with pytest.raises(ValidationError):
            record(juridica_assigned, case, service=Service.PSICOLOGICA)
        assert record(juridica_assigned, case, service=Service.JURIDICA).service == "juridica"

    def test_the_specialty_and_the_assignment_kind_both_count_as_her_service(
        self, case, coordinacion, atencion
    ):
        medica = UserFactory(
            role=Role.ATENCION, specialty=Specialty.MEDICA, dependencia=atencion.dependencia
        )
        assign_to_affected(case, by=coordinacion, worker=medica, kind="trabajo_social")
        assert record(medica, case, service=Service.MEDICA).service == "medica"
        assert record(medica, case, service=Service.TRABAJO_SOCIAL).service == "trabajo_social"

    def test_a_session_is_not_in_the_future(self, case, atencion):
        with pytest.raises(ValidationError) as refused:
            record(atencion, case, held_at=timezone.now() + datetime.timedelta(hours=1))
        assert "held_at" in refused.value.error_dict

    def test_the_next_appointment_comes_after_the_session(self, case, atencion):
        held = hours_ago(3)
        for when in (held, held - datetime.timedelta(days=1)):
            with pytest.raises(ValidationError) as refused:
                record(atencion, case, held_at=held, next_appointment_at=when)
            assert "next_appointment_at" in refused.value.error_dict

    def test_notes_may_not_be_empty(self, case, atencion):
        with pytest.raises(ValidationError) as refused:
            record(atencion, case, notes="   \n ")
        assert "notes" in refused.value.error_dict
        assert not AttentionSession.objects.exists()


class TestWhoReadsSessions:
    @pytest.fixture
    def session(self, case, atencion):
        return record(
            atencion, case, next_appointment_at=timezone.now() + datetime.timedelta(days=3)
        )

    def rows(self, user, case):
        return sessions_for(access=attention_access(user=user, case=case), case=case)

    def test_the_psychologist_reads_the_psychological_notes(self, case, atencion, session):
        (row,) = self.rows(atencion, case)
        assert row.notes == NOTES
        assert row.notes_visible

    def test_another_specialty_sees_the_session_but_not_its_notes(
        self, case, juridica_assigned, session
    ):
        (row,) = self.rows(juridica_assigned, case)
        assert row.notes is None
        assert not row.notes_visible
        assert row.service == "psicologia"
        assert row.next_appointment_at == session.next_appointment_at

    def test_coordinacion_sees_metadata_only(self, case, coordinacion, session):
        (row,) = self.rows(coordinacion, case)
        assert row.notes is None
        assert row.held_at == session.held_at
        assert row.mode_label == "Presencial"

    def test_an_emergency_reader_sees_metadata_only(self, case, emergency_reader, session):
        (row,) = self.rows(emergency_reader, case)
        assert row.notes is None

    def test_the_enlace_who_registered_sees_metadata_only(self, case, enlace, session):
        # While the case is still hers (not yet taken by the IMM) she may open it.
        Case.objects.filter(pk=case.pk).update(taken_by_imm_at=None)
        case.refresh_from_db()
        (row,) = self.rows(enlace, case)
        assert row.notes is None

    def test_the_autoridad_sees_no_sessions_at_all(self, case, assigned_autoridad, session):
        assert attention_access(user=assigned_autoridad, case=case).opens
        assert self.rows(assigned_autoridad, case) == []

    @pytest.mark.parametrize("who", ["outsider", "servidora", "admin_sistema", "enlace"])
    def test_those_who_may_not_open_the_case_see_nothing(self, case, session, who, request):
        user = request.getfixturevalue(who)
        assert not attention_access(user=user, case=case).opens
        assert self.rows(user, case) == []

    def test_a_party_sees_nothing_even_as_an_atencion_worker(self, enlace, coordinacion):
        worker = UserFactory(role=Role.ATENCION, specialty=Specialty.PSICOLOGIA)
        case = make_case(registered_by=enlace, accused_user=worker)
        assert not attention_access(user=worker, case=case).opens


class TestSafetyPlan:
    def test_a_change_is_a_new_version_and_the_old_one_stays(self, case, atencion):
        first = plan(atencion, case, steps="Llamar al 911.")
        second = plan(atencion, case, steps="Ir con su hermana y llamar al 911.")
        assert first.pk != second.pk
        first.refresh_from_db()
        assert first.steps == "Llamar al 911."
        versions = safety_plans_for(access=attention_access(user=atencion, case=case), case=case)
        assert [v.steps for v in versions] == [
            "Ir con su hermana y llamar al 911.",
            "Llamar al 911.",
        ]
        entry = AuditEntry.objects.get(target_id=str(second.pk))
        assert entry.detail == {"case": str(case.pk), "version": 2}
        assert "hermana" not in str(entry.detail)

    def test_any_assigned_specialty_reads_and_updates_it(self, case, atencion, juridica_assigned):
        plan(atencion, case)
        access = attention_access(user=juridica_assigned, case=case)
        assert len(safety_plans_for(access=access, case=case)) == 1
        plan(juridica_assigned, case)
        assert SafetyPlan.objects.filter(case=case).count() == 2

    def test_an_emergency_reader_reads_it_but_may_not_change_it(
        self, case, atencion, emergency_reader
    ):
        plan(atencion, case)
        access = attention_access(user=emergency_reader, case=case)
        assert len(safety_plans_for(access=access, case=case)) == 1
        with pytest.raises(PermissionDenied):
            plan(emergency_reader, case)

    @pytest.mark.parametrize("who", ["coordinacion", "outsider", "enlace", "servidora"])
    def test_others_neither_read_nor_write_it(self, case, atencion, who, request):
        plan(atencion, case)
        user = request.getfixturevalue(who)
        assert safety_plans_for(access=attention_access(user=user, case=case), case=case) == []
        with pytest.raises(PermissionDenied):
            plan(user, case)

    def test_the_autoridad_neither_reads_nor_writes_it(self, case, atencion, assigned_autoridad):
        plan(atencion, case)
        access = attention_access(user=assigned_autoridad, case=case)
        assert safety_plans_for(access=access, case=case) == []
        with pytest.raises(PermissionDenied):
            plan(assigned_autoridad, case)

    def test_the_steps_may_not_be_empty(self, case, atencion):
        with pytest.raises(ValidationError) as refused:
            plan(atencion, case, steps="  ")
        assert "steps" in refused.value.error_dict

    def test_a_closed_case_keeps_its_plan_unchanged(self, case, atencion):
        close(case)
        with pytest.raises(PermissionDenied):
            plan(atencion, case)


class TestTasks:
    def tomorrow(self):
        return timezone.localdate() + datetime.timedelta(days=1)

    def test_a_task_for_a_teammate_notifies_her(
        self, case, atencion, juridica_assigned, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            task = case_task_add(
                actor=atencion,
                case=case,
                title="Acompañarla a la fiscalía",
                due_on=self.tomorrow(),
                assigned_to=juridica_assigned,
            )
        task.refresh_from_db()
        assert task.title == "Acompañarla a la fiscalía"
        notice = Notification.objects.get(recipient=juridica_assigned)
        assert notice.kind == NotificationKind.CASE_TASK
        assert notice.folio == case.folio
        entry = AuditEntry.objects.get(target_id=str(task.pk))
        assert "fiscalía" not in str(entry.detail)

    def test_coordinacion_may_set_a_task_for_the_team_or_for_herself(
        self, case, coordinacion, atencion
    ):
        for assignee in (atencion, coordinacion):
            task = case_task_add(
                actor=coordinacion,
                case=case,
                title="Revisar expediente",
                due_on=timezone.localdate(),
                assigned_to=assignee,
            )
            assert task.assigned_to == assignee

    def test_the_assignee_is_on_the_team_or_is_the_actor(self, case, atencion, outsider):
        unassigned: Any = UserFactory(role=Role.ATENCION, specialty=Specialty.PSICOLOGIA)
        for assignee in (outsider, unassigned):
            with pytest.raises(ValidationError) as refused:
                case_task_add(
                    actor=atencion,
                    case=case,
                    title="Llamarle",
                    due_on=self.tomorrow(),
                    assigned_to=assignee,
                )
            assert "assigned_to" in refused.value.error_dict

    def test_a_task_is_never_given_to_a_party(self, enlace, coordinacion, atencion, servidora):
        case = make_case(registered_by=enlace, accused_user=servidora)
        assign_to_affected(case, by=coordinacion, worker=atencion)
        with pytest.raises(ValidationError) as refused:
            case_task_add(
                actor=coordinacion,
                case=case,
                title="Citarle",
                due_on=self.tomorrow(),
                assigned_to=servidora,
            )
        assert "parte" in str(refused.value.error_dict["assigned_to"])

    def test_the_due_date_is_not_in_the_past(self, case, atencion):
        with pytest.raises(ValidationError) as refused:
            case_task_add(
                actor=atencion,
                case=case,
                title="Llamarle",
                due_on=timezone.localdate() - datetime.timedelta(days=1),
                assigned_to=atencion,
            )
        assert "due_on" in refused.value.error_dict

    def test_the_title_is_not_empty(self, case, atencion):
        with pytest.raises(ValidationError) as refused:
            case_task_add(
                actor=atencion, case=case, title=" ", due_on=self.tomorrow(), assigned_to=atencion
            )
        assert "title" in refused.value.error_dict

    @pytest.mark.parametrize("who", ["outsider", "servidora", "enlace", "admin_sistema"])
    def test_only_those_who_act_on_the_case_add_tasks(self, case, atencion, who, request):
        with pytest.raises(PermissionDenied):
            case_task_add(
                actor=request.getfixturevalue(who),
                case=case,
                title="Llamarle",
                due_on=self.tomorrow(),
                assigned_to=atencion,
            )

    def test_an_emergency_reader_adds_no_tasks_nor_on_a_closed_case(
        self, case, atencion, emergency_reader
    ):
        with pytest.raises(PermissionDenied):
            case_task_add(
                actor=emergency_reader,
                case=case,
                title="Llamarle",
                due_on=self.tomorrow(),
                assigned_to=atencion,
            )
        close(case)
        with pytest.raises(PermissionDenied):
            case_task_add(
                actor=atencion,
                case=case,
                title="Llamarle",
                due_on=self.tomorrow(),
                assigned_to=atencion,
            )

    def make_task(self, case, actor, assignee):
        return case_task_add(
            actor=actor, case=case, title="Llamarle", due_on=self.tomorrow(), assigned_to=assignee
        )

    def test_the_assignee_completes_it_once(self, case, coordinacion, atencion):
        task = self.make_task(case, coordinacion, atencion)
        done = case_task_complete(actor=atencion, task=task)
        assert done.done_by == atencion
        task.refresh_from_db()
        assert task.done_at is not None
        with pytest.raises(ValidationError):
            case_task_complete(actor=coordinacion, task=task)
        task.refresh_from_db()
        assert task.done_by == atencion

    def test_a_stale_copy_cannot_complete_it_twice(self, case, coordinacion, atencion):
        task = self.make_task(case, coordinacion, atencion)
        stale = CaseTask.objects.get(pk=task.pk)
        case_task_complete(actor=coordinacion, task=task)
        with pytest.raises(ValidationError):
            case_task_complete(actor=atencion, task=stale)
        assert AuditEntry.objects.filter(target_id=str(task.pk), action="update").count() == 1

    def test_anyone_who_acts_on_the_case_completes_it(self, case, atencion, juridica_assigned):
        task = self.make_task(case, atencion, atencion)
        assert case_task_complete(actor=juridica_assigned, task=task).done_by == juridica_assigned

    def test_others_may_not_complete_it(self, case, atencion, outsider, emergency_reader):
        task = self.make_task(case, atencion, atencion)
        for actor in (outsider, emergency_reader):
            with pytest.raises(PermissionDenied):
                case_task_complete(actor=actor, task=task)
        close(case)
        task.refresh_from_db()
        with pytest.raises(PermissionDenied):
            case_task_complete(actor=atencion, task=task)

    def test_open_tasks_of_a_user_are_listed_soonest_first(
        self, case, enlace, coordinacion, atencion
    ):
        later = case_task_add(
            actor=coordinacion,
            case=case,
            title="Después",
            due_on=self.tomorrow() + datetime.timedelta(days=5),
            assigned_to=atencion,
        )
        sooner = case_task_add(
            actor=coordinacion,
            case=case,
            title="Antes",
            due_on=self.tomorrow(),
            assigned_to=atencion,
        )
        done = self.make_task(case, coordinacion, atencion)
        case_task_complete(actor=atencion, task=done)
        self.make_task(case, coordinacion, coordinacion)
        other_case = make_case(registered_by=enlace)
        assign_to_affected(other_case, by=coordinacion, worker=atencion)
        gone = self.make_task(other_case, coordinacion, atencion)
        other_case.assignments.filter(user=atencion).update(ended_at=timezone.now())
        assert list(case_tasks_open(user=atencion)) == [sooner, later]
        assert gone not in case_tasks_open(user=atencion)


# Pages ------------------------------------------------------------------------------------


def client_for(user):
    client = Client()
    force_login_verified(client, user)
    return client


def urls(case, task_id=None):
    return {
        "session": reverse("cases:session_add", kwargs={"pk": case.pk}),
        "plan": reverse("cases:safety_plan", kwargs={"pk": case.pk}),
        "task": reverse("cases:case_task_add", kwargs={"pk": case.pk}),
        "timeline": reverse("cases:timeline", kwargs={"pk": case.pk}),
        "detail": reverse("cases:detail", kwargs={"pk": case.pk}),
    }


def local_input(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


class TestPages:
    def test_a_session_is_recorded_from_its_page(self, case, atencion):
        client = client_for(atencion)
        page = client.get(urls(case)["session"])
        assert page.status_code == 200
        body = page.content.decode()
        assert "Registrar sesión" in body
        assert 'type="datetime-local"' in body
        assert "requiere intérprete" not in body
        response = client.post(
            urls(case)["session"],
            {
                "service": "psicologia",
                "held_at": local_input(hours_ago(1)),
                "mode": "presencial",
                "notes": NOTES,
                "next_appointment_at": local_input(hours_ago(-48)),
            },
            follow=True,
        )
        assert response.redirect_chain[-1][0] == urls(case)["detail"]
        body = response.content.decode()
        assert "Sesión registrada." in body
        assert NOTES in body
        assert "Próxima cita" in body

    def test_a_refused_session_keeps_what_was_typed(self, case, atencion):
        response = client_for(atencion).post(
            urls(case)["session"],
            {
                "service": "psicologia",
                "held_at": local_input(hours_ago(-2)),
                "mode": "telefono",
                "notes": NOTES,
            },
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "La fecha de la sesión no puede estar en el futuro." in body
        assert NOTES in body
        assert 'value="telefono" selected' in body
        assert not AttentionSession.objects.exists()

    def test_the_session_form_reminds_that_she_needs_an_interpreter(self, case, atencion):
        CaseParty.objects.filter(case=case, kind=PartyKind.AFECTADA).update(
            needs_interpreter=True, language="tar"
        )
        client = client_for(atencion)
        body = client.get(urls(case)["session"]).content.decode()
        assert "Recordatorio:" in body
        assert "ella requiere intérprete" in body
        client.post(
            urls(case)["session"],
            {
                "service": "psicologia",
                "held_at": local_input(hours_ago(1)),
                "mode": "presencial",
                "notes": NOTES,
                "interpreter_present": "on",
            },
        )
        assert AttentionSession.objects.get().interpreter_present is True

    def test_the_case_page_shows_other_specialties_the_session_without_notes(
        self, case, atencion, juridica_assigned, coordinacion
    ):
        record(atencion, case)
        for user in (juridica_assigned, coordinacion):
            body = client_for(user).get(urls(case)["detail"]).content.decode()
            assert "Psicológica" in body
            assert NOTES not in body

    def test_a_safety_plan_is_updated_from_its_page_and_its_versions_listed(self, case, atencion):
        plan(atencion, case, steps="Llamar al 911.")
        client = client_for(atencion)
        page = client.get(urls(case)["plan"]).content.decode()
        assert "Llamar al 911." in page  # the form starts from the plan in force
        response = client.post(
            urls(case)["plan"],
            {"warning_signs": "", "safe_contacts": "", "safe_places": "", "steps": "Ir al DIF."},
        )
        assert response.status_code == 302
        page = client.get(urls(case)["plan"]).content.decode()
        assert "Versión 2" in page
        assert "Versión 1" in page

    def test_a_refused_plan_keeps_what_was_typed(self, case, atencion):
        response = client_for(atencion).post(
            urls(case)["plan"],
            {"warning_signs": "Amenazas por mensaje.", "steps": ""},
        )
        assert response.status_code == 400
        assert "Amenazas por mensaje." in response.content.decode()
        assert not SafetyPlan.objects.exists()

    def test_a_task_is_added_and_marked_done_from_the_pages(
        self, case, atencion, juridica_assigned
    ):
        client = client_for(atencion)
        form = client.get(urls(case)["task"]).content.decode()
        assert juridica_assigned.full_name in form
        assert 'type="date"' in form
        response = client.post(
            urls(case)["task"],
            {
                "title": "Gestionar refugio",
                "due_on": (timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
                "assigned_to": str(juridica_assigned.pk),
            },
            follow=True,
        )
        body = response.content.decode()
        assert "Tarea creada." in body
        assert "Gestionar refugio" in body
        task = CaseTask.objects.get()
        done_url = reverse("cases:case_task_complete", kwargs={"pk": case.pk, "task_id": task.pk})
        assert done_url in body
        response = client_for(juridica_assigned).post(done_url, follow=True)
        assert "Tarea marcada como hecha." in response.content.decode()
        task.refresh_from_db()
        assert task.done_by == juridica_assigned
        again = client_for(juridica_assigned).post(done_url, follow=True)
        assert "ya estaba marcada como hecha" in again.content.decode()

    def test_a_refused_task_keeps_what_was_typed(self, case, atencion):
        response = client_for(atencion).post(
            urls(case)["task"],
            {
                "title": "Gestionar refugio",
                "due_on": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
                "assigned_to": str(atencion.pk),
            },
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "La fecha límite no puede estar en el pasado." in body
        assert 'value="Gestionar refugio"' in body

    def test_an_overdue_task_is_flagged_on_the_case_page(self, case, atencion):
        case_task_add(
            actor=atencion,
            case=case,
            title="Llamarle",
            due_on=timezone.localdate(),
            assigned_to=atencion,
        )
        with time_machine.travel(timezone.now() + datetime.timedelta(days=3)):
            body = client_for(atencion).get(urls(case)["detail"]).content.decode()
        assert "Vencida" in body
        assert "Hay 1 tarea vencida." in body

    def test_the_case_page_links_to_every_attention_page(self, case, atencion):
        body = client_for(atencion).get(urls(case)["detail"]).content.decode()
        for name in ("session", "plan", "task", "timeline"):
            assert urls(case)[name] in body
        for text in ("Registrar sesión", "Actualizar plan de seguridad", "Nueva tarea"):
            assert text in body

    def test_the_outsider_gets_404_on_every_attention_page(self, case, atencion, outsider):
        task = case_task_add(
            actor=atencion,
            case=case,
            title="Llamarle",
            due_on=timezone.localdate(),
            assigned_to=atencion,
        )
        client = client_for(outsider)
        for url in urls(case).values():
            assert client.get(url).status_code == 404, url
            assert client.post(url).status_code == 404, url
        done_url = reverse("cases:case_task_complete", kwargs={"pk": case.pk, "task_id": task.pk})
        assert client.post(done_url).status_code == 404

    def test_coordinacion_and_the_autoridad_reach_only_what_they_may(
        self, case, coordinacion, assigned_autoridad
    ):
        coord = client_for(coordinacion)
        assert coord.get(urls(case)["session"]).status_code == 404
        assert coord.get(urls(case)["plan"]).status_code == 404
        assert coord.get(urls(case)["task"]).status_code == 200
        assert coord.get(urls(case)["timeline"]).status_code == 200
        authority = client_for(assigned_autoridad)
        assert authority.get(urls(case)["session"]).status_code == 404
        assert authority.get(urls(case)["plan"]).status_code == 404
        assert authority.get(urls(case)["timeline"]).status_code == 200

    def test_an_emergency_reader_reads_the_plan_page_without_a_form(
        self, case, atencion, emergency_reader
    ):
        plan(atencion, case)
        client = client_for(emergency_reader)
        body = client.get(urls(case)["plan"]).content.decode()
        assert "Su hermana Lucía." in body
        assert "Guardar nueva versión" not in body
        assert client.post(urls(case)["plan"], {"steps": "Otro"}).status_code == 404

    def test_a_task_of_another_case_is_404(self, case, enlace, coordinacion, atencion):
        other = make_case(registered_by=enlace)
        assign_to_affected(other, by=coordinacion, worker=atencion)
        task = case_task_add(
            actor=atencion,
            case=other,
            title="Llamarle",
            due_on=timezone.localdate(),
            assigned_to=atencion,
        )
        url = reverse("cases:case_task_complete", kwargs={"pk": case.pk, "task_id": task.pk})
        assert client_for(atencion).post(url).status_code == 404
        task.refresh_from_db()
        assert task.done_at is None
