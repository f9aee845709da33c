"""Procedure pages for those who conduct it: open, the procedure file, comité sessions with
attendance and excuses, measures with votes, compliance and renewal, and the acta.

A service's PermissionDenied is a 404, as on every case page: never a hint of what exists.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from violeta.audit.models import AuditAction
from violeta.audit.services import audit_record
from violeta.cases.models import Case
from violeta.cases.selectors import CaseReading
from violeta.cases.services.consent import ConsentMissing
from violeta.cases.views.common import add_errors, visible_case
from violeta.documents.pdf import pdf_response
from violeta.protocols.selectors import protocol_panel
from violeta.protocols.services import run_for
from violeta.sanctions import services
from violeta.sanctions.acta import acta_render
from violeta.sanctions.forms import (
    ComplianceForm,
    ConveneForm,
    ExcuseForm,
    HoldForm,
    MeasureForm,
    OpenForm,
    RenewForm,
    RepresentativeForm,
    VotesForm,
)
from violeta.sanctions.models import (
    ComiteSession,
    Excuse,
    Measure,
    MeasureKind,
    MeasureStatus,
    MeasureSubject,
    Procedure,
    SessionStatus,
)
from violeta.sanctions.selectors import accused_servants, may_conduct, may_open, procedure_of


@dataclasses.dataclass(frozen=True)
class ProcedurePanel:
    procedure: Procedure | None
    may_open: bool


def procedure_section(request: HttpRequest, case: Case, reading: CaseReading) -> dict[str, Any]:
    """Context for ``sanctions/_section.html`` on the case page."""
    if not may_conduct(user=request.user, case=case):
        return {"procedure_panel": None}
    procedure = procedure_of(case=case)
    opening = procedure is None and may_open(user=request.user, case=case)
    if procedure is None and not opening:
        return {"procedure_panel": None}
    return {"procedure_panel": ProcedurePanel(procedure=procedure, may_open=opening)}


def _conducted_case(request: HttpRequest, pk: Any) -> Case:
    case = visible_case(request, pk)
    if not may_conduct(user=request.user, case=case):
        raise Http404
    return case


def _procedure(request: HttpRequest, pk: Any) -> Procedure:
    procedure = get_object_or_404(
        Procedure.objects.select_related("case", "accused", "data_key"), pk=pk
    )
    _conducted_case(request, procedure.case_id)
    return procedure


def _session(request: HttpRequest, pk: Any) -> ComiteSession:
    session = get_object_or_404(
        ComiteSession.objects.select_related("procedure__case", "data_key"), pk=pk
    )
    _conducted_case(request, session.procedure.case_id)
    return session


def _measure(request: HttpRequest, pk: Any) -> Measure:
    measure = get_object_or_404(
        Measure.objects.select_related("procedure__case", "session", "data_key"), pk=pk
    )
    _conducted_case(request, measure.procedure.case_id)
    return measure


@login_required
def procedure_open(request: HttpRequest, pk: Any) -> HttpResponse:
    case = _conducted_case(request, pk)
    existing = procedure_of(case=case)
    if existing is not None:
        return redirect("sanctions:detail", pk=existing.pk)
    if not may_open(user=request.user, case=case):
        raise Http404
    form = OpenForm(request.POST or None, accused=accused_servants(case=case), prefix="abrir")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                procedure = services.procedure_open(
                    actor=request.user,  # type: ignore[arg-type]
                    case=case,
                    accused=form.cleaned_data["accused"],
                    allegations=form.cleaned_data["allegations"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ConsentMissing:
                form.add_error(
                    None,
                    _(
                        "Ella no ha dado su consentimiento para compartir su caso con el comité y "
                        "el OIC, o lo retiró. Sin él (o una excepción de ley registrada) no se "
                        "abre el procedimiento."
                    ),
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Procedimiento abierto."))
                return redirect("sanctions:detail", pk=procedure.pk)
    return render(request, "sanctions/open.html", {"case": case, "form": form}, status=status)


def _detail_context(request: HttpRequest, procedure: Procedure) -> dict[str, Any]:
    from violeta.sanctions.views_investigation import investigation_context

    run = run_for(procedure.case)
    context = {
        "case": procedure.case,
        "procedure": procedure,
        "sessions": procedure.sessions.all(),
        "measures": procedure.measures.select_related("session", "data_key").prefetch_related(
            "checks"
        ),
        "convene_form": ConveneForm(prefix="sesion"),
        "representative_form": RepresentativeForm(prefix="representante"),
        "protocol": protocol_panel(run=run, user=request.user, can_act=False),
    }
    context.update(investigation_context(request, procedure))
    return context


@login_required
def procedure_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    procedure = _procedure(request, pk)
    audit_record(action=AuditAction.VIEW, target=procedure, detail={"page": "procedure"})
    return render(request, "sanctions/detail.html", _detail_context(request, procedure))


@login_required
@require_POST
def accused_notify(request: HttpRequest, pk: Any) -> HttpResponse:
    procedure = _procedure(request, pk)
    try:
        services.accused_notify(actor=request.user, procedure=procedure)  # type: ignore[arg-type]
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request,
            _("Notificación registrada. Plazo para pruebas y alegatos: hasta el %(date)s.")
            % {
                "date": procedure.response_due_at.strftime("%d/%m/%Y")
                if procedure.response_due_at
                else ""
            },
        )
    return redirect("sanctions:detail", pk=procedure.pk)


@login_required
@require_POST
def representative_set(request: HttpRequest, pk: Any) -> HttpResponse:
    procedure = _procedure(request, pk)
    form = RepresentativeForm(request.POST, prefix="representante")
    if form.is_valid():
        try:
            services.representative_set(
                actor=request.user,  # type: ignore[arg-type]
                procedure=procedure,
                email=form.cleaned_data["email"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Representante registrado."))
            return redirect("sanctions:detail", pk=procedure.pk)
    context = _detail_context(request, procedure)
    context["representative_form"] = form
    return render(request, "sanctions/detail.html", context, status=400)


@login_required
@require_POST
def session_convene(request: HttpRequest, pk: Any) -> HttpResponse:
    procedure = _procedure(request, pk)
    form = ConveneForm(request.POST, prefix="sesion")
    if form.is_valid():
        try:
            session = services.session_convene(
                actor=request.user,  # type: ignore[arg-type]
                procedure=procedure,
                scheduled_for=form.cleaned_data["scheduled_for"],
                place=form.cleaned_data["place"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            excused = session.members.exclude(excuse="").count()
            text = _("Sesión %(number)s convocada.") % {"number": session.number}
            if excused:
                text += " " + _(
                    "%(count)s integrante(s) quedaron excusados por conflicto de interés."
                ) % {"count": excused}
            messages.success(request, text)
            return redirect("sanctions:session", pk=session.pk)
    context = _detail_context(request, procedure)
    context["convene_form"] = form
    return render(request, "sanctions/detail.html", context, status=400)


def _session_context(request: HttpRequest, session: ComiteSession, **forms: Any) -> dict[str, Any]:
    members = session.members.select_related("member__user__dependencia", "data_key")
    voters = [m for m in members if m.may_vote]
    measures = list(
        session.measures.select_related("data_key").prefetch_related("votes__member__member__user")
    )
    pending = [m for m in measures if m.status == MeasureStatus.PROPUESTA]
    return {
        "case": session.procedure.case,
        "procedure": session.procedure,
        "session": session,
        "members": members,
        "voters": voters,
        "measures": measures,
        "excuse_form": forms.get("excuse_form")
        or ExcuseForm(members=session.members.filter(excuse=""), prefix="excusa"),
        "hold_form": forms.get("hold_form")
        or HoldForm(members=session.members.all(), prefix="asistencia"),
        "measure_form": forms.get("measure_form") or MeasureForm(prefix="medida"),
        "vote_forms": [
            (
                measure,
                forms.get("vote_forms", {}).get(measure.pk)
                or VotesForm(voters=voters, prefix=f"votos-{measure.pk}"),
            )
            for measure in pending
        ],
        "convened": session.status == SessionStatus.CONVOCADA,
        "held": session.status == SessionStatus.CELEBRADA,
    }


@login_required
def session_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    session = _session(request, pk)
    return render(request, "sanctions/session.html", _session_context(request, session))


@login_required
@require_POST
def session_excuse(request: HttpRequest, pk: Any) -> HttpResponse:
    session = _session(request, pk)
    form = ExcuseForm(request.POST, members=session.members.filter(excuse=""), prefix="excusa")
    if form.is_valid():
        try:
            services.session_member_excuse(
                actor=request.user,  # type: ignore[arg-type]
                session_member=form.cleaned_data["member"],
                excuse=Excuse(form.cleaned_data["excuse"]),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Excusa registrada: no delibera ni vota en este caso."))
            return redirect("sanctions:session", pk=session.pk)
    return render(
        request,
        "sanctions/session.html",
        _session_context(request, session, excuse_form=form),
        status=400,
    )


@login_required
@require_POST
def session_hold(request: HttpRequest, pk: Any) -> HttpResponse:
    session = _session(request, pk)
    form = HoldForm(request.POST, members=session.members.all(), prefix="asistencia")
    if form.is_valid():
        try:
            services.session_hold(
                actor=request.user,  # type: ignore[arg-type]
                session=session,
                present=[m.pk for m in form.cleaned_data["present"]],
                agreements=form.cleaned_data["agreements"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            session.refresh_from_db()
            if session.status == SessionStatus.SIN_QUORUM:
                messages.warning(
                    request,
                    _("Sin quórum: no se pueden votar medidas. Convoca a una nueva sesión."),
                )
            else:
                messages.success(request, _("Asistencia registrada: hay quórum."))
            return redirect("sanctions:session", pk=session.pk)
    return render(
        request,
        "sanctions/session.html",
        _session_context(request, session, hold_form=form),
        status=400,
    )


@login_required
@require_POST
def measure_propose(request: HttpRequest, pk: Any) -> HttpResponse:
    session = _session(request, pk)
    form = MeasureForm(request.POST, prefix="medida")
    if form.is_valid():
        try:
            services.measure_propose(
                actor=request.user,  # type: ignore[arg-type]
                session=session,
                kind=MeasureKind(form.cleaned_data["kind"]),
                subject=MeasureSubject(form.cleaned_data["subject"]),
                responsible=form.cleaned_data["responsible"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                detail=form.cleaned_data["detail"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Medida propuesta. Registra la votación."))
            return redirect("sanctions:session", pk=session.pk)
    return render(
        request,
        "sanctions/session.html",
        _session_context(request, session, measure_form=form),
        status=400,
    )


@login_required
@require_POST
def measure_consent(request: HttpRequest, pk: Any) -> HttpResponse:
    measure = _measure(request, pk)
    try:
        services.measure_her_consent(actor=request.user, measure=measure)  # type: ignore[arg-type]
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("Su consentimiento para esta medida quedó registrado."))
    return redirect("sanctions:session", pk=measure.session_id)


@login_required
@require_POST
def measure_votes(request: HttpRequest, pk: Any) -> HttpResponse:
    measure = _measure(request, pk)
    session = measure.session
    assert session is not None  # noqa: S101
    voters = [m for m in session.members.select_related("member__user") if m.may_vote]
    form = VotesForm(request.POST, voters=voters, prefix=f"votos-{measure.pk}")
    if form.is_valid():
        try:
            services.votes_record(
                actor=request.user,  # type: ignore[arg-type]
                measure=measure,
                votes=form.votes(),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Votación registrada: %(result)s.") % {"result": measure.get_result_display()},
            )
            return redirect("sanctions:session", pk=session.pk)
    return render(
        request,
        "sanctions/session.html",
        _session_context(request, session, vote_forms={measure.pk: form}),
        status=400,
    )


@login_required
def measure_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    measure = _measure(request, pk)
    return _measure_page(request, measure)


def _measure_page(
    request: HttpRequest, measure: Measure, *, status: int = 200, **forms: Any
) -> HttpResponse:
    sessions = measure.procedure.sessions.filter(status=SessionStatus.CELEBRADA)
    return render(
        request,
        "sanctions/measure.html",
        {
            "case": measure.procedure.case,
            "procedure": measure.procedure,
            "measure": measure,
            "checks": measure.checks.select_related("checked_by", "data_key"),
            "compliance_form": forms.get("compliance_form")
            or ComplianceForm(prefix="cumplimiento"),
            "renew_form": forms.get("renew_form") or RenewForm(sessions=sessions, prefix="renovar"),
            "may_follow": measure.status == MeasureStatus.APROBADA,
            "may_renew": measure.status in (MeasureStatus.APROBADA, MeasureStatus.CONCLUIDA)
            and sessions.exists(),
        },
        status=status,
    )


@login_required
@require_POST
def measure_compliance(request: HttpRequest, pk: Any) -> HttpResponse:
    measure = _measure(request, pk)
    form = ComplianceForm(request.POST, prefix="cumplimiento")
    if form.is_valid():
        try:
            services.compliance_record(
                actor=request.user,  # type: ignore[arg-type]
                measure=measure,
                complied=form.cleaned_data["complied"] == "si",
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Seguimiento registrado."))
            return redirect("sanctions:measure", pk=measure.pk)
    return _measure_page(request, measure, status=400, compliance_form=form)


@login_required
@require_POST
def measure_renew(request: HttpRequest, pk: Any) -> HttpResponse:
    measure = _measure(request, pk)
    sessions = measure.procedure.sessions.filter(status=SessionStatus.CELEBRADA)
    form = RenewForm(request.POST, sessions=sessions, prefix="renovar")
    if form.is_valid():
        try:
            renewal = services.measure_renew(
                actor=request.user,  # type: ignore[arg-type]
                measure=measure,
                session=form.cleaned_data["session"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Renovación propuesta: el comité la vota de nuevo."))
            return redirect("sanctions:session", pk=renewal.session_id)
    return _measure_page(request, measure, status=400, renew_form=form)


@login_required
@require_POST
def session_acta(request: HttpRequest, pk: Any) -> HttpResponse:
    session = _session(request, pk)
    if session.status == SessionStatus.CONVOCADA:
        messages.error(request, _("El acta se genera cuando la sesión se celebró."))
        return redirect("sanctions:session", pk=session.pk)
    content = acta_render(session=session)
    audit_record(
        action=AuditAction.DOCUMENT,
        target=session,
        detail={"document": "acta_comite", "session": session.number},
    )
    return pdf_response(
        content, filename=f"acta-{session.procedure.case.folio}-sesion-{session.number}.pdf"
    )
