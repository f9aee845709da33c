"""The retaliation watch: adverse changes against whoever reported or testified, recorded after
the report and flagged to coordinación, who reviews each one once.

Basis: the principle of prohibition of retaliation (Protocolo para la prevención, atención y
sanción del hostigamiento sexual y acoso sexual, DOF 03-01-2020; catalog code
``prohibicion_represalias``): nobody may suffer a change of area, schedule or functions, a
negative evaluation, a pay deduction or a dismissal for reporting or testifying.

Who may do what:

- Record a change: atención, coordinación, enlace or autoridad who act on the case
  (``case_reading(...).act``: assigned, the enlace who registered it before the IMM took it, or
  coordinación, while the case is open).
- Read the detail of a change: coordinación and those who act on the case.
- Review: coordinación, never on a case where she is a party.

The reads live here with the writes because this module is the whole feature; they start from
the viewer like every selector.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from violeta.accounts import roles
from violeta.accounts.models import User
from violeta.audit.models import AuditAction
from violeta.audit.services import audit_record
from violeta.cases.models import Case, CaseAssignment, CaseParty, PartyKind
from violeta.cases.selectors import CaseReading, case_reading, cases_visible_to
from violeta.notifications.models import NotificationKind
from violeta.notifications.services import notifications_send
from violeta.sanctions.models import AdverseChange, AdverseKind

# Retaliation is against whoever spoke up: her, or a witness. Never the person accused.
PROTECTED_KINDS = frozenset({PartyKind.AFECTADA, PartyKind.TESTIGO})
RECORDING_ROLES = frozenset(
    {roles.Role.ATENCION, roles.Role.COORDINACION, roles.Role.ENLACE, roles.Role.AUTORIDAD}
)
REVIEW_NOTE_MIN_LENGTH = 20
DETAIL_MAX_LENGTH = 2000


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _is_party(user: Any, case: Case) -> bool:
    return CaseParty.objects.filter(case=case, user_id=user.pk).exists()


# Reads -------------------------------------------------------------------------------------


def may_record_adverse(*, user: Any, case: Case, reading: CaseReading | None = None) -> bool:
    if not (roles.handles_cases(user) and user.role in RECORDING_ROLES):
        return False
    return (reading or case_reading(user=user, case=case)).act


def may_review_adverse(*, user: Any, case: Case) -> bool:
    """Coordinación, unless she is a party to the case (``cases_visible_to`` excludes those)."""
    return roles.is_coordinacion(user) and not _is_party(user, case)


def may_see_names(*, user: Any, case: Case) -> bool:
    """Party names follow her account: whoever reads it (the case page's rule)."""
    return case_reading(user=user, case=case).account


def adverse_changes_reviewable_by(*, user: Any) -> QuerySet[AdverseChange]:
    """Every change coordinación may review, pending first (oldest waiting first), then the
    reviewed ones, latest review first. Served by the (reviewed_at, recorded_at) index."""
    if not roles.is_coordinacion(user):
        return AdverseChange.objects.none()
    return (
        AdverseChange.objects.filter(case__in=cases_visible_to(user=user))
        .select_related("case", "party", "recorded_by", "reviewed_by", "data_key")
        .order_by(F("reviewed_at").desc(nulls_first=True), "recorded_at", "id")
    )


@dataclasses.dataclass(frozen=True)
class RetaliationPanel:
    """What the case page shows about adverse changes on one case."""

    changes: list[AdverseChange]
    may_record: bool
    may_review: bool

    @property
    def pending(self) -> list[AdverseChange]:
        return [change for change in self.changes if change.reviewed_at is None]

    @property
    def reviewed(self) -> list[AdverseChange]:
        return [change for change in self.changes if change.reviewed_at is not None]


def retaliation_panel(
    *, user: Any, case: Case, reading: CaseReading | None = None
) -> RetaliationPanel | None:
    """The case page's panel, or None for a viewer who may not read the changes. ``reading``
    is the case page's own, to spare asking again."""
    may_record = may_record_adverse(user=user, case=case, reading=reading)
    may_review = may_review_adverse(user=user, case=case)
    if not (may_record or may_review):
        return None
    changes = list(
        AdverseChange.objects.filter(case=case)
        .select_related("party", "recorded_by", "reviewed_by", "data_key")
        .order_by("recorded_at", "id")
    )
    return RetaliationPanel(changes=changes, may_record=may_record, may_review=may_review)


def protected_parties(*, case: Case) -> QuerySet[CaseParty]:
    """The people a change may be recorded against: her and the witnesses."""
    return (
        CaseParty.objects.filter(case=case, kind__in=PROTECTED_KINDS)
        .select_related("data_key")
        .order_by("kind", "added_at", "id")
    )


# Writes ------------------------------------------------------------------------------------


def adverse_change_record(
    *,
    actor: User,
    case: Case,
    party: CaseParty,
    kind: AdverseKind | str,
    effective_on: datetime.date,
    detail: str = "",
) -> AdverseChange:
    """Record a change against her or a witness made after the report, and flag it to every
    active coordinación user who is not a party to the case."""
    _require(may_record_adverse(user=actor, case=case))
    problems: dict[str, str] = {}
    if party.case_id != case.pk:
        problems["party"] = _("Esa persona no pertenece a este caso.")
    elif party.kind not in PROTECTED_KINDS:
        problems["party"] = _(
            "La prohibición de represalias protege a quien denunció y a quien testificó, no a "
            "la persona señalada. Elige a la persona afectada o a una persona testigo."
        )
    if kind not in AdverseKind.values:
        problems["kind"] = _("Elige el tipo de cambio.")
    reported_on = timezone.localdate(case.registered_at)
    today = timezone.localdate()
    if effective_on < reported_on:
        problems["effective_on"] = _(
            "El cambio es anterior al reporte (%(date)s): no puede ser una represalia por "
            "él. Regístralo sólo si ocurrió el día del reporte o después."
        ) % {"date": date_format(reported_on)}
    elif effective_on > today:
        problems["effective_on"] = _(
            "La fecha no puede ser posterior a hoy. Registra el cambio cuando ocurra."
        )
    detail = detail.strip()
    if len(detail) > DETAIL_MAX_LENGTH:
        problems["detail"] = _("El detalle admite hasta %(count)d caracteres.") % {
            "count": DETAIL_MAX_LENGTH
        }
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        change = AdverseChange.objects.create(
            case=case,
            party=party,
            kind=AdverseKind(kind),
            effective_on=effective_on,
            detail=detail,
            recorded_by=actor,
        )
        audit_record(
            action=AuditAction.CREATE,
            target=change,
            detail={"adverse_change": str(kind), "party_kind": str(party.kind)},
            actor=actor,
        )
        # One query: every active coordinator but anyone who is a party to the case.
        recipients = list(
            User.objects.filter(role=roles.Role.COORDINACION, is_active=True).exclude(
                case_parties__case=case
            )
        )
        folio = case.folio
        transaction.on_commit(
            lambda: notifications_send(
                recipients=recipients, kind=NotificationKind.RETALIATION, folio=folio
            )
        )
    return change


def adverse_change_viewed(*, viewer: Any, change: AdverseChange) -> None:
    """Reading a change's detail is reading case content: audited like the case page."""
    audit_record(
        action=AuditAction.VIEW, target=change, detail={"adverse_change": True}, actor=viewer
    )


def adverse_change_review(
    *, actor: User, change: AdverseChange, is_retaliation: bool, note: str
) -> AdverseChange:
    """Coordinación's conclusion, once. A confirmed retaliation is announced to the autoridad
    assigned to the case, so the procedure can act on it as a new offence."""
    case = change.case
    _require(may_review_adverse(user=actor, case=case))
    note = note.strip()
    if len(note) < REVIEW_NOTE_MIN_LENGTH:
        raise ValidationError(
            {
                "note": _("Explica la conclusión con al menos %(count)d caracteres.")
                % {"count": REVIEW_NOTE_MIN_LENGTH}
            }
        )
    with transaction.atomic():
        # The note is encrypted with the record's key, so the write goes through save(), not
        # a compare-and-set update(): the row lock stops a second review racing this one.
        locked = (
            AdverseChange.objects.select_for_update(of=("self",))
            .select_related("data_key")
            .get(pk=change.pk)
        )
        if locked.reviewed_at is not None:
            raise ValidationError(_("Este cambio ya se revisó."))
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = actor
        locked.is_retaliation = is_retaliation
        locked.review_note = note
        locked.save(update_fields=["reviewed_at", "reviewed_by", "is_retaliation", "review_note"])
        audit_record(
            action=AuditAction.UPDATE,
            target=locked,
            detail={"adverse_review": True, "is_retaliation": is_retaliation},
            actor=actor,
        )
        if is_retaliation:
            recipients = list(
                User.objects.filter(
                    pk__in=CaseAssignment.objects.filter(case=case, ended_at__isnull=True).values(
                        "user"
                    ),
                    role=roles.Role.AUTORIDAD,
                    is_active=True,
                ).exclude(case_parties__case=case)
            )
            folio = case.folio
            transaction.on_commit(
                lambda: notifications_send(
                    recipients=recipients, kind=NotificationKind.RETALIATION, folio=folio
                )
            )
    return locked
