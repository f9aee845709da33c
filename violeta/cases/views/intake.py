"""Intake facts on the case: people and incidents. (Being built.)"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def intake_section(request: HttpRequest, case: Any, reading: Any) -> dict[str, Any]:
    return {}


def party_add(request: HttpRequest, pk: Any) -> HttpResponse:
    raise Http404


def incident_add(request: HttpRequest, pk: Any) -> HttpResponse:
    raise Http404
