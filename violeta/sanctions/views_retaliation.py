"""Retaliation watch pages: recording an adverse change on a case, coordinación's review queue
and the review of one change, plus the case page's section.

A service's PermissionDenied is a 404, as on every case page: never a hint of what exists.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from violeta.accounts import roles
from violeta.cases.models import Case
from violeta.cases.selectors import CaseReading
from violeta.cases.views.common import add_errors, visible_case
from violeta.sanctions import services_retaliation as services
from violeta.sanctions.forms_retaliation import AdverseChangeForm, AdverseReviewForm
from violeta.sanctions.models import AdverseChange, AdverseKind

QUEUE_LIMIT = 500


def retaliation_section(request: HttpRequest, case: Case, reading: CaseReading) -> dict[str, Any]:
    """Context for ``sanctions/_retaliation.html`` on the case page: staff who act on the case
    and coordinación; nothing for anybody else."""
    return {
        "retaliation_panel": services.retaliation_panel(
            user=request.user, case=case, reading=reading
        )
    }


@login_required
def adverse_add(request: HttpRequest, pk: Any) -> HttpResponse:
    case = visible_case(request, pk)
    if not services.may_record_adverse(user=request.user, case=case):
        raise Http404
    form = AdverseChangeForm(
        request.POST or None,
        case=case,
        show_names=services.may_see_names(user=request.user, case=case),
        prefix="cambio",
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.adverse_change_record(
                    actor=request.user,  # type: ignore[arg-type]
                    case=case,
                    party=form.cleaned_data["party"],
                    kind=AdverseKind(form.cleaned_data["kind"]),
                    effective_on=form.cleaned_data["effective_on"],
                    detail=form.cleaned_data["detail"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Cambio registrado. Coordinación recibió un aviso para revisarlo."),
                )
                return redirect("cases:detail", pk=case.pk)
    return render(
        request, "sanctions/retaliation_add.html", {"case": case, "form": form}, status=status
    )


@login_required
def retaliation_queue(request: HttpRequest) -> HttpResponse:
    if not roles.is_coordinacion(request.user):
        raise Http404
    changes = list(services.adverse_changes_reviewable_by(user=request.user)[:QUEUE_LIMIT])
    return render(
        request,
        "sanctions/retaliation_queue.html",
        {
            "pending": [change for change in changes if change.reviewed_at is None],
            "reviewed": [change for change in changes if change.reviewed_at is not None],
            "limit": QUEUE_LIMIT,
            "truncated": len(changes) == QUEUE_LIMIT,
        },
    )


@login_required
def adverse_review(request: HttpRequest, pk: Any) -> HttpResponse:
    change: AdverseChange = get_object_or_404(
        services.adverse_changes_reviewable_by(user=request.user), pk=pk
    )
    form = None
    status = 200
    if request.method == "POST":
        status = 400
        form = AdverseReviewForm(request.POST, prefix="revision")
        if form.is_valid():
            try:
                services.adverse_change_review(
                    actor=request.user,  # type: ignore[arg-type]
                    change=change,
                    is_retaliation=form.cleaned_data["is_retaliation"] == "si",
                    note=form.cleaned_data["note"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Revisión registrada."))
                return redirect("sanctions:retaliation_queue")
    elif change.reviewed_at is None:
        form = AdverseReviewForm(prefix="revision")
    services.adverse_change_viewed(viewer=request.user, change=change)
    return render(
        request,
        "sanctions/retaliation_review.html",
        {"change": change, "case": change.case, "form": form},
        status=status,
    )


urlpatterns = [
    path("caso/<uuid:pk>/cambio-desfavorable/", adverse_add, name="adverse_add"),
    path("represalias/", retaliation_queue, name="retaliation_queue"),
    path("represalias/<uuid:pk>/", adverse_review, name="adverse_review"),
]
