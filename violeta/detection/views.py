"""Risk assessment pages on a case, and the section the case page shows (``risk_section``).

A service's PermissionDenied is a 404, as on every case page: never a hint of what exists.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from violeta.cases.models import Case
from violeta.cases.selectors import CaseReading
from violeta.cases.views.common import acting_case, add_errors, visible_case
from violeta.detection import services
from violeta.detection.forms import LEVEL, REASON, RiskForm
from violeta.detection.risk import risk_instrument
from violeta.detection.risk_schema import Instrument
from violeta.detection.selectors import (
    RiskRow,
    level_label,
    may_read_risk,
    risk_history,
    risk_latest,
)


@dataclasses.dataclass(frozen=True)
class BandRow:
    label: str
    min_score: int
    max_score: int | None
    actions: list[str]


def _bands(instrument: Instrument, language: str) -> list[BandRow]:
    return [
        BandRow(
            level.label.text(language),
            level.min_score,
            level.max_score,
            [action.label.text(language) for action in level.actions],
        )
        for level in instrument.levels
    ]


def _form_context(
    request: HttpRequest, case: Case, form: RiskForm, instrument: Instrument
) -> dict[str, Any]:
    language = get_language()
    preview = None
    # After a refusal the form carries errors, but its yes/no answers are always clean.
    if form.is_bound and (form.is_valid() or hasattr(form, "cleaned_data")):
        answers = form.answers()
        preview = {
            "score": instrument.score(answers),
            "level": level_label(instrument.computed_level(answers)),
        }
    return {
        "case": case,
        "form": form,
        "item_fields": form.item_fields(),
        "level_field": form[LEVEL],
        "reason_field": form[REASON],
        "instrument": instrument,
        "notice": instrument.notice.text(language),
        "bands": _bands(instrument, language),
        "critical_floor": level_label(instrument.critical_floor),
        "preview": preview,
        "latest": risk_latest(user=request.user, case=case),
    }


@login_required
def risk_assess(request: HttpRequest, pk: Any) -> HttpResponse:
    case = acting_case(request, pk)
    if not services.may_assess_risk(user=request.user, case=case):
        raise Http404
    instrument = risk_instrument()
    form = RiskForm(request.POST or None, instrument=instrument, language=get_language())
    if request.method != "POST":
        return render(
            request, "detection/risk_form.html", _form_context(request, case, form, instrument)
        )
    if form.is_valid():
        try:
            assessment = services.risk_assess(
                actor=request.user,
                case=case,
                answers=form.answers(),
                level=form.cleaned_data[LEVEL] or None,
                reason=form.cleaned_data[REASON],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            add_errors(form, error)
        else:
            language = get_language()
            labels = [
                task.label_en if language.startswith("en") and task.label_en else task.label_es
                for task in assessment.tasks_opened
            ]
            if labels:
                text = _(
                    "Valoración guardada. Nivel de riesgo: %(level)s. Tareas creadas: %(tasks)s."
                ) % {"level": level_label(assessment.level), "tasks": "; ".join(labels)}
            else:
                text = _(
                    "Valoración guardada. Nivel de riesgo: %(level)s. No hubo tareas nuevas: "
                    "las obligatorias de este nivel ya estaban abiertas o no hay."
                ) % {"level": level_label(assessment.level)}
            messages.success(request, text)
            return redirect("detection:risk_assess", pk=case.pk)
    return render(
        request,
        "detection/risk_form.html",
        _form_context(request, case, form, instrument),
        status=400,
    )


@login_required
def risk_history_view(request: HttpRequest, pk: Any) -> HttpResponse:
    case = visible_case(request, pk)
    if not may_read_risk(user=request.user, case=case):
        raise Http404
    return render(
        request,
        "detection/risk_history.html",
        {
            "case": case,
            "rows": risk_history(user=request.user, case=case),
            "may_assess": services.may_assess_risk(user=request.user, case=case),
        },
    )


@dataclasses.dataclass(frozen=True)
class RiskPanel:
    latest: RiskRow | None
    may_read: bool
    may_assess: bool


def risk_section(request: HttpRequest, case: Case, reading: CaseReading) -> dict[str, Any]:
    """Context for ``detection/_risk_summary.html`` on the case page: ``{"risk": panel}``,
    or ``{"risk": None}`` for a viewer who may neither read nor assess her risk."""
    may_read = reading.account
    may_assess = services.may_assess_risk(user=request.user, case=case)
    if not (may_read or may_assess):
        return {"risk": None}
    return {
        "risk": RiskPanel(
            latest=risk_latest(user=request.user, case=case) if may_read else None,
            may_read=may_read,
            may_assess=may_assess,
        )
    }
