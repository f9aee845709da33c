"""Reads about referrals, always from the viewer: recommendations with their reasons, a case's
referrals, and the figures coordinación follows per institution."""

from __future__ import annotations

import dataclasses
import datetime
import statistics
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from violeta.accounts import roles
from violeta.cases.models import Case
from violeta.cases.selectors import case_reading
from violeta.catalogs.models import Institution, Law
from violeta.catalogs.selectors import institutions, violence_modalities, violence_types
from violeta.catalogs.vocabulary import Handle
from violeta.protocols.calendar import due_at
from violeta.referrals import rules
from violeta.referrals.models import (
    Referral,
    ReferralStatus,
    ReferralWishes,
)
from violeta.referrals.services import RECEIPT_TERM_DAYS

IN_PROGRESS = frozenset({ReferralStatus.ENVIADA, ReferralStatus.RECIBIDA})


def may_read_referrals(*, user: Any, case: Case) -> bool:
    """Atención and coordinación who may act on the case, or read her account, see its
    referrals (where she is sent says a lot about what happened)."""
    if not (roles.is_atencion(user) or roles.is_coordinacion(user)):
        return False
    reading = case_reading(user=user, case=case)
    return reading.act or reading.account


def wishes_in_force(*, case: Case) -> ReferralWishes | None:
    return (
        ReferralWishes.objects.filter(case=case)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-id")
        .first()
    )


@dataclasses.dataclass(frozen=True)
class Recommendation:
    rule: rules.Rule
    institution: Institution | None
    reason: str
    facts: list[str]
    basis: str
    referral: Referral | None  # the newest referral to that institution for that service

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def mandatory(self) -> bool:
        return self.rule.mandatory

    @property
    def urgent(self) -> bool:
        return self.rule.urgent

    @property
    def service(self) -> str:
        return self.rule.service

    @property
    def service_label(self) -> str:
        return str(Handle(self.rule.service).label)


def recommendations_for(
    *,
    user: Any,
    case: Case,
    now: datetime.datetime | None = None,
    referrals: list[Referral] | None = None,
) -> list[Recommendation]:
    """The recommendations that hold for the case now, mandatory first, each with why.
    Empty for a viewer who may not see the case's referrals. ``referrals`` are the case's
    referrals when the caller has read them already (all of them)."""
    if not may_read_referrals(user=user, case=case):
        return []
    wishes = wishes_in_force(case=case)
    facts = rules.case_facts(
        case=case,
        wishes=rules.Wishes(
            wants_denuncia=wishes.wants_denuncia if wishes else "",
            residence=wishes.residence if wishes else "",
        ),
        now=now,
    )
    holding = rules.rules_holding(facts)
    if not holding:
        return []
    directory = {institution.code: institution for institution in institutions()}
    # Names of types and modalities only label the facts that name one.
    met = {fact for rule in holding for fact in rule.facts_met(facts)}
    type_names = (
        {e.code: e.name for law in Law for e in violence_types(law=law)}
        if any(fact.startswith("tipo_") for fact in met)
        else {}
    )
    modality_names = (
        {e.code: e.name for law in Law for e in violence_modalities(law=law)}
        if any(fact.startswith("modalidad_") for fact in met)
        else {}
    )
    if referrals is None:
        referrals = list(Referral.objects.filter(case=case))
    newest: dict[tuple[Any, str], Referral] = {}
    for referral in sorted(referrals, key=lambda r: (r.proposed_at, r.pk)):
        newest[(referral.institution_id, referral.service)] = referral
    language = get_language()
    found = []
    for rule in holding:
        institution = directory.get(rule.institution)
        found.append(
            Recommendation(
                rule=rule,
                institution=institution,
                reason=rule.reason.text(language),
                facts=[
                    rules.fact_label(f, type_names=type_names, modality_names=modality_names)
                    for f in rule.facts_met(facts)
                ],
                basis=rule.basis,
                referral=newest.get((institution.pk, rule.service)) if institution else None,
            )
        )
    found.sort(key=lambda rec: (not rec.mandatory, not rec.urgent))
    return found


def referrals_of(*, user: Any, case: Case) -> QuerySet[Referral]:
    if not may_read_referrals(user=user, case=case):
        return Referral.objects.none()
    return (
        Referral.objects.filter(case=case)
        .select_related("institution", "proposed_by", "data_key")
        .order_by("-proposed_at", "-id")
    )


def referral_visible(*, user: Any, referral: Referral) -> bool:
    return may_read_referrals(user=user, case=referral.case)


@dataclasses.dataclass(frozen=True)
class InstitutionFigures:
    institution: Institution
    sent: int
    attended: int
    declined: int
    rejected: int
    unanswered: int
    in_progress: int
    median_days: float | None
    mean_days: float | None

    @property
    def completion_rate(self) -> float | None:
        """Attended ÷ sent, leaving out those she declined: her decision is a valid outcome,
        not a failure of the institution."""
        base = self.sent - self.declined
        return self.attended / base if base else None


def referral_figures(
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> list[InstitutionFigures]:
    """Per institution, for referrals sent in the period: how many, how many attended, days
    from sending to attention, and how many went unanswered (recorded as such, or still
    waiting for receipt past the follow-up term). Counts only; nothing about any person."""
    now = now or timezone.now()
    sent = Referral.objects.filter(sent_at__isnull=False)
    if since:
        sent = sent.filter(sent_at__date__gte=since)
    if until:
        sent = sent.filter(sent_at__date__lte=until)
    rows = sent.values_list("institution_id", "status", "sent_at", "received_at", "attended_at")
    grouped: dict[Any, list[tuple[str, Any, Any, Any]]] = {}
    for institution_id, status, sent_at, received_at, attended_at in rows:
        grouped.setdefault(institution_id, []).append((status, sent_at, received_at, attended_at))
    directory = {i.pk: i for i in Institution.objects.filter(pk__in=list(grouped))}
    figures = []
    for institution_id, items in grouped.items():
        days = [
            (attended_at - sent_at).total_seconds() / 86400
            for status, sent_at, _received, attended_at in items
            if status == ReferralStatus.ATENDIDA and attended_at is not None
        ]
        overdue = sum(
            1
            for status, sent_at, received_at, _attended in items
            if status == ReferralStatus.ENVIADA
            and received_at is None
            and due_at(start=sent_at, amount=RECEIPT_TERM_DAYS, unit="business_days") < now
        )
        statuses = [item[0] for item in items]
        figures.append(
            InstitutionFigures(
                institution=directory[institution_id],
                sent=len(items),
                attended=statuses.count(ReferralStatus.ATENDIDA),
                declined=statuses.count(ReferralStatus.DECLINADA),
                rejected=statuses.count(ReferralStatus.RECHAZADA),
                unanswered=statuses.count(ReferralStatus.SIN_RESPUESTA) + overdue,
                in_progress=sum(1 for s in statuses if s in IN_PROGRESS) - overdue,
                median_days=round(statistics.median(days), 1) if days else None,
                mean_days=round(statistics.fmean(days), 1) if days else None,
            )
        )
    figures.sort(key=lambda f: (-f.sent, f.institution.code))
    return figures
