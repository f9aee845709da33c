"""The engine on a small protocol of the test's own, and on a real case."""

import datetime
import hashlib
import json
import threading

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from violeta.audit.models import AuditEntry
from violeta.notifications.models import Notification
from violeta.protocols import hooks
from violeta.protocols.models import (
    ChecklistResolution,
    Deadline,
    ProtocolRun,
    ProtocolVersion,
    RunTask,
    StageChange,
)
from violeta.protocols.schema import Protocol
from violeta.protocols.services import (
    TransitionConflict,
    TransitionRefused,
    checklist_resolve,
    deadlines_run,
    run_start,
    steps_for,
    transition_take,
)
from violeta.testing.factories import consent_give, make_case

pytestmark = pytest.mark.django_db

NAME = {"es": "Etapa", "en": "Stage"}
DEFINITION = {
    "code": "prueba",
    "version": "1",
    "name": {"es": "Protocolo de prueba", "en": "Test protocol"},
    "source": "Pruebas",
    "effective_date": "2020-01-01",
    "catalogs": ["ledmvlv"],
    "initial": "registro",
    "stages": [
        {
            "code": "registro",
            "name": {"es": "Registro"},
            "responsible": ["coordinacion"],
            "deadline": {"amount": 24, "unit": "hours", "from": "entered:registro"},
        },
        {
            "code": "comite",
            "name": {"es": "Comité"},
            "responsible": ["autoridad"],
            "deadline": {"amount": 3, "unit": "business_days", "from": "turnado"},
        },
        {"code": "cerrado", "name": {"es": "Cerrado"}, "final": True},
        {"code": "archivo", "name": {"es": "Archivo"}, "final": True},
    ],
    "transitions": [
        {
            "code": "turnar",
            "name": {"es": "Turnar al comité"},
            "from": "registro",
            "to": "comite",
            "roles": ["coordinacion"],
            "requires": {
                "facts": ["account_recorded", "consent_comite"],
                "checklist": [{"code": "formato", "label": {"es": "Formato único completo"}}],
            },
            "emits": ["turnado"],
            "effects": [
                {
                    "kind": "task",
                    "role": "autoridad",
                    "code": "convocar",
                    "label": {"es": "Convocar al comité"},
                    "deadline": {"amount": 24, "unit": "hours", "from": "turnado"},
                },
                {"kind": "notify", "role": "coordinacion"},
            ],
        },
        {
            "code": "no_procede",
            "name": {"es": "No procede"},
            "from": "registro",
            "to": "archivo",
            "roles": ["coordinacion", "atencion"],
            "reason_required": True,
        },
        {
            "code": "resolver",
            "name": {"es": "Resolver"},
            "from": "comite",
            "to": "cerrado",
            "roles": ["autoridad"],
        },
    ],
}


def protocol_version_create():
    """The test protocol above, stored as a version (also used by other apps' tests)."""
    Protocol.model_validate(DEFINITION)
    raw = json.dumps(DEFINITION, sort_keys=True).encode()
    return ProtocolVersion.objects.create(
        code="prueba",
        version="1",
        name="Protocolo de prueba",
        definition=DEFINITION,
        source_file="prueba.yaml",
        sha256=hashlib.sha256(raw).hexdigest(),
        effective_date=datetime.date(2020, 1, 1),
    )


@pytest.fixture
def version(db):
    return protocol_version_create()


@pytest.fixture
def case(enlace, coordinacion):
    case = make_case(registered_by=enlace)
    consent_give(case)
    return case


@pytest.fixture
def run(version, case, coordinacion):
    return run_start(protocol=version, subject=case, actor=coordinacion)


def ready_to_turn(run, coordinacion):
    checklist_resolve(run=run, item="formato", actor=coordinacion)


def test_a_run_starts_in_the_initial_stage_with_its_deadline(run, coordinacion):
    assert run.stage == "registro"
    deadline = Deadline.objects.get(run=run)
    assert deadline.due_at == run.started_at + datetime.timedelta(hours=24)
    assert StageChange.objects.get(run=run).actor == coordinacion


def test_steps_say_who_may_act_and_what_is_missing(run, coordinacion, atencion):
    steps = {s.transition.code: s for s in steps_for(run=run, user=coordinacion)}
    assert steps["turnar"].allowed_role
    assert steps["turnar"].missing == ["Formato único completo"]
    assert not steps["turnar"].possible
    atencion_steps = {s.transition.code: s for s in steps_for(run=run, user=atencion)}
    assert not atencion_steps["turnar"].allowed_role
    assert atencion_steps["no_procede"].possible


