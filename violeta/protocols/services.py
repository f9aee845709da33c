"""The protocol engine: every change to a run goes through here.

A transition is taken in one transaction that checks the actor's role, the current stage and
the preconditions, moves the run with a compare-and-set on its revision (two people acting at
once: exactly one wins), closes the stage's deadline, opens the next one, writes the history
row and the audit entry, and schedules notices for after the commit.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from violeta.audit.models import AuditAction
from violeta.audit.services import audit_record
from violeta.notifications.models import NotificationKind
from violeta.notifications.services import notifications_send
from violeta.protocols import hooks
from violeta.protocols.calendar import due_at
from violeta.protocols.models import (
    ChecklistResolution,
    Deadline,
    ProtocolRun,
    ProtocolVersion,
    RunEvent,
    RunTask,
    StageChange,
)
from violeta.protocols.schema import ENTERED, Protocol, Transition
from violeta.protocols.schema import Deadline as DeadlineSpec
from violeta.protocols.services_definitions import protocol_definition
from violeta.protocols.signals import deadline_flagged, deadlines_met
from violeta.shared_reads import SharedReads


class TransitionRefused(Exception):
    """The transition is not possible now; the message says why, in the viewer's language."""


class TransitionConflict(TransitionRefused):
    """Somebody else moved the run first."""


@dataclasses.dataclass(frozen=True)
class Step:
    """A transition out of the current stage, as one viewer sees it."""

    transition: Transition
    allowed_role: bool
    missing: list[str]

    @property
    def possible(self) -> bool:
        return self.allowed_role and not self.missing


def definition_of(run: ProtocolRun) -> Protocol:
    return protocol_definition(run.protocol)


def _subject_ref(subject: models.Model) -> tuple[str, str]:
    return subject._meta.label, str(subject.pk)


# A page built from several sections (the case page) asks for the subject's run in more than
# one of them; inside ``runs_shared()`` it is read once.
_shared_runs = SharedReads("protocol_runs")


@contextmanager
def runs_shared() -> Iterator[None]:
    """Read each subject's run once inside the block. Only for rendering: nothing written
    inside it may change a run."""
    with _shared_runs.block():
        yield


def run_for(subject: models.Model) -> ProtocolRun | None:
    subject_type, subject_id = _subject_ref(subject)
    return _shared_runs.get(
        (subject_type, subject_id),
        lambda: (
            ProtocolRun.objects.select_related("protocol")
            .filter(subject_type=subject_type, subject_id=subject_id)
            .first()
        ),
    )


def run_start(*, protocol: ProtocolVersion, subject: models.Model, actor: Any) -> ProtocolRun:
    """Start ``subject``'s run of ``protocol`` at its first stage. All or nothing, without a
    savepoint of its own: inside the transaction that creates the subject, a failure here
    undoes the subject too (a case is never left without its run)."""
    definition = protocol_definition(protocol)
    subject_type, subject_id = _subject_ref(subject)
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        run = ProtocolRun.objects.create(
            protocol=protocol,
            subject_type=subject_type,
            subject_id=subject_id,
            stage=definition.initial,
            started_at=now,
        )
        StageChange.objects.create(run=run, to_stage=definition.initial, actor=actor, at=now)
        _enter_stage(run=run, definition=definition, stage_code=definition.initial, now=now)
        audit_record(
            action=AuditAction.CREATE,
            target=run,
            detail={"protocol": protocol.code, "version": protocol.version},
        )
    return run


def _event_time(run: ProtocolRun, code: str) -> datetime.datetime | None:
    event = RunEvent.objects.filter(run=run, code=code).order_by("-at", "-pk").first()
    return event.at if event else None


def _due(run: ProtocolRun, spec: DeadlineSpec) -> datetime.datetime | None:
    start = _event_time(run, spec.from_event)
    if start is None:
        return None
    return due_at(start=start, amount=spec.amount, unit=spec.unit)


def _enter_stage(
    *, run: ProtocolRun, definition: Protocol, stage_code: str, now: datetime.datetime
) -> None:
    RunEvent.objects.create(run=run, code=ENTERED + stage_code, at=now)
    stage = definition.stage(stage_code)
    if stage.deadline is not None:
        due = _due(run, stage.deadline)
        if due is not None:
            Deadline.objects.create(run=run, stage=stage_code, due_at=due)
    if stage.final:
        ProtocolRun.objects.filter(pk=run.pk).update(finished_at=now)
        run.finished_at = now


