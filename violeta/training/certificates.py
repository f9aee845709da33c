"""Constancias: issuing (idempotent), verifying and revoking. The PDF is ``constancia.py``.

A code is 15 characters from an alphabet without look-alikes (no 0/O, 1/I/L), grouped by five,
with a check character: a mistyped code is told apart from a forged one, and a forged one is
simply not found.
"""

from __future__ import annotations

import dataclasses
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts import roles
from violeta.audit.models import AuditAction
from violeta.audit.services import audit_record
from violeta.training.models import Attendance, Certificate, Course

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BODY = 14


def _check_char(body: str) -> str:
    total = sum((index + 1) * ALPHABET.index(char) for index, char in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def code_new() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY))
    raw = body + _check_char(body)
    return "-".join(raw[i : i + 5] for i in range(0, len(raw), 5))


def code_normalize(text: str) -> str:
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return "-".join(raw[i : i + 5] for i in range(0, len(raw), 5))


def code_well_formed(text: str) -> bool:
    raw = code_normalize(text).replace("-", "")
    if len(raw) != BODY + 1 or any(ch not in ALPHABET for ch in raw):
        return False
    return _check_char(raw[:BODY]) == raw[BODY]


def certificate_issue(
    *,
    course: Course,
    holder_name: str,
    dependencia: Any = None,
    user: Any = None,
    attendance: Attendance | None = None,
) -> Certificate:
    """The constancia for a person who passed an online course (``user``) or attended a
    session (``attendance``). Issuing twice returns the valid one already issued."""
    if (user is None) == (attendance is None):
        raise ValueError("A constancia is issued for a user or for an attendance, not both.")
    with transaction.atomic():
        existing = Certificate.objects.select_for_update().filter(
            course=course, revoked_at__isnull=True
        )
        existing = (
            existing.filter(attendance=attendance)
            if attendance is not None
            else existing.filter(user=user, attendance__isnull=True)
        )
        found = existing.first()
        if found is not None:
            return found
        certificate = Certificate.objects.create(
            code=code_new(),
            course=course,
            user=user if user is not None else attendance.user,  # type: ignore[union-attr]
            attendance=attendance,
            holder_name=holder_name.strip(),
            dependencia=dependencia,
        )
        audit_record(
            action=AuditAction.CREATE,
            target=certificate,
            detail={"constancia": course.code},
        )
    return certificate


@dataclasses.dataclass(frozen=True)
class Verification:
    """What the public page may say about a code: nothing more than the constancia shows."""

    status: str  # "valid", "revoked", "unknown", "malformed"
    certificate: Certificate | None = None


def certificate_verify(code: str) -> Verification:
    if not code_well_formed(code):
        return Verification("malformed")
    certificate = (
        Certificate.objects.filter(code=code_normalize(code))
        .select_related("course", "dependencia")
        .first()
    )
    if certificate is None:
        return Verification("unknown")
    if certificate.revoked_at is not None:
        return Verification("revoked", certificate)
    return Verification("valid", certificate)


def certificate_revoke(*, actor: Any, certificate: Certificate, reason: str) -> Certificate:
    """Coordinación revokes a constancia issued by mistake; the public page then says so."""
    if not roles.is_coordinacion(actor):
        raise PermissionDenied
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError({"reason": _("Escribe el motivo de la revocación.")})
    with transaction.atomic():
        updated = Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_reason=reason, revoked_by=actor
        )
        if not updated:
            raise ValidationError(_("Esa constancia ya estaba revocada."))
        certificate.refresh_from_db()
        audit_record(action=AuditAction.UPDATE, target=certificate, detail={"revoked": True})
    return certificate
