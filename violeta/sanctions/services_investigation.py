"""Writes of the investigation and resolution: evidence (encrypted files), arguments
(alegatos), hearings, the resolution, its notices to both parties, the appeal and the
conclusion. One transaction each, audited with codes only (never a description, a file name,
the grounds or the minutes).

Who: those who conduct the procedure (``selectors_investigation.conducts``) act on any side;
the accused and his representative only add his own evidence and arguments, once notified.
Only the autoridad (the OIC) resolves.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import User
from violeta.audit.models import AuditAction
from violeta.audit.services import audit_record
from violeta.crypto.attachments import attachment_check
from violeta.notifications.models import NotificationKind
from violeta.notifications.services import notifications_send
from violeta.protocols.calendar import business_days_between, due_at, is_business_day
from violeta.sanctions.models import (
    Argument,
    Evidence,
    Hearing,
    HearingKind,
    Outcome,
    Procedure,
    ProcedureStatus,
    Resolution,
    Sanction,
    Side,
)
from violeta.sanctions.selectors import is_accused_side
from violeta.sanctions.selectors_investigation import (
    INITIAL_HEARING_MAX_DAYS,
    INITIAL_HEARING_MIN_DAYS,
    ConclusionState,
    arrived_late,
    conclusion_state,
    conducts,
    evidence_max_bytes,
    initial_hearing_window,
    may_resolve,
)

ARGUMENT_MIN_LENGTH = 20
GROUNDS_MIN_LENGTH = 50
# LGRA art. 75 fr. II: suspensión del empleo, cargo o comisión de uno a treinta días naturales.
SUSPENSION_MIN_DAYS = 1
SUSPENSION_MAX_DAYS = 30
# LGRA art. 210: the recurso de revocación, within 15 días hábiles of the notice.
APPEAL_TERM_DAYS = 15
PARTY_AFECTADA = "afectada"
PARTY_SENALADA = "senalada"
PARTIES = (PARTY_AFECTADA, PARTY_SENALADA)
# Sanctions that cannot go together (LGRA art. 75: one or more, "siempre que sean
# compatibles"): the amonestación is either public or private; whoever is removed from the
# post is not also suspended from it.
INCOMPATIBLE_SANCTIONS = (
    (Sanction.AMONESTACION_PUBLICA, Sanction.AMONESTACION_PRIVADA),
    (Sanction.DESTITUCION, Sanction.SUSPENSION),
)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _day(value: datetime.date | datetime.datetime) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return formats.date_format(value, "DATE_FORMAT")


def _may_submit(*, actor: Any, procedure: Procedure, side: str) -> None:
    """Conductors submit for any side; the accused's side only for himself, once notified.
    Anything else is a PermissionDenied (a 404 in the views): no hint of what exists."""
    if is_accused_side(user=actor, procedure=procedure):
        _require(procedure.accused_notified_at is not None and side == Side.PERSONA_SENALADA)
    else:
        _require(conducts(user=actor, procedure=procedure))


def _lock_open(procedure: Procedure) -> Procedure:
    """The procedure's row, locked, if it still takes evidence, arguments and hearings."""
    locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
    if locked.status != ProcedureStatus.ABIERTO:
        raise ValidationError(
            _("El procedimiento ya se resolvió: no se reciben más pruebas ni actuaciones.")
        )
    return locked


def _side(side: Side | str) -> str:
    if str(side) not in Side.values:
        raise ValidationError({"side": _("Elige qué parte la presenta.")})
    return str(side)


# --- Evidence and arguments ---------------------------------------------------------------


def evidence_add(
    *,
    actor: User,
    procedure: Procedure,
    side: Side | str,
    description: str,
    data: bytes,
    filename: str,
) -> Evidence:
    """Store one piece of evidence, encrypted; its SHA-256 is shown so that both parties can
    verify a copy. The type is decided from the content, never from the name."""
    side = _side(side)
    _may_submit(actor=actor, procedure=procedure, side=side)
    description = description.strip()
    errors: dict[str, list[ValidationError]] = {}
    if not description:
        errors["description"] = [
            ValidationError(_("Describe la prueba: qué es y qué pretende demostrar."))
        ]
    content_type = ""
    try:
        content_type = attachment_check(data, filename=filename, max_bytes=evidence_max_bytes())
    except ValidationError as error:
        errors["file"] = [error]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _lock_open(procedure)
        evidence = Evidence(procedure=locked, side=side, description=description, added_by=actor)
        evidence.attach(data, filename=filename, content_type=content_type)
        evidence.save()
        audit_record(
            action=AuditAction.CREATE,
            target=evidence,
            detail={
                "procedure": str(procedure.pk),
                "side": side,
                "content_type": content_type,
                "size": evidence.size,
                "late": arrived_late(procedure=locked, side=side, at=evidence.stored_at),
            },
            actor=actor,
        )
    return evidence


