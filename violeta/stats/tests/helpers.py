"""Cases for the statistics tests, written directly and placed in a past month."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.utils import timezone

from violeta.cases.models import AttentionSession, Case, Incident
from violeta.catalogs.models import Dependencia, ViolenceModality, ViolenceType
from violeta.detection.models import RiskAssessment
from violeta.stats.models import RollupCell
from violeta.testing.factories import consent_give, make_case


def registered_in(month: datetime.date) -> datetime.datetime:
    return datetime.datetime(
        month.year, month.month, 10, 12, 0, tzinfo=timezone.get_current_timezone()
    )


def stats_case(
    *,
    user: Any,
    month: datetime.date,
    consent: bool | None = True,
    types: tuple[str, ...] = ("psicologica",),
    modalities: tuple[str, ...] = ("laboral_docente",),
    risk: str | None = None,
    attended_after: datetime.timedelta | None = None,
    account: str = "Relato de prueba.",
    affected: str = "Persona Afectada",
) -> Case:
    case = make_case(registered_by=user, account=account, affected=affected)
    Case.objects.filter(pk=case.pk).update(registered_at=registered_in(month))
    case.refresh_from_db()
    if consent is not None:
        consent_give(case, purpose="estadistica", granted=consent)
    incident_add(case, user=user, types=types, modalities=modalities)
    if risk:
        risk_add(case, user=user, level=risk)
    if attended_after is not None:
        AttentionSession.objects.create(
            case=case,
            service="psicologia",
            held_at=case.registered_at + attended_after,
            notes="Nota de sesión.",
            author=user,
        )
    return case


def incident_add(
    case: Case, *, user: Any, types: tuple[str, ...], modalities: tuple[str, ...] = ()
) -> Incident:
    incident = Incident.objects.create(
        case=case,
        recorded_by=user,
        place="Calle Secreta 123",
        occurred_on=datetime.date(2025, 1, 5),
    )
    incident.violence_types.set(ViolenceType.objects.filter(code__in=types))
    incident.violence_modalities.set(ViolenceModality.objects.filter(code__in=modalities))
    return incident


def risk_add(case: Case, *, user: Any, level: str) -> RiskAssessment:
    return RiskAssessment.objects.create(
        case=case,
        instrument_code="prueba",
        instrument_version="1",
        answers={},
        score=0,
        computed_level=level,
        level=level,
        assessed_by=user,
    )


MONTH = datetime.date(2026, 3, 1)


def rollup(dimension: str) -> Counter[str]:
    """The rollup's counts of one dimension, all months and dependencias together."""
    counts: Counter[str] = Counter()
    for value, n in RollupCell.objects.filter(dimension=dimension).values_list("value", "n"):
        counts[value] += n
    return +counts


def register_through_intake(actor: Any, *, pick: int, code: str) -> Case:
    from violeta.cases.models import ConsentPurpose
    from violeta.cases.services import IncidentFacts, PartyFacts, case_register
    from violeta.catalogs.models import ViolenceType

    consent = (True, False, None)[pick % 3]
    return case_register(
        actor=actor,
        dependencia=Dependencia.objects.get(pk=actor.dependencia_id),
        account="Relato de prueba.",
        affected=PartyFacts(display_name="Persona Afectada", age=10 + pick),
        accused=[PartyFacts(display_name="Persona Señalada")],
        incidents=[IncidentFacts(violence_types=list(ViolenceType.objects.filter(code=code)[:1]))],
        consents={} if consent is None else {ConsentPurpose.ESTADISTICA: consent},
    ).case
