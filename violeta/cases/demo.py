"""Demo cases for `make run`, so each demo role has something to look at. Never production."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from violeta.accounts.models import User
from violeta.cases.models import AssignmentKind, Case, ConsentPurpose, PartyKind
from violeta.cases.services import (
    IncidentFacts,
    PartyFacts,
    case_assign,
    case_note_add,
    case_register,
)
from violeta.catalogs.models import ViolenceModality, ViolenceType

DEMO_CASES = (
    {
        "registrant": "enlace@demo.violeta.mx",
        "dependencia": "instituto_cultura",
        "affected": "Azucena (seudónimo)",
        "affected_facts": {"age": 31, "gender_identity": "mujer", "is_public_servant": True},
        "accused": "Jefe de departamento",
        "accused_facts": {
            "is_public_servant": True,
            "hierarchy": "superior",
            "relationship": "ninguna",
            "position": "Jefe de departamento",
        },
        "types": ["sexual", "psicologica"],
        "modalities": ["laboral_docente"],
        "place_kind": "centro_de_trabajo",
        "consents": {"comite_oic": True, "estadistica": True, "atencion": True},
        "account": (
            "Desde marzo, el jefe de departamento me llama a su oficina a solas, hace comentarios "
            "sobre mi cuerpo y me dijo que mi contrato depende de que sea «más amable» con él."
        ),
        "assign": True,
    },
    {
        "registrant": "enlace@demo.violeta.mx",
        "dependencia": "instituto_cultura",
        "affected": "Persona usuaria del centro cultural",
        "affected_facts": {"age_range": "18-29"},
        "accused": "Instructor de taller",
        "accused_facts": {"is_public_servant": True, "hierarchy": "sin_relacion"},
        "types": ["sexual"],
        "modalities": ["comunidad"],
        "place_kind": "digital",
        "consents": {"atencion": True},
        "account": "Un instructor envía mensajes insistentes de noche y pide fotografías.",
        "assign": False,
    },
)


def _entries(model: Any, codes: Any) -> list[Any]:
    """The catalog entries in force with these codes, under the state law (LEDMVLV)."""
    return [
        entry
        for entry in model.objects.filter(law="ledmvlv", code__in=list(codes))
        if entry.in_force_on(timezone.localdate())
    ]


def demo_cases_ensure() -> int:
    """Create the demo cases if no case exists yet. Returns how many were created."""
    if Case.objects.exists():
        return 0
    users = {user.email: user for user in User.objects.filter(email__endswith="@demo.violeta.mx")}
    coordinacion = users["coordinacion@demo.violeta.mx"]
    atencion = users["atencion@demo.violeta.mx"]
    created = 0
    with transaction.atomic():
        for demo in DEMO_CASES:
            registrant = users[str(demo["registrant"])]
            case = case_register(
                actor=registrant,
                dependencia=registrant.dependencia,
                account=str(demo["account"]),
                affected=PartyFacts(
                    display_name=str(demo["affected"]),
                    **demo["affected_facts"],  # type: ignore[arg-type]
                ),
                accused=[
                    PartyFacts(
                        display_name=str(demo["accused"]),
                        **demo["accused_facts"],  # type: ignore[arg-type]
                    )
                ],
                incidents=[
                    IncidentFacts(
                        violence_types=_entries(ViolenceType, demo["types"]),
                        violence_modalities=_entries(ViolenceModality, demo["modalities"]),
                        place_kind=str(demo["place_kind"]),
                        date_is_approximate=True,
                        occurred_on=timezone.localdate() - datetime.timedelta(days=20),
                    )
                ],
                consents={
                    ConsentPurpose(purpose): granted
                    for purpose, granted in demo["consents"].items()  # type: ignore[attr-defined]
                },
            ).case
            created += 1
            if demo["assign"]:
                case_assign(
                    actor=coordinacion,
                    case=case,
                    user=atencion,
                    attends=case.parties.get(kind=PartyKind.AFECTADA),
                    kind=AssignmentKind.PSICOLOGIA,
                )
                case_note_add(
                    actor=atencion,
                    case=case,
                    body=(
                        "Primera entrevista: se acuerda un plan de seguridad y se explican "
                        "sus opciones."
                    ),
                )
    return created
