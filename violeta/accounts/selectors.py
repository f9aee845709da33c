"""Reads about a person's own account: the state of her second factor."""

from __future__ import annotations

from typing import Any

from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from violeta.accounts.roles import requires_second_factor


def second_factor_verified(user: Any) -> bool:
    """This request's session proved a second factor (set by django-otp's middleware)."""
    return getattr(user, "otp_device", None) is not None


def totp_device_confirmed(*, user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_device(*, user: Any) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_remaining(*, user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def second_factor_step(user: Any) -> str | None:
    """The URL name of the page this person must pass next, or None if she owes no factor."""
    if not requires_second_factor(user) or second_factor_verified(user):
        return None
    if totp_device_confirmed(user=user) is None:
        return "accounts:second_factor_enrol"
    return "accounts:second_factor_verify"
