from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from violeta.accounts import roles
from violeta.audit.selectors import views_of
from violeta.cases import services
from violeta.cases.forms import (
    AccountAdditionForm,
    AssignForm,
    EmergencyAccessForm,
    NoteForm,
    TransitionForm,
)
from violeta.cases.models import AssignmentKind, Case, CaseAssignment, TakingReason
from violeta.cases.selectors import (
    assignments_of,
    case_for_page,
    case_reading,
    cases_retold,
    is_party,
    readings_shared,
)
from violeta.cases.shared_reads import known_absent
from violeta.cases.views.attention import attention_section
from violeta.cases.views.closure import closure_section
from violeta.cases.views.common import acting_case, add_errors, visible_case
from violeta.cases.views.consent import consent_section
from violeta.cases.views.guidelines import guidelines_section
from violeta.cases.views.intake import intake_section
from violeta.protocols import services as protocol_services
from violeta.protocols.models import RunTask
from violeta.protocols.selectors import protocol_panel
from violeta.protocols.services import run_for

# Sections other apps add to the case page (e.g. detection's risk summary), registered in their
# AppConfig.ready so that `cases` never imports them: (context builder, template name).
_extra_sections: list[tuple[Callable[[HttpRequest, Case, Any], dict[str, Any]], str]] = []


def detail_section_register(
    build: Callable[[HttpRequest, Case, Any], dict[str, Any]], template: str
) -> None:
    if (build, template) not in _extra_sections:
        _extra_sections.append((build, template))


def _detail_context(request: HttpRequest, case: Case, **extra: Any) -> dict[str, Any]:
    # Rendering only: whatever the request wrote happened before this point.
    with readings_shared():
        return _detail_context_build(request, case, **extra)


def _notes(case: Case) -> Any:
    if known_absent(case, "has_notes"):
        return []
    return case.notes.select_related("author", "data_key")


def _additions(case: Case) -> Any:
    if known_absent(case, "has_additions"):
        return []
    return case.account_additions.select_related("author", "data_key")


