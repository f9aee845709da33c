"""Reads of the procedure's investigation (evidence, arguments, hearings, resolution), always
from the viewer.

- Those who conduct the procedure read the whole file, unless they are also on the accused's
  side (a representative who happens to be staff): that side only ever gets the accused's view.
- The accused and his representative read only what is his: his side's evidence and
  arguments, the hearings, the measures applied to him and the resolution once it was
  notified to him. Nothing exists for him before he is notified (the emplazamiento is the act
  that tells him of the procedure; until then the comité may still be protecting her).
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from violeta.accounts import roles
from violeta.crypto.attachments import MB
from violeta.protocols.calendar import add_business_days
from violeta.sanctions.models import (
    Argument,
    Evidence,
    Hearing,
    Measure,
    MeasureStatus,
    MeasureSubject,
    Procedure,
    ProcedureStatus,
    Resolution,
    Side,
)
from violeta.sanctions.selectors import is_accused_side, may_conduct

EVIDENCE_MAX_BYTES = 20 * MB
# LGRA art. 208 fr. II: the initial hearing, 10 to 15 días hábiles after the notice.
INITIAL_HEARING_MIN_DAYS = 10
INITIAL_HEARING_MAX_DAYS = 15


def evidence_max_bytes() -> int:
    """``EVIDENCE_MAX_BYTES`` if configured; 20 MB otherwise. Read at call time."""
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", EVIDENCE_MAX_BYTES))


def conducts(*, user: Any, procedure: Procedure) -> bool:
    """May conduct the procedure and read its whole file."""
    if is_accused_side(user=user, procedure=procedure):
        return False
    return may_conduct(user=user, case=procedure.case)


def may_resolve(*, user: Any, procedure: Procedure) -> bool:
    """Only the autoridad (the OIC) resolves: coordinación conducts but never sanctions."""
    return roles.is_autoridad(user) and conducts(user=user, procedure=procedure)


def accused_reads(*, user: Any, procedure: Procedure) -> bool:
    """The accused's side, once he has been notified."""
    return (
        is_accused_side(user=user, procedure=procedure)
        and procedure.accused_notified_at is not None
    )


def evidence_visible_to(*, user: Any, procedure: Procedure) -> QuerySet[Evidence]:
    evidence = Evidence.objects.filter(procedure=procedure).select_related("data_key", "added_by")
    if accused_reads(user=user, procedure=procedure):
        return evidence.filter(side=Side.PERSONA_SENALADA)
    if conducts(user=user, procedure=procedure):
        return evidence
    return evidence.none()


def arguments_visible_to(*, user: Any, procedure: Procedure) -> QuerySet[Argument]:
    arguments = Argument.objects.filter(procedure=procedure).select_related(
        "data_key", "submitted_by"
    )
    if accused_reads(user=user, procedure=procedure):
        return arguments.filter(side=Side.PERSONA_SENALADA)
    if conducts(user=user, procedure=procedure):
        return arguments
    return arguments.none()


def hearings_of(*, procedure: Procedure) -> QuerySet[Hearing]:
    return Hearing.objects.filter(procedure=procedure).select_related("data_key")


def measures_on_accused(*, procedure: Procedure) -> QuerySet[Measure]:
    """Measures the comité approved on him (in force or concluded): never those on her."""
    return Measure.objects.filter(
        procedure=procedure,
        subject=MeasureSubject.PRESUNTO_AGRESOR,
        status__in=[MeasureStatus.APROBADA, MeasureStatus.CONCLUIDA],
    ).order_by("starts_on", "id")


def resolution_of(*, procedure: Procedure) -> Resolution | None:
    return Resolution.objects.filter(procedure=procedure).select_related("data_key").first()


def arrived_late(*, procedure: Procedure, side: str, at: datetime.datetime) -> bool:
    """His evidence or arguments after his term: received and recorded, marked late; the
    authority decides whether to admit them."""
    return (
        side == Side.PERSONA_SENALADA
        and procedure.response_due_at is not None
        and at > procedure.response_due_at
    )


def initial_hearing_window(*, procedure: Procedure) -> tuple[datetime.date, datetime.date] | None:
    """The first and last día hábil on which the initial hearing may be held."""
    if procedure.accused_notified_at is None:
        return None
    notified = timezone.localtime(procedure.accused_notified_at).date()
    return (
        add_business_days(notified, INITIAL_HEARING_MIN_DAYS),
        add_business_days(notified, INITIAL_HEARING_MAX_DAYS),
    )


def resolution_firm(*, resolution: Resolution, now: datetime.datetime | None = None) -> bool:
    """Firm (firme) once the accused was notified and his window to appeal passed unused.
    Computed, never stored: a late-recorded appeal filed in time would change it."""
    now = now or timezone.now()
    return (
        resolution.appeal_due_at is not None
        and resolution.appeal_filed_at is None
        and now > resolution.appeal_due_at
    )


@dataclasses.dataclass(frozen=True)
class ConclusionState:
    """Whether the procedure may be concluded, and what is still missing."""

    missing: list[str]

    @property
    def ready(self) -> bool:
        return not self.missing


def conclusion_state(
    *, procedure: Procedure, resolution: Resolution | None, now: datetime.datetime | None = None
) -> ConclusionState:
    """Codes of what is missing before the procedure can be concluded: ``resolution``,
    ``notice_affected``, ``notice_accused``, ``appeal_window`` (still running, no appeal)."""
    now = now or timezone.now()
    if procedure.status != ProcedureStatus.RESUELTO or resolution is None:
        return ConclusionState(missing=["resolution"])
    missing = []
    if resolution.notified_affected_at is None:
        missing.append("notice_affected")
    if resolution.notified_accused_at is None:
        missing.append("notice_accused")
    elif resolution.appeal_filed_at is None and not resolution_firm(resolution=resolution, now=now):
        missing.append("appeal_window")
    return ConclusionState(missing=missing)
