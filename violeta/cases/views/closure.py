"""Closing and reopening a case. The rules live in ``services.closure``; these views show what
blocks closure up front, and turn a refusal into the form's errors (status 400) or a 404."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from violeta.cases.forms_closure import CaseCloseForm, CaseReopenForm
from violeta.cases.models import Case, CaseStatus
from violeta.cases.selectors import CaseReading, case_reading
from violeta.cases.selectors_closure import (
    close_allowed,
    closure_blockers,
    closure_terms,
    reopen_allowed,
)
from violeta.cases.services import closure as closure_services
from violeta.cases.views.common import add_errors, visible_case


@dataclasses.dataclass(frozen=True)
class ClosurePanel:
    closed: bool
    closed_at: datetime.datetime | None
    reason: str
    can_close: bool
    can_reopen: bool


def closure_section(request: HttpRequest, case: Case, reading: CaseReading) -> dict[str, Any]:
    """The detail page's closure banner and links."""
    closed = case.status == CaseStatus.CLOSED
    reason = ""
    if closed:
        # Only the code: the closing note is encrypted content, not shown on the banner.
        code = (
            case.status_changes.filter(to_status=CaseStatus.CLOSED)
            .order_by("-created_at", "-id")
            .values_list("reason", flat=True)
            .first()
        )
        terms = closure_terms(case=case)
        if code:
            reason = terms.reason_label(code) if terms is not None else code
    panel = ClosurePanel(
        closed=closed,
        closed_at=case.closed_at,
        reason=reason,
        can_close=not closed and reading.act and close_allowed(actor=request.user, case=case),
        can_reopen=closed and reopen_allowed(actor=request.user, case=case),
    )
    return {"closure": panel}


@login_required
@require_http_methods(["GET", "POST"])
def case_close(request: HttpRequest, pk: Any) -> HttpResponse:
    case = visible_case(request, pk)
    if not close_allowed(actor=request.user, case=case):
        raise Http404
    if case.status == CaseStatus.CLOSED:
        messages.info(request, _("Este caso ya está cerrado."))
        return redirect("cases:detail", pk=case.pk)
    if not case_reading(user=request.user, case=case).act:
        raise Http404
    terms = closure_terms(case=case)
    form = CaseCloseForm(request.POST or None, terms=terms)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                closure_services.case_close(
                    actor=request.user,  # type: ignore[arg-type]
                    case=case,
                    reason=form.cleaned_data["reason"],
                    checklist=form.cleaned_data["checklist"],
                    note=form.cleaned_data["note"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Caso %(folio)s cerrado.") % {"folio": case.folio})
                return redirect("cases:detail", pk=case.pk)
        status = 400
    blockers = closure_blockers(case=case)
    context = {
        "case": case,
        "form": form,
        "blockers": blockers,
        # The blockers are listed above the form already; the rest of the refusal goes here.
        "errors": [error for error in form.non_field_errors() if error not in blockers],
    }
    return render(request, "cases/close.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def case_reopen(request: HttpRequest, pk: Any) -> HttpResponse:
    case = visible_case(request, pk)
    if not reopen_allowed(actor=request.user, case=case):
        raise Http404
    if case.status == CaseStatus.OPEN:
        messages.info(request, _("Este caso ya está abierto."))
        return redirect("cases:detail", pk=case.pk)
    form = CaseReopenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                closure_services.case_reopen(
                    actor=request.user,  # type: ignore[arg-type]
                    case=case,
                    reason=form.cleaned_data["reason"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Caso %(folio)s reabierto. Se puede volver a trabajar en él.")
                    % {"folio": case.folio},
                )
                return redirect("cases:detail", pk=case.pk)
        status = 400
    return render(request, "cases/reopen.html", {"case": case, "form": form}, status=status)
