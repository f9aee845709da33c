"""Guidelines for groups in vulnerable conditions on a case, and the duty to report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from violeta.cases import services
from violeta.cases.forms_guidelines import GuidelineResolveForm
from violeta.cases.models import Case, GuidelineStatus
from violeta.cases.selectors import guideline_items
from violeta.cases.views.common import acting_case, add_errors


def guidelines_section(request: HttpRequest, case: Case, reading: Any) -> dict[str, Any]:
    return {"guidelines": guideline_items(case=case)}


@login_required
def guideline_resolve(request: HttpRequest, pk: Any, code: str) -> HttpResponse:
    case = acting_case(request, pk)
    item = next(
        (
            item
            for item in guideline_items(case=case)
            if item.check.code == code and item.check.status == GuidelineStatus.PENDING
        ),
        None,
    )
    if item is None:
        raise Http404
    form = GuidelineResolveForm(request.POST or None, prefix="lineamiento")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.guideline_resolve(
                    actor=request.user,  # type: ignore[arg-type]
                    case=case,
                    code=code,
                    status=GuidelineStatus(form.cleaned_data["status"]),
                    note=form.cleaned_data["note"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Lineamiento resuelto."))
                return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/guideline_resolve.html",
        {"case": case, "item": item, "form": form},
        status=status,
    )
