"""Security events on accounts leave an audit trail, without e-mails, codes or passwords."""

import pytest
from django.test import Client

from violeta.accounts.services import (
    CodeRefused,
    login_lockout_reset,
    second_factor_check,
    second_factor_reset,
)
from violeta.audit.context import audit_context
from violeta.audit.models import AuditEntry, AuditOrigin
from violeta.testing.second_factor import totp_device_for

pytestmark = pytest.mark.django_db

WRONG = "contraseña-que-no-es"


def test_a_lockout_is_recorded_without_the_typed_email(client: Client, servidora):
    for _ in range(5):
        client.post(
            "/personal/entrar/",
            {"username": servidora.email, "password": WRONG},
            REMOTE_ADDR="10.0.0.9",
        )
    entry = AuditEntry.objects.get(action="lockout")
    assert entry.actor is None
    assert servidora.email not in str(entry.detail)
    assert set(entry.detail) == {"email_ref"}


def test_a_wrong_second_factor_code_is_recorded(atencion):
    totp_device_for(atencion)
    with pytest.raises(CodeRefused):
        second_factor_check(user=atencion, code="000000")
    entry = AuditEntry.objects.get(action="mfa_failed")
    assert entry.target_id == str(atencion.pk)
    assert "000000" not in str(entry.detail)


def test_who_reset_a_second_factor_or_lifted_a_lockout_is_recorded(atencion, admin_sistema):
    totp_device_for(atencion)
    with audit_context(origin=AuditOrigin.WEB, actor=admin_sistema):
        second_factor_reset(user=atencion)
        login_lockout_reset(user=atencion)
    details = list(
        AuditEntry.objects.filter(target_id=str(atencion.pk), action="update")
        .order_by("seq")
        .values_list("actor", "detail")
    )
    assert details == [
        (admin_sistema.pk, {"second_factor": "reset"}),
        (admin_sistema.pk, {"lockout": "lifted"}),
    ]
