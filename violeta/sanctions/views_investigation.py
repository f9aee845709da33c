"""Investigation and resolution pages: the conductors' investigation (evidence, arguments,
hearings, resolution, its notices, appeal and conclusion) and the accused's own file.

A service's PermissionDenied is a 404, as on every case page: never a hint of what exists.
The accused's page is built from ``AccusedFile``, which holds only what he may see, so the
template cannot reach the case, her party record or anything else by accident.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from violeta.audit.models import AuditAction
from violeta.audit.services import audit_record
from violeta.cases.views.common import add_errors
from violeta.crypto.attachments import AttachmentShreddedError, attachment_response
from violeta.sanctions import services_investigation as services
from violeta.sanctions.forms_investigation import (
    AppealForm,
    ConductorArgumentForm,
    ConductorEvidenceForm,
    HearingForm,
    HearingHoldForm,
    NotifyForm,
    ResolveForm,
)
from violeta.sanctions.models import (
    Argument,
    Evidence,
    Hearing,
    Procedure,
    ProcedureStatus,
    Resolution,
    Sanction,
)
from violeta.sanctions.selectors_investigation import (
    accused_reads,
    arguments_visible_to,
    arrived_late,
    conclusion_state,
    conducts,
    evidence_visible_to,
    hearings_of,
    initial_hearing_window,
    may_resolve,
    resolution_firm,
    resolution_of,
)

# --- Access ---------------------------------------------------------------------------------


def _procedure(pk: Any) -> Procedure:
    return get_object_or_404(Procedure.objects.select_related("case", "accused", "data_key"), pk=pk)


def _conducted(request: HttpRequest, pk: Any) -> Procedure:
    procedure = _procedure(pk)
    if not conducts(user=request.user, procedure=procedure):
        raise Http404
    return procedure


def accused_procedure(request: HttpRequest, pk: Any) -> Procedure:
    """Only the accused's side, once notified; everybody else (conductors included: they have
    the full page) gets a 404."""
    procedure = _procedure(pk)
    if not accused_reads(user=request.user, procedure=procedure):
        raise Http404
    return procedure


def _back(procedure: Procedure, section: str) -> HttpResponse:
    """To the procedure page, at the section just acted on."""
    url = reverse("sanctions:detail", args=[procedure.pk])
    return redirect(f"{url}#investigacion-{section}")


def view_record(request: HttpRequest, procedure: Procedure, page: str) -> None:
    audit_record(
        action=AuditAction.VIEW,
        target=procedure,
        detail={"page": page},
        actor=request.user,  # type: ignore[arg-type]
    )


def evidence_received(request: HttpRequest, procedure: Procedure, evidence: Evidence) -> None:
    if arrived_late(procedure=procedure, side=evidence.side, at=evidence.stored_at):
        messages.warning(
            request,
            _(
                "Prueba recibida fuera del plazo para pruebas y alegatos: queda registrada y la "
                "autoridad decidirá si la admite."
            ),
        )
    else:
        messages.success(request, _("Prueba recibida."))


def argument_received(request: HttpRequest, procedure: Procedure, argument: Argument) -> None:
    if arrived_late(procedure=procedure, side=argument.side, at=argument.submitted_at):
        messages.warning(
            request,
            _(
                "Alegatos recibidos fuera del plazo para pruebas y alegatos: quedan registrados "
                "y la autoridad decidirá si los admite."
            ),
        )
    else:
        messages.success(request, _("Alegatos recibidos."))


# --- The conductors' investigation ---------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class EvidenceRow:
    evidence: Evidence
    late: bool


@dataclasses.dataclass(frozen=True)
class ArgumentRow:
    argument: Argument
    late: bool


@dataclasses.dataclass(frozen=True)
class HearingRow:
    hearing: Hearing
    hold_form: HearingHoldForm | None


@dataclasses.dataclass(frozen=True)
class ResolutionView:
    resolution: Resolution
    sanction_labels: list[str]
    economic: bool
    firm: bool


@dataclasses.dataclass(frozen=True)
class InvestigationPanel:
    procedure: Procedure
    is_open: bool
    evidence: list[EvidenceRow]
    arguments: list[ArgumentRow]
    hearings: list[HearingRow]
    initial_window: tuple[datetime.date, datetime.date] | None
    resolution: ResolutionView | None
    may_resolve: bool
    conclusion_missing: list[str]
    may_conclude: bool
    evidence_form: ConductorEvidenceForm | None
    argument_form: ConductorArgumentForm | None
    hearing_form: HearingForm | None
    notify_form: NotifyForm | None
    appeal_form: AppealForm | None


def _resolution_view(resolution: Resolution | None) -> ResolutionView | None:
    if resolution is None:
        return None
    return ResolutionView(
        resolution=resolution,
        sanction_labels=[
            str(Sanction(code).label) for code in resolution.sanctions if code in Sanction.values
        ],
        economic=Sanction.SANCION_ECONOMICA in resolution.sanctions,
        firm=resolution_firm(resolution=resolution),
    )


def investigation_context(
    request: HttpRequest, procedure: Procedure, *, forms: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Context for ``sanctions/_investigation.html`` on a procedure page: ``investigation``
    (an ``InvestigationPanel``, or None when the viewer does not conduct the procedure).
    ``forms`` puts back refused forms by key: evidence, argument, hearing, hold (a pair of
    hearing pk and form), notify, appeal."""
    user = request.user
    if not conducts(user=user, procedure=procedure):
        return {"investigation": None}
    forms = forms or {}
    is_open = procedure.status == ProcedureStatus.ABIERTO
    resolution = resolution_of(procedure=procedure)
    refused_hold_pk, refused_hold = forms.get("hold", (None, None))

    def hold_form(hearing: Hearing) -> HearingHoldForm | None:
        if not is_open or hearing.held_at is not None:
            return None
        if hearing.pk == refused_hold_pk:
            return refused_hold
        return HearingHoldForm(prefix=f"audiencia-{hearing.pk}")

    hearings = [
        HearingRow(hearing=hearing, hold_form=hold_form(hearing))
        for hearing in hearings_of(procedure=procedure)
    ]
    state = conclusion_state(procedure=procedure, resolution=resolution)
    resolved = procedure.status == ProcedureStatus.RESUELTO and resolution is not None
    pending_notice = may_appeal = False
    if resolved and resolution is not None:
        pending_notice = (
            resolution.notified_affected_at is None or resolution.notified_accused_at is None
        )
        may_appeal = (
            resolution.appeal_due_at is not None
            and resolution.appeal_filed_at is None
            and not resolution_firm(resolution=resolution)
        )
    panel = InvestigationPanel(
        procedure=procedure,
        is_open=is_open,
        evidence=[
            EvidenceRow(
                evidence=item,
                late=arrived_late(procedure=procedure, side=item.side, at=item.stored_at),
            )
            for item in evidence_visible_to(user=user, procedure=procedure)
        ],
        arguments=[
            ArgumentRow(
                argument=item,
                late=arrived_late(procedure=procedure, side=item.side, at=item.submitted_at),
            )
            for item in arguments_visible_to(user=user, procedure=procedure)
        ],
        hearings=hearings,
        initial_window=initial_hearing_window(procedure=procedure),
        resolution=_resolution_view(resolution),
        may_resolve=is_open and may_resolve(user=user, procedure=procedure),
        conclusion_missing=services.conclusion_missing_texts(state, resolution) if resolved else [],
        may_conclude=resolved,
        evidence_form=(forms.get("evidence") or ConductorEvidenceForm(prefix="prueba"))
        if is_open
        else None,
        argument_form=(forms.get("argument") or ConductorArgumentForm(prefix="alegatos"))
        if is_open
        else None,
        hearing_form=(forms.get("hearing") or HearingForm(prefix="audiencia")) if is_open else None,
        notify_form=(forms.get("notify") or NotifyForm(prefix="notificacion"))
        if pending_notice
        else None,
        appeal_form=(forms.get("appeal") or AppealForm(prefix="recurso")) if may_appeal else None,
    )
    return {"investigation": panel}