def test_steps_take_the_resolved_items_the_caller_already_read(run, coordinacion):
    def missing(**kwargs):
        steps = steps_for(run=run, user=coordinacion, **kwargs)
        return {s.transition.code: s.missing for s in steps}["turnar"]

    assert missing(resolved={"formato"}) == []
    assert missing(resolved=set()) == ["Formato único completo"]
    checklist_resolve(run=run, item="formato", actor=coordinacion)
    assert missing() == []  # read from the database when not given


def test_a_missing_fact_blocks_the_step_with_its_name(run, case, coordinacion):
    ready_to_turn(run, coordinacion)
    consent_give(case, granted=False)  # she withdrew
    with pytest.raises(TransitionRefused, match="Consentimiento de ella"):
        transition_take(run=run, code="turnar", actor=coordinacion)


def test_a_transition_moves_writes_history_audit_events_tasks_and_deadlines(
    run, coordinacion, autoridad, django_capture_on_commit_callbacks
):
    ready_to_turn(run, coordinacion)
    with django_capture_on_commit_callbacks(execute=True):
        transition_take(run=run, code="turnar", actor=coordinacion)
    run.refresh_from_db()
    assert (run.stage, run.revision) == ("comite", 1)
    assert Deadline.objects.get(run=run, stage="registro").met_at is not None
    assert Deadline.objects.get(run=run, stage="comite").met_at is None
    assert StageChange.objects.filter(run=run, transition="turnar").exists()
    assert AuditEntry.objects.filter(action="transition", target_id=str(run.pk)).exists()
    task = RunTask.objects.get(run=run)
    assert (task.code, task.role) == ("convocar", "autoridad")
    assert Notification.objects.filter(recipient=autoridad, kind="task_assigned").exists()
    assert Notification.objects.filter(recipient=coordinacion, kind="protocol_notice").exists()


def test_the_wrong_role_is_refused_and_nothing_changes(run, autoridad):
    with pytest.raises(TransitionRefused, match="Tu rol no puede"):
        transition_take(run=run, code="no_procede", actor=autoridad)
    run.refresh_from_db()
    assert (run.stage, run.revision) == ("registro", 0)


def test_a_step_that_needs_a_reason_refuses_without_one(run, atencion):
    with pytest.raises(TransitionRefused, match="motivo"):
        transition_take(run=run, code="no_procede", actor=atencion)
    transition_take(run=run, code="no_procede", actor=atencion, reason="No es de competencia.")
    run.refresh_from_db()
    assert run.stage == "archivo"
    assert run.finished_at is not None
    assert StageChange.objects.get(run=run, transition="no_procede").reason == (
        "No es de competencia."
    )


