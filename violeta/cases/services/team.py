"""Who works on a case: assignments (never both sides), emergency access, team notes."""

from __future__ import annotations

import datetime
import functools
import operator
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts import roles
from violeta.accounts.models import User
from violeta.audit.services import audit_record
from violeta.cases.models import (
    AssignmentKind,
    Case,
    CaseAssignment,
    CaseNote,
    CaseParty,
    ConsentPurpose,
    EmergencyAccess,
    PartyKind,
)
from violeta.cases.selectors import case_reading, is_party
from violeta.cases.selectors_inbox import case_next_deadline
from violeta.cases.services.consent import consent_require
from violeta.notifications.models import NotificationKind
from violeta.notifications.services import notifications_send

OPPOSITE = {PartyKind.AFECTADA: PartyKind.SENALADA, PartyKind.SENALADA: PartyKind.AFECTADA}


def attention_conflict(*, user: User, party: CaseParty) -> str | None:
    """Why ``user`` may not attend ``party``, or None.

    LEDMVLV art. 40: the victim and the aggressor are never attended by the same person. A
    worker who attends one side of a conflict (in this case or, for the same person, in any
    other) may not attend the other side.

    Two statements whatever the worker's caseload: the people who are ``party`` (the row, her
    user, her CURP or employee number, through the blind indexes) are looked for on the other
    side of the cases she attends, and the people on the other side of ``party``'s case among
    those she attends.
    """
    if party.user_id is not None and party.user_id == user.pk:
        return _("Es parte en este caso.")
    attended = CaseAssignment.objects.filter(user=user, ended_at__isnull=True).exclude(
        attends=party.pk
    )
    # ``party`` on the other side of a case the worker attends.
    same_as_party = Q(pk=party.pk)
    if party.user_id is not None:
        same_as_party |= Q(user_id=party.user_id)
    for field in _SAME_PERSON_INDEXES:
        if getattr(party, field):
            same_as_party |= Q(**{field: getattr(party, field)})
    other_side_of_attended = functools.reduce(
        operator.or_,
        (
            Q(
                Exists(attended.filter(attends__case_id=OuterRef("case_id"), attends__kind=kind)),
                kind=opposite,
            )
            for kind, opposite in OPPOSITE.items()
        ),
    )
    conflict = CaseParty.objects.filter(same_as_party).filter(other_side_of_attended).exists()
    # Someone on the other side of ``party``'s case among those the worker attends.
    opposite = OPPOSITE.get(PartyKind(party.kind))
    if not conflict and opposite is not None:
        others = CaseParty.objects.filter(case_id=party.case_id, kind=opposite)
        same_as_other = Q(attends__in=others.values("pk")) | Q(
            attends__user_id__in=others.filter(user_id__isnull=False).values("user_id")
        )
        for field in _SAME_PERSON_INDEXES:
            same_as_other |= Q(
                **{f"attends__{field}__in": others.exclude(**{field: ""}).values(field)}
            )
        conflict = attended.filter(same_as_other).exists()
    if conflict:
        return _(
            "Ya atiende a la otra parte de este conflicto; la persona afectada y la persona "
            "señalada nunca son atendidas por la misma persona (LEDMVLV art. 40)."
        )
    return None


# The identifiers that make two parties the same person (besides a user account).
_SAME_PERSON_INDEXES = ("curp_bidx", "employee_number_bidx")


def assignment_add(
    *,
    case: Case,
    user: User,
    attends: CaseParty,
    kind: AssignmentKind,
    actor: User,
    new_case: bool = False,
) -> CaseAssignment:
    """Assign, enforcing the rules about the assignee. The caller has checked the actor.

    ``new_case``: the case is being registered in this transaction, by a caller that has
    checked that ``user`` is none of its parties; nobody is assigned to it yet."""
    if not new_case and is_party(user=user, case=case):
        raise ValidationError(_("Esa persona es parte en este caso."), code="party")
    conflict = attention_conflict(user=user, party=attends)
    if conflict:
        raise ValidationError(conflict, code="conflict")
    if (
        not new_case
        and CaseAssignment.objects.filter(case=case, user=user, ended_at__isnull=True).exists()
    ):
        raise ValidationError(_("Esa persona ya está asignada a este caso."), code="duplicate")
    assignment = CaseAssignment.objects.create(
        case=case,
        user=user,
        attends=attends,
        kind=kind,
        assigned_by=actor,
        # The case's next deadline, which the assignment keeps while active.
        next_deadline_at=Subquery(case_next_deadline(case.pk)),
    )
    audit_record(action="assign", target=case, detail={"user": user.pk, "kind": str(kind)})
    return assignment


