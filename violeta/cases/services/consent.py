"""Her consent per purpose. Every act of sharing asks ``consent_require`` first.

LPDPCHIH art. 19 / LGPDPPSO art. 21: sensitive personal data are shared only with express
consent for that purpose. A withdrawal is effective at once and blocks every later share; only a
person with the specific permission may share without consent, with a written reason (e.g. the
duty to report a crime against a child), and that is audited and announced to coordinación.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from violeta.accounts import roles
from violeta.accounts.models import User
from violeta.audit.services import audit_record
from violeta.cases.models import (
    Case,
    ConsentDecision,
    ConsentOverride,
    ConsentPurpose,
    ContactMethod,
    ContactPreference,
    SharedItem,
)
from violeta.cases.selectors import case_reading, consent_in_force
from violeta.catalogs.models import Institution
from violeta.notifications.models import NotificationKind
from violeta.notifications.services import notifications_send

MIN_OVERRIDE_REASON = 30


class ConsentMissing(ValidationError):
    """Sharing was refused because she has not consented (or withdrew)."""


def _check_target(purpose: ConsentPurpose, institution: Institution | None) -> None:
    if (purpose == ConsentPurpose.CANALIZACION) != (institution is not None):
        raise ValidationError(
            _("El consentimiento para canalizar se da por institución."), code="institution"
        )


def _clean_scope(purpose: ConsentPurpose, scope: Iterable[str]) -> list[str]:
    items = list(dict.fromkeys(scope))
    if items and purpose != ConsentPurpose.CANALIZACION:
        raise ValidationError(
            _("Lo que se comparte se elige sólo al canalizar a una institución."), code="scope"
        )
    unknown = [item for item in items if item not in SharedItem.values]
    if unknown:
        raise ValidationError(
            _("No se reconoce qué se comparte: %(items)s.") % {"items": ", ".join(unknown)},
            code="scope",
        )
    # Stored in the vocabulary's order, so two decisions with the same items compare equal.
    return [item for item in SharedItem.values if item in items]


def consent_record(
    *,
    actor: User,
    case: Case,
    purpose: ConsentPurpose,
    granted: bool,
    institution: Institution | None = None,
    scope: Iterable[str] = (),
) -> ConsentDecision:
    """Record her decision. A "no" after a "yes" is a withdrawal: effective from now on.

    For a referral, ``scope`` lists what she agrees to share with that institution
    (``SharedItem`` codes); a "no" shares nothing, so its scope is always empty.
    """
    if not case_reading(user=actor, case=case).act:
        raise PermissionDenied
    _check_target(purpose, institution)
    items = _clean_scope(purpose, scope) if granted else []
    with transaction.atomic():
        decision = ConsentDecision.objects.create(
            case=case,
            purpose=purpose,
            institution=institution,
            granted=granted,
            scope=items,
            recorded_by=actor,
        )
        _consent_audit(case=case, decision=decision)
    return decision


def _consent_audit(*, case: Case, decision: ConsentDecision) -> None:
    institution = decision.institution
    audit_record(
        action="consent",
        target=case,
        detail={
            "purpose": str(decision.purpose),
            "institution": institution.code if institution else None,
            "granted": decision.granted,
            "scope": decision.scope,
        },
    )


def intake_consents_record(
    *,
    actor: User,
    case: Case,
    decisions: Mapping[ConsentPurpose, bool],
    contact_method: ContactMethod | None = None,
    contact_safe_times: str = "",
) -> None:
    """Her decisions for the purposes that need no institution, and how to contact her, as
    given at intake: the access is checked once and the decisions written together.

    All or nothing without a savepoint of its own: inside a larger transaction (the intake's),
    a failure here undoes that whole transaction, which is what its only caller wants."""
    if not decisions and contact_method is None:
        return
    if not case_reading(user=actor, case=case).act:
        raise PermissionDenied
    for purpose in decisions:
        _check_target(purpose, None)
    with transaction.atomic(savepoint=False):
        rows = ConsentDecision.objects.bulk_create(
            [
                ConsentDecision(
                    case=case, purpose=purpose, granted=granted, scope=[], recorded_by=actor
                )
                for purpose, granted in decisions.items()
            ]
        )
        for decision in rows:
            _consent_audit(case=case, decision=decision)
        if contact_method is not None:
            _contact_preference_write(
                actor=actor, case=case, method=contact_method, safe_times=contact_safe_times
            )


def consent_override(
    *,
    actor: User,
    case: Case,
    purpose: ConsentPurpose,
    reason: str,
    institution: Institution | None = None,
    scope: Iterable[str] = (),
) -> ConsentOverride:
    """Share once without her consent because the law requires it. For a referral, ``scope``
    is what the law requires to be shared with that institution."""
    if not (
        roles.can_override_consent(actor) and case_reading(user=actor, case=case).act
    ) or not roles.handles_cases(actor):
        raise PermissionDenied
    _check_target(purpose, institution)
    items = _clean_scope(purpose, scope)
    reason = reason.strip()
    if len(reason) < MIN_OVERRIDE_REASON:
        raise ValidationError(
            _("Escribe el motivo y su fundamento legal con al menos %(count)d caracteres.")
            % {"count": MIN_OVERRIDE_REASON},
            code="reason_too_short",
        )
    with transaction.atomic():
        override = ConsentOverride.objects.create(
            case=case,
            purpose=purpose,
            institution=institution,
            reason=reason,
            scope=items,
            actor=actor,
        )
        audit_record(
            action="consent_override",
            target=case,
            detail={
                "purpose": str(purpose),
                "institution": institution.code if institution else None,
                "scope": items,
            },
        )
        recipients = list(
            User.objects.filter(role=roles.Role.COORDINACION, is_active=True)
            .exclude(pk=actor.pk)
            .exclude(case_parties__case=case)
        )
        transaction.on_commit(
            lambda: notifications_send(
                recipients=recipients,
                kind=NotificationKind.CONSENT_OVERRIDE,
                folio=case.folio,
                actor_name=actor.full_name,
            )
        )
    return override


def consent_require(
    *,
    case: Case,
    purpose: ConsentPurpose,
    institution: Institution | None = None,
    override: ConsentOverride | None = None,
) -> None:
    """Raise ConsentMissing unless she consents now, or ``override`` was made for exactly this
    share. Call it inside the transaction that shares."""
    _check_target(purpose, institution)
    if override is not None:
        if (
            override.case_id == case.pk
            and override.purpose == purpose
            and override.institution_id == (institution.pk if institution else None)
        ):
            return
        raise ValidationError(_("La excepción no corresponde a este envío."), code="override")
    if not consent_in_force(case=case, purpose=purpose, institution=institution):
        raise ConsentMissing(
            _("Ella no ha dado su consentimiento para esto, o lo retiró."), code="no_consent"
        )


def contact_preference_record(
    *, actor: User, case: Case, method: ContactMethod, safe_times: str = ""
) -> ContactPreference:
    if not case_reading(user=actor, case=case).act:
        raise PermissionDenied
    return _contact_preference_write(actor=actor, case=case, method=method, safe_times=safe_times)


def _contact_preference_write(
    *, actor: User, case: Case, method: ContactMethod, safe_times: str
) -> ContactPreference:
    with transaction.atomic():
        preference = ContactPreference.objects.create(
            case=case, method=method, safe_times=safe_times.strip(), recorded_by=actor
        )
        audit_record(action="update", target=case, detail={"contact_method": str(method)})
    return preference
