"""The recorded account is appended to, never rewritten."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from violeta.accounts.models import User
from violeta.audit.services import audit_record
from violeta.cases.models import (
    AccountAddition,
    AccountTaking,
    Case,
    TakingReason,
)
from violeta.cases.selectors import case_reading


def case_account_append(
    *,
    actor: User,
    case: Case,
    body: str,
    retold: bool = False,
    reason: TakingReason | None = None,
) -> AccountAddition:
    """Add to the recorded account. ``retold`` says she was asked to tell it again: that is
    counted, with its reason, so coordinación can see every case where it happened."""
    reading = case_reading(user=actor, case=case)
    if not (reading.account and reading.act):
        raise PermissionDenied
    if not body.strip():
        raise ValidationError(_("La adición está vacía."), code="empty")
    if retold and (reason is None or reason == TakingReason.INTAKE):
        raise ValidationError(
            _("Indica por qué se le pidió volver a narrar los hechos."), code="reason"
        )
    with transaction.atomic():
        addition = AccountAddition.objects.create(case=case, author=actor, body=body.strip())
        if retold and reason is not None:
            AccountTaking.objects.create(case=case, taken_by=actor, reason=reason)
        audit_record(
            action="create", target=addition, detail={"case": str(case.pk), "retold": retold}
        )
    return addition
