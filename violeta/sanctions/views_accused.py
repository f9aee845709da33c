"""The accused's own page: he and his representative see only what the procedure allows
(the allegations, his deadlines, hearings, measures on him, his own evidence and arguments,
the resolution once notified to him) and never her contact data, address, account, attention or
evidence. Built from the procedure's own fields only."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from violeta.cases.views.common import add_errors
from violeta.sanctions import services_investigation as services
from violeta.sanctions.forms_investigation import (
    ArgumentForm,
    EvidenceForm,
)
from violeta.sanctions.models import (
    Outcome,
    Procedure,
    ProcedureStatus,
    Sanction,
    Side,
)
from violeta.sanctions.selectors_investigation import (
    arguments_visible_to,
    arrived_late,
    evidence_visible_to,
    hearings_of,
    measures_on_accused,
    resolution_firm,
    resolution_of,
)
from violeta.sanctions.views_investigation import (
    accused_procedure,
    argument_received,
    evidence_received,
    view_record,
)


@dataclasses.dataclass(frozen=True)
class AccusedHearing:
    kind: str
    scheduled_for: datetime.datetime
    held: bool


@dataclasses.dataclass(frozen=True)
class AccusedMeasure:
    """A measure on him: what, when and who carries it out. Not the detail text, which the
    comité writes for those who apply it and may mention her."""

    kind: str
    status: str
    starts_on: datetime.date
    ends_on: datetime.date
    responsible: str


@dataclasses.dataclass(frozen=True)
class AccusedEvidence:
    pk: Any
    description: str
    content_type: str
    size: int
    sha256: str
    stored_at: datetime.datetime
    late: bool


@dataclasses.dataclass(frozen=True)
class AccusedArgument:
    text: str
    submitted_at: datetime.datetime
    late: bool


@dataclasses.dataclass(frozen=True)
class AccusedResolution:
    """The resolution as notified to him: the sense, the sanctions and their grounds (he is
    owed the fundamentación y motivación), and whether the Ministerio Público was given
    notice, since that is part of what was resolved. Not ``vista_mp_note``: it is the
    authority's reasoning on a possible crime against her, which may repeat her account, and
    the duty to report it (LEDMVLV art. 12-i) is the authority's, not a charge he answers
    here."""

    outcome: str
    sanctioned: bool
    sanctions: list[str]
    suspension_days: int | None
    grounds: str
    vista_mp: bool
    notified_at: datetime.datetime | None
    appeal_due_at: datetime.datetime | None
    appeal_filed_at: datetime.datetime | None
    firm: bool


@dataclasses.dataclass(frozen=True)
class AccusedFile:
    """Everything the accused's page may show, and nothing else."""

    pk: Any
    folio: str
    allegations: str
    notified_at: datetime.datetime | None
    response_due_at: datetime.datetime | None
    response_overdue: bool
    hearings: list[AccusedHearing]
    measures: list[AccusedMeasure]
    evidence: list[AccusedEvidence]
    arguments: list[AccusedArgument]
    # Shown only once notified to him: the notice is the act that makes it his, and his
    # window to appeal runs from it.
    resolution: AccusedResolution | None
    is_open: bool


