"""A case against a public servant, its comité and its procedure."""

from __future__ import annotations

from typing import Any

import pytest

from violeta.accounts.roles import Role
from violeta.cases.models import AssignmentKind, ConsentPurpose, PartyKind
from violeta.cases.services import case_assign
from violeta.cases.services.consent import consent_record
from violeta.sanctions.models import ComiteMember, ComitePosition, Procedure
from violeta.sanctions.services import procedure_open
from violeta.testing.factories import DependenciaFactory, UserFactory, make_case

HER_PHONE = "614 555 0142"
HER_EMAIL = "lucia.contacto@example.org"
ALLEGATIONS = (
    "Se le atribuye haber hecho comentarios sexuales reiterados a una compañera en la oficina "
    "entre marzo y mayo de 2026."
)


@pytest.fixture
def accused_user(db: None) -> Any:
    """The person accused, a public servant with a staff account, at Obras Públicas."""
    return UserFactory(
        role=Role.SERVIDORA,
        email="senalado@prueba.violeta.mx",
        full_name="Ramiro Señalado",
        dependencia=DependenciaFactory(code="obras_prueba", name_es="Obras (prueba)"),
    )


@pytest.fixture
def comite(db: None, autoridad: Any, accused_user: Any) -> list[ComiteMember]:
    """Five members: the autoridad (presidencia), three from other dependencias, and one from
    the accused's own dependencia, who must always step aside on his case."""
    members = [ComiteMember.objects.create(user=autoridad, position=ComitePosition.PRESIDENCIA)]
    for number, (name, position) in enumerate(
        [
            ("Sofía Secretaria", ComitePosition.SECRETARIA),
            ("Vocal Tesorería", ComitePosition.VOCAL),
            ("Vocal Cultura", ComitePosition.VOCAL),
        ]
    ):
        user = UserFactory(
            role=Role.AUTORIDAD,
            email=f"comite{number}@prueba.violeta.mx",
            full_name=name,
            dependencia=DependenciaFactory(code=f"comite_dep_{number}"),
        )
        members.append(ComiteMember.objects.create(user=user, position=position))  # type: ignore[misc]
    same = UserFactory(
        role=Role.AUTORIDAD,
        email="vocal.obras@prueba.violeta.mx",
        full_name="Vocal de Obras",
        dependencia=accused_user.dependencia,
    )
    members.append(ComiteMember.objects.create(user=same, position=ComitePosition.VOCAL))  # type: ignore[misc]
    return members


@pytest.fixture
def procedure_case(
    catalogs: None, enlace: Any, coordinacion: Any, atencion: Any, autoridad: Any, accused_user: Any
) -> Any:
    """Her case, registered by an enlace, attended by atención, with her consent to the
    comité and the OIC, and the autoridad assigned."""
    case = make_case(
        registered_by=enlace,
        protocol="chihuahua-municipal",
        account="Mi compañero de Obras me hace comentarios sexuales todos los días.",
        affected="Lucía Afectada",
        accused="Ramiro Señalado",
        accused_user=accused_user,
    )
    affected = case.parties.get(kind=PartyKind.AFECTADA)
    affected.phone = HER_PHONE
    affected.email = HER_EMAIL
    affected.save()
    accused = case.parties.get(kind=PartyKind.SENALADA)
    accused.dependencia = accused_user.dependencia
    accused.save()
    case_assign(
        actor=coordinacion,
        case=case,
        user=atencion,
        attends=affected,
        kind=AssignmentKind.PSICOLOGIA,
    )
    consent_record(actor=coordinacion, case=case, purpose=ConsentPurpose.COMITE_OIC, granted=True)
    case_assign(
        actor=coordinacion,
        case=case,
        user=autoridad,
        attends=affected,
        kind=AssignmentKind.AUTORIDAD,
    )
    return case


@pytest.fixture
def procedure(procedure_case: Any, autoridad: Any) -> Procedure:
    return procedure_open(
        actor=autoridad,
        case=procedure_case,
        accused=procedure_case.parties.get(kind=PartyKind.SENALADA),
        allegations=ALLEGATIONS,
    )