def case_assign(
    *, actor: User, case: Case, user: User, attends: CaseParty, kind: AssignmentKind
) -> CaseAssignment:
    if not roles.can_assign_cases(actor) or is_party(user=actor, case=case):
        raise PermissionDenied
    if not (roles.is_atencion(user) or roles.is_autoridad(user)):
        raise ValidationError(
            _("Sólo se asigna a personal de atención o a la autoridad."), code="role"
        )
    if attends.case_id != case.pk:
        raise ValidationError(_("La persona atendida no pertenece a este caso."), code="party")
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        if roles.is_autoridad(user):
            # Giving the comité or the OIC the file shares her account: it needs her consent.
            consent_require(case=case, purpose=ConsentPurpose.COMITE_OIC)
        assignment = assignment_add(case=case, user=user, attends=attends, kind=kind, actor=actor)
        if case.taken_by_imm_at is None:
            case.taken_by_imm_at = timezone.now()
            case.save(update_fields=["taken_by_imm_at"])
        transaction.on_commit(
            lambda: notifications_send(
                recipients=[user], kind=NotificationKind.CASE_ASSIGNED, folio=case.folio
            )
        )
    return assignment


def emergency_access_grant(*, actor: User, case: Case, reason: str) -> EmergencyAccess:
    """Acceso de emergencia: immediate, limited in time, justified in writing, audited, and
    announced to coordinación."""
    if not roles.handles_cases(actor) or is_party(user=actor, case=case):
        raise PermissionDenied
    reason = reason.strip()
    if len(reason) < 20:
        raise ValidationError(
            _("Explica el motivo con al menos 20 caracteres."), code="reason_too_short"
        )
    minutes = settings.EMERGENCY_ACCESS_MINUTES
    with transaction.atomic():
        access = EmergencyAccess.objects.create(
            case=case,
            user=actor,
            reason=reason,
            expires_at=timezone.now() + datetime.timedelta(minutes=minutes),
        )
        audit_record(action="emergency_access", target=case, detail={"minutes": minutes})
        # One query: every active coordinator but the actor and anyone who is a party.
        recipients = list(
            User.objects.filter(role=roles.Role.COORDINACION, is_active=True)
            .exclude(pk=actor.pk)
            .exclude(case_parties__case=case)
        )
        transaction.on_commit(
            lambda: notifications_send(
                recipients=recipients,
                kind=NotificationKind.EMERGENCY_ACCESS,
                folio=case.folio,
                actor_name=actor.full_name,
            )
        )
    return access


def case_note_add(*, actor: User, case: Case, body: str) -> CaseNote:
    if not case_reading(user=actor, case=case).add_note:
        raise PermissionDenied
    if not body.strip():
        raise ValidationError(_("La nota está vacía."), code="empty")
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, author=actor, body=body.strip())
        audit_record(action="create", target=note, detail={"case": str(case.pk)})
    return note


def case_viewed(*, viewer: Any, case: Case, sections: list[str]) -> None:
    audit_record(action="view", target=case, detail={"sections": sections}, actor=viewer)


def case_search_recorded(*, viewer: Any, results: int) -> None:
    """A search by identifier says whether a person appears in any case, so it is audited.
    Only that it happened and how many cases it found: never what was typed (even hashed, a
    blind index in the log would let its readers link searches to people)."""
    audit_record(
        action="view",
        target_type="cases.Case",
        detail={"search": "identifier", "results": results},
        actor=viewer,
    )