def test_a_stale_page_loses_to_the_step_taken_first(run, coordinacion, atencion):
    stale = ProtocolRun.objects.get(pk=run.pk)
    transition_take(run=run, code="no_procede", actor=atencion, reason="Motivo suficiente")
    with pytest.raises(TransitionConflict, match="Otra persona"):
        transition_take(run=stale, code="no_procede", actor=coordinacion, reason="Otro motivo")
    assert StageChange.objects.filter(run=run, transition="no_procede").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_people_at_once_exactly_one_wins(version, enlace, coordinacion, atencion):
    case = make_case(registered_by=enlace)
    run = run_start(protocol=version, subject=case, actor=coordinacion)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def act(user, reason):
        from django.db import connection as own

        try:
            mine = ProtocolRun.objects.get(pk=run.pk)
            start.wait()
            transition_take(run=mine, code="no_procede", actor=user, reason=reason)
            outcomes.append("won")
        except TransitionConflict:
            outcomes.append("lost")
        finally:
            own.close()

    threads = [
        threading.Thread(target=act, args=(coordinacion, "Motivo de coordinación")),
        threading.Thread(target=act, args=(atencion, "Motivo de atención")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["lost", "won"]
    assert StageChange.objects.filter(run=run, transition="no_procede").count() == 1
    connection.close()


def test_checklist_items_belong_to_the_current_stage_and_roles(run, coordinacion, autoridad):
    with pytest.raises(TransitionRefused, match="no corresponde"):
        checklist_resolve(run=run, item="otro", actor=coordinacion)
    with pytest.raises(TransitionRefused, match="Tu rol no puede marcar"):
        checklist_resolve(run=run, item="formato", actor=autoridad)
    checklist_resolve(run=run, item="formato", actor=coordinacion)
    checklist_resolve(run=run, item="formato", actor=coordinacion)
    assert ChecklistResolution.objects.filter(run=run).count() == 1


class TestDeadlines:
    def test_overdue_steps_are_flagged_once_and_told_without_case_details(
        self, run, case, coordinacion
    ):
        later = run.started_at + datetime.timedelta(hours=25)
        first = deadlines_run(now=later)
        assert first.deadlines_flagged == 1
        assert Notification.objects.filter(recipient=coordinacion, kind="deadline_overdue").exists()
        assert len(mail.outbox) == first.emails >= 1
        message = mail.outbox[0]
        for detail in (case.folio, "Registro", "Relato", str(case.pk)):
            assert detail not in f"{message.subject} {message.body}"
        again = deadlines_run(now=later + datetime.timedelta(hours=1))
        assert (again.deadlines_flagged, again.notices, again.emails) == (0, 0, 0)
        assert len(mail.outbox) == first.emails

    def test_nothing_is_flagged_before_the_deadline(self, run):
        report = deadlines_run(now=run.started_at + datetime.timedelta(hours=23))
        assert report.deadlines_flagged == 0

    def test_a_met_deadline_is_never_flagged(self, run, atencion):
        transition_take(run=run, code="no_procede", actor=atencion, reason="No procede aquí.")
        report = deadlines_run(now=run.started_at + datetime.timedelta(days=10))
        assert report.deadlines_flagged == 0

    def test_overdue_tasks_are_flagged_once(self, run, coordinacion, autoridad):
        ready_to_turn(run, coordinacion)
        transition_take(run=run, code="turnar", actor=coordinacion)
        later = timezone.now() + datetime.timedelta(days=30)
        report = deadlines_run(now=later)
        assert report.tasks_flagged == 1
        assert deadlines_run(now=later).tasks_flagged == 0

    def test_the_command_reports_and_is_idempotent(self, run):
        from io import StringIO

        with time_machine.travel(run.started_at + datetime.timedelta(hours=30)):
            out = StringIO()
            call_command("run_deadlines", stdout=out)
            assert "Overdue: 1 deadline(s)" in out.getvalue()
            out = StringIO()
            call_command("run_deadlines", stdout=out)
            assert "Overdue: 0 deadline(s), 0 task(s); 0 notice(s), 0 e-mail(s)." in out.getvalue()


def test_notices_never_go_to_a_party_of_the_case(version, enlace, coordinacion):
    from violeta.accounts.roles import Role
    from violeta.testing.factories import UserFactory

    other_coordinator = UserFactory(role=Role.COORDINACION)
    case = make_case(registered_by=enlace, accused_user=coordinacion)
    run = run_start(protocol=version, subject=case, actor=other_coordinator)
    recipients = hooks.recipients_for(run, "coordinacion")
    assert coordinacion not in recipients
    assert other_coordinator in recipients


def test_a_subjects_run_is_read_once_inside_a_shared_block_and_afresh_outside(run, case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from violeta.protocols.services import run_for, runs_shared

    with runs_shared():
        with CaptureQueriesContext(connection) as first:
            read = run_for(case)
        with CaptureQueriesContext(connection) as again:
            reread = run_for(case)
    assert read is not None
    assert read.pk == run.pk
    assert reread is read
    assert (len(first), len(again)) == (1, 0)
    ProtocolRun.objects.filter(pk=run.pk).delete()
    assert run_for(case) is None


def test_the_panel_reads_the_checklist_only_where_a_way_out_requires_one(run, coordinacion):
    from django.test.utils import CaptureQueriesContext

    from violeta.protocols.selectors import protocol_panel

    def panel_and_reads():
        with CaptureQueriesContext(connection) as captured:
            panel = protocol_panel(run=run, user=coordinacion, can_act=True)
        reads = [q for q in captured if '"protocols_checklistresolution"' in q["sql"]]
        return panel, reads

    # "registro" requires the format: the item is read and shown resolved, and the step to
    # the comité no longer misses it.
    ready_to_turn(run, coordinacion)
    panel, reads = panel_and_reads()
    assert len(reads) == 1
    assert [(row.code, row.resolved is not None) for row in panel.checklist] == [("formato", True)]
    turn = next(step for step in panel.steps if step.transition.code == "turnar")
    assert "Formato único completo" not in turn.missing
    # At the comité no way out requires an item: nothing to read, nothing to show.
    transition_take(run=run, code="turnar", actor=coordinacion)
    run.refresh_from_db()
    panel, reads = panel_and_reads()
    assert reads == []
    assert panel.checklist == []
