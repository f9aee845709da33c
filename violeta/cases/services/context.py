"""Derived context: computed from the recorded facts, never chosen from a list.

Re-run after every change to the parties, inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q

from violeta.accounts import roles
from violeta.accounts.models import User
from violeta.cases.models import (
    INTIMATE_RELATIONSHIPS,
    Case,
    CaseParty,
    Hierarchy,
    MatchBasis,
    PartyKind,
    RepeatAccused,
)
from violeta.cases.services.guidelines import guidelines_refresh
from violeta.cases.shared_reads import case_parties
from violeta.notifications.models import NotificationKind
from violeta.notifications.services import notifications_send


def context_refresh(*, case: Case) -> Case:
    context_derive(case=case, parties=case_parties(case))
    Case.objects.filter(pk=case.pk).update(
        is_workplace=case.is_workplace,
        is_hierarchical=case.is_hierarchical,
        is_intimate_partner=case.is_intimate_partner,
        is_minor_victim=case.is_minor_victim,
    )
    guidelines_refresh(case=case)
    return case


def context_derive(*, case: Case, parties: Sequence[CaseParty]) -> None:
    """Set the case's derived context from its parties, without saving it."""
    affected = [p for p in parties if p.kind == PartyKind.AFECTADA]
    accused = [p for p in parties if p.kind == PartyKind.SENALADA]
    # Workplace: both sides are public servants (the protocol's own ground).
    case.is_workplace = any(p.is_public_servant for p in affected) and any(
        p.is_public_servant for p in accused
    )
    # LGAMVLV art. 13: real subordination of her to the accused makes it hostigamiento.
    case.is_hierarchical = any(p.hierarchy == Hierarchy.SUPERIOR for p in accused)
    case.is_intimate_partner = any(p.relationship in INTIMATE_RELATIONSHIPS for p in accused)
    case.is_minor_victim = any(p.is_minor for p in affected)


def _basis(party: CaseParty, other: CaseParty) -> MatchBasis:
    """How ``other`` (read with its user and blind indexes only) matched ``party``."""
    if party.user_id is not None and party.user_id == other.user_id:
        return MatchBasis.USER
    if party.curp_bidx and party.curp_bidx == other.curp_bidx:
        return MatchBasis.CURP
    if party.employee_number_bidx and party.employee_number_bidx == other.employee_number_bidx:
        return MatchBasis.EMPLOYEE_NUMBER
    return MatchBasis.NAME


def repeat_accused_detect(*, party: CaseParty) -> list[RepeatAccused]:
    """Link an accused person to the same person accused in other cases, through the blind
    indexes only, and alert coordinación (nobody else sees the link)."""
    if party.kind != PartyKind.SENALADA:
        return []
    same = Q()
    if party.user_id is not None:
        same |= Q(user_id=party.user_id)
    for field in ("curp_bidx", "employee_number_bidx", "name_bidx"):
        value = getattr(party, field)
        if value:
            same |= Q(**{field: value})
    if not same:
        return []
    # Only what the link and the alert need: no encrypted field, no case. A name many people
    # share matches many parties; each is a few keys, not a whole row.
    others = (
        CaseParty.objects.filter(same, kind=PartyKind.SENALADA)
        .exclude(case_id=party.case_id)
        .only("pk", "case_id", "user_id", "curp_bidx", "employee_number_bidx")
        .order_by("pk")
    )
    links = [
        RepeatAccused(party=party, other=other, basis=_basis(party, other)) for other in others
    ]
    if not links:
        return []
    created = RepeatAccused.objects.bulk_create(links, ignore_conflicts=True)
    folio = (
        party.case.folio
        if CaseParty.case.is_cached(party)
        else Case.objects.values_list("folio", flat=True).get(pk=party.case_id)
    )
    recipients = list(
        User.objects.filter(role=roles.Role.COORDINACION, is_active=True).exclude(
            case_parties__case_id__in=[party.case_id, *(link.other.case_id for link in links)]
        )
    )
    transaction.on_commit(
        lambda: notifications_send(
            recipients=recipients, kind=NotificationKind.REPEAT_ACCUSED, folio=folio
        )
    )
    return created
