"""The oficio de canalización carries exactly what she agreed to share, and each one is
recorded and audited."""

from __future__ import annotations

import datetime
import hashlib
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from violeta.audit.models import AuditEntry
from violeta.cases.models import (
    AccountAddition,
    ConsentPurpose,
    ContactMethod,
    ContactPreference,
    Language,
    SharedItem,
)
from violeta.cases.services.consent import consent_record
from violeta.detection.models import RiskAssessment
from violeta.documents.testing import pdf_metadata, pdf_page_texts, pdf_text
from violeta.referrals import services
from violeta.referrals.models import ReferralStatus

from .conftest import add_incident, institution, set_accused, set_affected

pytestmark = pytest.mark.django_db

# What each item puts in the oficio: values that appear nowhere else in it.
MARKERS: dict[str, list[str]] = {
    SharedItem.IDENTIDAD: ["Ana Pérez Ruiz", "PERA900101MCHRZN09", "Rarámuri", "Ejido El Largo"],
    SharedItem.CONTACTO: ["614 555 0199", "ana.perez@example.org", "de 10 a 13 h"],
    SharedItem.HECHOS: ["Física", "Familiar"],
    SharedItem.PERSONA_SENALADA: ["Roberto Gómez", "Jefe de archivo"],
    SharedItem.RELATO: ["bodega del archivo", "Después me siguió"],
    SharedItem.RIESGO: ["Valorado el"],
}
# Recorded on the case but never part of an oficio, whatever she agrees to.
NEVER = ["Colonia Centro"]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def full_case(handled_case: Any, atencion: Any) -> Any:
    set_affected(
        handled_case,
        age=34,
        curp="PERA900101MCHRZN09",
        phone="614 555 0199",
        email="ana.perez@example.org",
        language=Language.RARAMURI,
        is_indigenous=True,
        indigenous_community="Ejido El Largo",
    )
    set_accused(handled_case, position="Jefe de archivo", relationship="ninguna")
    add_incident(
        handled_case,
        types=["fisica"],
        modalities=["familiar"],
        occurred_on=datetime.date(2026, 11, 2),
    )
    AccountAddition.objects.create(
        case=handled_case, author=atencion, body="Después me siguió hasta el estacionamiento."
    )
    ContactPreference.objects.create(
        case=handled_case,
        method=ContactMethod.TELEFONO,
        safe_times="de 10 a 13 h",
        recorded_by=atencion,
    )
    RiskAssessment.objects.create(
        case=handled_case,
        assessed_by=atencion,
        score=9,
        computed_level="alto",
        level="alto",
        instrument_code="tamizaje-riesgo-violeta",
        instrument_version="test",
    )
    return handled_case


def _referral(case: Any, actor: Any, code: str = "cejum", service: str = "asesoria_juridica"):
    return services.referral_propose(
        actor=actor,
        case=case,
        institution=institution(code),
        service=service,
        reason="Asesoría legal sobre órdenes de protección.",
    )


def _consent(case: Any, actor: Any, code: str, scope: list[str]) -> None:
    consent_record(
        actor=actor,
        case=case,
        purpose=ConsentPurpose.CANALIZACION,
        institution=institution(code),
        granted=True,
        scope=scope,
    )


@pytest.mark.parametrize(
    "scope",
    [
        [],
        [SharedItem.IDENTIDAD],
        [SharedItem.CONTACTO],
        [SharedItem.HECHOS],
        [SharedItem.PERSONA_SENALADA],
        [SharedItem.RELATO],
        [SharedItem.RIESGO],
        [SharedItem.IDENTIDAD, SharedItem.RELATO],
        list(SharedItem),
    ],
    ids=lambda scope: "+".join(scope) or "nada",
)
def test_the_oficio_carries_exactly_the_items_she_agreed_to(
    full_case: Any, atencion: Any, scope: list[str]
) -> None:
    referral = _referral(full_case, atencion)
    _consent(full_case, atencion, "cejum", scope)

    oficio = services.oficio_issue(actor=atencion, referral=referral)
    text = _flat(pdf_text(oficio.content))

    for item, markers in MARKERS.items():
        for marker in markers:
            assert (marker in text) == (item in scope), (item, marker)
    for marker in NEVER:
        assert marker not in text
    # What every oficio carries.
    assert full_case.folio in text
    assert "Asesoría legal sobre órdenes de protección." in text
    assert "Centro de Justicia para las Mujeres" in text