def evidence_download_record(*, actor: User, evidence: Evidence) -> None:
    """Audit that the actor read a piece of evidence (the codes, never its content)."""
    audit_record(
        action=AuditAction.VIEW,
        target=evidence,
        detail={"procedure": str(evidence.procedure_id), "side": evidence.side},
        actor=actor,
    )


def argument_add(*, actor: User, procedure: Procedure, side: Side | str, text: str) -> Argument:
    """Written arguments. His, after his term, are still received and recorded: the page says
    they arrived late and the authority decides."""
    side = _side(side)
    _may_submit(actor=actor, procedure=procedure, side=side)
    text = text.strip()
    if len(text) < ARGUMENT_MIN_LENGTH:
        raise ValidationError(
            {
                "text": _("Escribe los alegatos con al menos %(count)d caracteres.")
                % {"count": ARGUMENT_MIN_LENGTH}
            }
        )
    with transaction.atomic():
        locked = _lock_open(procedure)
        argument = Argument.objects.create(
            procedure=locked, side=side, text=text, submitted_by=actor
        )
        audit_record(
            action=AuditAction.CREATE,
            target=argument,
            detail={
                "procedure": str(procedure.pk),
                "side": side,
                "late": arrived_late(procedure=locked, side=side, at=argument.submitted_at),
            },
            actor=actor,
        )
    return argument


# --- Hearings -----------------------------------------------------------------------------


def hearing_schedule(
    *,
    actor: User,
    procedure: Procedure,
    kind: HearingKind | str,
    scheduled_for: datetime.datetime,
) -> Hearing:
    """Schedule a hearing on a día hábil after he was notified. The initial hearing falls
    between the 10th and the 15th día hábil after the notice (LGRA art. 208 fr. II)."""
    _require(conducts(user=actor, procedure=procedure))
    if str(kind) not in HearingKind.values:
        raise ValidationError({"kind": _("Elige el tipo de audiencia.")})
    if procedure.accused_notified_at is None:
        raise ValidationError(
            _(
                "Primero registra la notificación a la persona señalada: no hay audiencia sin "
                "que se le haya citado."
            )
        )
    if timezone.is_naive(scheduled_for):
        scheduled_for = timezone.make_aware(scheduled_for)
    if scheduled_for <= timezone.now():
        raise ValidationError({"scheduled_for": _("La audiencia debe programarse a futuro.")})
    day = timezone.localtime(scheduled_for).date()
    if not is_business_day(day):
        raise ValidationError(
            {"scheduled_for": _("El %(date)s no es día hábil.") % {"date": _day(day)}}
        )
    if kind == HearingKind.INICIAL:
        notified = timezone.localtime(procedure.accused_notified_at).date()
        elapsed = business_days_between(notified, day)
        if not INITIAL_HEARING_MIN_DAYS <= elapsed <= INITIAL_HEARING_MAX_DAYS:
            window = initial_hearing_window(procedure=procedure)
            assert window is not None  # noqa: S101 - he was notified, checked above
            raise ValidationError(
                {
                    "scheduled_for": _(
                        "La audiencia inicial se celebra entre %(min)d y %(max)d días hábiles "
                        "después de la notificación (LGRA art. 208 fr. II): del %(first)s al "
                        "%(last)s."
                    )
                    % {
                        "min": INITIAL_HEARING_MIN_DAYS,
                        "max": INITIAL_HEARING_MAX_DAYS,
                        "first": _day(window[0]),
                        "last": _day(window[1]),
                    }
                }
            )
    with transaction.atomic():
        locked = _lock_open(procedure)
        hearing = Hearing.objects.create(
            procedure=locked, kind=str(kind), scheduled_for=scheduled_for, scheduled_by=actor
        )
        audit_record(
            action=AuditAction.CREATE,
            target=hearing,
            detail={"procedure": str(procedure.pk), "kind": str(kind)},
            actor=actor,
        )
        recipients = [
            user for user in (procedure.accused.user, procedure.representative) if user is not None
        ]
        folio = procedure.case.folio
        transaction.on_commit(
            lambda: notifications_send(
                recipients=recipients, kind=NotificationKind.HEARING_SCHEDULED, folio=folio
            )
        )
    return hearing


