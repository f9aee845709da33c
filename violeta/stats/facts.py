"""What each case contributes to the statistics, computed from the records in a few queries per
batch of cases (never one query per case).

Only a case whose newest decision on the "estadística" purpose is a yes is counted. A case
contributes codes only: catalog codes, statuses, levels, buckets. No free text, no name.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from uuid import UUID

from django.db.models import Exists, Min, OuterRef, Subquery, Value
from django.utils import timezone

from violeta.cases.models import (
    AttentionSession,
    Case,
    CaseParty,
    ConsentDecision,
    ConsentPurpose,
    Incident,
    PartyKind,
)
from violeta.cases.models.case import AgeRange
from violeta.cases.signals import WrittenCase
from violeta.detection.models import RiskAssessment
from violeta.protocols.models import Deadline
from violeta.referrals.models import Referral
from violeta.sanctions.models import Measure, MeasureStatus

SUBJECT = "cases.Case"


class Dimension:
    """The dimensions of the rollup. Values are codes; labels are looked up when shown."""

    CASES = "casos"
    STATUS = "estado"
    TYPE = "tipo"
    MODALITY = "modalidad"
    RISK = "riesgo"
    FIRST_ATTENTION = "primera_atencion"
    AGE = "edad"
    DEADLINE = "plazo"
    REFERRAL = "canalizacion"
    MEASURE = "medida_vigente"


NO_RISK = "sin_valoracion"
NO_AGE = "sin_dato"
NOT_YET = "sin_atencion"
# Upper bounds in hours, in order, and the bucket's code.
ATTENTION_BUCKETS: tuple[tuple[int, str], ...] = (
    (24, "hasta_24h"),
    (72, "1_a_3_dias"),
    (168, "4_a_7_dias"),
    (720, "8_a_30_dias"),
)
ATTENTION_LATER = "mas_de_30_dias"


class DeadlineOutcome:
    ON_TIME = "a_tiempo"
    LATE = "tarde"
    OVERDUE = "vencido"
    RUNNING = "en_curso"


Cell = tuple[str, str]  # (dimension, value)


@dataclasses.dataclass
class Contribution:
    case_id: UUID
    month: datetime.date
    dependencia: str
    counted: bool
    cells: Counter[Cell]

    def as_rows(self) -> list[list[Any]]:
        return [[dim, value, n] for (dim, value), n in sorted(self.cells.items()) if n]


def month_of(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date().replace(day=1)


def attention_bucket(registered_at: datetime.datetime, first: datetime.datetime | None) -> str:
    if first is None:
        return NOT_YET
    hours = max((first - registered_at).total_seconds(), 0) / 3600
    for bound, code in ATTENTION_BUCKETS:
        if hours <= bound:
            return code
    return ATTENTION_LATER


def deadline_outcome(
    due_at: datetime.datetime, met_at: datetime.datetime | None, overdue_at: Any
) -> str:
    if met_at is not None:
        return DeadlineOutcome.ON_TIME if met_at <= due_at else DeadlineOutcome.LATE
    return DeadlineOutcome.OVERDUE if overdue_at is not None else DeadlineOutcome.RUNNING


def _latest(rows: Iterable[Any], key: str, order: Sequence[str]) -> dict[Any, Any]:
    """The newest row per ``key`` value, by the ``order`` fields ascending."""
    newest: dict[Any, dict[str, Any]] = {}
    for row in rows:
        current = newest.get(row[key])
        if current is None or tuple(row[f] for f in order) >= tuple(current[f] for f in order):
            newest[row[key]] = row
    return newest


# The flags of the rows many cases have none of (their reads are skipped when no case has one).
SOMETIMES = ("has_risk", "has_attention", "has_referral", "has_measure")


@dataclasses.dataclass(frozen=True)
class KnownCase:
    """What ``contributions`` reads of a case and of its incidents' classification, from rows
    its writer has in hand (``known_case``) instead of from the database."""

    row: dict[str, Any]
    classification: frozenset[Cell]


def known_case(written: WrittenCase) -> KnownCase:
    """A new case as its writer has it once all of it is written, the same values the
    database read gives: no risk assessment, attention session, referral or measure (rows of
    those kinds mark the case, which then is read instead: ``services.pending_mark``)."""
    case = written.case
    affected = min(
        (party for party in written.parties if party.kind == PartyKind.AFECTADA),
        key=lambda party: (party.added_at, party.pk),
        default=None,
    )
    consent = written.consents.get(str(ConsentPurpose.ESTADISTICA))
    row: dict[str, Any] = {
        "id": case.pk,
        "registered_at": case.registered_at,
        "status": str(case.status),
        "dependencia__code": case.dependencia.code,
        "statistics_consent": None if consent is None else bool(consent),
        "affected_age": None if affected is None else affected.age,
        "affected_age_range": None if affected is None else str(affected.age_range),
        **dict.fromkeys(SOMETIMES, False),
    }
    return KnownCase(
        row=row,
        classification=frozenset(
            [
                *((Dimension.TYPE, str(kind.code)) for kind in written.violence_types),
                *((Dimension.MODALITY, str(kind.code)) for kind in written.violence_modalities),
            ]
        ),
    )


def _case_rows(ids: list[UUID]) -> list[dict[str, Any]]:
    """Each case with her statistics consent, her age and whether she has any of the rows
    many cases have none of."""
    # Her newest decision on the "estadística" purpose, read with the case.
    newest_consent = (
        ConsentDecision.objects.filter(case=OuterRef("pk"), purpose=ConsentPurpose.ESTADISTICA)
        .order_by("-decided_at", "-id")
        .values("granted")[:1]
    )
    sometimes = {
        "has_risk": Exists(RiskAssessment.objects.filter(case=OuterRef("pk"))),
        "has_attention": Exists(AttentionSession.objects.filter(case=OuterRef("pk"))),
        "has_referral": Exists(Referral.objects.filter(case=OuterRef("pk"))),
        "has_measure": Exists(
            Measure.objects.filter(procedure__case=OuterRef("pk"), status=MeasureStatus.APROBADA)
        ),
    }
    # The first person affected of the case (added first): her age counts.
    affected = CaseParty.objects.filter(case=OuterRef("pk"), kind=PartyKind.AFECTADA).order_by(
        "added_at", "id"
    )
    return list(
        Case.objects.filter(pk__in=ids)
        .annotate(
            statistics_consent=Subquery(newest_consent),
            affected_age=Subquery(affected.values("age")[:1]),
            affected_age_range=Subquery(affected.values("age_range")[:1]),
            **sometimes,
        )
        .values(
            "id",
            "registered_at",
            "status",
            "dependencia__code",
            "statistics_consent",
            "affected_age",
            "affected_age_range",
            *sometimes,
        )
    )


def contributions(
    case_ids: Sequence[UUID], *, known: Mapping[UUID, KnownCase] | None = None
) -> dict[UUID, Contribution]:
    """Every listed case's contribution, in at most seven queries whatever the number of cases
    (fewer when none of the counted cases has a risk assessment, an attention session, a
    referral or a measure in force). A case in ``known`` is not read, nor is its
    classification: its writer has them in hand."""
    in_hand = {case_id: known[case_id] for case_id in case_ids if case_id in known} if known else {}
    unknown = [case_id for case_id in case_ids if case_id not in in_hand]
    cases = _case_rows(unknown) if unknown else []
    cases += [item.row for item in in_hand.values()]
    result: dict[UUID, Contribution] = {}
    for row in cases:
        result[row["id"]] = Contribution(
            case_id=row["id"],
            month=month_of(row["registered_at"]),
            dependencia=row["dependencia__code"],
            counted=bool(row["statistics_consent"]),
            cells=Counter(),
        )
    counted = [case_id for case_id, c in result.items() if c.counted]
    if not counted:
        return result
    registered = {row["id"]: row["registered_at"] for row in cases}
    present = {
        flag for row in cases if result[row["id"]].counted for flag in SOMETIMES if row[flag]
    }
    for row in cases:
        if not result[row["id"]].counted:
            continue
        cells = result[row["id"]].cells
        cells[(Dimension.CASES, "")] = 1
        cells[(Dimension.STATUS, row["status"])] = 1
        cells[(Dimension.RISK, NO_RISK)] = 1
        # Her age, or her age range, as recorded on the first person affected of the case.
        age = row["affected_age"]
        age_range = AgeRange.for_age(age) if age is not None else row["affected_age_range"]
        cells[(Dimension.AGE, str(age_range) if age_range else NO_AGE)] = 1

    # Types and modalities of her incidents, in one statement: (case, dimension, code).
    to_read = [case_id for case_id in counted if case_id not in in_hand]
    if to_read:
        types = Incident.violence_types.through.objects.filter(
            incident__case_id__in=to_read
        ).values_list("incident__case_id", Value(Dimension.TYPE), "violencetype__code")
        modalities = Incident.violence_modalities.through.objects.filter(
            incident__case_id__in=to_read
        ).values_list("incident__case_id", Value(Dimension.MODALITY), "violencemodality__code")
        for case_id, dimension, code in types.union(modalities):
            result[case_id].cells[(dimension, code)] = 1
    for case_id, item in in_hand.items():
        if result[case_id].counted:
            for cell in item.classification:
                result[case_id].cells[cell] = 1

    risks = (
        _latest(
            RiskAssessment.objects.filter(case_id__in=counted).values(
                "case_id", "level", "assessed_at", "id"
            ),
            "case_id",
            ("assessed_at", "id"),
        )
        if "has_risk" in present
        else {}
    )
    for case_id, row in risks.items():
        cells = result[case_id].cells
        del cells[(Dimension.RISK, NO_RISK)]
        cells[(Dimension.RISK, row["level"])] = 1

    firsts = (
        dict(
            AttentionSession.objects.filter(case_id__in=counted)
            .values("case_id")
            .annotate(first=Min("held_at"))
            .values_list("case_id", "first")
        )
        if "has_attention" in present
        else {}
    )
    for case_id in counted:
        bucket = attention_bucket(registered[case_id], firsts.get(case_id))
        result[case_id].cells[(Dimension.FIRST_ATTENTION, bucket)] = 1

    by_subject = {str(case_id): case_id for case_id in counted}
    deadlines = Deadline.objects.filter(
        run__subject_type=SUBJECT, run__subject_id__in=list(by_subject)
    ).values_list("run__subject_id", "stage", "due_at", "met_at", "overdue_at")
    for subject_id, stage, due_at, met_at, overdue_at in deadlines:
        outcome = deadline_outcome(due_at, met_at, overdue_at)
        result[by_subject[subject_id]].cells[(Dimension.DEADLINE, f"{stage}|{outcome}")] += 1

    if "has_referral" in present:
        for case_id, status in Referral.objects.filter(case_id__in=counted).values_list(
            "case_id", "status"
        ):
            result[case_id].cells[(Dimension.REFERRAL, status)] += 1
    # Approved and not yet concluded (the daily run_measures concludes those past their end).
    if "has_measure" in present:
        for case_id, kind in Measure.objects.filter(
            procedure__case_id__in=counted, status=MeasureStatus.APROBADA
        ).values_list("procedure__case_id", "kind"):
            result[case_id].cells[(Dimension.MEASURE, kind)] += 1
    return result
