"""How django-axes identifies a login attempt, and the page a locked-out person sees.

The settings (violeta/config/settings.py, "Failed logins") explain the choice of counting per
account and address together.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def username_for_lockout(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The e-mail as the login compares it, so "Ana@x.mx" and "ana@x.mx" share one count."""
    source: Any = credentials if credentials else request.POST
    raw = source.get(settings.AXES_USERNAME_FORM_FIELD) or ""
    return str(raw).strip().lower()[:255]


def client_ip(request: HttpRequest) -> str | None:
    """The address the request came from, as our own reverse proxy saw it.

    Behind the proxy every request comes from the proxy itself; the proxy appends the real
    address to X-Forwarded-For. Only that last entry is trustworthy: anything before it was
    sent by the client and could be invented to dodge the count.
    """
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
        if entries:
            return entries[-1]
    return request.META.get("REMOTE_ADDR")


def locked_until(request: HttpRequest, credentials: dict[str, Any] | None) -> datetime:
    """When the lockout of this account from this address ends."""
    AxesProxyHandler.update_request(request)
    cool_off = get_cool_off(request) or timedelta(0)
    latest = AccessAttempt.objects.filter(
        username=username_for_lockout(request, credentials),
        ip_address=getattr(request, "axes_ip_address", None),
    ).aggregate(latest=Max("attempt_time"))["latest"]
    return (latest or timezone.now()) + cool_off


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """A calm page that says when to try again and whom to ask (AXES_LOCKOUT_CALLABLE)."""
    until = locked_until(request, credentials)
    seconds = max(0, math.ceil((until - timezone.now()).total_seconds()))
    response = render(
        request,
        "accounts/locked_out.html",
        {"until": until, "minutes": max(1, math.ceil(seconds / 60))},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(seconds)
    return response
