"""Writes of the procedure's first part: opening it, notifying the accused, comité sessions
with conflict-of-interest excusal and quorum, medidas de protección and their votes,
compliance, renewal and expiry reminders. One transaction each, audited with codes only.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts import roles
from violeta.accounts.models import User
from violeta.audit.models import AuditAction
from violeta.audit.services import audit_record
from violeta.cases.models import Case, CaseAssignment, CaseParty, ConsentPurpose
from violeta.cases.services.consent import consent_require
from violeta.notifications.models import NotificationKind
from violeta.notifications.services import notifications_send
from violeta.protocols.calendar import due_at
from violeta.protocols.services import TransitionRefused, checklist_resolve, run_for
from violeta.sanctions.models import (
    ComiteMember,
    ComiteSession,
    ComplianceCheck,
    Excuse,
    Measure,
    MeasureKind,
    MeasureStatus,
    MeasureSubject,
    Procedure,
    SessionMember,
    SessionStatus,
    Vote,
    VoteChoice,
    VoteResult,
)
from violeta.sanctions.selectors import (
    accused_servants,
    may_conduct,
    member_conflict,
)
from violeta.sanctions.signals import measures_changed

ALLEGATIONS_MIN_LENGTH = 30
# LGRA art. 208 fr. II: between the notice and the initial hearing, 10 to 15 días hábiles.
RESPONSE_TERM_DAYS = 10


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def procedure_open(*, actor: User, case: Case, accused: CaseParty, allegations: str) -> Procedure:
    """Open the procedure against one person accused who is a public servant. Her account
    reaches the comité and the OIC only with her consent for that (or a legal override)."""
    _require(may_conduct(user=actor, case=case))
    if not accused_servants(case=case).filter(pk=accused.pk).exists():
        raise ValidationError(
            {
                "accused": _(
                    "El procedimiento interno sólo procede contra una persona servidora "
                    "pública señalada en este caso."
                )
            }
        )
    allegations = allegations.strip()
    if len(allegations) < ALLEGATIONS_MIN_LENGTH:
        raise ValidationError(
            {
                "allegations": _(
                    "Describe los hechos que se le atribuyen con al menos %(count)d caracteres."
                )
                % {"count": ALLEGATIONS_MIN_LENGTH}
            }
        )
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        if Procedure.objects.filter(case=case).exists():
            raise ValidationError(_("Este caso ya tiene un procedimiento."))
        consent_require(case=case, purpose=ConsentPurpose.COMITE_OIC, override=_override(case))
        procedure = Procedure.objects.create(
            case=case, accused=accused, allegations=allegations, opened_by=actor
        )
        audit_record(action=AuditAction.CREATE, target=procedure, detail={"procedure": True})
    return procedure


def _override(case: Case) -> Any:
    from violeta.cases.models import ConsentOverride

    return (
        ConsentOverride.objects.filter(case=case, purpose=ConsentPurpose.COMITE_OIC)
        .order_by("-created_at")
        .first()
    )


def accused_notify(
    *, actor: User, procedure: Procedure, when: datetime.datetime | None = None
) -> Procedure:
    """Record that he was notified (emplazamiento): from then runs his term to present
    evidence and arguments."""
    _require(may_conduct(user=actor, case=procedure.case))
    when = when or timezone.now()
    with transaction.atomic():
        updated = Procedure.objects.filter(
            pk=procedure.pk, accused_notified_at__isnull=True
        ).update(
            accused_notified_at=when,
            response_due_at=due_at(start=when, amount=RESPONSE_TERM_DAYS, unit="business_days"),
        )
        if not updated:
            raise ValidationError(_("La notificación ya estaba registrada."))
        procedure.refresh_from_db()
        audit_record(action=AuditAction.UPDATE, target=procedure, detail={"notified": "accused"})
    if procedure.accused.user_id:
        recipients = [procedure.accused.user]
        if procedure.representative_id:
            recipients.append(procedure.representative)
        transaction.on_commit(
            lambda: notifications_send(
                recipients=recipients,
                kind=NotificationKind.PROCEDURE_NOTICE,
                folio=procedure.case.folio,
            )
        )
    return procedure


def quorum_for(active_members: int) -> int:
    """The quorum: ``COMITE_QUORUM`` if set, otherwise a majority of the active members."""
    configured = getattr(settings, "COMITE_QUORUM", 0)
    return configured or active_members // 2 + 1


def session_convene(
    *,
    actor: User,
    procedure: Procedure,
    scheduled_for: datetime.datetime,
    place: str,
    members: Iterable[ComiteMember] | None = None,
) -> ComiteSession:
    """Convene the comité. Every member is listed; whoever has a conflict on record is
    excused at once and cannot be un-excused."""
    _require(may_conduct(user=actor, case=procedure.case))
    active = list(
        ComiteMember.objects.filter(active=True, user__is_active=True).select_related(
            "user__dependencia"
        )
    )
    chosen = active if members is None else [m for m in members if m in active]
    if not chosen:
        raise ValidationError(_("No hay integrantes activos del comité. Avisa a administración."))
    with transaction.atomic():
        Procedure.objects.select_for_update().filter(pk=procedure.pk).first()
        number = procedure.sessions.count() + 1
        session = ComiteSession.objects.create(
            procedure=procedure,
            number=number,
            scheduled_for=scheduled_for,
            place=place.strip(),
            convened_by=actor,
            quorum_required=quorum_for(len(active)),
        )
        conflicts = {m.pk: member_conflict(member=m, case=procedure.case) for m in chosen}
        for member in chosen:
            conflict = conflicts[member.pk]
            SessionMember.objects.create(
                session=session, member=member, excuse=conflict.value if conflict else ""
            )
        audit_record(
            action=AuditAction.CREATE,
            target=session,
            detail={"session": number, "members": len(chosen)},
        )
        recipients = [m.user for m in chosen if conflicts[m.pk] is None]
        transaction.on_commit(
            lambda: notifications_send(
                recipients=recipients,
                kind=NotificationKind.COMITE_CONVENED,
                folio=procedure.case.folio,
            )
        )
    return session


def session_member_excuse(
    *, actor: User, session_member: SessionMember, excuse: Excuse, note: str = ""
) -> SessionMember:
    """A declared conflict (kinship, another interest): the member steps aside."""
    session = session_member.session
    _require(may_conduct(user=actor, case=session.procedure.case))
    if session.status != SessionStatus.CONVOCADA:
        raise ValidationError(_("La sesión ya se celebró."))
    note = note.strip()
    if excuse in (Excuse.PARENTESCO, Excuse.OTRO_INTERES) and not note:
        raise ValidationError({"note": _("Anota en qué consiste el conflicto.")})
    with transaction.atomic():
        session_member.excuse = excuse
        session_member.excuse_note = note
        session_member.save(update_fields=["excuse", "excuse_note"])
        audit_record(action=AuditAction.UPDATE, target=session, detail={"excused": str(excuse)})
    return session_member


def session_hold(
    *, actor: User, session: ComiteSession, present: Iterable[Any], agreements: str = ""
) -> ComiteSession:
    """Record who attended. Without quorum (excused members do not count) nothing is voted."""
    _require(may_conduct(user=actor, case=session.procedure.case))
    present_ids = {str(pk) for pk in present}
    with transaction.atomic():
        locked = ComiteSession.objects.select_for_update().get(pk=session.pk)
        if locked.status != SessionStatus.CONVOCADA:
            raise ValidationError(_("La sesión ya se celebró."))
        members = list(session.members.all())
        for member in members:
            member.present = str(member.pk) in present_ids
            member.save(update_fields=["present"])
        voting = sum(1 for member in members if member.may_vote)
        session.status = (
            SessionStatus.CELEBRADA
            if voting >= session.quorum_required
            else SessionStatus.SIN_QUORUM
        )
        session.held_at = timezone.now()
        session.agreements = agreements.strip()
        session.save(update_fields=["status", "held_at", "agreements"])
        audit_record(
            action=AuditAction.UPDATE,
            target=session,
            detail={"status": session.status, "present": sum(bool(m.present) for m in members)},
        )
    return session


def measure_propose(
    *,
    actor: User,
    session: ComiteSession,
    kind: MeasureKind,
    subject: MeasureSubject,
    responsible: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    detail: str = "",
    renews: Measure | None = None,
) -> Measure:
    procedure = session.procedure
    _require(may_conduct(user=actor, case=procedure.case))
    if session.status == SessionStatus.SIN_QUORUM:
        raise ValidationError(_("La sesión no tuvo quórum: no se votan medidas."))
    problems: dict[str, str] = {}
    if ends_on < starts_on:
        problems["ends_on"] = _("La medida no puede terminar antes de empezar.")
    if not responsible.strip():
        problems["responsible"] = _("Indica quién debe cumplirla.")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        measure = Measure.objects.create(
            procedure=procedure,
            session=session,
            kind=kind,
            subject=subject,
            detail=detail.strip(),
            responsible=responsible.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            renews=renews,
            proposed_by=actor,
        )
        audit_record(
            action=AuditAction.CREATE,
            target=measure,
            detail={"measure": str(kind), "subject": str(subject)},
        )
    return measure


def measure_her_consent(*, actor: User, measure: Measure) -> Measure:
    """She agreed to a measure that changes where, when or how she works."""
    case = measure.procedure.case
    _require(may_conduct(user=actor, case=case) or _attends(actor, case))
    with transaction.atomic():
        Measure.objects.filter(pk=measure.pk).update(
            her_consent_at=timezone.now(), her_consent_by=actor
        )
        measure.refresh_from_db()
        audit_record(action=AuditAction.CONSENT, target=measure, detail={"measure": measure.kind})
    return measure


def _attends(user: Any, case: Case) -> bool:
    return (
        roles.is_atencion(user)
        and CaseAssignment.objects.filter(case=case, user=user, ended_at__isnull=True).exists()
    )


def votes_record(*, actor: User, measure: Measure, votes: dict[Any, VoteChoice]) -> Measure:
    """Record each eligible member's vote and the result. Every present member without an
    excuse must vote (an abstention is a vote); an excused member cannot."""
    session = measure.session
    assert session is not None  # noqa: S101 - every measure is proposed in a session
    _require(may_conduct(user=actor, case=measure.procedure.case))
    if session.status != SessionStatus.CELEBRADA:
        raise ValidationError(_("Sólo se vota en una sesión celebrada con quórum."))
    if measure.status != MeasureStatus.PROPUESTA:
        raise ValidationError(_("Esta medida ya se votó."))
    if measure.moves_her and measure.her_consent_at is None:
        raise ValidationError(
            _(
                "Esta medida cambia su lugar, horario o forma de trabajo: necesita su "
                "consentimiento registrado antes de votarse. Nunca se le castiga por denunciar."
            )
        )
    members = {str(m.pk): m for m in session.members.select_related("member__user")}
    cast = {str(pk): VoteChoice(choice) for pk, choice in votes.items()}
    for pk in cast:
        member = members.get(pk)
        if member is None:
            raise ValidationError(_("Esa persona no fue convocada a esta sesión."))
        if not member.may_vote:
            raise ValidationError(
                _("%(name)s no puede votar: %(why)s.")
                % {
                    "name": member.member.user.full_name,
                    "why": member.get_excuse_display()
                    if member.excuse
                    else _("no estuvo presente"),
                }
            )
    eligible = [m for m in members.values() if m.may_vote]
    missing = [m.member.user.full_name for m in eligible if str(m.pk) not in cast]
    if missing:
        raise ValidationError(_("Falta el voto de: %(names)s.") % {"names": ", ".join(missing)})
    in_favour = sum(1 for choice in cast.values() if choice == VoteChoice.A_FAVOR)
    if in_favour == len(eligible):
        result = VoteResult.UNANIMIDAD
    elif in_favour * 2 > len(eligible):
        result = VoteResult.MAYORIA
    else:
        result = VoteResult.RECHAZADA
    with transaction.atomic():
        updated = Measure.objects.filter(pk=measure.pk, status=MeasureStatus.PROPUESTA).update(
            status=MeasureStatus.RECHAZADA
            if result == VoteResult.RECHAZADA
            else MeasureStatus.APROBADA,
            result=result,
        )
        if not updated:
            raise ValidationError(_("Esta medida ya se votó."))
        measures_changed.send(sender=Measure, case_ids=[measure.procedure.case_id])
        Vote.objects.bulk_create(
            Vote(measure=measure, member=members[pk], choice=choice, recorded_by=actor)
            for pk, choice in cast.items()
        )
        measure.refresh_from_db()
        audit_record(
            action=AuditAction.UPDATE,
            target=measure,
            detail={
                "result": str(result),
                "in_favour": in_favour,
                "eligible": len(eligible),
            },
        )
        if result != VoteResult.RECHAZADA:
            _measures_voted(actor, measure)
            recipients = _conductors(measure.procedure.case)
            transaction.on_commit(
                lambda: notifications_send(
                    recipients=recipients,
                    kind=NotificationKind.MEASURE_APPROVED,
                    folio=measure.procedure.case.folio,
                )
            )
    return measure


def _measures_voted(actor: User, measure: Measure) -> None:
    """Tick the protocol's "measures voted" item when the run is at that step."""
    run = run_for(measure.procedure.case)
    if run is None:
        return
    # Another protocol, another stage or a role that does not tick it: nothing to do.
    with contextlib.suppress(TransitionRefused):
        checklist_resolve(run=run, item="medidas_votadas", actor=actor)


