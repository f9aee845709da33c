"""Reads of a case's attention record (sessions, safety plan, tasks), always from the viewer.

Who reads what:

- Session notes: only atención workers actively assigned to the case whose own service (the
  assignment's kind or their specialty) is the session's service. Psychological notes stay
  with psicología; coordinación, the enlace, emergency readers and other specialties see the
  session's metadata only.
- Session metadata: whoever may open the case, except the autoridad, which sees no sessions.
- Safety plan (every version): assigned atención of any specialty and emergency readers.
- Tasks: whoever may open the case.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from violeta.accounts import roles
from violeta.accounts.models import User
from violeta.cases.models import (
    AttentionSession,
    Case,
    CaseAssignment,
    CaseStatus,
    CaseTask,
    PartyKind,
    SafetyPlan,
    Service,
)
from violeta.cases.selectors import (
    CaseReading,
    active_assignment_kind,
    case_reading,
    cases_visible_to,
)
from violeta.cases.shared_reads import case_parties, known_absent

SERVICES = frozenset(Service.values)


@dataclasses.dataclass(frozen=True)
class AttentionAccess:
    """What one viewer may see and do in the attention record of one case."""

    opens: bool = False
    sessions: bool = False
    # Services whose session notes the viewer reads (and records sessions for).
    note_services: frozenset[str] = frozenset()
    record_session: bool = False
    plans: bool = False
    update_plan: bool = False
    tasks: bool = False
    add_task: bool = False
    act: bool = False

    def reads_notes_of(self, service: str) -> bool:
        return service in self.note_services


def attention_access(
    *, user: Any, case: Case, reading: CaseReading | None = None
) -> AttentionAccess:
    """What ``user`` may see and do of the case's attention. Pass ``reading`` only for a case
    already opened through ``cases_visible_to`` (the case page does): it stands for that check.
    """
    if not roles.handles_cases(user):
        return AttentionAccess()
    if reading is None:
        # A caller with the viewer's reading has already opened the case for her (a reading
        # is only computed for a case she can open); anyone else is checked here.
        if not cases_visible_to(user=user).filter(pk=case.pk).exists():
            return AttentionAccess()
        reading = case_reading(user=user, case=case)
    kind = active_assignment_kind(user=user, case=case)
    attends = kind is not None and roles.is_atencion(user)
    own: set[str] = set()
    if attends and kind is not None:
        own = {kind, getattr(user, "specialty", "")} & SERVICES
    return AttentionAccess(
        opens=True,
        sessions=not roles.is_autoridad(user),
        note_services=frozenset(own),
        record_session=bool(own) and reading.act,
        plans=attends or reading.emergency,
        update_plan=attends and reading.act,
        tasks=True,
        add_task=reading.act,
        act=reading.act,
    )


@dataclasses.dataclass(frozen=True)
class SessionRow:
    """A session as one viewer sees it: ``notes`` is None when the viewer may not read them."""

    pk: Any
    held_at: datetime.datetime
    service: str
    service_label: str
    mode_label: str
    interpreter_present: bool
    next_appointment_at: datetime.datetime | None
    author_name: str
    notes: str | None
    notes_visible: bool


def sessions_for(*, access: AttentionAccess, case: Case) -> list[SessionRow]:
    """The case's sessions, oldest first; notes decrypted only where the viewer may read them."""
    if not access.sessions:
        return []
    rows = []
    for session in AttentionSession.objects.filter(case=case).select_related("author", "data_key"):
        visible = access.reads_notes_of(session.service)
        rows.append(
            SessionRow(
                pk=session.pk,
                held_at=session.held_at,
                service=session.service,
                service_label=str(session.get_service_display()),
                mode_label=str(session.get_mode_display()),
                interpreter_present=session.interpreter_present,
                next_appointment_at=session.next_appointment_at,
                author_name=session.author.full_name,
                notes=session.notes if visible else None,
                notes_visible=visible,
            )
        )
    return rows


def next_appointment(*, sessions: list[SessionRow]) -> SessionRow | None:
    """The session that set the earliest appointment still to come."""
    now = timezone.now()
    upcoming = [
        row
        for row in sessions
        if row.next_appointment_at is not None and row.next_appointment_at >= now
    ]
    return min(upcoming, key=lambda row: row.next_appointment_at or now, default=None)


def safety_plans_for(*, access: AttentionAccess, case: Case) -> list[SafetyPlan]:
    """Every version of her safety plan, newest first (empty for those who may not read it)."""
    if not access.plans or known_absent(case, "has_safety_plans"):
        return []
    return list(
        SafetyPlan.objects.filter(case=case)
        .select_related("author", "data_key")
        .order_by("-created_at", "-id")
    )


@dataclasses.dataclass(frozen=True)
class TaskRow:
    task: CaseTask
    overdue: bool


def case_tasks_for(*, access: AttentionAccess, case: Case) -> list[TaskRow]:
    """The case's open tasks, soonest first, each flagged when overdue."""
    if not access.tasks or known_absent(case, "has_open_tasks"):
        return []
    today = timezone.localdate()
    tasks = (
        CaseTask.objects.filter(case=case, done_at__isnull=True)
        .select_related("assigned_to", "data_key")
        .order_by("due_on", "created_at")
    )
    return [TaskRow(task=task, overdue=task.due_on < today) for task in tasks]


def case_tasks_open(*, user: Any) -> QuerySet[CaseTask]:
    """Open tasks assigned to ``user`` on open cases the user may still open, soonest first.

    For the inbox: one query, filtered in SQL.
    """
    return (
        CaseTask.objects.filter(
            assigned_to=user,
            done_at__isnull=True,
            case__status=CaseStatus.OPEN,
            case__in=cases_visible_to(user=user),
        )
        .select_related("case", "data_key")
        .order_by("due_on", "created_at")
    )


def task_assignees(*, case: Case, actor: Any) -> QuerySet[User]:
    """Who may be given a task on the case: its active team, and the actor; never a party."""
    team = CaseAssignment.objects.filter(case=case, ended_at__isnull=True).values("user_id")
    return (
        User.objects.filter(Q(pk__in=team) | Q(pk=actor.pk), is_active=True)
        .exclude(case_parties__case=case)
        .order_by("full_name")
    )


def needs_interpreter(*, case: Case) -> bool:
    """Does the persona afectada need an interpreter (LGAMVLV art. 51: attention in her
    language)?"""
    return any(
        party.kind == PartyKind.AFECTADA and party.needs_interpreter for party in case_parties(case)
    )
