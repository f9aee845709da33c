"""Closing and reopening a case: always with a reason, never by assigning ``status``.

Closing is the institution's act on its own file, not a stage of the procedure: the procedure
must have reached one of its final stages first (concluded, not activated, or her request
withdrawn), and the reasons and the checklist come from the protocol's ``closure`` block, which
is data. A closed case is read-only (``case_reading(...).act`` is False) until someone reopens
it with a written reason.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from violeta.accounts.models import User
from violeta.audit.models import AuditAction
from violeta.audit.services import audit_record
from violeta.cases.models import Case, CaseAssignment, CaseParty, CaseStatus, StatusChange
from violeta.cases.selectors import case_reading
from violeta.cases.selectors_closure import (
    close_allowed,
    closure_blockers,
    closure_definition,
    reopen_allowed,
)
from violeta.notifications.models import NotificationKind
from violeta.notifications.services import notifications_send
from violeta.protocols.schema import REOPEN_REASON
from violeta.protocols.services import run_for

# A reopening undoes a decision the team recorded: the reason must say enough to be read later.
MIN_REOPEN_REASON = 20
NOTE_MAX_LENGTH = 2000


def _already_closed() -> ValidationError:
    return ValidationError(
        _("Otra persona ya cerró este caso. Vuelve a abrir el expediente para ver su estado."),
        code="already_closed",
    )


def case_close(
    *, actor: User, case: Case, reason: str, checklist: list[str], note: str = ""
) -> Case:
    """Close the case with a reason from its protocol, every checklist item confirmed.

    Refused (ValidationError, every problem at once) while the procedure has not reached a
    final stage or the case has open tasks. PermissionDenied for anyone but the people who may
    close it.
    """
    if not close_allowed(actor=actor, case=case):
        raise PermissionDenied
    if case.status == CaseStatus.CLOSED:
        raise _already_closed()
    if not case_reading(user=actor, case=case).act:
        raise PermissionDenied
    note = note.strip()
    closure = closure_definition(case=case)
    language = get_language()
    errors: dict[str, list[str]] = {}
    if closure is None:
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            _("El protocolo de este caso no define motivos de cierre.")
        )
    else:
        if reason not in {r.code for r in closure.reasons}:
            errors.setdefault("reason", []).append(_("Elige uno de los motivos de cierre."))
        known = {item.code for item in closure.checklist}
        if set(checklist) - known:
            errors.setdefault("checklist", []).append(
                _("La lista de verificación incluye puntos que no son de este protocolo.")
            )
        missing = [
            item.label.text(language) for item in closure.checklist if item.code not in checklist
        ]
        if missing:
            errors.setdefault("checklist", []).append(
                _("Falta confirmar: %(items)s.") % {"items": "; ".join(missing)}
            )
    if len(note) > NOTE_MAX_LENGTH:
        errors.setdefault("note", []).append(
            _("Las observaciones tienen un máximo de %(count)d caracteres.")
            % {"count": NOTE_MAX_LENGTH}
        )
    blockers = closure_blockers(case=case)
    if blockers:
        errors.setdefault(NON_FIELD_ERRORS, []).extend(blockers)
    if errors:
        raise ValidationError(errors)
    assert closure is not None  # noqa: S101 - an absent block is an error above
    confirmed = [item.code for item in closure.checklist if item.code in checklist]
    run = run_for(case)
    with transaction.atomic():
        now = timezone.now()
        # Compare-and-set: two people closing at once, exactly one wins on every database.
        closed = Case.objects.filter(pk=case.pk, status=CaseStatus.OPEN).update(
            status=CaseStatus.CLOSED, closed_at=now
        )
        if closed != 1:
            raise _already_closed()
        change = StatusChange(
            case=case,
            to_status=CaseStatus.CLOSED,
            reason=reason,
            checklist=confirmed,
            note=note,
            actor=actor,
            created_at=now,
        )
        change.full_clean(exclude=["data_key"])
        change.save()
        audit_record(
            action=AuditAction.CLOSE,
            target=case,
            actor=actor,
            detail={
                "reason": reason,
                "checklist": confirmed,
                "stage": run.stage if run is not None else None,
                "note": bool(note),
            },
        )
        _notify_team(case=case, actor=actor)
    case.status = CaseStatus.CLOSED
    case.closed_at = now
    return case


def case_reopen(*, actor: User, case: Case, reason: str) -> Case:
    """Reopen a closed case with a written reason; every write on it is possible again."""
    if not reopen_allowed(actor=actor, case=case):
        raise PermissionDenied
    reason = reason.strip()
    if case.status == CaseStatus.OPEN:
        raise ValidationError(_("Este caso ya está abierto."), code="already_open")
    if len(reason) < MIN_REOPEN_REASON:
        message = _("Escribe por qué se reabre el caso, con al menos %(count)d caracteres.") % {
            "count": MIN_REOPEN_REASON
        }
        raise ValidationError({"reason": ValidationError(message, code="reason_too_short")})
    closing = case.status_changes.filter(to_status=CaseStatus.CLOSED).order_by("-created_at", "-id")
    closed_for = closing.values_list("reason", flat=True).first()
    with transaction.atomic():
        now = timezone.now()
        reopened = Case.objects.filter(pk=case.pk, status=CaseStatus.CLOSED).update(
            status=CaseStatus.OPEN, closed_at=None
        )
        if reopened != 1:
            raise ValidationError(
                _("Otra persona ya reabrió este caso. Vuelve a abrir el expediente."),
                code="already_open",
            )
        change = StatusChange(
            case=case,
            to_status=CaseStatus.OPEN,
            reason=REOPEN_REASON,
            note=reason,
            actor=actor,
            created_at=now,
        )
        change.full_clean(exclude=["data_key"])
        change.save()
        audit_record(
            action=AuditAction.REOPEN,
            target=case,
            actor=actor,
            detail={"reason": REOPEN_REASON, "closed_for": closed_for},
        )
        _notify_team(case=case, actor=actor)
    case.status = CaseStatus.OPEN
    case.closed_at = None
    return case


def _notify_team(*, case: Case, actor: User) -> None:
    """Tell the people assigned to the case (never the actor, never a party), after commit."""
    parties = CaseParty.objects.filter(case=case, user__isnull=False).values("user")
    recipients = list(
        User.objects.filter(
            pk__in=CaseAssignment.objects.filter(case=case, ended_at__isnull=True).values("user"),
            is_active=True,
        )
        .exclude(pk=actor.pk)
        .exclude(pk__in=parties)
    )
    folio = case.folio
    name = actor.full_name

    def send() -> None:
        notifications_send(
            recipients=recipients,
            kind=NotificationKind.PROTOCOL_NOTICE,
            folio=folio,
            actor_name=name,
        )

    transaction.on_commit(send)
