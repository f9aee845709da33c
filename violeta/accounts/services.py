"""Writes on accounts: enrolling and checking a second factor, recovery codes, unlocking.

Devices are django-otp's: a TOTP device (an authenticator app) and a static device holding the
single-use recovery codes. django-otp throttles each device on its own (1, 2, 4, ... seconds
after consecutive wrong codes); the views also count wrong codes as failed logins.
"""

from __future__ import annotations

import datetime
from typing import Any

from axes.utils import reset as axes_reset
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_number_token

from violeta.audit.models import AuditAction
from violeta.audit.services import audit_record

RECOVERY_CODE_COUNT = 10
# Digits only, so one numeric field takes either kind of code: 6 digits from the app or a
# 12-digit recovery code (about 40 bits, like django-otp's own default codes).
RECOVERY_CODE_LENGTH = 12
TOTP_DEVICE_NAME = "Aplicación de autenticación"
RECOVERY_DEVICE_NAME = "Códigos de recuperación"


class CodeRefused(Exception):
    """The code is wrong, expired or already used."""


class CodeThrottled(Exception):
    """Too many wrong codes in a row: django-otp refuses to check any code before ``until``."""

    def __init__(self, until: datetime.datetime) -> None:
        super().__init__(until)
        self.until = until


class AlreadyEnrolled(Exception):
    """The person already has a confirmed authenticator: enrolling again would bypass it."""


def totp_device_pending(*, user: Any) -> TOTPDevice:
    """The authenticator being set up: the unconfirmed device if there is one, else a new one.

    Reusing it means reloading the page shows the same secret the person may have scanned.
    """
    with transaction.atomic():
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise AlreadyEnrolled
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def totp_enrolment_confirm(*, user: Any, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending authenticator with a code it shows; returns it and fresh recovery codes.

    Raises AlreadyEnrolled, CodeThrottled or CodeRefused.
    """
    with transaction.atomic():
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise AlreadyEnrolled
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None:
            raise CodeRefused
        allowed, details = device.verify_is_allowed()
        # A wrong code must still raise its throttle counter, so nothing below raises while
        # this transaction is open: the decision is acted on after it commits.
        verified = allowed and device.verify_token(code)
        codes: list[str] = []
        if verified:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            codes = _recovery_codes_replace(user=user)
            audit_record(action=AuditAction.MFA_ENROLLED, target=user)
    if not allowed:
        raise CodeThrottled(until=details["locked_until"])
    if not verified:
        _audit_refused(user=user)
        raise CodeRefused
    return device, codes


def second_factor_check(*, user: Any, code: str) -> Device:
    """The device that accepts ``code`` (6 digits: the app; 12: a recovery code, used up).

    Raises CodeThrottled or CodeRefused.
    """
    device: Device | None
    if len(code) == RECOVERY_CODE_LENGTH:
        device = StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    else:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        _audit_refused(user=user)
        raise CodeRefused
    with transaction.atomic():
        # Locked so that two requests cannot both spend the same code.
        device = type(device).objects.select_for_update().get(pk=device.pk)
        allowed, details = device.verify_is_allowed()
        verified = allowed and device.verify_token(code)
    if not allowed:
        raise CodeThrottled(until=details["locked_until"])
    if not verified:
        _audit_refused(user=user)
        raise CodeRefused
    return device


def _audit_refused(*, user: Any) -> None:
    with transaction.atomic():
        audit_record(action=AuditAction.MFA_FAILED, target=user)


def recovery_codes_regenerate(*, user: Any) -> list[str]:
    """Replace every recovery code of ``user`` with new ones; the old ones stop working."""
    with transaction.atomic():
        codes = _recovery_codes_replace(user=user)
        audit_record(action=AuditAction.UPDATE, target=user, detail={"recovery_codes": "new"})
    return codes


def _recovery_codes_replace(*, user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(random_number_token(RECOVERY_CODE_LENGTH))
    ordered = sorted(codes)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in ordered)
    return ordered


def totp_device_remove(*, user: Any) -> None:
    """Forget the authenticator (a new phone): the next page asks to set one up again."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        audit_record(action=AuditAction.UPDATE, target=user, detail={"second_factor": "removed"})


def second_factor_reset(*, user: Any) -> None:
    """Forget the authenticator and the recovery codes (lost phone): enrol again at next login."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        # Whoever resets it could enrol their own phone next: the log must show who did.
        audit_record(action=AuditAction.UPDATE, target=user, detail={"second_factor": "reset"})


def login_lockout_reset(*, user: Any) -> int:
    """Lift every lockout of ``user``'s account, from any address. Returns how many were lifted."""
    with transaction.atomic():
        lifted = int(axes_reset(username=user.email.lower()))
        audit_record(action=AuditAction.UPDATE, target=user, detail={"lockout": "lifted"})
    return lifted
