"""Every write to a case goes through here: one transaction, validated, audited."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts import roles
from violeta.accounts.models import User
from violeta.audit.services import audit_record
from violeta.cases.models import (
    AccountAddition,
    AccountTaking,
    AssignmentKind,
    Case,
    CaseAssignment,
    CaseNote,
    CaseParty,
    EmergencyAccess,
    FolioCounter,
    PartyKind,
    TakingReason,
)
from violeta.cases.selectors import case_reading, is_party
from violeta.catalogs.models import Dependencia
from violeta.notifications.models import NotificationKind
from violeta.notifications.services import notifications_send
from violeta.protocols.models import ProtocolVersion
from violeta.protocols.selectors_definitions import protocols_current
from violeta.protocols.services import run_start

OPPOSITE = {PartyKind.AFECTADA: PartyKind.SENALADA, PartyKind.SENALADA: PartyKind.AFECTADA}


def folio_next(*, year: int | None = None) -> str:
    """The next readable folio, e.g. IMM-2026-00042. Never repeats, even under concurrency:
    the counter row is incremented by an UPDATE, which locks it until the transaction ends."""
    year = year or timezone.localdate().year
    with transaction.atomic():
        FolioCounter.objects.get_or_create(year=year)
        FolioCounter.objects.filter(year=year).update(last=F("last") + 1)
        number = FolioCounter.objects.get(year=year).last
    return f"{settings.CASE_FOLIO_PREFIX}-{year}-{number:05d}"


def case_register(
    *,
    actor: User,
    dependencia: Dependencia,
    account: str,
    affected_name: str,
    accused_name: str,
    accused_user: User | None = None,
    accused_is_public_servant: bool = False,
    protocol: ProtocolVersion | None = None,
    consent_comite: bool = False,
) -> Case:
    if not roles.can_register_cases(actor):
        raise PermissionDenied
    if accused_user is not None and accused_user.pk == actor.pk:
        raise ValidationError(
            _("No puedes registrar un caso en el que eres la persona señalada."),
            code="actor_is_party",
        )
    with transaction.atomic():
        case = Case(
            folio=folio_next(),
            dependencia=dependencia,
            registered_by=actor,
            account=account,
        )
        if roles.is_atencion(actor) or roles.is_coordinacion(actor):
            case.taken_by_imm_at = timezone.now()
        if consent_comite:
            case.consent_comite_at = timezone.now()
            case.consent_comite_by = actor
        case.full_clean(exclude=["data_key"])
        case.save()
        affected = CaseParty.objects.create(
            case=case, kind=PartyKind.AFECTADA, display_name=affected_name
        )
        CaseParty.objects.create(
            case=case,
            kind=PartyKind.SENALADA,
            display_name=accused_name,
            user=accused_user,
            is_public_servant=accused_is_public_servant or accused_user is not None,
        )
        AccountTaking.objects.create(case=case, taken_by=actor, reason=TakingReason.INTAKE)
        audit_record(action="create", target=case, detail={"parties": 2})
        run_start(protocol=protocol or default_protocol(), subject=case, actor=actor)
        if roles.is_atencion(actor):
            _assign(
                case=case,
                user=actor,
                attends=affected,
                kind=AssignmentKind(actor.specialty or AssignmentKind.PSICOLOGIA),
                actor=actor,
            )
    return case


def attention_conflict(*, user: User, party: CaseParty) -> str | None:
    """Why ``user`` may not attend ``party``, or None.

    LEDMVLV art. 40: the victim and the aggressor are never attended by the same person. A
    worker who attends one side of a conflict (in this case or, for the same person, in any
    other) may not attend the other side.
    """
    if party.user_id is not None and party.user_id == user.pk:
        return _("Es parte en este caso.")
    attended = [
        assignment.attends
        for assignment in CaseAssignment.objects.filter(
            user=user, ended_at__isnull=True
        ).select_related("attends")
    ]
    for other in attended:
        if other.pk == party.pk:
            continue
        if _same_person_on_the_other_side(other, party) or _same_person_on_the_other_side(
            party, other
        ):
            return _(
                "Ya atiende a la otra parte de este conflicto; la persona afectada y la persona "
                "señalada nunca son atendidas por la misma persona (LEDMVLV art. 40)."
            )
    return None


def _same_person_on_the_other_side(attended: CaseParty, candidate: CaseParty) -> bool:
    """Is ``candidate`` the same person as someone on the other side of ``attended``'s case?"""
    opposite = OPPOSITE.get(PartyKind(attended.kind))
    if opposite is None:
        return False
    for other in CaseParty.objects.filter(case_id=attended.case_id, kind=opposite):
        if other.pk == candidate.pk or _same_person(other, candidate):
            return True
    return False


