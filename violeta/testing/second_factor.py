"""Second-factor helpers for tests: an authenticator, its current code, a verified login."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from violeta.accounts.demo import totp_code_unused


def totp_device_for(user: Any) -> TOTPDevice:
    """The person's confirmed authenticator, set up as if she had enrolled earlier."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Teléfono de prueba", confirmed=True)
    return device


def totp_code(device: TOTPDevice) -> str:
    """What the person's authenticator app shows now (never a code the device already took)."""
    device.refresh_from_db()
    return totp_code_unused(device)


def force_login_verified(client: Client, user: Any) -> TOTPDevice:
    """Log ``user`` in on a Django test client with a verified second factor, as after the
    real two steps. Works for every role (a role that needs no second factor ignores it)."""
    device = totp_device_for(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
