"""Attention services on a case: sessions, safety plan, tasks, timeline. (Being built.)"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def attention_section(request: HttpRequest, case: Any, reading: Any) -> dict[str, Any]:
    return {}


def session_add(request: HttpRequest, pk: Any) -> HttpResponse:
    raise Http404


def safety_plan_update(request: HttpRequest, pk: Any) -> HttpResponse:
    raise Http404


def case_task_add(request: HttpRequest, pk: Any) -> HttpResponse:
    raise Http404


def case_task_complete(request: HttpRequest, pk: Any, task_id: Any) -> HttpResponse:
    raise Http404


def timeline(request: HttpRequest, pk: Any) -> HttpResponse:
    raise Http404
