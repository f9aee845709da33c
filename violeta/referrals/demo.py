"""A demo referral on the demo case attended by atención (development only)."""

from __future__ import annotations

from django.db import transaction

from violeta.accounts.models import User
from violeta.cases.models import Case, ConsentPurpose, SharedItem
from violeta.cases.services.consent import consent_record
from violeta.catalogs.selectors import institutions
from violeta.referrals import services
from violeta.referrals.models import Referral, ReferralStatus, Residence, Wish

DEMO_RULE = "laboral_cavim"


def demo_referrals_ensure() -> int:
    """On the demo case atención attends: her wishes, and the recommended referral to the
    state institute's workplace violence unit, consented, sent and received. Returns how many
    referrals were created (0 when there already is one, or no demo case)."""
    if Referral.objects.exists():
        return 0
    atencion = User.objects.get(email="atencion@demo.violeta.mx")
    case = Case.objects.filter(
        assignments__user=atencion, assignments__ended_at__isnull=True
    ).first()
    if case is None:
        return 0
    cavim = next(i for i in institutions() if i.code == "ichmujeres_cavim")
    with transaction.atomic():
        services.wishes_record(
            actor=atencion, case=case, wants_denuncia=Wish.NO_SABE, residence=Residence.MUNICIPIO
        )
        referral = services.referral_propose(
            actor=atencion,
            case=case,
            institution=cavim,
            service="violencia_laboral",
            reason=(
                "Asesoría independiente de la dependencia sobre violencia laboral, además del "
                "procedimiento interno."
            ),
            rule_code=DEMO_RULE,
        )
        consent_record(
            actor=atencion,
            case=case,
            purpose=ConsentPurpose.CANALIZACION,
            institution=cavim,
            granted=True,
            scope=[SharedItem.IDENTIDAD, SharedItem.CONTACTO, SharedItem.HECHOS],
        )
        services.referral_move(
            actor=atencion,
            referral=referral,
            to=ReferralStatus.ENVIADA,
            contact_person="Unidad de Violencia Laboral",
        )
        services.referral_move(actor=atencion, referral=referral, to=ReferralStatus.RECIBIDA)
    return 1