def test_an_oficio_for_an_institution_without_consent_to_the_account_has_none_of_it(
    full_case: Any, atencion: Any
) -> None:
    """She agreed to share her account with the Fiscalía only. The oficio for CEJUM holds no
    three consecutive words of it, nor of what was added to it."""
    _consent(full_case, atencion, "fem", [SharedItem.RELATO, SharedItem.IDENTIDAD])
    _consent(full_case, atencion, "cejum", [SharedItem.IDENTIDAD, SharedItem.HECHOS])
    referral = _referral(full_case, atencion)

    text = _flat(pdf_text(services.oficio_issue(actor=atencion, referral=referral).content))

    for source in (full_case.account, "Después me siguió hasta el estacionamiento."):
        words = source.split()
        for start in range(len(words) - 2):
            assert " ".join(words[start : start + 3]) not in text
    assert "Ana Pérez Ruiz" in text  # what she did agree to is there

    fiscalia = _referral(full_case, atencion, "fem", "denuncia")
    with_account = _flat(pdf_text(services.oficio_issue(actor=atencion, referral=fiscalia).content))
    assert _flat(full_case.account) in with_account


def test_each_oficio_is_recorded_watermarked_and_audited(full_case: Any, atencion: Any) -> None:
    referral = _referral(full_case, atencion)
    _consent(full_case, atencion, "cejum", [SharedItem.HECHOS])

    oficio = services.oficio_issue(actor=atencion, referral=referral)

    assert oficio.issue.sha256 == hashlib.sha256(oficio.content).hexdigest()
    assert oficio.issue.shared_items == ["hechos"]
    assert oficio.filename == f"oficio-{full_case.folio}-cejum.pdf"
    for page in pdf_page_texts(oficio.content):
        assert "Para: CEJUM" in _flat(page)
    entry = AuditEntry.objects.filter(action="document").latest("id")
    assert entry.detail["sha256"] == oficio.issue.sha256
    assert entry.detail["shared_items"] == ["hechos"]
    assert entry.detail["override"] is False
    # Nothing personal in the document's metadata.
    assert "Ana" not in str(pdf_metadata(oficio.content))
    services.oficio_issue(actor=atencion, referral=referral)
    assert referral.oficios.count() == 2


def test_an_oficio_under_an_override_carries_what_the_override_names(
    full_case: Any, atencion: Any
) -> None:
    atencion.may_override_consent = True
    atencion.save()
    referral = _referral(full_case, atencion)
    services.referral_override(
        actor=atencion,
        referral=referral,
        reason="Obligación legal de dar vista por hechos posiblemente constitutivos de delito.",
        scope=[SharedItem.HECHOS],
    )
    oficio = services.oficio_issue(actor=atencion, referral=referral)
    text = _flat(pdf_text(oficio.content))
    assert "Física" in text
    assert "bodega del archivo" not in text
    assert AuditEntry.objects.filter(action="document").latest("id").detail["override"] is True


def test_only_who_reads_her_account_issues_an_oficio(
    full_case: Any, atencion: Any, coordinacion: Any
) -> None:
    referral = _referral(full_case, atencion)
    _consent(full_case, atencion, "cejum", [SharedItem.RELATO])
    # Coordinación acts on the case but, unassigned, does not read her account.
    with pytest.raises(PermissionDenied):
        services.oficio_issue(actor=coordinacion, referral=referral)


def test_no_oficio_once_the_referral_is_over(full_case: Any, atencion: Any) -> None:
    from django.core.exceptions import ValidationError

    referral = _referral(full_case, atencion)
    _consent(full_case, atencion, "cejum", [])
    services.referral_move(actor=atencion, referral=referral, to=ReferralStatus.DECLINADA)
    with pytest.raises(ValidationError):
        services.oficio_issue(actor=atencion, referral=referral)
