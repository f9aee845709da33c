"""The synthetic staff: the people who register and attend synthetic cases.

Every synthetic account has an address at ``synthetic.invalid`` (a top-level domain reserved
by RFC 2606, so it can never reach anybody) and no usable password, so nobody can log in as
one. A case registered by one of them is synthetic; any other case is real, which is what the
command checks before it writes anything.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.db import transaction
from django.db.models import QuerySet

from violeta.accounts.models import User
from violeta.accounts.roles import Role, Specialty
from violeta.cases.models import Case
from violeta.catalogs.models import Dependencia
from violeta.sanctions.models import ComiteMember, ComitePosition

SYNTHETIC_DOMAIN = "synthetic.invalid"
EMAIL_SUFFIX = "@" + SYNTHETIC_DOMAIN

# Atención workers per specialty: psychology and legal advice carry most of the work.
ATENCION_TEAM = (
    (Specialty.PSICOLOGIA, 5),
    (Specialty.JURIDICA, 4),
    (Specialty.TRABAJO_SOCIAL, 2),
    (Specialty.MEDICA, 1),
)
COORDINACION_COUNT = 2
COMITE = (ComitePosition.PRESIDENCIA, ComitePosition.SECRETARIA, ComitePosition.VOCAL)
# The comité and the OIC sit in the Órgano Interno de Control when the catalog has it.
OIC_CODE = "organo_interno_control"


@dataclasses.dataclass(frozen=True)
class Staff:
    """Ids of the synthetic staff, by what they do (plain data: worker processes copy it)."""

    coordinacion: tuple[int, ...]
    # (user id, specialty)
    atencion: tuple[tuple[int, str], ...]
    autoridad: tuple[int, ...]
    # dependencia id -> the enlace of its Unidad de Igualdad de Género
    enlace: dict[int, int]
    # (comité member id, user id, code of the member's dependencia)
    comite: tuple[tuple[int, int, str], ...]


def synthetic_users() -> QuerySet[User]:
    return User.objects.filter(email__endswith=EMAIL_SUFFIX)


def real_cases() -> QuerySet[Case]:
    """Cases not registered by synthetic staff: somebody's real case, or a demo case."""
    return Case.objects.exclude(registered_by__email__endswith=EMAIL_SUFFIX)


def synthetic_cases() -> QuerySet[Case]:
    return Case.objects.filter(registered_by__email__endswith=EMAIL_SUFFIX)


def _user(
    *, email: str, full_name: str, role: Role, dependencia: Dependencia, specialty: str = ""
) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        # No password: a synthetic account can never be logged into.
        user = User.objects.create_user(
            email,
            None,
            full_name=full_name,
            role=role,
            dependencia=dependencia,
            specialty=specialty,
            position="Personal sintético",
        )
    return user


def staff_ensure(
    *, imm: Dependencia, dependencias: list[Dependencia], since: datetime.date
) -> Staff:
    """Create the synthetic staff that is missing (idempotent) and return all of it."""
    by_code = {dependencia.code: dependencia for dependencia in dependencias}
    oic = by_code.get(OIC_CODE, imm)
    with transaction.atomic():
        coordinacion = tuple(
            _user(
                email=f"coordinacion.{n:02d}{EMAIL_SUFFIX}",
                full_name=f"Coordinación sintética {n:02d}",
                role=Role.COORDINACION,
                dependencia=imm,
            ).pk
            for n in range(1, COORDINACION_COUNT + 1)
        )
        atencion = tuple(
            (
                _user(
                    email=f"atencion.{specialty.value}.{n:02d}{EMAIL_SUFFIX}",
                    full_name=f"Atención sintética {specialty.label} {n:02d}",
                    role=Role.ATENCION,
                    dependencia=imm,
                    specialty=specialty.value,
                ).pk,
                specialty.value,
            )
            for specialty, count in ATENCION_TEAM
            for n in range(1, count + 1)
        )
        comite = []
        for n, position in enumerate(COMITE, start=1):
            user = _user(
                email=f"comite.{n:02d}{EMAIL_SUFFIX}",
                full_name=f"Integrante sintética del comité {n:02d}",
                role=Role.AUTORIDAD,
                dependencia=oic,
            )
            member, _created = ComiteMember.objects.get_or_create(
                user=user, defaults={"position": position, "active": True, "since": since}
            )
            comite.append((member.pk, user.pk, oic.code))
        enlace = {
            dependencia.pk: _user(
                email=f"enlace.{dependencia.code}{EMAIL_SUFFIX}",
                full_name=f"Enlace sintética {dependencia.short_name or dependencia.code}",
                role=Role.ENLACE,
                dependencia=dependencia,
            ).pk
            for dependencia in dependencias
            if not dependencia.is_imm
        }
    return Staff(
        coordinacion=coordinacion,
        atencion=atencion,
        autoridad=tuple(user_id for _member, user_id, _code in comite),
        enlace=enlace,
        comite=tuple(comite),
    )


def is_synthetic_email(email: str) -> bool:
    return email.endswith(EMAIL_SUFFIX)
