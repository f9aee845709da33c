"""Constancia codes, issuing once, verifying (valid, forged, malformed, revoked), revoking."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from violeta.training.certificates import (
    certificate_issue,
    certificate_revoke,
    certificate_verify,
    code_new,
    code_normalize,
    code_well_formed,
)
from violeta.training.models import Course


@pytest.fixture
def course(db: None) -> Course:
    return Course.objects.create(code="curso-prueba", title_es="Curso de prueba", version="1")


def test_codes_are_grouped_checked_and_tolerant_of_how_they_are_typed() -> None:
    code = code_new()
    assert len(code) == 17 and code.count("-") == 2
    assert code_well_formed(code)
    assert code_well_formed(code.lower().replace("-", " "))
    assert code_normalize(code.lower().replace("-", "")) == code
    # One wrong character breaks the check character.
    wrong = ("3" if code[0] != "3" else "4") + code[1:]
    assert not code_well_formed(wrong)
    assert not code_well_formed("NO-ES-UN-CODIGO")


def test_issuing_twice_returns_the_same_constancia(course: Course, servidora: Any) -> None:
    first = certificate_issue(
        course=course, holder_name="Servidora Pública", dependencia=None, user=servidora
    )
    again = certificate_issue(course=course, holder_name="Otra", dependencia=None, user=servidora)
    assert again == first
    with pytest.raises(ValueError):
        certificate_issue(course=course, holder_name="X")


def test_verification_tells_valid_forged_malformed_and_revoked(
    course: Course, servidora: Any, coordinacion: Any
) -> None:
    certificate = certificate_issue(course=course, holder_name="Servidora Pública", user=servidora)
    assert certificate_verify(certificate.code.lower()).status == "valid"
    forged = code_new()
    assert certificate_verify(forged).status == "unknown"
    assert certificate_verify("ABCDE").status == "malformed"
    with pytest.raises(PermissionDenied):
        certificate_revoke(actor=servidora, certificate=certificate, reason="Emitida por error.")
    with pytest.raises(ValidationError):
        certificate_revoke(actor=coordinacion, certificate=certificate, reason="x")
    certificate_revoke(actor=coordinacion, certificate=certificate, reason="Emitida por error.")
    result = certificate_verify(certificate.code)
    assert result.status == "revoked" and result.certificate == certificate
    with pytest.raises(ValidationError, match="ya estaba revocada"):
        certificate_revoke(actor=coordinacion, certificate=certificate, reason="Emitida por error.")
    # After a revocation a new constancia may be issued.
    assert certificate_issue(course=course, holder_name="S", user=servidora) != certificate
