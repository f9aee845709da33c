"""A demo procedure on the demo case against a public servant (development only)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from violeta.accounts.models import User
from violeta.cases.models import AssignmentKind, Case, PartyKind
from violeta.cases.services import case_assign
from violeta.sanctions.models import ComiteMember, ComitePosition, Procedure
from violeta.sanctions.selectors import accused_servants
from violeta.sanctions.services import procedure_open, session_convene

ALLEGATIONS = (
    "Se le atribuye haber llamado a la persona afectada a su oficina a solas desde marzo, "
    "haber hecho comentarios sobre su cuerpo y haber condicionado la renovación de su contrato."
)


def demo_procedure_ensure() -> int:
    """The comité (the demo autoridad presides, coordinación is the secretaría técnica) and, on
    the demo case whose accused is a public servant and who consented to the comité, an open
    procedure with a session convened for tomorrow. Returns 1 if it was created."""
    if Procedure.objects.exists():
        return 0
    autoridad = User.objects.get(email="autoridad@demo.violeta.mx")
    coordinacion = User.objects.get(email="coordinacion@demo.violeta.mx")
    case = next(
        (c for c in Case.objects.order_by("registered_at") if accused_servants(case=c).exists()),
        None,
    )
    if case is None:
        return 0
    with transaction.atomic():
        ComiteMember.objects.get_or_create(
            user=autoridad, defaults={"position": ComitePosition.PRESIDENCIA}
        )
        ComiteMember.objects.get_or_create(
            user=coordinacion, defaults={"position": ComitePosition.SECRETARIA}
        )
        case_assign(
            actor=coordinacion,
            case=case,
            user=autoridad,
            attends=case.parties.get(kind=PartyKind.AFECTADA),
            kind=AssignmentKind.AUTORIDAD,
        )
        procedure = procedure_open(
            actor=autoridad,
            case=case,
            accused=accused_servants(case=case).first(),  # type: ignore[arg-type]
            allegations=ALLEGATIONS,
        )
        tomorrow = timezone.localtime() + datetime.timedelta(days=1)
        session_convene(
            actor=autoridad,
            procedure=procedure,
            scheduled_for=tomorrow.replace(hour=10, minute=0, second=0, microsecond=0),
            place="Sala de juntas del IMM",
        )
    return 1
