"""Who may see and do what in a procedure, always from the viewer.

- Conduct (open, convene, record attendance, measures, votes, hearings, resolution): the
  autoridad assigned to the case, or coordinación responsible for it, while the case is open.
- Read the procedure file: those who conduct it. Never the attention notes or sessions: the
  procedure pages do not read them at all.
- The accused and his representative: only ``accused_view``'s fields (the allegations, his
  notices, his deadlines, hearings, measures on him, his own evidence and arguments, the
  resolution). Never her contact data, address or account.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from violeta.accounts import roles
from violeta.cases.models import Case, CaseParty, PartyKind
from violeta.cases.selectors import case_reading
from violeta.catalogs.selectors import same_chain
from violeta.sanctions.models import (
    ComiteMember,
    Excuse,
    Procedure,
)


def may_conduct(*, user: Any, case: Case) -> bool:
    if not (roles.is_autoridad(user) or roles.is_coordinacion(user)):
        return False
    return case_reading(user=user, case=case).act


def may_open(*, user: Any, case: Case) -> bool:
    """A procedure is opened on a case whose accused is a public servant."""
    return may_conduct(user=user, case=case) and accused_servants(case=case).exists()


def accused_servants(*, case: Case) -> QuerySet[CaseParty]:
    return CaseParty.objects.filter(case=case, kind=PartyKind.SENALADA, is_public_servant=True)


def procedure_of(*, case: Case) -> Procedure | None:
    return Procedure.objects.filter(case=case).select_related("accused", "data_key").first()


def is_accused_side(*, user: Any, procedure: Procedure) -> bool:
    """The accused (linked by his staff account) or his designated representative."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.pk in {procedure.accused.user_id, procedure.representative_id} - {None}


def _party_dependencias(case: Case) -> list[str]:
    codes = []
    for party in CaseParty.objects.filter(case=case).select_related("dependencia", "user"):
        if party.kind == PartyKind.TESTIGO:
            continue
        if party.dependencia is not None:
            codes.append(party.dependencia.code)
        if party.user is not None and party.user.dependencia_id is not None:
            codes.append(party.user.dependencia.code)
    return codes


def member_conflict(*, member: ComiteMember, case: Case) -> Excuse | None:
    """Why a member must step aside on this case, as far as the records show: being a party,
    or working in the same chain of command as the persona afectada or the persona señalada.
    Kinship and other interests are declared (``session_member_excuse``)."""
    if CaseParty.objects.filter(case=case, user_id=member.user_id).exists():
        return Excuse.PARTE
    dependencia = member.user.dependencia
    if dependencia is None:
        return None
    if any(same_chain(dependencia.code, code) for code in _party_dependencias(case)):
        return Excuse.MISMA_CADENA
    return None