def hearing_hold(
    *,
    actor: User,
    hearing: Hearing,
    minutes: str,
    held_at: datetime.datetime | None = None,
) -> Hearing:
    """Record that a hearing was held, with its minutes (encrypted)."""
    procedure = hearing.procedure
    _require(conducts(user=actor, procedure=procedure))
    held_at = held_at or timezone.now()
    minutes = minutes.strip()
    errors: dict[str, str] = {}
    if not minutes:
        errors["minutes"] = _("Escribe la constancia de lo que ocurrió en la audiencia.")
    if held_at > timezone.now():
        errors["held_at"] = _("No se registra como celebrada una audiencia futura.")
    elif timezone.localtime(held_at).date() < timezone.localtime(hearing.scheduled_for).date():
        errors["held_at"] = _(
            "La audiencia está programada para el %(date)s: no pudo celebrarse antes."
        ) % {"date": _day(hearing.scheduled_for)}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _lock_open(procedure)
        locked = Hearing.objects.select_for_update().get(pk=hearing.pk)
        if locked.held_at is not None:
            raise ValidationError(_("Esta audiencia ya se registró como celebrada."))
        locked.held_at = held_at
        locked.minutes = minutes
        locked.save(update_fields=["held_at", "minutes"])
        audit_record(
            action=AuditAction.UPDATE,
            target=locked,
            detail={"procedure": str(procedure.pk), "held": True},
            actor=actor,
        )
    return locked


# --- Resolution ---------------------------------------------------------------------------


