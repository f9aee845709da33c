"""What the protocol engine may ask about a case (registered in CasesConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from violeta.accounts.models import User
from violeta.cases.guidelines import rule_get
from violeta.cases.models import (
    Case,
    CaseAssignment,
    CaseParty,
    GuidelineStatus,
    PartyKind,
)
from violeta.cases.selectors import comite_may_read
from violeta.cases.shared_reads import case_guideline_checks
from violeta.protocols import hooks
from violeta.protocols.models import ProtocolRun

SUBJECT = "cases.Case"


def _case(run: ProtocolRun) -> Case:
    return Case.objects.get(pk=run.subject_id)


def _account_recorded(run: ProtocolRun) -> bool:
    return Case.objects.filter(pk=run.subject_id, account__isnull=False).exists()


def _consent_comite(run: ProtocolRun) -> bool:
    return comite_may_read(case=_case(run))


def _accused_is_public_servant(run: ProtocolRun) -> bool:
    return CaseParty.objects.filter(
        case_id=run.subject_id, kind=PartyKind.SENALADA, is_public_servant=True
    ).exists()


def _recipients(run: ProtocolRun, role: str) -> list[Any]:
    """Who must hear, for a role: the case's assigned people of that role; failing them, every
    active person with the role (coordinación, the comité). Never a party to the case."""
    parties = CaseParty.objects.filter(case_id=run.subject_id, user__isnull=False).values("user")
    assigned = User.objects.filter(
        pk__in=CaseAssignment.objects.filter(case_id=run.subject_id, ended_at__isnull=True).values(
            "user"
        ),
        role=role,
        is_active=True,
    ).exclude(pk__in=parties)
    if assigned.exists():
        return list(assigned)
    return list(User.objects.filter(role=role, is_active=True).exclude(pk__in=parties))


def _guidelines_owed(run: ProtocolRun) -> list[str]:
    """Blocking guidelines still pending on the case, each named with its legal basis."""
    language = get_language()
    owed = []
    for check in case_guideline_checks(run.subject_id):
        if check.status != GuidelineStatus.PENDING:
            continue
        rule = rule_get(check.code)
        if rule is not None and rule.blocks:
            owed.append(
                _("Lineamiento pendiente: %(label)s (%(basis)s)")
                % {"label": rule.label.text(language), "basis": rule.basis}
            )
    return owed


def _label(run: ProtocolRun) -> str:
    return _case(run).folio


def register() -> None:
    hooks.fact_register("account_recorded", _("El relato está registrado"), _account_recorded)
    hooks.fact_register(
        "consent_comite",
        _("Consentimiento de ella para compartir su relato con el comité y el OIC"),
        _consent_comite,
    )
    hooks.fact_register(
        "accused_is_public_servant",
        _("La persona señalada es persona servidora pública"),
        _accused_is_public_servant,
    )
    hooks.subject_register(SUBJECT, recipients=_recipients, label=_label)
    hooks.guard_register(SUBJECT, _guidelines_owed)
