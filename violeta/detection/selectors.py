"""Reads of risk assessments, always from the viewer.

Her risk history is part of what she told: only those who may read her account
(``case_reading(...).account``) see it; for everyone else these return nothing.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from violeta.cases.models import Case
from violeta.cases.selectors import case_reading
from violeta.cases.shared_reads import case_rows
from violeta.detection.models import RiskAssessment
from violeta.detection.risk import risk_instrument
from violeta.detection.risk_schema import level_rank


class Trend(models.TextChoices):
    SUBE = "sube", _("Sube")
    BAJA = "baja", _("Baja")
    IGUAL = "igual", _("Igual")


def level_label(code: str) -> str:
    """A level's name in the viewer's language, from the instrument's data."""
    if not code:
        return ""
    return risk_instrument().level(code).label.text(get_language())


@dataclasses.dataclass(frozen=True)
class RiskRow:
    assessment: RiskAssessment
    trend: Trend | None  # None for the first assessment

    @property
    def level_label(self) -> str:
        return level_label(self.assessment.level)

    @property
    def computed_label(self) -> str:
        return level_label(self.assessment.computed_level)

    @property
    def trend_label(self) -> str:
        return str(self.trend.label) if self.trend else ""


def may_read_risk(*, user: Any, case: Case) -> bool:
    return case_reading(user=user, case=case).account


def _trend(previous: RiskAssessment | None, current: RiskAssessment) -> Trend | None:
    if previous is None:
        return None
    change = level_rank(current.level) - level_rank(previous.level)
    return Trend.SUBE if change > 0 else Trend.BAJA if change < 0 else Trend.IGUAL


def case_assessments(case: Case) -> list[RiskAssessment]:
    """Every assessment of the case, oldest first, read once while the case page renders (its
    risk section and referrals' recommendation facts both need them). Not filtered by viewer:
    callers decide what to show."""
    return case_rows(
        "risk_assessments",
        case,
        lambda: list(
            RiskAssessment.objects.filter(case=case)
            .select_related("assessed_by", "data_key")
            .order_by("assessed_at", "id")
        ),
    )


def risk_history(*, user: Any, case: Case) -> list[RiskRow]:
    """Every assessment of the case, newest first, each with its trend against the one before.
    Empty for a viewer who may not read her account."""
    if not may_read_risk(user=user, case=case):
        return []
    assessments = case_assessments(case)
    rows = [
        RiskRow(assessment, _trend(assessments[index - 1] if index else None, assessment))
        for index, assessment in enumerate(assessments)
    ]
    return rows[::-1]


def risk_latest(*, user: Any, case: Case) -> RiskRow | None:
    """The newest assessment with its trend, or None (none yet, or not for this viewer)."""
    if not may_read_risk(user=user, case=case):
        return None
    assessments = case_assessments(case)
    if not assessments:
        return None
    previous = assessments[-2] if len(assessments) > 1 else None
    return RiskRow(assessments[-1], _trend(previous, assessments[-1]))