def steps_for(*, run: ProtocolRun, user: Any, resolved: set[str] | None = None) -> list[Step]:
    """Every transition out of the current stage, with whether ``user`` may take it and what
    is still missing (facts not true, checklist items not resolved). ``resolved``: the
    checklist items of the stage already resolved, when the caller has read them."""
    definition = definition_of(run)
    if resolved is None:
        resolved = set(
            ChecklistResolution.objects.filter(run=run, stage=run.stage).values_list(
                "item", flat=True
            )
        )
    language = get_language()
    # Owed by the subject before any step forward. A step that needs a written reason (a
    # withdrawal, a decision not to act) is a decision about the request, not progress, and is
    # never held back by them.
    owed = hooks.guards_for(run)
    steps = []
    for transition in definition.outgoing(run.stage):
        missing: list[str] = [] if transition.reason_required else list(owed)
        for code in transition.requires.facts:
            fact = hooks.fact_get(code)
            if fact is None or not fact.check(run):
                missing.append(str(fact.label) if fact else code)
        missing.extend(
            item.label.text(language)
            for item in transition.requires.checklist
            if item.code not in resolved
        )
        role = getattr(user, "role", None)
        steps.append(Step(transition, role in transition.roles, missing))
    return steps


def transition_take(*, run: ProtocolRun, code: str, actor: Any, reason: str = "") -> ProtocolRun:
    definition = definition_of(run)
    try:
        transition = definition.transition(code)
    except StopIteration:
        raise TransitionRefused(_("Ese paso no existe en este protocolo.")) from None
    reason = reason.strip()
    with transaction.atomic():
        current = ProtocolRun.objects.select_for_update().get(pk=run.pk)
        if current.stage != transition.source or current.revision != run.revision:
            raise TransitionConflict(
                _(
                    "Otra persona actualizó este caso mientras lo veías. Revisa la etapa actual "
                    "y vuelve a intentarlo."
                )
            )
        step = next(s for s in steps_for(run=current, user=actor) if s.transition.code == code)
        if not step.allowed_role:
            raise TransitionRefused(_("Tu rol no puede dar este paso."))
        if step.missing:
            raise TransitionRefused(
                _("Antes de este paso falta: %(missing)s.") % {"missing": "; ".join(step.missing)}
            )
        if transition.reason_required and not reason:
            raise TransitionRefused(_("Este paso requiere escribir el motivo."))
        # Compare-and-set: SQLite ignores select_for_update, so the revision check in the
        # UPDATE is what guarantees one winner on every database.
        moved = ProtocolRun.objects.filter(
            pk=run.pk, stage=transition.source, revision=run.revision
        ).update(stage=transition.target, revision=F("revision") + 1)
        if moved != 1:
            raise TransitionConflict(
                _(
                    "Otra persona actualizó este caso mientras lo veías. Revisa la etapa actual "
                    "y vuelve a intentarlo."
                )
            )
        now = timezone.now()
        Deadline.objects.filter(run=run, stage=transition.source, met_at__isnull=True).update(
            met_at=now
        )
        deadlines_met.send(sender=Deadline, run=run)
        StageChange.objects.create(
            run=run,
            transition=code,
            from_stage=transition.source,
            to_stage=transition.target,
            actor=actor,
            at=now,
            reason=reason,
        )
        for event in transition.emits:
            RunEvent.objects.create(run=run, code=event, at=now)
        run.refresh_from_db()
        _enter_stage(run=run, definition=definition, stage_code=transition.target, now=now)
        _apply_effects(run=run, transition=transition, now=now)
        audit_record(
            action=AuditAction.TRANSITION,
            target=run,
            detail={"transition": code, "from": transition.source, "to": transition.target},
        )
    return run


def _apply_effects(*, run: ProtocolRun, transition: Transition, now: datetime.datetime) -> None:
    label = hooks.subject_label(run)
    for effect in transition.effects:
        recipients = hooks.recipients_for(run, effect.role)
        if effect.kind == "task":
            assert effect.code is not None and effect.label is not None  # noqa: S101 - schema
            RunTask.objects.create(
                run=run,
                code=effect.code,
                role=effect.role,
                label_es=effect.label.es,
                label_en=effect.label.en,
                due_at=_due(run, effect.deadline) if effect.deadline else None,
                created_at=now,
            )
            kind = NotificationKind.TASK_ASSIGNED
        else:
            kind = NotificationKind.PROTOCOL_NOTICE
        transaction.on_commit(_notify_later(recipients, kind, label))


def _notify_later(recipients: list[Any], kind: NotificationKind, folio: str) -> Any:
    def send() -> None:
        notifications_send(recipients=recipients, kind=kind, folio=folio)

    return send


