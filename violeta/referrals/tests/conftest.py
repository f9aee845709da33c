"""Cases as vignettes: the facts a referral recommendation reads, written directly."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

import pytest

from violeta.cases.models import CaseParty, Incident, PartyKind, PlaceKind
from violeta.cases.services.context import context_refresh
from violeta.catalogs.models import Institution, Law, ViolenceModality, ViolenceType
from violeta.testing.factories import assign_to_affected, make_case


def institution(code: str) -> Institution:
    return Institution.objects.filter(code=code).latest("effective_date")


def add_incident(
    case: Any,
    *,
    types: Iterable[str] = (),
    modalities: Iterable[str] = (),
    occurred_on: datetime.date | None = None,
    place_kind: str = PlaceKind.DOMICILIO,
) -> Incident:
    incident = Incident.objects.create(
        case=case,
        occurred_on=occurred_on,
        place_kind=place_kind,
        place="Colonia Centro",
        recorded_by=case.registered_by,
    )
    incident.violence_types.set(ViolenceType.objects.filter(law=Law.LEDMVLV, code__in=types))
    codes = list(types)
    federal_only = ViolenceType.objects.filter(law=Law.LGAMVLV, code__in=codes).exclude(
        code__in=ViolenceType.objects.filter(law=Law.LEDMVLV).values("code")
    )
    incident.violence_types.add(*federal_only)
    incident.violence_modalities.set(
        ViolenceModality.objects.filter(law=Law.LEDMVLV, code__in=modalities)
    )
    return incident


def set_affected(case: Any, **fields: Any) -> CaseParty:
    party = case.parties.get(kind=PartyKind.AFECTADA)
    for name, value in fields.items():
        setattr(party, name, value)
    party.save()
    context_refresh(case=case)
    case.refresh_from_db()
    return party


def set_accused(case: Any, **fields: Any) -> CaseParty:
    party = case.parties.get(kind=PartyKind.SENALADA)
    for name, value in fields.items():
        setattr(party, name, value)
    party.save()
    context_refresh(case=case)
    case.refresh_from_db()
    return party


@pytest.fixture
def handled_case(catalogs: None, enlace: Any, coordinacion: Any, atencion: Any) -> Any:
    """A case registered by an enlace, under the municipal protocol, attended by atención."""
    case = make_case(
        registered_by=enlace,
        protocol="chihuahua-municipal",
        account="Mi jefe me tocó sin mi permiso en la bodega del archivo.",
        affected="Ana Pérez Ruiz",
        accused="Roberto Gómez",
    )
    assign_to_affected(case, by=coordinacion, worker=atencion)
    return case