def _page(
    request: HttpRequest,
    procedure: Procedure,
    *,
    forms: Mapping[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """A refused form, back with what was typed, on the investigation alone (the procedure
    page itself is ``sanctions:detail``, which includes the same partial)."""
    return render(
        request,
        "sanctions/investigation_page.html",
        {
            "procedure": procedure,
            "case": procedure.case,
            **investigation_context(request, procedure, forms=forms),
        },
        status=status,
    )


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: Any) -> HttpResponse:
    procedure = _conducted(request, pk)
    form = ConductorEvidenceForm(request.POST, request.FILES, prefix="prueba")
    if form.is_valid():
        try:
            evidence = services.evidence_add(
                actor=request.user,  # type: ignore[arg-type]
                procedure=procedure,
                side=form.cleaned_data["side"],
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
            return _back(procedure, "pruebas")
    return _page(request, procedure, forms={"evidence": form}, status=400)


@login_required
@require_POST
def argument_add(request: HttpRequest, pk: Any) -> HttpResponse:
    procedure = _conducted(request, pk)
    form = ConductorArgumentForm(request.POST, prefix="alegatos")
    if form.is_valid():
        try:
            argument = services.argument_add(
                actor=request.user,  # type: ignore[arg-type]
                procedure=procedure,
                side=form.cleaned_data["side"],
                text=form.cleaned_data["text"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            add_errors(form, error)
        else:
            argument_received(request, procedure, argument)
            return _back(procedure, "alegatos")
    return _page(request, procedure, forms={"argument": form}, status=400)


@login_required
@require_POST
def hearing_schedule(request: HttpRequest, pk: Any) -> HttpResponse:
    procedure = _conducted(request, pk)
    form = HearingForm(request.POST, prefix="audiencia")
    if form.is_valid():
        try:
            services.hearing_schedule(
                actor=request.user,  # type: ignore[arg-type]
                procedure=procedure,
                kind=form.cleaned_data["kind"],
                scheduled_for=form.cleaned_data["scheduled_for"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Audiencia programada."))
            return _back(procedure, "audiencias")
    return _page(request, procedure, forms={"hearing": form}, status=400)


@login_required
@require_POST
def hearing_hold(request: HttpRequest, pk: Any) -> HttpResponse:
    hearing = get_object_or_404(Hearing.objects.select_related("procedure"), pk=pk)
    procedure = _conducted(request, hearing.procedure_id)
    form = HearingHoldForm(request.POST, prefix=f"audiencia-{hearing.pk}")
    if form.is_valid():
        try:
            services.hearing_hold(
                actor=request.user,  # type: ignore[arg-type]
                hearing=hearing,
                minutes=form.cleaned_data["minutes"],
                held_at=form.cleaned_data["held_at"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Audiencia registrada como celebrada."))
            return _back(procedure, "audiencias")
    return _page(request, procedure, forms={"hold": (hearing.pk, form)}, status=400)


@login_required
def resolve(request: HttpRequest, pk: Any) -> HttpResponse:
    procedure = _conducted(request, pk)
    if not may_resolve(user=request.user, procedure=procedure):
        raise Http404
    if procedure.status != ProcedureStatus.ABIERTO:
        messages.info(request, _("Este procedimiento ya tiene resolución."))
        return _back(procedure, "resolucion")
    form = ResolveForm(request.POST or None, prefix="resolucion")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                resolution = services.procedure_resolve(
                    actor=request.user,  # type: ignore[arg-type]
                    procedure=procedure,
                    outcome=form.cleaned_data["outcome"],
                    sanctions=form.cleaned_data["sanctions"],
                    suspension_days=form.cleaned_data["suspension_days"],
                    grounds=form.cleaned_data["grounds"],
                    vista_mp=form.vista_mp_answer(),
                    vista_mp_note=form.cleaned_data["vista_mp_note"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Resolución registrada. Notifícala a ambas partes."),
                )
                if Sanction.SANCION_ECONOMICA in resolution.sanctions:
                    messages.warning(
                        request,
                        _(
                            "La sanción económica corresponde a faltas graves y la impone el "
                            "Tribunal de Justicia Administrativa (LGRA art. 78): verifica que "
                            "el asunto se turnó a él."
                        ),
                    )
                return _back(procedure, "resolucion")
    return render(
        request,
        "sanctions/resolve.html",
        {
            "procedure": procedure,
            "case": procedure.case,
            "form": form,
        },
        status=status,
    )


def _resolved(request: HttpRequest, pk: Any) -> tuple[Procedure, Resolution]:
    procedure = _conducted(request, pk)
    resolution = resolution_of(procedure=procedure)
    if resolution is None:
        raise Http404
    resolution.procedure = procedure
    return procedure, resolution


@login_required
@require_POST
def resolution_notify(request: HttpRequest, pk: Any) -> HttpResponse:
    procedure, resolution = _resolved(request, pk)
    form = NotifyForm(request.POST, prefix="notificacion")
    if form.is_valid():
        try:
            services.resolution_notify(
                actor=request.user,  # type: ignore[arg-type]
                resolution=resolution,
                party=form.cleaned_data["party"],
                when=form.cleaned_data["when"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Notificación de la resolución registrada."))
            return _back(procedure, "resolucion")
    return _page(request, procedure, forms={"notify": form}, status=400)


@login_required
@require_POST
def appeal_record(request: HttpRequest, pk: Any) -> HttpResponse:
    procedure, resolution = _resolved(request, pk)
    form = AppealForm(request.POST, prefix="recurso")
    if form.is_valid():
        try:
            services.appeal_record(
                actor=request.user,  # type: ignore[arg-type]
                resolution=resolution,
                filed_at=form.cleaned_data["filed_at"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Recurso de revocación registrado."))
            return _back(procedure, "resolucion")
    return _page(request, procedure, forms={"appeal": form}, status=400)


@login_required
@require_POST
def conclude(request: HttpRequest, pk: Any) -> HttpResponse:
    procedure = _conducted(request, pk)
    try:
        services.procedure_conclude(
            actor=request.user,  # type: ignore[arg-type]
            procedure=procedure,
        )
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Procedimiento concluido."))
    return _back(procedure, "resolucion")


@login_required
def evidence_download(request: HttpRequest, pk: Any) -> HttpResponse:
    """Conductors download any evidence; the accused's side only his own."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("procedure__case", "procedure__accused", "data_key"),
        pk=pk,
    )
    procedure = evidence.procedure
    if not evidence_visible_to(user=request.user, procedure=procedure).filter(pk=pk).exists():
        raise Http404
    try:
        response = attachment_response(evidence)
    except AttachmentShreddedError:
        raise Http404 from None
    services.evidence_download_record(
        actor=request.user,  # type: ignore[arg-type]
        evidence=evidence,
    )
    return response


# --- The accused's own file ----------------------------------------------------------------


urlpatterns = [
    path("<uuid:pk>/pruebas/", evidence_add, name="evidence_add"),
    path("pruebas/<uuid:pk>/descargar/", evidence_download, name="evidence_download"),
    path("<uuid:pk>/alegatos/", argument_add, name="argument_add"),
    path("<uuid:pk>/audiencias/", hearing_schedule, name="hearing_schedule"),
    path("audiencias/<uuid:pk>/celebrada/", hearing_hold, name="hearing_hold"),
    path("<uuid:pk>/resolucion/", resolve, name="resolve"),
    path("<uuid:pk>/resolucion/notificacion/", resolution_notify, name="resolution_notify"),
    path("<uuid:pk>/resolucion/recurso/", appeal_record, name="appeal_record"),
    path("<uuid:pk>/concluir/", conclude, name="conclude"),
]