def _sanction_errors(
    outcome: str, codes: list[str], suspension_days: int | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    unknown = [code for code in codes if code not in Sanction.values]
    if unknown:
        errors.setdefault("sanctions", []).append(_("Elige sanciones de la lista."))
    if outcome == Outcome.SANCION and not codes:
        errors.setdefault("sanctions", []).append(
            _("Si hay responsabilidad, elige al menos una sanción.")
        )
    if outcome == Outcome.NO_RESPONSABILIDAD and codes:
        errors.setdefault("sanctions", []).append(
            _("Si no hay responsabilidad no hay sanciones: quita las que marcaste.")
        )
    chosen = set(codes)
    for first, second in INCOMPATIBLE_SANCTIONS:
        if first in chosen and second in chosen:
            errors.setdefault("sanctions", []).append(
                _("%(first)s y %(second)s no son compatibles: elige una.")
                % {"first": first.label, "second": second.label}
            )
    if Sanction.SUSPENSION in chosen:
        if suspension_days is None or not (
            SUSPENSION_MIN_DAYS <= suspension_days <= SUSPENSION_MAX_DAYS
        ):
            errors.setdefault("suspension_days", []).append(
                _("La suspensión es de %(min)d a %(max)d días naturales (LGRA art. 75).")
                % {"min": SUSPENSION_MIN_DAYS, "max": SUSPENSION_MAX_DAYS}
            )
    elif suspension_days is not None:
        errors.setdefault("suspension_days", []).append(
            _("Los días sólo se indican si hay suspensión.")
        )
    return errors


def procedure_resolve(
    *,
    actor: User,
    procedure: Procedure,
    outcome: Outcome | str,
    sanctions: Iterable[Sanction | str],
    suspension_days: int | None,
    grounds: str,
    vista_mp: bool | None,
    vista_mp_note: str,
) -> Resolution:
    """The OIC's resolution, once per procedure. He must have been notified and his term to
    present evidence and arguments must have run (the right to be heard). Whether the facts
    may be a crime is always answered, and why (LEDMVLV art. 12-i: vista al Ministerio
    Público)."""
    _require(may_resolve(user=actor, procedure=procedure))
    outcome = str(outcome)
    codes = list(dict.fromkeys(str(code) for code in sanctions))
    grounds = grounds.strip()
    vista_mp_note = vista_mp_note.strip()
    errors: dict[str, list[str]] = {}
    if procedure.accused_notified_at is None or procedure.response_due_at is None:
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            _(
                "No se resuelve sin haber notificado el procedimiento a la persona señalada: "
                "tiene derecho a ser oída."
            )
        )
    elif timezone.now() <= procedure.response_due_at:
        errors.setdefault(NON_FIELD_ERRORS, []).append(
            _("Su plazo para presentar pruebas y alegatos vence el %(date)s: no se resuelve antes.")
            % {"date": _day(procedure.response_due_at)}
        )
    if outcome not in Outcome.values:
        errors.setdefault("outcome", []).append(_("Elige el sentido de la resolución."))
    else:
        for field, messages in _sanction_errors(outcome, codes, suspension_days).items():
            errors.setdefault(field, []).extend(messages)
    if len(grounds) < GROUNDS_MIN_LENGTH:
        errors.setdefault("grounds", []).append(
            _("Funda y motiva la resolución con al menos %(count)d caracteres.")
            % {"count": GROUNDS_MIN_LENGTH}
        )
    if vista_mp is None:
        errors.setdefault("vista_mp", []).append(
            _(
                "Indica si se da vista al Ministerio Público: siempre se decide y se registra "
                "(LEDMVLV art. 12-i)."
            )
        )
    if not vista_mp_note:
        errors.setdefault("vista_mp_note", []).append(
            _("Explica por qué los hechos pueden o no constituir un delito.")
        )
    if errors:
        raise ValidationError(errors)
    assert vista_mp is not None  # noqa: S101 - refused above
    with transaction.atomic():
        locked = Procedure.objects.select_for_update().get(pk=procedure.pk)
        if (
            locked.status != ProcedureStatus.ABIERTO
            or Resolution.objects.filter(procedure=locked).exists()
        ):
            raise ValidationError(_("Este procedimiento ya tiene resolución."))
        resolution = Resolution.objects.create(
            procedure=locked,
            outcome=outcome,
            sanctions=codes,
            suspension_days=suspension_days if Sanction.SUSPENSION in codes else None,
            grounds=grounds,
            vista_mp=vista_mp,
            vista_mp_note=vista_mp_note,
            resolved_by=actor,
        )
        updated = Procedure.objects.filter(pk=procedure.pk, status=ProcedureStatus.ABIERTO).update(
            status=ProcedureStatus.RESUELTO
        )
        if updated != 1:
            raise ValidationError(_("Este procedimiento ya tiene resolución."))
        procedure.status = locked.status = ProcedureStatus.RESUELTO
        audit_record(
            action=AuditAction.CREATE,
            target=resolution,
            detail={
                "procedure": str(procedure.pk),
                "outcome": outcome,
                "sanctions": codes,
                "suspension_days": resolution.suspension_days,
                "vista_mp": vista_mp,
            },
            actor=actor,
        )
    return resolution


def resolution_notify(
    *,
    actor: User,
    resolution: Resolution,
    party: str,
    when: datetime.datetime | None = None,
) -> Resolution:
    """Record that the resolution was notified to her (``afectada``) or to him
    (``senalada``). His notice starts his 15 días hábiles to appeal (LGRA art. 210) and he
    and his representative get a notice that names only the folio."""
    procedure = resolution.procedure
    _require(conducts(user=actor, procedure=procedure))
    if party not in PARTIES:
        raise ValidationError({"party": _("Elige a quién se notificó.")})
    now = timezone.now()
    when = when or now
    if when > now:
        raise ValidationError({"when": _("La fecha de la notificación no puede ser futura.")})
    if when < resolution.resolved_at:
        raise ValidationError({"when": _("La notificación no puede ser anterior a la resolución.")})
    field = "notified_affected_at" if party == PARTY_AFECTADA else "notified_accused_at"
    changes: dict[str, Any] = {field: when}
    if party == PARTY_SENALADA:
        changes["appeal_due_at"] = due_at(start=when, amount=APPEAL_TERM_DAYS, unit="business_days")
    with transaction.atomic():
        updated = Resolution.objects.filter(pk=resolution.pk, **{f"{field}__isnull": True}).update(
            **changes
        )
        if not updated:
            raise ValidationError(_("Esa notificación ya estaba registrada."))
        resolution.refresh_from_db()
        audit_record(
            action=AuditAction.UPDATE,
            target=resolution,
            detail={"procedure": str(procedure.pk), "notified": party},
            actor=actor,
        )
        if party == PARTY_SENALADA and procedure.accused.user_id:
            recipients = [procedure.accused.user]
            if procedure.representative_id:
                recipients.append(procedure.representative)
            folio = procedure.case.folio
            transaction.on_commit(
                lambda: notifications_send(
                    recipients=recipients, kind=NotificationKind.RESOLUTION_NOTICE, folio=folio
                )
            )
    return resolution


