"""Public verification of constancias, mounted at /constancia/: anyone, with no login and no
JavaScript, types a code (or scans the QR code on the PDF) and learns whether it is valid.

The page shows what the constancia itself shows, nothing more: never why it was revoked. Codes
that lead nowhere are counted per client in the cache (as the reporting channel counts
receipts), so nobody can try codes until one works.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.cache import never_cache

from violeta.reports.receipt import throttle_count, throttled
from violeta.training.certificates import certificate_verify, code_normalize
from violeta.training.constancia import certificate_date
from violeta.training.forms_sessions import VerifyForm

THROTTLE_SCOPE = "constancia"
# Codes that are malformed or unknown, per client and window. A person checking a pile of
# real constancias never meets it; a guesser meets it long before any guess could succeed.
FAILURE_LIMIT = 20
WINDOW_SECONDS = 15 * 60

STATUS_CODES = {"valid": 200, "revoked": 200, "unknown": 404, "malformed": 400}


def _page(request: HttpRequest, form: VerifyForm, code: str | None) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "code": code}
    status = 200
    if code is not None:
        if throttled(request, THROTTLE_SCOPE, limit=FAILURE_LIMIT, window=WINDOW_SECONDS):
            context["throttled"] = True
            status = 429
        else:
            verification = certificate_verify(code)
            if verification.status in ("unknown", "malformed"):
                throttle_count(request, THROTTLE_SCOPE, window=WINDOW_SECONDS)
            certificate = verification.certificate
            context.update(
                verification=verification,
                certificate=certificate,
                normalized=code_normalize(code),
                held_on=certificate_date(certificate) if certificate else None,
            )
            status = STATUS_CODES[verification.status]
    response = render(request, "training/verify_check.html", context, status=status)
    # Holder names are on these pages: keep them out of search engines.
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def check(request: HttpRequest) -> HttpResponse:
    """The form; with ``?codigo=`` it also shows the answer."""
    form = VerifyForm(request.GET or None)
    if not form.is_bound:
        return _page(request, form, None)
    if not form.is_valid():
        response = _page(request, form, None)
        response.status_code = 400
        return response
    return _page(request, form, form.cleaned_data["codigo"])


@never_cache
def by_code(request: HttpRequest, code: str) -> HttpResponse:
    """What the QR code on a constancia opens."""
    return _page(request, VerifyForm(), code)


urlpatterns = [
    path("", check, name="check"),
    path("<str:code>/", by_code, name="code"),
]
