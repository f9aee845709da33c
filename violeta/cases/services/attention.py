"""Attention on a case: sessions (notes for one specialty), her safety plan, team tasks.

Every write is one transaction with its audit entry; the audit never holds the content
(notes, plan, task titles are encrypted and stay in their rows).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import User
from violeta.audit.models import AuditAction
from violeta.audit.services import audit_record
from violeta.cases.models import (
    AttentionSession,
    Case,
    CaseAssignment,
    CaseStatus,
    CaseTask,
    SafetyPlan,
    Service,
    SessionMode,
)
from violeta.cases.selectors import case_reading, cases_visible_to, is_party
from violeta.cases.selectors_attention import attention_access
from violeta.notifications.models import NotificationKind
from violeta.notifications.services import notifications_send


def session_record(
    *,
    actor: User,
    case: Case,
    service: Service | str,
    held_at: datetime.datetime,
    mode: SessionMode | str,
    notes: str,
    next_appointment_at: datetime.datetime | None = None,
    interpreter_present: bool = False,
) -> AttentionSession:
    """Record a session of the actor's own service. Only an atención worker actively assigned
    to the open case records; the notes are then read only by that service's team."""
    access = attention_access(user=actor, case=case)
    if not access.record_session:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if str(service) not in access.note_services:
        errors.setdefault("service", []).append(
            _("Sólo puedes registrar sesiones de tu propio servicio.")
        )
    if str(mode) not in SessionMode.values:
        errors.setdefault("mode", []).append(_("Elige una modalidad de la lista."))
    if held_at > timezone.now():
        errors.setdefault("held_at", []).append(
            _("La fecha de la sesión no puede estar en el futuro.")
        )
    if next_appointment_at is not None and next_appointment_at <= held_at:
        errors.setdefault("next_appointment_at", []).append(
            _("La próxima cita debe ser posterior a la sesión.")
        )
    notes = notes.strip()
    if not notes:
        errors.setdefault("notes", []).append(_("Escribe las notas de la sesión."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        session = AttentionSession(
            case=case,
            service=str(service),
            held_at=held_at,
            mode=str(mode),
            notes=notes,
            next_appointment_at=next_appointment_at,
            interpreter_present=interpreter_present,
            author=actor,
        )
        session.full_clean()
        session.save()
        audit_record(
            action=AuditAction.CREATE,
            target=session,
            detail={
                "case": str(case.pk),
                "service": str(service),
                "mode": str(mode),
                "interpreter_present": interpreter_present,
                "next_appointment": next_appointment_at is not None,
            },
            actor=actor,
        )
    return session


def safety_plan_update(
    *,
    actor: User,
    case: Case,
    warning_signs: str,
    safe_contacts: str,
    safe_places: str,
    steps: str,
) -> SafetyPlan:
    """Append a new version of her safety plan; earlier versions stay as they were."""
    if not attention_access(user=actor, case=case).update_plan:
        raise PermissionDenied
    steps = steps.strip()
    if not steps:
        raise ValidationError(
            {"steps": [_("Anota qué hará ella si está en peligro.")]}, code="empty"
        )
    with transaction.atomic():
        # Serialise versions of the same case so that their numbers never repeat.
        Case.objects.select_for_update().filter(pk=case.pk).first()
        plan = SafetyPlan(
            case=case,
            warning_signs=warning_signs.strip(),
            safe_contacts=safe_contacts.strip(),
            safe_places=safe_places.strip(),
            steps=steps,
            author=actor,
        )
        plan.full_clean()
        plan.save()
        audit_record(
            action=AuditAction.CREATE,
            target=plan,
            detail={
                "case": str(case.pk),
                "version": SafetyPlan.objects.filter(case=case).count(),
            },
            actor=actor,
        )
    return plan


def case_task_add(
    *, actor: User, case: Case, title: str, due_on: datetime.date, assigned_to: User
) -> CaseTask:
    """A task the team sets itself. The assignee is on the case's active team (or is the
    actor), and never a party to the case; the assignee is told."""
    if not case_reading(user=actor, case=case).act:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    title = title.strip()
    if not title:
        errors.setdefault("title", []).append(_("Escribe en qué consiste la tarea."))
    if due_on < timezone.localdate():
        errors.setdefault("due_on", []).append(_("La fecha límite no puede estar en el pasado."))
    on_team = CaseAssignment.objects.filter(
        case=case, user=assigned_to, ended_at__isnull=True
    ).exists()
    if is_party(user=assigned_to, case=case):
        errors.setdefault("assigned_to", []).append(_("Esa persona es parte en este caso."))
    elif not assigned_to.is_active or not (on_team or assigned_to.pk == actor.pk):
        errors.setdefault("assigned_to", []).append(
            _("La tarea sólo se asigna a alguien del equipo del caso o a ti.")
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        task = CaseTask(
            case=case, title=title, due_on=due_on, assigned_to=assigned_to, created_by=actor
        )
        task.full_clean()
        task.save()
        audit_record(
            action=AuditAction.CREATE,
            target=task,
            detail={
                "case": str(case.pk),
                "assigned_to": assigned_to.pk,
                "due_on": due_on.isoformat(),
            },
            actor=actor,
        )
        if assigned_to.pk != actor.pk:
            folio = case.folio
            transaction.on_commit(
                lambda: notifications_send(
                    recipients=[assigned_to], kind=NotificationKind.CASE_TASK, folio=folio
                )
            )
    return task


def case_task_complete(*, actor: User, task: CaseTask) -> CaseTask:
    """Mark a task done, once: by its assignee or by anyone who acts on the case. Two people
    marking it at the same time: exactly one wins (compare-and-set on ``done_at``)."""
    case = task.case
    reading = case_reading(user=actor, case=case)
    assignee = (
        task.assigned_to_id == actor.pk
        and cases_visible_to(user=actor).filter(pk=case.pk).exists()
        and case.status == CaseStatus.OPEN
    )
    if not (reading.act or assignee):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        changed = CaseTask.objects.filter(pk=task.pk, done_at__isnull=True).update(
            done_at=now, done_by=actor
        )
        if changed != 1:
            raise ValidationError(_("Esta tarea ya estaba marcada como hecha."), code="done")
        audit_record(
            action=AuditAction.UPDATE,
            target=task,
            detail={"case": str(case.pk), "done": True},
            actor=actor,
        )
    task.done_at = now
    task.done_by = actor
    return task
