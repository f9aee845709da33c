"""Helpers shared by the case views."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from violeta.cases.models import Case
from violeta.cases.selectors import case_reading, cases_visible_to


def visible_case(request: HttpRequest, pk: Any) -> Case:
    """The case, if the viewer may open it; otherwise a 404, never a hint that it exists."""
    return get_object_or_404(
        cases_visible_to(user=request.user).select_related("dependencia", "data_key"), pk=pk
    )


def acting_case(request: HttpRequest, pk: Any) -> Case:
    """The case, if the viewer is one of the people responsible for it."""
    case = visible_case(request, pk)
    if not case_reading(user=request.user, case=case).act:
        raise Http404
    return case


def add_errors(form: Any, error: ValidationError) -> None:
    """Show a service's refusal on the form, keeping what was typed."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
        return
    for text in error.messages:
        form.add_error(None, text)
