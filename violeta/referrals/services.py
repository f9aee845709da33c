"""Every write about referrals. Each function is one transaction, audited.

Who may act: atención and coordinación who are responsible for the case
(``case_reading(...).act``). Sharing anything with an institution goes through
``consent_require`` inside the transaction that shares: her consent for that institution in
force, or a legal override made for that one referral.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from violeta.accounts import roles
from violeta.accounts.models import User
from violeta.audit.models import AuditAction
from violeta.audit.services import audit_record
from violeta.cases.models import (
    Case,
    ConsentOverride,
    ConsentPurpose,
    GuidelineCheck,
    GuidelineStatus,
)
from violeta.cases.selectors import case_reading, consent_scope
from violeta.cases.services.consent import consent_override, consent_require
from violeta.cases.services.guidelines import guideline_resolve
from violeta.catalogs.models import Institution
from violeta.catalogs.vocabulary import Handle
from violeta.protocols.calendar import due_at
from violeta.protocols.services import run_for, task_add, task_settle
from violeta.referrals import rules
from violeta.referrals.models import (
    OPEN_STATUSES,
    TRANSITIONS,
    OficioIssue,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ReferralWishes,
    Residence,
    Wish,
)

# Follow-up terms, in días hábiles, after which an unanswered step becomes overdue.
RECEIPT_TERM_DAYS = 3
ATTENTION_TERM_DAYS = 10
TASK_ROLE = roles.Role.ATENCION
REASON_MIN_LENGTH = 15
# Outcomes that need a written note: why the institution refused, or why she declined.
NOTE_REQUIRED = frozenset({ReferralStatus.RECHAZADA})


def may_refer(*, user: Any, case: Case) -> bool:
    """Atención and coordinación responsible for the case propose and track referrals."""
    return (roles.is_atencion(user) or roles.is_coordinacion(user)) and case_reading(
        user=user, case=case
    ).act


def may_issue_oficio(*, user: Any, case: Case) -> bool:
    """The oficio may carry her account: only someone who may read it, and act, issues one."""
    reading = case_reading(user=user, case=case)
    return may_refer(user=user, case=case) and reading.account


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def wishes_record(
    *, actor: User, case: Case, wants_denuncia: Wish, residence: Residence
) -> ReferralWishes:
    _require(may_refer(user=actor, case=case))
    with transaction.atomic():
        wishes = ReferralWishes.objects.create(
            case=case, wants_denuncia=wants_denuncia, residence=residence, recorded_by=actor
        )
        audit_record(
            action=AuditAction.UPDATE,
            target=case,
            detail={"referral_wishes": True},
        )
    return wishes


def _task_code(referral: Referral, step: str) -> str:
    return f"canalizacion:{step}:{referral.pk.hex}"


def referral_propose(
    *,
    actor: User,
    case: Case,
    institution: Institution,
    service: str,
    reason: str,
    rule_code: str = "",
) -> Referral:
    """Propose a referral, from a recommendation (``rule_code``) or by hand. A recommendation's
    "mandatory" comes from its rule, never from the form."""
    _require(may_refer(user=actor, case=case))
    reason = reason.strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise ValidationError(
            {
                "reason": _(
                    "Escribe el motivo de la canalización con al menos %(count)d caracteres."
                )
                % {"count": REASON_MIN_LENGTH}
            }
        )
    if service not in Handle.values or service not in institution.handles:
        raise ValidationError(
            {"service": _("Esa institución no ofrece ese servicio según el directorio.")}
        )
    mandatory = False
    if rule_code:
        rule = rules.rule_get(rule_code)
        if rule is None or rule.institution != institution.code:
            raise ValidationError(_("La recomendación no corresponde a esa institución."))
        mandatory = rule.mandatory
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        if Referral.objects.filter(
            case=case, institution=institution, service=service, status__in=OPEN_STATUSES
        ).exists():
            raise ValidationError(
                _("Ya hay una canalización abierta a esa institución por ese servicio.")
            )
        referral = Referral.objects.create(
            case=case,
            institution=institution,
            service=service,
            rule_code=rule_code,
            mandatory=mandatory,
            reason=reason,
            proposed_by=actor,
        )
        ReferralEvent.objects.create(
            referral=referral,
            position=0,
            to_status=ReferralStatus.PROPUESTA,
            actor=actor,
        )
        audit_record(
            action=AuditAction.REFERRAL,
            target=referral,
            detail={
                "status": ReferralStatus.PROPUESTA.value,
                "institution": institution.code,
                "service": service,
                "rule": rule_code or None,
            },
        )
    return referral


def referral_override(
    *, actor: User, referral: Referral, reason: str, scope: list[str]
) -> ConsentOverride:
    """Share this one referral without her consent because the law requires it. The override
    is tied to this referral and spent on it."""
    _require(may_refer(user=actor, case=referral.case))
    if referral.override_id is not None:
        raise ValidationError(_("Esta canalización ya tiene una excepción registrada."))
    if not referral.is_open:
        raise ValidationError(_("La canalización ya concluyó."))
    with transaction.atomic():
        override = consent_override(
            actor=actor,
            case=referral.case,
            purpose=ConsentPurpose.CANALIZACION,
            institution=referral.institution,
            reason=reason,
            scope=scope,
        )
        updated = Referral.objects.filter(pk=referral.pk, override__isnull=True).update(
            override=override
        )
        if not updated:
            raise ValidationError(_("Esta canalización ya tiene una excepción registrada."))
        referral.override = override
    return referral.override


def shared_items_now(*, referral: Referral) -> list[str]:
    """What may be shared with the institution right now: what she agreed to share with it, in
    force now; without that, what the override made for this referral requires. Raises
    ConsentMissing when there is neither."""
    scope = consent_scope(case=referral.case, institution=referral.institution)
    if scope is not None:
        return scope
    consent_require(
        case=referral.case,
        purpose=ConsentPurpose.CANALIZACION,
        institution=referral.institution,
        override=referral.override,
    )
    assert referral.override is not None  # noqa: S101 - consent_require raised otherwise
    return list(referral.override.scope)


def under_override(*, referral: Referral) -> bool:
    """Shared now because of the override, not because she consents."""
    return (
        referral.override_id is not None
        and consent_scope(case=referral.case, institution=referral.institution) is None
    )


@dataclasses.dataclass(frozen=True)
class Oficio:
    content: bytes
    issue: OficioIssue
    filename: str


def oficio_issue(*, actor: User, referral: Referral, language: str = "es") -> Oficio:
    """Make the oficio de canalización carrying only what she agreed to share with that
    institution, record its fingerprint and audit it."""
    from violeta.referrals.oficio import oficio_render

    _require(may_issue_oficio(user=actor, case=referral.case))
    if referral.status not in OPEN_STATUSES:
        raise ValidationError(_("La canalización ya concluyó; no se emiten más oficios."))
    with transaction.atomic():
        items = shared_items_now(referral=referral)
        now = timezone.now()
        content = oficio_render(
            referral=referral, items=items, actor=actor, issued_at=now, language=language
        )
        issue = OficioIssue.objects.create(
            referral=referral,
            issued_by=actor,
            issued_at=now,
            shared_items=items,
            sha256=hashlib.sha256(content).hexdigest(),
        )
        audit_record(
            action=AuditAction.DOCUMENT,
            target=referral,
            detail={
                "document": "oficio_canalizacion",
                "institution": referral.institution.code,
                "shared_items": items,
                "sha256": issue.sha256,
                "override": under_override(referral=referral),
            },
        )
    filename = f"oficio-{referral.case.folio}-{referral.institution.code}.pdf"
    return Oficio(content=content, issue=issue, filename=filename)


def _business_due(start: datetime.datetime, days: int) -> datetime.datetime:
    return due_at(start=start, amount=days, unit="business_days")


def referral_move(
    *,
    actor: User,
    referral: Referral,
    to: ReferralStatus,
    note: str = "",
    contact_person: str = "",
) -> Referral:
    """Move a referral to its next status (compare-and-set: two people cannot both move it
    from the same status). Sending needs her consent (or the override) and records what was
    shared; each step opens or settles its follow-up task in the protocol engine."""
    case = referral.case
    _require(may_refer(user=actor, case=case))
    to = ReferralStatus(to)
    note = note.strip()
    if to not in TRANSITIONS[referral.status]:
        raise ValidationError(
            _("Una canalización en estado «%(from)s» no puede pasar a «%(to)s».")
            % {"from": referral.get_status_display(), "to": to.label}
        )
    if to in NOTE_REQUIRED and not note:
        raise ValidationError({"note": _("Anota el motivo que dio la institución.")})
    now = timezone.now()
    changes: dict[str, Any] = {"status": to}
    with transaction.atomic():
        if to == ReferralStatus.ENVIADA:
            changes["shared_items"] = shared_items_now(referral=referral)
            changes["sent_at"] = now
        elif to == ReferralStatus.RECIBIDA:
            changes["received_at"] = now
        elif to == ReferralStatus.ATENDIDA:
            changes["attended_at"] = now
            changes["received_at"] = referral.received_at or now
        if to not in OPEN_STATUSES:
            changes["closed_at"] = now
        if contact_person.strip():
            changes["contact_person"] = contact_person.strip()
        moved = Referral.objects.filter(pk=referral.pk, status=referral.status).update(
            **{k: v for k, v in changes.items() if k != "contact_person"}
        )
        if not moved:
            raise ValidationError(
                _("Alguien más cambió esta canalización. Revisa su estado actual.")
            )
        previous = referral.status
        for field, value in changes.items():
            setattr(referral, field, value)
        if "contact_person" in changes:
            # Encrypted: goes through save() so the field is encrypted with the record's key.
            referral.save(update_fields=["contact_person"])
        ReferralEvent.objects.create(
            referral=referral,
            position=referral.events.count(),
            from_status=previous,
            to_status=to,
            actor=actor,
            at=now,
            note=note,
        )
        _follow_up(referral=referral, to=to, now=now)
        if to == ReferralStatus.ENVIADA:
            _guideline_fulfil(actor=actor, referral=referral, now=now)
        audit_record(
            action=AuditAction.REFERRAL,
            target=referral,
            detail={
                "status": to.value,
                "from": previous,
                "institution": referral.institution.code,
                "shared_items": changes.get("shared_items"),
            },
        )
    return referral


def _guideline_fulfil(*, actor: User, referral: Referral, now: datetime.datetime) -> None:
    """Sending a referral its rule ties to a guideline (e.g. the Procuraduría for a girl)
    marks that checklist item done, if it is pending."""
    rule = rules.rule_get(referral.rule_code) if referral.rule_code else None
    if rule is None or rule.guideline is None:
        return
    if not GuidelineCheck.objects.filter(
        case=referral.case, code=rule.guideline, status=GuidelineStatus.PENDING
    ).exists():
        return
    # A record of the institution: written in Spanish whatever the worker's language.
    with translation.override("es"):
        note = _("Canalización enviada a %(institution)s el %(date)s.") % {
            "institution": referral.institution.name_es,
            "date": timezone.localtime(now).strftime("%d/%m/%Y %H:%M"),
        }
    guideline_resolve(
        actor=actor,
        case=referral.case,
        code=rule.guideline,
        status=GuidelineStatus.DONE,
        note=note,
    )


def _follow_up(*, referral: Referral, to: ReferralStatus, now: datetime.datetime) -> None:
    run = run_for(referral.case)
    if run is None:
        return
    name = referral.institution.short_name or referral.institution.name_es
    name_en = referral.institution.short_name or referral.institution.name_en or name
    receipt = _task_code(referral, "recepcion")
    attention = _task_code(referral, "atencion")
    if to == ReferralStatus.ENVIADA:
        task_add(
            run=run,
            code=receipt,
            role=TASK_ROLE,
            label_es=f"Confirmar que {name} recibió la canalización",
            label_en=f"Confirm that {name_en} received the referral",
            due_at=_business_due(now, RECEIPT_TERM_DAYS),
        )
    elif to == ReferralStatus.RECIBIDA:
        task_settle(run=run, code=receipt)
        task_add(
            run=run,
            code=attention,
            role=TASK_ROLE,
            label_es=f"Confirmar que {name} la atendió",
            label_en=f"Confirm that {name_en} attended her",
            due_at=_business_due(now, ATTENTION_TERM_DAYS),
        )
    elif to == ReferralStatus.SIN_RESPUESTA:
        task_settle(run=run, code=receipt)
        task_settle(run=run, code=attention)
    else:
        task_settle(run=run, code=receipt)
        task_settle(run=run, code=attention)
