"""Her consent per purpose. (Being built.)"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def consent_section(request: HttpRequest, case: Any, reading: Any) -> dict[str, Any]:
    return {}


def consent_decide(request: HttpRequest, pk: Any) -> HttpResponse:
    raise Http404


def consent_override(request: HttpRequest, pk: Any) -> HttpResponse:
    raise Http404


def contact_preference(request: HttpRequest, pk: Any) -> HttpResponse:
    raise Http404
