"""Writes of the detection app: a risk assessment and the tasks its level makes mandatory.

Rules (the instrument's numbers are data, ``data/risk_instrument.yaml``):
- only the people who act on the case (``case_reading(...).act``) and whose role is atención
  or coordinación assess;
- the level is computed from the answers, floored at ``critical_floor`` by any critical item;
- a worker may raise it with a written reason; she may never lower it below the computed level,
  and a level lower than the previous assessment's needs a written reason too ("nunca se baja
  en silencio");
- the level's mandatory actions become protocol tasks on the case's run (role atención, due
  from the moment of the assessment), never twice while one with the same code is open.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from violeta.accounts import roles
from violeta.accounts.roles import Role
from violeta.audit.models import AuditAction
from violeta.audit.services import audit_record
from violeta.cases.models import Case
from violeta.cases.selectors import case_reading
from violeta.detection.models import RiskAssessment
from violeta.detection.risk import risk_instrument
from violeta.detection.risk_schema import LEVELS, level_rank
from violeta.notifications.models import NotificationKind
from violeta.notifications.services import notifications_send
from violeta.protocols import hooks
from violeta.protocols.services import run_for, task_add

REASON_MIN_LENGTH = 20
# Mandatory actions are attention work: the assigned atención staff carry them out.
TASK_ROLE = Role.ATENCION


def _level_name(code: str) -> str:
    return risk_instrument().level(code).label.text(get_language())


def may_assess_risk(*, user: Any, case: Case) -> bool:
    return (roles.is_atencion(user) or roles.is_coordinacion(user)) and case_reading(
        user=user, case=case
    ).act


def risk_assess(
    *,
    actor: Any,
    case: Case,
    answers: Mapping[str, bool],
    level: str | None = None,
    reason: str = "",
) -> RiskAssessment:
    """Record an assessment of her risk and open the tasks its final level makes mandatory.

    Raises PermissionDenied for anyone who may not assess this case, and ValidationError (keyed
    by ``answers``, ``level`` or ``reason``) for a refusal the person can correct.
    """
    if not may_assess_risk(user=actor, case=case):
        raise PermissionDenied
    instrument = risk_instrument()
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(answers) - instrument.item_codes)
    if unknown:
        errors.setdefault("answers", []).append(
            _("El instrumento no tiene estas preguntas: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    if any(not isinstance(value, bool) for value in answers.values()):
        errors.setdefault("answers", []).append(_("Cada respuesta debe ser sí o no."))
    clean = {item.code: bool(answers.get(item.code, False)) for item in instrument.items}
    score = instrument.score(clean)
    computed = instrument.computed_level(clean)
    final = level or computed
    reason = reason.strip()
    if final not in LEVELS:
        errors.setdefault("level", []).append(_("Elige un nivel de la lista."))
        final = computed
    raised = level_rank(final) > level_rank(computed)
    if level_rank(final) < level_rank(computed):
        errors.setdefault("level", []).append(
            _(
                "No puedes bajar el nivel por debajo del calculado (%(level)s). Si tu criterio "
                "profesional ve más riesgo, elige un nivel más alto y explica por qué."
            )
            % {"level": _level_name(computed)}
        )
    if raised and len(reason) < REASON_MIN_LENGTH:
        errors.setdefault("reason", []).append(
            _("Para elevar el nivel escribe el motivo (al menos %(min)s caracteres).")
            % {"min": REASON_MIN_LENGTH}
        )
    run = run_for(case)
    tasks = instrument.level(final).tasks()
    if tasks and run is None:
        errors.setdefault("__all__", []).append(
            _(
                "Este caso no tiene un protocolo en curso: las acciones obligatorias no pueden "
                "quedar como tareas. Pide a coordinación que lo revise."
            )
        )
    with transaction.atomic():
        # One assessment at a time per case, so "the previous one" is well defined.
        Case.objects.select_for_update().filter(pk=case.pk).first()
        previous = RiskAssessment.objects.filter(case=case).order_by("-assessed_at", "-id").first()
        lowered = previous is not None and level_rank(final) < level_rank(previous.level)
        if lowered and len(reason) < REASON_MIN_LENGTH and "reason" not in errors:
            assert previous is not None  # noqa: S101 - narrowed by `lowered`
            errors.setdefault("reason", []).append(
                _(
                    "El nivel es menor que el de la valoración anterior (%(previous)s). Nunca se "
                    "baja en silencio: escribe el motivo (al menos %(min)s caracteres)."
                )
                % {"previous": _level_name(previous.level), "min": REASON_MIN_LENGTH}
            )
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        assessment = RiskAssessment(
            case=case,
            instrument_code=instrument.code,
            instrument_version=instrument.version,
            answers=clean,
            score=score,
            computed_level=computed,
            level=final,
            raised_by_worker=raised,
            raise_reason=reason if (raised or lowered) else "",
            lowered_from=previous.level if (lowered and previous is not None) else "",
            assessed_by=actor,
            assessed_at=now,
        )
        assessment.full_clean()
        assessment.save()
        opened = []
        if run is not None:
            for spec in tasks:
                task = task_add(
                    run=run,
                    code=spec.code,
                    role=TASK_ROLE,
                    label_es=spec.label_es,
                    label_en=spec.label_en,
                    due_at=now + datetime.timedelta(hours=spec.due_hours),
                )
                if task is not None:
                    opened.append(task)
        # Codes, never the answers: the audit log is read by administrators.
        audit_record(
            action=AuditAction.CREATE,
            target=assessment,
            detail={
                "case": str(case.pk),
                "level": final,
                "score": score,
                "computed_level": computed,
                "raised": raised,
                "lowered": lowered,
                "tasks": len(opened),
            },
            actor=actor,
        )
        if opened and run is not None:
            recipients = [u for u in hooks.recipients_for(run, TASK_ROLE) if u.pk != actor.pk]
            label = hooks.subject_label(run)
            transaction.on_commit(
                lambda: notifications_send(
                    recipients=recipients, kind=NotificationKind.TASK_ASSIGNED, folio=label
                )
            )
    assessment.tasks_opened = opened
    return assessment
