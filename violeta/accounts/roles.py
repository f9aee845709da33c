"""Roles and the small named predicates every view and selector uses.

A user has exactly one role. Checks are functions of the user, never of a template or a URL,
so one place decides who may do what.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SERVIDORA = "servidora", _("Persona servidora pública")
    ATENCION = "atencion", _("Atención (IMM)")
    ENLACE = "enlace", _("Enlace de Unidad de Igualdad de Género")
    COORDINACION = "coordinacion", _("Coordinación (IMM)")
    AUTORIDAD = "autoridad", _("Autoridad (Comité de Ética u OIC)")
    ADMINISTRACION = "administracion", _("Administración del sistema")


class Specialty(models.TextChoices):
    PSICOLOGIA = "psicologia", _("Psicología")
    JURIDICA = "juridica", _("Jurídica")
    TRABAJO_SOCIAL = "trabajo_social", _("Trabajo social")
    MEDICA = "medica", _("Médica")


# Roles whose members will handle case data.
CASE_ROLES = frozenset({Role.ATENCION, Role.ENLACE, Role.COORDINACION, Role.AUTORIDAD})
# Roles that must log in with a second factor: everybody who can see case data, and whoever
# administers the accounts of those who can.
SECOND_FACTOR_ROLES = CASE_ROLES | {Role.ADMINISTRACION}
# App labels the system administrator manages in the admin. Case apps are never listed here:
# administración keeps users and catalogs, never case contents.
ADMINISTERED_APPS = frozenset({"accounts", "catalogs", "protocols", "sanctions"})


def _role(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if not getattr(user, "is_active", False):
        return None
    return getattr(user, "role", None)


def is_staff_member(user: Any) -> bool:
    return _role(user) is not None


def is_servidora(user: Any) -> bool:
    return _role(user) == Role.SERVIDORA


def is_atencion(user: Any) -> bool:
    return _role(user) == Role.ATENCION


def is_enlace(user: Any) -> bool:
    return _role(user) == Role.ENLACE


def is_coordinacion(user: Any) -> bool:
    return _role(user) == Role.COORDINACION


def is_autoridad(user: Any) -> bool:
    return _role(user) == Role.AUTORIDAD


def is_administracion(user: Any) -> bool:
    return _role(user) == Role.ADMINISTRACION


def handles_cases(user: Any) -> bool:
    """May be assigned to, or register, cases (what each sees is decided per case)."""
    return _role(user) in CASE_ROLES


def can_register_cases(user: Any) -> bool:
    return _role(user) in {Role.ATENCION, Role.ENLACE, Role.COORDINACION}


def can_assign_cases(user: Any) -> bool:
    return _role(user) == Role.COORDINACION


def can_override_consent(user: Any) -> bool:
    """The specific permission to share without her consent when the law requires it."""
    return bool(
        (is_coordinacion(user) or is_atencion(user))
        and getattr(user, "may_override_consent", False)
    )


def can_see_statistics(user: Any) -> bool:
    return _role(user) == Role.COORDINACION


def can_manage_catalogs(user: Any) -> bool:
    return _role(user) == Role.ADMINISTRACION


def can_manage_users(user: Any) -> bool:
    return _role(user) == Role.ADMINISTRACION


def can_take_training(user: Any) -> bool:
    return is_staff_member(user)


def requires_second_factor(user: Any) -> bool:
    """Must prove a second factor (TOTP or a recovery code) before reaching any staff page."""
    return _role(user) in SECOND_FACTOR_ROLES
