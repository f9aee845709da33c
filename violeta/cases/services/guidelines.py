"""The guidelines that fire on a case become checklist items; the team resolves each one."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from violeta.accounts.models import User
from violeta.audit.services import audit_record
from violeta.cases.guidelines import Classification, rule_get, rules_firing
from violeta.cases.models import Case, GuidelineCheck, GuidelineStatus
from violeta.cases.selectors import case_reading
from violeta.crypto.services import data_keys_assign

MIN_NOT_APPLICABLE_REASON = 15


def guidelines_refresh(
    *, case: Case, classification: Classification | None = None, new_case: bool = False
) -> list[GuidelineCheck]:
    """Add an item for every rule that now fires. An item still pending whose rule no longer
    fires (the facts were corrected) is withdrawn; resolved items are history and stay.

    ``classification``: see ``case_facts``. ``new_case``: the case is being registered in
    this transaction and has no items yet."""
    firing = {rule.code for rule in rules_firing(case=case, classification=classification)}
    existing: set[str] = set()
    if not new_case:
        existing = set(GuidelineCheck.objects.filter(case=case).values_list("code", flat=True))
    new = [GuidelineCheck(case=case, code=code) for code in sorted(firing - existing)]
    data_keys_assign(new)
    created = GuidelineCheck.objects.bulk_create(new)
    if not new_case:
        GuidelineCheck.objects.filter(case=case, status=GuidelineStatus.PENDING).exclude(
            code__in=firing
        ).delete()
    return created


def guideline_resolve(
    *, actor: User, case: Case, code: str, status: GuidelineStatus, note: str = ""
) -> GuidelineCheck:
    """Done (what was done: who, when, the oficio) or not applicable (why)."""
    if not case_reading(user=actor, case=case).act:
        raise PermissionDenied
    if status == GuidelineStatus.PENDING:
        raise ValidationError(_("Indica si se cumplió o por qué no aplica."), code="status")
    note = note.strip()
    if status == GuidelineStatus.NOT_APPLICABLE and len(note) < MIN_NOT_APPLICABLE_REASON:
        raise ValidationError(
            _("Explica por qué no aplica con al menos %(count)d caracteres.")
            % {"count": MIN_NOT_APPLICABLE_REASON},
            code="reason",
        )
    if rule_get(code) is None:
        raise ValidationError(_("Ese lineamiento no existe."), code="unknown")
    with transaction.atomic():
        changed = GuidelineCheck.objects.filter(
            case=case, code=code, status=GuidelineStatus.PENDING
        ).update(status=status, resolved_by=actor, resolved_at=timezone.now())
        if changed != 1:
            raise ValidationError(
                _("Ese punto ya estaba resuelto o no aplica a este caso."), code="not_pending"
            )
        check = GuidelineCheck.objects.get(case=case, code=code)
        # The note is encrypted, so it is saved through the model rather than the UPDATE.
        check.note = note
        check.save(update_fields=["note"])
        audit_record(
            action="update", target=case, detail={"guideline": code, "status": str(status)}
        )
    return check