def checklist_resolve(*, run: ProtocolRun, item: str, actor: Any) -> ChecklistResolution:
    definition = definition_of(run)
    items = {
        check.code: transition
        for transition in definition.outgoing(run.stage)
        for check in transition.requires.checklist
    }
    transition = items.get(item)
    if transition is None:
        raise TransitionRefused(_("Ese punto no corresponde a la etapa actual."))
    if getattr(actor, "role", None) not in transition.roles:
        raise TransitionRefused(_("Tu rol no puede marcar este punto."))
    with transaction.atomic():
        resolution, _created = ChecklistResolution.objects.get_or_create(
            run=run, stage=run.stage, item=item, defaults={"resolved_by": actor}
        )
        audit_record(action=AuditAction.UPDATE, target=run, detail={"checklist": item})
    return resolution


def task_add(
    *,
    run: ProtocolRun,
    code: str,
    role: str,
    label_es: str,
    label_en: str = "",
    due_at: datetime.datetime | None = None,
) -> RunTask | None:
    """Open a task on the run that no transition opened (e.g. a risk level's mandatory actions).

    The run's row is locked so that two callers cannot both open it: while a task with the same
    code is still open on the run, nothing is added and None is returned. The caller audits and
    notifies, since it knows why the task exists.
    """
    with transaction.atomic():
        ProtocolRun.objects.select_for_update().filter(pk=run.pk).first()
        if RunTask.objects.filter(run=run, code=code, done_at__isnull=True).exists():
            return None
        return RunTask.objects.create(
            run=run,
            code=code,
            role=role,
            label_es=label_es,
            label_en=label_en,
            due_at=due_at,
            created_at=timezone.now(),
        )


def task_complete(*, task: RunTask, actor: Any) -> RunTask:
    if getattr(actor, "role", None) != task.role:
        raise TransitionRefused(_("Esta tarea corresponde a otro rol."))
    with transaction.atomic():
        RunTask.objects.filter(pk=task.pk, done_at__isnull=True).update(done_at=timezone.now())
        task.refresh_from_db()
        audit_record(action=AuditAction.UPDATE, target=task.run, detail={"task": task.code})
    return task


def task_settle(*, run: ProtocolRun, code: str) -> int:
    """Mark the open tasks with ``code`` done because what they asked for happened (e.g. the
    institution confirmed it received a referral). The caller's own change is the proof, so no
    role is checked; the caller audits it. Returns how many tasks were closed."""
    return RunTask.objects.filter(run=run, code=code, done_at__isnull=True).update(
        done_at=timezone.now()
    )


@dataclasses.dataclass
class DeadlineReport:
    deadlines_flagged: int = 0
    tasks_flagged: int = 0
    notices: int = 0
    emails: int = 0


OVERDUE_EMAIL_SUBJECT = "Violeta: tienes un aviso"


def deadlines_run(*, now: datetime.datetime | None = None) -> DeadlineReport:
    """Flag every overdue stage deadline and task once, and tell whoever must act.

    Idempotent: a flag is set with a compare-and-set, and only the run that set it notifies.
    The e-mail says only that there is something to see in Violeta: no folio, no stage, no name.
    """
    now = now or timezone.now()
    report = DeadlineReport()
    overdue = Deadline.objects.filter(
        met_at__isnull=True, overdue_at__isnull=True, due_at__lt=now
    ).select_related("run__protocol")
    for deadline in overdue:
        if (
            Deadline.objects.filter(pk=deadline.pk, overdue_at__isnull=True).update(overdue_at=now)
            != 1
        ):
            continue
        report.deadlines_flagged += 1
        deadline_flagged.send(sender=Deadline, run=deadline.run)
        stage = protocol_definition(deadline.run.protocol).stage(deadline.stage)
        _tell(deadline.run, list(stage.responsible) or ["coordinacion"], report)
    tasks = RunTask.objects.filter(
        done_at__isnull=True, overdue_at__isnull=True, due_at__lt=now
    ).select_related("run")
    for task in tasks:
        if RunTask.objects.filter(pk=task.pk, overdue_at__isnull=True).update(overdue_at=now) != 1:
            continue
        report.tasks_flagged += 1
        _tell(task.run, [task.role], report)
    return report


def _tell(run: ProtocolRun, roles: list[str], report: DeadlineReport) -> None:
    recipients = {user.pk: user for role in roles for user in hooks.recipients_for(run, role)}
    users = list(recipients.values())
    notifications_send(
        recipients=users, kind=NotificationKind.DEADLINE_OVERDUE, folio=hooks.subject_label(run)
    )
    report.notices += len(users)
    link = f"{settings.SITE_URL.rstrip('/')}/avisos/"
    body = (
        "Hay un plazo vencido que te corresponde atender en Violeta.\n"
        f"Entra para verlo: {link}\n\n"
        "Por confidencialidad, este correo no incluye datos del caso."
    )
    for user in users:
        if user.email:
            send_mail(OVERDUE_EMAIL_SUBJECT, body, None, [user.email], fail_silently=False)
            report.emails += 1
