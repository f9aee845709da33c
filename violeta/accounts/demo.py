"""Demo accounts, one per role, for trying Violeta on a laptop. Never for production."""

from __future__ import annotations

import dataclasses

from django.db import transaction

from violeta.accounts.models import User
from violeta.accounts.roles import Role, Specialty
from violeta.catalogs.models import Dependencia

DEMO_PASSWORD = "violeta-demo-2026"  # noqa: S105 - printed to the developer on purpose


@dataclasses.dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: Role
    dependencia_code: str
    specialty: str = ""
    position: str = ""


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "servidora@demo.violeta.mx",
        "Rosa Elena Chávez",
        Role.SERVIDORA,
        "dif_municipal",
        position="Auxiliar administrativa",
    ),
    DemoUser(
        "atencion@demo.violeta.mx",
        "Lucía Ontiveros",
        Role.ATENCION,
        "imm",
        Specialty.PSICOLOGIA,
        "Psicóloga",
    ),
    DemoUser(
        "enlace@demo.violeta.mx",
        "Martha Loya",
        Role.ENLACE,
        "instituto_cultura",
        position="Unidad de Igualdad de Género",
    ),
    DemoUser(
        "coordinacion@demo.violeta.mx",
        "Adriana Holguín",
        Role.COORDINACION,
        "imm",
        position="Coordinadora de atención",
    ),
    DemoUser(
        "autoridad@demo.violeta.mx",
        "Jorge Terrazas",
        Role.AUTORIDAD,
        "imm",
        position="Integrante del Comité de Ética",
    ),
    DemoUser(
        "admin@demo.violeta.mx",
        "Soporte de Sistemas",
        Role.ADMINISTRACION,
        "imm",
        position="Administración del sistema",
    ),
)


def demo_users_ensure() -> list[DemoUser]:
    """Create the demo accounts that are missing; existing ones are left alone."""
    dependencias = {dep.code: dep for dep in Dependencia.objects.all()}
    with transaction.atomic():
        for demo in DEMO_USERS:
            if User.objects.filter(email=demo.email).exists():
                continue
            dependencia = dependencias.get(demo.dependencia_code)
            if dependencia is None:
                raise LookupError(
                    f"Dependencia {demo.dependencia_code!r} is not loaded; "
                    "run `manage.py load_catalogs` first."
                )
            User.objects.create_user(
                demo.email,
                DEMO_PASSWORD,
                full_name=demo.full_name,
                role=demo.role,
                specialty=demo.specialty,
                dependencia=dependencia,
                position=demo.position,
            )
    return list(DEMO_USERS)
