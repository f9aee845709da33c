from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from violeta.accounts.capabilities import capabilities_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/home.html",
        {"capabilities": capabilities_for(request.user)},
    )