def _conductors(case: Case) -> list[Any]:
    assigned = User.objects.filter(
        pk__in=CaseAssignment.objects.filter(case=case, ended_at__isnull=True).values("user"),
        role__in=[roles.Role.AUTORIDAD, roles.Role.COORDINACION],
        is_active=True,
    )
    coordinators = User.objects.filter(role=roles.Role.COORDINACION, is_active=True)
    parties = CaseParty.objects.filter(case=case, user__isnull=False).values("user")
    return list((assigned | coordinators).exclude(pk__in=parties).distinct())


def compliance_record(
    *, actor: User, measure: Measure, complied: bool, note: str = ""
) -> ComplianceCheck:
    _require(may_conduct(user=actor, case=measure.procedure.case))
    if measure.status != MeasureStatus.APROBADA:
        raise ValidationError(_("Sólo se da seguimiento a una medida aprobada."))
    if not complied and not note.strip():
        raise ValidationError({"note": _("Anota qué falta por cumplir.")})
    with transaction.atomic():
        check = ComplianceCheck.objects.create(
            measure=measure, complied=complied, note=note.strip(), checked_by=actor
        )
        audit_record(action=AuditAction.UPDATE, target=measure, detail={"complied": complied})
    if not complied:
        recipients = _conductors(measure.procedure.case)
        transaction.on_commit(
            lambda: notifications_send(
                recipients=recipients,
                kind=NotificationKind.MEASURE_BREACHED,
                folio=measure.procedure.case.folio,
            )
        )
    return check


