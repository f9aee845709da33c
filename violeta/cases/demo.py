"""Demo cases for `make run`, so each demo role has something to look at. Never production."""

from __future__ import annotations

from django.db import transaction

from violeta.accounts.models import User
from violeta.cases.models import AssignmentKind, Case, PartyKind
from violeta.cases.services import PartyFacts, case_assign, case_note_add, case_register

DEMO_CASES = (
    {
        "registrant": "enlace@demo.violeta.mx",
        "dependencia": "instituto_cultura",
        "affected": "Azucena (seudónimo)",
        "accused": "Jefe de departamento",
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
        "accused": "Instructor de taller",
        "account": "Un instructor envía mensajes insistentes de noche y pide fotografías.",
        "assign": False,
    },
)


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
                affected=PartyFacts(display_name=str(demo["affected"])),
                accused=[PartyFacts(display_name=str(demo["accused"]))],
            )
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
