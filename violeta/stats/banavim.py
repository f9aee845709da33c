"""The per-incident de-identified export, shaped after the BANAVIM electronic file.

One row per incident of the cases counted in the statistics (her consent in force) registered
in the period. Codes only: no name, folio, date of birth, place, account, dependencia or any
free text. Dates are reduced to the month. The row's key is a keyed hash of the incident, the
same in every export, so the registry can update a row without learning which case it is.
``docs/banavim.md`` maps each column to the BANAVIM field.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterator
from typing import Any
from uuid import UUID

from django.conf import settings
from django.utils.crypto import salted_hmac

from violeta.cases.models import (
    AttentionSession,
    Case,
    CaseParty,
    Incident,
    Language,
    PartyKind,
)
from violeta.cases.models.case import AgeRange
from violeta.detection.models import RiskAssessment
from violeta.referrals.models import Referral, ReferralStatus, ReferralWishes
from violeta.sanctions.models import Measure, MeasureStatus
from violeta.stats.facts import NO_RISK, month_of
from violeta.stats.models import CaseFact
from violeta.stats.tables import Period

BATCH = 1000
INDIGENOUS_LANGUAGES = frozenset(
    {Language.RARAMURI, Language.ODAMI, Language.WARIJO, Language.OOBA}
)
# The referrals that reached the institution (a proposal or her declining is not a service).
REFERRED = frozenset({ReferralStatus.ENVIADA, ReferralStatus.RECIBIDA, ReferralStatus.ATENDIDA})


@dataclasses.dataclass(frozen=True)
class Column:
    name: str
    banavim: str  # the BANAVIM field it feeds (documented in docs/banavim.md)


COLUMNS = (
    Column("id_registro", "Identificador del expediente"),
    Column("entidad", "Entidad federativa"),
    Column("municipio", "Municipio que registra"),
    Column("mes_registro", "Fecha de registro (mes)"),
    Column("mes_hechos", "Fecha de los hechos (mes)"),
    Column("fecha_hechos_aproximada", "Fecha de los hechos aproximada"),
    Column("victima_rango_edad", "Edad de la víctima"),
    Column("victima_identidad_genero", "Sexo / identidad de género de la víctima"),
    Column("victima_lengua", "Lengua"),
    Column("victima_habla_lengua_indigena", "Habla lengua indígena"),
    Column("victima_indigena", "Pertenencia a pueblo indígena"),
    Column("victima_discapacidad", "Discapacidad"),
    Column("victima_residencia", "Lugar de residencia"),
    Column("tipos_violencia", "Tipo de violencia"),
    Column("modalidades_violencia", "Modalidad de violencia"),
    Column("tipo_lugar", "Ámbito o lugar de ocurrencia"),
    Column("agresor_rango_edad", "Edad del agresor"),
    Column("agresor_servidor_publico", "Agresor servidor público"),
    Column("agresor_relacion", "Relación víctima-agresor"),
    Column("agresor_jerarquia", "Relación jerárquica (ámbito laboral)"),
    Column("nivel_riesgo", "Nivel de riesgo"),
    Column("ordenes_medidas_proteccion", "Órdenes o medidas de protección"),
    Column("servicios_otorgados", "Servicios otorgados"),
    Column("canalizaciones", "Canalización a instituciones"),
    Column("estado_caso", "Estatus del caso"),
)


def record_key(incident_id: UUID) -> str:
    return salted_hmac("violeta.stats.banavim", str(incident_id)).hexdigest()[:20]


def _age_range(party: dict[str, Any] | None) -> str:
    if party is None:
        return ""
    if party["age"] is not None:
        return str(AgeRange.for_age(party["age"]))
    return party["age_range"] or ""


def _yes_no(value: bool) -> str:
    return "si" if value else "no"


def _joined(values: Any) -> str:
    return ";".join(sorted({str(v) for v in values if v}))


def _first_by_case(rows: Any, order: tuple[str, ...]) -> dict[UUID, dict[str, Any]]:
    first: dict[UUID, dict[str, Any]] = {}
    for row in rows:
        current = first.get(row["case_id"])
        if current is None or tuple(row[f] for f in order) < tuple(current[f] for f in order):
            first[row["case_id"]] = row
    return first


def banavim_rows(period: Period) -> Iterator[list[str]]:
    """The rows, in batches of cases (a fixed number of queries per batch)."""
    counted = CaseFact.objects.filter(
        counted=True, month__gte=period.first, month__lte=period.last
    ).order_by("case_id")
    last: UUID | None = None
    while True:
        page = counted if last is None else counted.filter(case_id__gt=last)
        ids = list(page.values_list("case_id", flat=True)[:BATCH])
        if not ids:
            return
        last = ids[-1]
        yield from _batch(ids)


def _batch(ids: list[UUID]) -> Iterator[list[str]]:
    cases = {
        row["id"]: row
        for row in Case.objects.filter(pk__in=ids).values("id", "registered_at", "status")
    }
    parties = list(
        CaseParty.objects.filter(
            case_id__in=ids, kind__in=[PartyKind.AFECTADA, PartyKind.SENALADA]
        ).values(
            "case_id",
            "kind",
            "added_at",
            "id",
            "age",
            "age_range",
            "gender_identity",
            "language",
            "is_indigenous",
            "disabilities",
            "is_public_servant",
            "relationship",
            "hierarchy",
        )
    )
    order = ("added_at", "id")
    victims = _first_by_case((p for p in parties if p["kind"] == PartyKind.AFECTADA), order)
    accused = _first_by_case((p for p in parties if p["kind"] == PartyKind.SENALADA), order)
    residence: dict[UUID, str] = {}
    for case_id, value in (
        ReferralWishes.objects.filter(case_id__in=ids)
        .order_by("recorded_at", "id")
        .values_list("case_id", "residence")
    ):
        residence[case_id] = value
    risk: dict[UUID, str] = {}
    for case_id, level in (
        RiskAssessment.objects.filter(case_id__in=ids)
        .order_by("assessed_at", "id")
        .values_list("case_id", "level")
    ):
        risk[case_id] = level
    measures: dict[UUID, set[str]] = defaultdict(set)
    for case_id, kind in Measure.objects.filter(
        procedure__case_id__in=ids,
        status__in=[MeasureStatus.APROBADA, MeasureStatus.CONCLUIDA],
    ).values_list("procedure__case_id", "kind"):
        measures[case_id].add(kind)
    services: dict[UUID, set[str]] = defaultdict(set)
    for case_id, service in (
        AttentionSession.objects.filter(case_id__in=ids)
        .values_list("case_id", "service")
        .distinct()
    ):
        services[case_id].add(service)
    referrals: dict[UUID, set[str]] = defaultdict(set)
    for case_id, code in Referral.objects.filter(case_id__in=ids, status__in=REFERRED).values_list(
        "case_id", "institution__code"
    ):
        referrals[case_id].add(code)
    incidents = list(
        Incident.objects.filter(case_id__in=ids)
        .order_by("case_id", "recorded_at", "id")
        .values("id", "case_id", "occurred_on", "date_is_approximate", "place_kind")
    )
    types: dict[UUID, set[str]] = defaultdict(set)
    for incident_id, code in Incident.violence_types.through.objects.filter(
        incident__case_id__in=ids
    ).values_list("incident_id", "violencetype__code"):
        types[incident_id].add(code)
    modalities: dict[UUID, set[str]] = defaultdict(set)
    for incident_id, code in Incident.violence_modalities.through.objects.filter(
        incident__case_id__in=ids
    ).values_list("incident_id", "violencemodality__code"):
        modalities[incident_id].add(code)
    for incident in incidents:
        case_id = incident["case_id"]
        case = cases[case_id]
        victim = victims.get(case_id)
        other = accused.get(case_id)
        occurred = incident["occurred_on"]
        yield [
            record_key(incident["id"]),
            settings.STATS_ENTIDAD,
            settings.STATS_MUNICIPIO,
            month_of(case["registered_at"]).strftime("%Y-%m"),
            occurred.strftime("%Y-%m") if occurred else "",
            _yes_no(incident["date_is_approximate"]) if occurred else "",
            _age_range(victim),
            (victim or {}).get("gender_identity", "") or "",
            (victim or {}).get("language", "") or "",
            _yes_no(victim is not None and victim["language"] in INDIGENOUS_LANGUAGES),
            _yes_no(bool(victim and victim["is_indigenous"])),
            _joined((victim or {}).get("disabilities") or []),
            residence.get(case_id, ""),
            _joined(types[incident["id"]]),
            _joined(modalities[incident["id"]]),
            incident["place_kind"] or "",
            _age_range(other),
            _yes_no(bool(other and other["is_public_servant"])) if other else "",
            (other or {}).get("relationship", "") or "",
            (other or {}).get("hierarchy", "") or "",
            risk.get(case_id, NO_RISK),
            _joined(measures[case_id]),
            _joined(services[case_id]),
            _joined(referrals[case_id]),
            case["status"],
        ]