def appeal_record(
    *, actor: User, resolution: Resolution, filed_at: datetime.datetime | None = None
) -> Resolution:
    """Record a recurso de revocación filed in time (LGRA art. 210)."""
    procedure = resolution.procedure
    _require(conducts(user=actor, procedure=procedure))
    now = timezone.now()
    filed_at = filed_at or now
    if resolution.appeal_due_at is None:
        raise ValidationError(
            _(
                "Primero registra la notificación de la resolución a la persona señalada: de "
                "ella corre su plazo para impugnar."
            )
        )
    if filed_at > now:
        raise ValidationError({"filed_at": _("La fecha del recurso no puede ser futura.")})
    if filed_at > resolution.appeal_due_at:
        raise ValidationError(
            {
                "filed_at": _(
                    "El plazo para interponer el recurso de revocación venció el %(date)s "
                    "(%(days)d días hábiles desde la notificación, LGRA art. 210): es "
                    "extemporáneo y no se registra."
                )
                % {"date": _day(resolution.appeal_due_at), "days": APPEAL_TERM_DAYS}
            }
        )
    with transaction.atomic():
        updated = Resolution.objects.filter(pk=resolution.pk, appeal_filed_at__isnull=True).update(
            appeal_filed_at=filed_at
        )
        if not updated:
            raise ValidationError(_("El recurso ya estaba registrado."))
        resolution.refresh_from_db()
        audit_record(
            action=AuditAction.UPDATE,
            target=resolution,
            detail={"procedure": str(procedure.pk), "appeal": True},
            actor=actor,
        )
    return resolution


# --- Conclusion ---------------------------------------------------------------------------


def conclusion_missing_texts(state: ConclusionState, resolution: Resolution | None) -> list[str]:
    """What is missing before concluding, as sentences for the viewer."""
    texts = {
        "resolution": _("Aún no hay resolución."),
        "notice_affected": _("Falta notificar la resolución a la persona afectada."),
        "notice_accused": _("Falta notificar la resolución a la persona señalada."),
    }
    out = []
    for code in state.missing:
        if code == "appeal_window" and resolution is not None and resolution.appeal_due_at:
            out.append(
                _(
                    "Corre el plazo para impugnar (vence el %(date)s) y no se ha registrado "
                    "un recurso."
                )
                % {"date": _day(resolution.appeal_due_at)}
            )
        elif code in texts:
            out.append(texts[code])
    return out


def procedure_conclude(*, actor: User, procedure: Procedure) -> Procedure:
    """Conclude once the resolution was notified to both and the appeal window passed or
    an appeal was recorded."""
    _require(conducts(user=actor, procedure=procedure))
    # The stored state, not the caller's copy of it.
    current = Procedure.objects.get(pk=procedure.pk)
    resolution = Resolution.objects.filter(procedure=current).first()
    state = conclusion_state(procedure=current, resolution=resolution)
    if not state.ready:
        raise ValidationError(conclusion_missing_texts(state, resolution))
    with transaction.atomic():
        updated = Procedure.objects.filter(pk=procedure.pk, status=ProcedureStatus.RESUELTO).update(
            status=ProcedureStatus.CONCLUIDO
        )
        if updated != 1:
            raise ValidationError(_("El procedimiento ya estaba concluido."))
        procedure.status = ProcedureStatus.CONCLUIDO
        audit_record(
            action=AuditAction.UPDATE,
            target=procedure,
            detail={"status": ProcedureStatus.CONCLUIDO.value},
            actor=actor,
        )
    return procedure
