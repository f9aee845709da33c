from __future__ import annotations

import logging
import math
from base64 import b32encode
from typing import Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from violeta.accounts import services
from violeta.accounts.capabilities import capabilities_for
from violeta.accounts.forms import EmailAuthenticationForm, OneTimeCodeForm
from violeta.accounts.lockout import lockout_response
from violeta.accounts.roles import requires_second_factor
from violeta.accounts.selectors import (
    recovery_codes_remaining,
    second_factor_step,
    totp_device_confirmed,
)

logger = logging.getLogger(__name__)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/home.html",
        {"capabilities": capabilities_for(request.user)},
    )


class LoginView(auth_views.LoginView):
    """Password first; a person who owes a second factor goes straight to that page."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        url = super().get_success_url()
        step = second_factor_step(self.request.user)
        return _with_next(step, url) if step else url


# --- Verification --------------------------------------------------------------------------


@sensitive_post_parameters("code")
@login_required
def second_factor_verify(request: HttpRequest) -> HttpResponseBase:
    user: Any = request.user
    next_url = _next_url(request)
    step = second_factor_step(user)
    if step is None:
        return redirect(next_url)
    if step != "accounts:second_factor_verify":
        return redirect(_with_next(step, next_url))
    credentials = {"username": user.email}
    if AxesProxyHandler.is_locked(request, credentials):
        return _lock_out(request, credentials)

    form = OneTimeCodeForm(request.POST or None, allow_recovery=True)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.second_factor_check(user=user, code=form.cleaned_data["code"])
        except services.CodeThrottled as exc:
            form.add_error("code", _throttled_message(exc))
        except services.CodeRefused:
            form.add_error(
                "code",
                _(
                    "Ese código no es correcto o ya se usó. Escribe el que muestra ahora tu "
                    "aplicación, o un código de recuperación que no hayas usado."
                ),
            )
            _count_failure(request, credentials)
            if AxesProxyHandler.is_locked(request, credentials):
                return _lock_out(request, credentials)
        else:
            _second_factor_login(request, device)
            return redirect(next_url)
    return render(request, "accounts/second_factor_verify.html", {"form": form, "next": next_url})


# --- Enrolment -----------------------------------------------------------------------------


@sensitive_post_parameters("code")
@login_required
def second_factor_enrol(request: HttpRequest) -> HttpResponseBase:
    user: Any = request.user
    next_url = _next_url(request)
    step = second_factor_step(user)
    if step is None:
        return redirect(next_url)
    if step != "accounts:second_factor_enrol":
        # An authenticator is already set up: a password alone must never replace it.
        return redirect(_with_next(step, next_url))
    try:
        device = services.totp_device_pending(user=user)
    except services.AlreadyEnrolled:
        return redirect(_with_next("accounts:second_factor_verify", next_url))

    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.totp_enrolment_confirm(
                user=user, code=form.cleaned_data["code"]
            )
        except services.AlreadyEnrolled:
            return redirect(_with_next("accounts:second_factor_verify", next_url))
        except services.CodeThrottled as exc:
            form.add_error("code", _throttled_message(exc))
        except services.CodeRefused:
            form.add_error(
                "code",
                _(
                    "Ese código no coincide. Revisa que la hora de tu teléfono sea la automática "
                    "y escribe el código que muestra la aplicación en este momento."
                ),
            )
        else:
            _second_factor_login(request, device)
            return _recovery_codes_page(request, codes, next_url=next_url, first_time=True)
    return render(
        request,
        "accounts/second_factor_enrol.html",
        {
            "form": form,
            "next": next_url,
            "qr_svg": _qr_svg(device),
            "secret_groups": _secret_groups(device),
            "account": user.email,
            "issuer": settings.OTP_TOTP_ISSUER,
        },
    )


# --- The person's own second-factor page ---------------------------------------------------


@login_required
def second_factor_settings(request: HttpRequest) -> HttpResponseBase:
    user: Any = request.user
    if not requires_second_factor(user):
        return redirect("accounts:home")
    step = second_factor_step(user)
    if step is not None:  # the middleware already sends these away; never show codes unverified
        return redirect(_with_next(step, request.get_full_path()))
    if request.method == "POST":
        codes = services.recovery_codes_regenerate(user=user)
        logger.info("Recovery codes regenerated for user %s", user.pk)
        return _recovery_codes_page(
            request, codes, next_url=reverse("accounts:second_factor"), first_time=False
        )
    return render(
        request,
        "accounts/second_factor.html",
        {
            "device": totp_device_confirmed(user=user),
            "remaining": recovery_codes_remaining(user=user),
        },
    )


# --- Helpers -------------------------------------------------------------------------------


def _recovery_codes_page(
    request: HttpRequest, codes: list[str], *, next_url: str, first_time: bool
) -> HttpResponse:
    # Rendered in answer to the POST rather than after a redirect, so the codes never sit in
    # the session store; every response to a logged-in person is no-store, so no cache keeps
    # them either.
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": [" ".join(code[i : i + 4] for i in range(0, len(code), 4)) for code in codes],
            "next": next_url,
            "first_time": first_time,
        },
    )


def _second_factor_login(request: HttpRequest, device: Device) -> None:
    otp_login(request, device)
    # The session now reaches case data: give it a new key, as Django does at login.
    request.session.cycle_key()


def _count_failure(request: HttpRequest, credentials: dict[str, str]) -> None:
    """A wrong second-factor code counts as a failed login (django-axes listens to the signal)."""
    logger.warning("Wrong second-factor code for user %s", request.user.pk)
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)


def _lock_out(request: HttpRequest, credentials: dict[str, str]) -> HttpResponse:
    logout(request)
    return lockout_response(request, None, credentials)


def _throttled_message(exc: services.CodeThrottled) -> str:
    seconds = max(1, math.ceil((exc.until - timezone.now()).total_seconds()))
    return ngettext(
        "Hubo varios códigos incorrectos seguidos. Espera %(seconds)d segundo e inténtalo de "
        "nuevo.",
        "Hubo varios códigos incorrectos seguidos. Espera %(seconds)d segundos e inténtalo de "
        "nuevo.",
        seconds,
    ) % {"seconds": seconds}


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, next_url: str) -> str:
    # Encoded as redirect_to_login (and so the middleware) does it.
    query = QueryDict(mutable=True)
    query["next"] = next_url
    return f"{reverse(url_name)}?{query.urlencode(safe='/')}"


def _qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code, made here: no image service, no Pillow."""
    return str(
        segno.make(device.config_url, error="m").svg_inline(
            scale=4,
            border=4,
            dark="#000",
            light="#fff",
            svgclass="qr",
            title=_("Código QR para tu aplicación de autenticación"),
        )
    )


def _secret_groups(device: TOTPDevice) -> list[str]:
    secret = b32encode(device.bin_key).decode("ascii")
    return [secret[i : i + 4] for i in range(0, len(secret), 4)]
