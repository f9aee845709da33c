"""The staff inbox. (Being built.)"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from violeta.accounts import roles
from violeta.cases.selectors import cases_visible_to


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    if not roles.handles_cases(request.user):
        raise Http404
    cases = cases_visible_to(user=request.user).select_related("dependencia")[:200]
    return render(request, "cases/list.html", {"cases": cases})