def _same_person(a: CaseParty, b: CaseParty) -> bool:
    if a.user_id is not None and a.user_id == b.user_id:
        return True
    for field in ("curp_bidx", "employee_number_bidx"):
        if getattr(a, field) and getattr(a, field) == getattr(b, field):
            return True
    return False


def _assign(
    *, case: Case, user: User, attends: CaseParty, kind: AssignmentKind, actor: User
) -> CaseAssignment:
    if is_party(user=user, case=case):
        raise ValidationError(_("Esa persona es parte en este caso."), code="party")
    conflict = attention_conflict(user=user, party=attends)
    if conflict:
        raise ValidationError(conflict, code="conflict")
    if CaseAssignment.objects.filter(case=case, user=user, ended_at__isnull=True).exists():
        raise ValidationError(_("Esa persona ya está asignada a este caso."), code="duplicate")
    assignment = CaseAssignment.objects.create(
        case=case, user=user, attends=attends, kind=kind, assigned_by=actor
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
        assignment = _assign(case=case, user=user, attends=attends, kind=kind, actor=actor)
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


def default_protocol() -> ProtocolVersion:
    current = {version.code: version for version in protocols_current()}
    try:
        return current[settings.DEFAULT_PROTOCOL]
    except KeyError:
        raise ValidationError(
            _("No hay protocolos cargados. Pide a administración que los cargue."),
            code="no_protocol",
        ) from None


def case_consent_comite_record(*, actor: User, case: Case) -> Case:
    """Record that she agreed, today, to share her recorded account with the comité and OIC."""
    if not case_reading(user=actor, case=case).act:
        raise PermissionDenied
    with transaction.atomic():
        Case.objects.filter(pk=case.pk, consent_comite_at__isnull=True).update(
            consent_comite_at=timezone.now(), consent_comite_by=actor
        )
        case.refresh_from_db()
        audit_record(action="update", target=case, detail={"consent": "comite_oic"})
    return case


def case_viewed(*, viewer: Any, case: Case, sections: list[str]) -> None:
    audit_record(action="view", target=case, detail={"sections": sections}, actor=viewer)


def case_account_append(
    *,
    actor: User,
    case: Case,
    body: str,
    retold: bool = False,
    reason: TakingReason | None = None,
) -> AccountAddition:
    """Add to the recorded account. ``retold`` says she was asked to tell it again: that is
    counted, with its reason, so coordinación can see every case where it happened."""
    reading = case_reading(user=actor, case=case)
    if not (reading.account and reading.act):
        raise PermissionDenied
    if not body.strip():
        raise ValidationError(_("La adición está vacía."), code="empty")
    if retold and (reason is None or reason == TakingReason.INTAKE):
        raise ValidationError(
            _("Indica por qué se le pidió volver a narrar los hechos."), code="reason"
        )
    with transaction.atomic():
        addition = AccountAddition.objects.create(case=case, author=actor, body=body.strip())
        if retold and reason is not None:
            AccountTaking.objects.create(case=case, taken_by=actor, reason=reason)
        audit_record(
            action="create", target=addition, detail={"case": str(case.pk), "retold": retold}
        )
    return addition
