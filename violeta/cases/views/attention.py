"""Attention on a case: sessions, her safety plan, team tasks, and the case's timeline.

Forms live on their own pages; the case page shows the section (``attention_section``).
A service's PermissionDenied is a 404, never a hint of what exists.
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

from violeta.cases.forms_attention import SafetyPlanForm, SessionForm, TaskForm
from violeta.cases.models import Case, CaseTask, SafetyPlan
from violeta.cases.selectors import CaseReading
from violeta.cases.selectors_attention import (
    AttentionAccess,
    SessionRow,
    TaskRow,
    attention_access,
    case_tasks_for,
    needs_interpreter,
    next_appointment,
    safety_plans_for,
    sessions_for,
    task_assignees,
)
from violeta.cases.selectors_timeline import timeline_for
from violeta.cases.services import attention as attention_services
from violeta.cases.services.team import case_viewed
from violeta.cases.views.common import add_errors, visible_case


@dataclasses.dataclass(frozen=True)
class AttentionPanel:
    access: AttentionAccess
    sessions: list[SessionRow]
    next_appointment: SessionRow | None
    plan: SafetyPlan | None
    plan_versions: int
    tasks: list[TaskRow]
    needs_interpreter: bool

    @property
    def overdue_tasks(self) -> int:
        return sum(1 for row in self.tasks if row.overdue)


def attention_section(request: HttpRequest, case: Case, reading: CaseReading) -> dict[str, Any]:
    access = attention_access(user=request.user, case=case, reading=reading)
    if not access.opens:
        return {"attention": None}
    sessions = sessions_for(access=access, case=case)
    plans = safety_plans_for(access=access, case=case)
    return {
        "attention": AttentionPanel(
            access=access,
            sessions=sessions,
            next_appointment=next_appointment(sessions=sessions),
            plan=plans[0] if plans else None,
            plan_versions=len(plans),
            tasks=case_tasks_for(access=access, case=case),
            needs_interpreter=access.sessions and needs_interpreter(case=case),
        )
    }


@login_required
def session_add(request: HttpRequest, pk: Any) -> HttpResponse:
    case = visible_case(request, pk)
    access = attention_access(user=request.user, case=case)
    if not access.record_session:
        raise Http404
    interpreter = needs_interpreter(case=case)
    form = SessionForm(
        request.POST or None,
        services=sorted(access.note_services),
        needs_interpreter=interpreter,
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                attention_services.session_record(
                    actor=request.user,  # type: ignore[arg-type]
                    case=case,
                    service=data["service"],
                    held_at=data["held_at"],
                    mode=data["mode"],
                    notes=data["notes"],
                    next_appointment_at=data["next_appointment_at"],
                    interpreter_present=data["interpreter_present"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Sesión registrada."))
                return redirect("cases:detail", pk=case.pk)
        return render(
            request,
            "cases/session_form.html",
            {"case": case, "form": form, "needs_interpreter": interpreter},
            status=400,
        )
    return render(
        request,
        "cases/session_form.html",
        {"case": case, "form": form, "needs_interpreter": interpreter},
    )


@login_required
def safety_plan_update(request: HttpRequest, pk: Any) -> HttpResponse:
    case = visible_case(request, pk)
    access = attention_access(user=request.user, case=case)
    if not access.plans or (request.method == "POST" and not access.update_plan):
        raise Http404
    plans = safety_plans_for(access=access, case=case)
    form: SafetyPlanForm | None = None
    if access.update_plan:
        latest = plans[0] if plans else None
        initial = (
            {
                "warning_signs": latest.warning_signs,
                "safe_contacts": latest.safe_contacts,
                "safe_places": latest.safe_places,
                "steps": latest.steps,
            }
            if latest is not None
            else None
        )
        form = SafetyPlanForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form is not None:
        if form.is_valid():
            try:
                attention_services.safety_plan_update(
                    actor=request.user,  # type: ignore[arg-type]
                    case=case,
                    **form.cleaned_data,
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Plan de seguridad actualizado."))
                return redirect("cases:detail", pk=case.pk)
        status = 400
    else:
        case_viewed(viewer=request.user, case=case, sections=["safety_plan"])
    versions = [(len(plans) - index, plan) for index, plan in enumerate(plans)]
    return render(
        request,
        "cases/safety_plan_form.html",
        {"case": case, "form": form, "versions": versions},
        status=status,
    )


@login_required
def case_task_add(request: HttpRequest, pk: Any) -> HttpResponse:
    case = visible_case(request, pk)
    access = attention_access(user=request.user, case=case)
    if not access.add_task:
        raise Http404
    form = TaskForm(request.POST or None, assignees=task_assignees(case=case, actor=request.user))
    if request.method == "POST":
        if form.is_valid():
            try:
                attention_services.case_task_add(
                    actor=request.user,  # type: ignore[arg-type]
                    case=case,
                    title=form.cleaned_data["title"],
                    due_on=form.cleaned_data["due_on"],
                    assigned_to=form.cleaned_data["assigned_to"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Tarea creada."))
                return redirect("cases:detail", pk=case.pk)
        return render(request, "cases/task_form.html", {"case": case, "form": form}, status=400)
    return render(request, "cases/task_form.html", {"case": case, "form": form})


@login_required
@require_POST
def case_task_complete(request: HttpRequest, pk: Any, task_id: Any) -> HttpResponse:
    case = visible_case(request, pk)
    task = get_object_or_404(CaseTask.objects.select_related("case"), pk=task_id, case=case)
    try:
        attention_services.case_task_complete(actor=request.user, task=task)  # type: ignore[arg-type]
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Tarea marcada como hecha."))
    return redirect("cases:detail", pk=case.pk)


@login_required
def timeline(request: HttpRequest, pk: Any) -> HttpResponse:
    case = visible_case(request, pk)
    entries = timeline_for(user=request.user, case=case)
    case_viewed(viewer=request.user, case=case, sections=["timeline"])
    return render(request, "cases/timeline.html", {"case": case, "entries": entries})