def measures_remind(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Warn before an approved measure ends (``MEASURE_REMINDER_DAYS``, default 3) so the comité
    can renew it, and conclude those past their end. Idempotent. Returns (warned, concluded)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = getattr(settings, "MEASURE_REMINDER_DAYS", 3)
    warned = concluded = 0
    soon = Measure.objects.filter(
        status=MeasureStatus.APROBADA,
        reminded_at__isnull=True,
        ends_on__gte=today,
        ends_on__lte=today + datetime.timedelta(days=days),
    ).select_related("procedure__case")
    for measure in soon:
        with transaction.atomic():
            if not Measure.objects.filter(pk=measure.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            recipients = _conductors(measure.procedure.case)
            folio = measure.procedure.case.folio
            transaction.on_commit(functools.partial(_expiring_notice, recipients, folio))
            warned += 1
    ending = Measure.objects.filter(Q(status=MeasureStatus.APROBADA) & Q(ends_on__lt=today))
    with transaction.atomic():
        case_ids = set(ending.values_list("procedure__case_id", flat=True))
        concluded = ending.update(status=MeasureStatus.CONCLUIDA)
        if case_ids:
            measures_changed.send(sender=Measure, case_ids=sorted(case_ids, key=str))
    return warned, concluded


def _expiring_notice(recipients: list[Any], folio: str) -> None:
    notifications_send(recipients=recipients, kind=NotificationKind.MEASURE_EXPIRING, folio=folio)


def measure_renew(
    *, actor: User, measure: Measure, session: ComiteSession, ends_on: datetime.date
) -> Measure:
    """Propose the same measure again from the day after it ends; the comité votes it anew."""
    if measure.status not in (MeasureStatus.APROBADA, MeasureStatus.CONCLUIDA):
        raise ValidationError(_("Sólo se renueva una medida que estuvo aprobada."))
    return measure_propose(
        actor=actor,
        session=session,
        kind=MeasureKind(measure.kind),
        subject=MeasureSubject(measure.subject),
        responsible=measure.responsible,
        starts_on=measure.ends_on + datetime.timedelta(days=1),
        ends_on=ends_on,
        detail=measure.detail,
        renews=measure,
    )


def representative_set(*, actor: User, procedure: Procedure, email: str) -> Procedure:
    """Record the staff account that represents the accused: it then sees what he sees. Never
    someone on the other side, in the comité, or working on the case."""
    case = procedure.case
    _require(may_conduct(user=actor, case=case))
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise ValidationError({"email": _("No hay una cuenta activa con ese correo.")})
    party = CaseParty.objects.filter(case=case, user=user).exclude(pk=procedure.accused_id)
    assigned = CaseAssignment.objects.filter(case=case, user=user, ended_at__isnull=True)
    if party.exists() or assigned.exists() or ComiteMember.objects.filter(user=user).exists():
        raise ValidationError(
            {
                "email": _(
                    "Esa persona no puede representarlo: es parte del caso, trabaja en él o "
                    "integra el comité."
                )
            }
        )
    with transaction.atomic():
        Procedure.objects.filter(pk=procedure.pk).update(representative=user)
        procedure.refresh_from_db()
        audit_record(action=AuditAction.UPDATE, target=procedure, detail={"representative": True})
    return procedure
