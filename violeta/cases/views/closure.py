"""Closing and reopening a case. (Being built.)"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def closure_section(request: HttpRequest, case: Any, reading: Any) -> dict[str, Any]:
    return {}


def case_close(request: HttpRequest, pk: Any) -> HttpResponse:
    raise Http404


def case_reopen(request: HttpRequest, pk: Any) -> HttpResponse:
    raise Http404
