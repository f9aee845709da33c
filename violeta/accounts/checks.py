"""System checks for what, if left out of settings, would open staff pages to a password alone."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

OTP_MIDDLEWARE = "django_otp.middleware.OTPMiddleware"
SECOND_FACTOR_MIDDLEWARE = "violeta.accounts.middleware.SecondFactorRequiredMiddleware"
AUTHENTICATION_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"


@register(Tags.security)
def second_factor_middleware_installed(app_configs: Any, **kwargs: Any) -> list[Error]:
    middleware = list(settings.MIDDLEWARE)
    order = [AUTHENTICATION_MIDDLEWARE, OTP_MIDDLEWARE, SECOND_FACTOR_MIDDLEWARE]
    if all(name in middleware for name in order) and sorted(order, key=middleware.index) == order:
        return []
    return [
        Error(
            "MIDDLEWARE must list, in this order: " + ", ".join(order) + ". Without them a "
            "password alone would open the pages of roles that need a second factor.",
            id="violeta.E101",
        )
    ]