def _accused_file(request: HttpRequest, procedure: Procedure) -> AccusedFile:
    user = request.user
    resolution = resolution_of(procedure=procedure)
    shown = None
    if resolution is not None and resolution.notified_accused_at is not None:
        shown = AccusedResolution(
            outcome=resolution.get_outcome_display(),
            sanctioned=resolution.outcome == Outcome.SANCION,
            sanctions=[
                str(Sanction(code).label)
                for code in resolution.sanctions
                if code in Sanction.values
            ],
            suspension_days=resolution.suspension_days,
            grounds=resolution.grounds,
            vista_mp=resolution.vista_mp,
            notified_at=resolution.notified_accused_at,
            appeal_due_at=resolution.appeal_due_at,
            appeal_filed_at=resolution.appeal_filed_at,
            firm=resolution_firm(resolution=resolution),
        )
    due = procedure.response_due_at
    return AccusedFile(
        pk=procedure.pk,
        folio=procedure.case.folio,
        allegations=procedure.allegations,
        notified_at=procedure.accused_notified_at,
        response_due_at=due,
        response_overdue=due is not None and timezone.now() > due,
        hearings=[
            AccusedHearing(
                kind=hearing.get_kind_display(),
                scheduled_for=hearing.scheduled_for,
                held=hearing.held_at is not None,
            )
            for hearing in hearings_of(procedure=procedure)
        ],
        measures=[
            AccusedMeasure(
                kind=measure.get_kind_display(),
                status=measure.get_status_display(),
                starts_on=measure.starts_on,
                ends_on=measure.ends_on,
                responsible=measure.responsible,
            )
            for measure in measures_on_accused(procedure=procedure)
        ],
        # evidence_visible_to and arguments_visible_to give his side only their own.
        evidence=[
            AccusedEvidence(
                pk=item.pk,
                description=item.description,
                content_type=item.content_type,
                size=item.size,
                sha256=item.sha256,
                stored_at=item.stored_at,
                late=arrived_late(procedure=procedure, side=item.side, at=item.stored_at),
            )
            for item in evidence_visible_to(user=user, procedure=procedure)
        ],
        arguments=[
            AccusedArgument(
                text=item.text,
                submitted_at=item.submitted_at,
                late=arrived_late(procedure=procedure, side=item.side, at=item.submitted_at),
            )
            for item in arguments_visible_to(user=user, procedure=procedure)
        ],
        resolution=shown,
        is_open=procedure.status == ProcedureStatus.ABIERTO,
    )


def _accused_page(
    request: HttpRequest,
    procedure: Procedure,
    *,
    evidence_form: EvidenceForm | None = None,
    argument_form: ArgumentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    file = _accused_file(request, procedure)
    if file.is_open:
        evidence_form = evidence_form or EvidenceForm(prefix="prueba")
        argument_form = argument_form or ArgumentForm(prefix="alegatos")
    return render(
        request,
        "sanctions/accused.html",
        {
            "file": file,
            "evidence_form": evidence_form if file.is_open else None,
            "argument_form": argument_form if file.is_open else None,
            "appeal_days": services.APPEAL_TERM_DAYS,
        },
        status=status,
    )


@login_required
def accused(request: HttpRequest, pk: Any) -> HttpResponse:
    procedure = accused_procedure(request, pk)
    view_record(request, procedure, "accused")
    return _accused_page(request, procedure)


@login_required
@require_POST
def accused_evidence_add(request: HttpRequest, pk: Any) -> HttpResponse:
    procedure = accused_procedure(request, pk)
    form = EvidenceForm(request.POST, request.FILES, prefix="prueba")
    if form.is_valid():
        try:
            evidence = services.evidence_add(
                actor=request.user,  # type: ignore[arg-type]
                procedure=procedure,
                side=Side.PERSONA_SENALADA,
                description=form.cleaned_data["description"],
                data=form.file_bytes,
                filename=form.cleaned_data["file"].name,
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            add_errors(form, error)
        else:
            evidence_received(request, procedure, evidence)
            return redirect("sanctions:accused", pk=procedure.pk)
    return _accused_page(request, procedure, evidence_form=form, status=400)


@login_required
@require_POST
def accused_argument_add(request: HttpRequest, pk: Any) -> HttpResponse:
    procedure = accused_procedure(request, pk)
    form = ArgumentForm(request.POST, prefix="alegatos")
    if form.is_valid():
        try:
            argument = services.argument_add(
                actor=request.user,  # type: ignore[arg-type]
                procedure=procedure,
                side=Side.PERSONA_SENALADA,
                text=form.cleaned_data["text"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            add_errors(form, error)
        else:
            argument_received(request, procedure, argument)
            return redirect("sanctions:accused", pk=procedure.pk)
    return _accused_page(request, procedure, argument_form=form, status=400)


# Included by the app's urls under app_name "sanctions" and the "/sancion/" prefix.
urlpatterns = [
    path("<uuid:pk>/mi-expediente/", accused, name="accused"),
    path("<uuid:pk>/mi-expediente/pruebas/", accused_evidence_add, name="accused_evidence_add"),
    path("<uuid:pk>/mi-expediente/alegatos/", accused_argument_add, name="accused_argument_add"),
]