def _detail_context_build(
    request: HttpRequest,
    case: Case,
    assignments: list[CaseAssignment] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    reading = case_reading(user=request.user, case=case)
    takings = getattr(case, "takings_count", None)
    context = {
        "case": case,
        "reading": reading,
        "assignments": assignments_of(case=case) if assignments is None else assignments,
        "parties": case.parties.all() if reading.account else None,
        "notes": _notes(case) if reading.notes else None,
        "note_form": NoteForm() if reading.add_note else None,
        "additions": _additions(case) if reading.account else None,
        "addition_form": (
            AccountAdditionForm(prefix="adicion") if reading.account and reading.act else None
        ),
        "takings": case.account_takings.count() if takings is None else takings,
        "protocol": protocol_panel(
            run=run_for(case),
            user=request.user,
            can_act=reading.act,
            unmet_deadlines=not known_absent(case, "has_unmet_deadlines"),
        ),
    }
    for section in (
        intake_section,
        guidelines_section,
        consent_section,
        attention_section,
        closure_section,
    ):
        context.update(section(request, case, reading))
    templates = []
    for build, template in _extra_sections:
        context.update(build(request, case, reading))
        templates.append(template)
    context["extra_section_templates"] = templates
    context.update(extra)
    return context


@login_required
def case_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    with readings_shared():
        found = case_for_page(user=request.user, pk=pk)
        if found is None:
            raise Http404
        case, assignments = found
        context = _detail_context_build(request, case, assignments)
    services.case_viewed(viewer=request.user, case=case, sections=context["reading"].sections)
    return render(request, "cases/detail.html", context)


@login_required
@require_POST
def case_transition(request: HttpRequest, pk: Any) -> HttpResponse:
    case = acting_case(request, pk)
    run = run_for(case)
    form = TransitionForm(request.POST)
    if run is None or not form.is_valid():
        raise Http404
    if form.cleaned_data["revision"] != run.revision:
        messages.error(
            request,
            _("Otra persona actualizó este caso mientras lo veías. Revisa la etapa actual."),
        )
        return redirect("cases:detail", pk=case.pk)
    try:
        protocol_services.transition_take(
            run=run,
            code=form.cleaned_data["transition"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    except protocol_services.TransitionRefused as refusal:
        context = _detail_context(request, case, transition_error=str(refusal))
        context["transition_error_code"] = form.cleaned_data["transition"]
        context["transition_reason"] = form.cleaned_data["reason"]
        return render(request, "cases/detail.html", context, status=409)
    messages.success(request, _("Paso registrado."))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def case_account_add(request: HttpRequest, pk: Any) -> HttpResponse:
    case = acting_case(request, pk)
    form = AccountAdditionForm(request.POST, prefix="adicion")
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            services.case_account_append(
                actor=request.user,  # type: ignore[arg-type]
                case=case,
                body=form.cleaned_data["body"],
                retold=form.cleaned_data["retold"],
                reason=TakingReason(reason) if reason else None,
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Información agregada al relato."))
            return redirect("cases:detail", pk=case.pk)
    return render(
        request, "cases/detail.html", _detail_context(request, case, addition_form=form), status=400
    )


@login_required
def cases_retold_list(request: HttpRequest) -> HttpResponse:
    if not roles.is_coordinacion(request.user):
        raise Http404
    return render(request, "cases/retold.html", {"cases": cases_retold(user=request.user)[:500]})


@login_required
@require_POST
def case_checklist(request: HttpRequest, pk: Any) -> HttpResponse:
    case = acting_case(request, pk)
    run = run_for(case)
    if run is None:
        raise Http404
    try:
        protocol_services.checklist_resolve(
            run=run, item=request.POST.get("item", ""), actor=request.user
        )
    except protocol_services.TransitionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Punto marcado como resuelto."))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def case_task_done(request: HttpRequest, pk: Any, task_id: int) -> HttpResponse:
    case = acting_case(request, pk)
    run = run_for(case)
    task = get_object_or_404(RunTask, pk=task_id, run=run)
    try:
        protocol_services.task_complete(task=task, actor=request.user)
    except protocol_services.TransitionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Tarea terminada."))
    return redirect("cases:detail", pk=case.pk)


@login_required
def case_access_log(request: HttpRequest, pk: Any) -> HttpResponse:
    case = visible_case(request, pk)
    if not case_reading(user=request.user, case=case).access_log:
        raise Http404
    return render(
        request, "cases/access_log.html", {"case": case, "entries": views_of(target=case)[:500]}
    )


@login_required
def case_assign(request: HttpRequest, pk: Any) -> HttpResponse:
    case = visible_case(request, pk)
    if not case_reading(user=request.user, case=case).assign:
        raise Http404
    form = AssignForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_assign(
                actor=request.user,  # type: ignore[arg-type]
                case=case,
                user=form.cleaned_data["user"],
                attends=form.cleaned_data["attends"],
                kind=AssignmentKind(form.cleaned_data["kind"]),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Asignación registrada."))
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/assign.html",
        {"case": case, "form": form, "assignments": assignments_of(case=case)},
    )


@login_required
@require_POST
def case_note_add(request: HttpRequest, pk: Any) -> HttpResponse:
    case = visible_case(request, pk)
    form = NoteForm(request.POST)
    if not case_reading(user=request.user, case=case).add_note:
        raise Http404
    if form.is_valid():
        services.case_note_add(actor=request.user, case=case, body=form.cleaned_data["body"])  # type: ignore[arg-type]
        messages.success(request, _("Nota agregada."))
        return redirect("cases:detail", pk=case.pk)
    return render(
        request, "cases/detail.html", _detail_context(request, case, note_form=form), status=400
    )


@login_required
def emergency_access(request: HttpRequest) -> HttpResponse:
    if not roles.handles_cases(request.user):
        raise Http404
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = Case.objects.filter(folio=form.cleaned_data["folio"]).first()
        if case is None or is_party(user=request.user, case=case):
            form.add_error("folio", _("No hay un caso con ese folio al que puedas acceder."))
        else:
            try:
                services.emergency_access_grant(
                    actor=request.user,  # type: ignore[arg-type]
                    case=case,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_errors(form, error)
            except PermissionDenied:
                form.add_error("folio", _("No hay un caso con ese folio al que puedas acceder."))
            else:
                messages.warning(
                    request,
                    _("Acceso de emergencia concedido por tiempo limitado. Quedó registrado."),
                )
                return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/emergency.html", {"form": form})
