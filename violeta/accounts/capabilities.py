"""What each role can do, as the staff home shows it. Later features add their entry here."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from violeta.accounts import roles


@dataclasses.dataclass(frozen=True)
class Capability:
    title: str | Promise
    description: str | Promise
    allowed: Callable[[Any], bool]
    url_name: str | None = None

    def url(self) -> str | None:
        return reverse(self.url_name) if self.url_name else None


CAPABILITIES: tuple[Capability, ...] = (
    Capability(
        _("Tipos y modalidades de violencia"),
        _("Consulta las definiciones de la ley general y de la ley estatal."),
        roles.is_staff_member,
        "portal:violence_catalogs",
    ),
    Capability(
        _("Directorio de instituciones"),
        _("A dónde canalizar, con teléfonos, domicilios y horarios."),
        roles.is_staff_member,
        "portal:directory",
    ),
    Capability(
        _("Principios de actuación"),
        _(
            "Los principios que guían toda atención y los lineamientos para grupos en "
            "condición de vulnerabilidad."
        ),
        roles.is_staff_member,
        "portal:principles",
    ),
    Capability(
        _("¿Qué hago si…?"),
        _("Guía con el Violentómetro y a dónde acudir; no guarda respuestas."),
        roles.is_staff_member,
        "guide:start",
    ),
    Capability(
        _("Capacitación"),
        _("Cursos sobre tipos de violencia y el protocolo de atención."),
        roles.can_take_training,
        "training:courses",
    ),
    Capability(
        _("Sesiones de capacitación y constancias"),
        _("Sesiones presenciales o en línea, asistencia por dependencia y constancias."),
        lambda user: roles.is_coordinacion(user) or roles.is_atencion(user),
        "training:sessions",
    ),
    Capability(
        _("Campañas y actividades"),
        _("16 días de activismo, Día Naranja y pláticas, con su alcance."),
        lambda user: roles.is_coordinacion(user) or roles.is_atencion(user),
        "training:campaign_list",
    ),
    Capability(
        _("Cobertura de la capacitación"),
        _("Qué parte del personal está capacitado, por dependencia y curso, y quién la debe."),
        roles.is_coordinacion,
        "training:coverage",
    ),
    Capability(
        _("Registrar un caso"),
        _("Registra el relato una sola vez en el formato único y canalízalo al IMM."),
        roles.can_register_cases,
        "cases:register",
    ),
    Capability(
        _("Casos asignados"),
        _(
            "Los expedientes que tienes asignados: atención psicológica, jurídica y de "
            "trabajo social."
        ),
        roles.is_atencion,
        "cases:list",
    ),
    Capability(
        _("Casos que registraste"),
        _("Los casos que registraste siguen visibles para ti hasta que el IMM los recibe."),
        roles.is_enlace,
        "cases:list",
    ),
    Capability(
        _("Acceso de emergencia"),
        _(
            "Abre un expediente que no tienes asignado cuando una persona corre peligro: "
            "con motivo escrito, por tiempo limitado y con aviso a coordinación."
        ),
        roles.handles_cases,
        "cases:emergency_access",
    ),
    Capability(
        _("Asignar casos"),
        _("Distribuye los casos entre el personal de atención y supervisa los plazos."),
        roles.can_assign_cases,
        "cases:list",
    ),
    Capability(
        _("Reportes del canal público"),
        _(
            "Reportes anónimos o confidenciales: responder por el recibo, abrir un caso con lo "
            "que escribió o agregarlo a uno existente."
        ),
        lambda user: roles.is_coordinacion(user) or roles.is_atencion(user),
        "reports:queue",
    ),
    Capability(
        _("Represalias por revisar"),
        _("Revisa los cambios desfavorables registrados contra quien denunció o atestiguó."),
        roles.is_coordinacion,
        "sanctions:retaliation_queue",
    ),
    Capability(
        _("Indicadores de canalización"),
        _(
            "Por institución: cuántas canalizaciones se atendieron, en cuántos días y cuáles "
            "siguen sin respuesta."
        ),
        roles.is_coordinacion,
        "referrals:figures",
    ),
    Capability(
        _("Estadística"),
        _("Indicadores agregados que nunca exponen a una persona."),
        roles.can_see_statistics,
        "stats:dashboard",
    ),
    Capability(
        _("Procedimientos del comité y del OIC"),
        _("Sesiones del comité, medidas de protección, investigación y resolución."),
        roles.is_autoridad,
        "cases:list",
    ),
    Capability(
        _("Personas usuarias y catálogos"),
        _(
            "Altas, bajas y roles del personal; catálogos y directorio. Sin acceso al "
            "contenido de los casos."
        ),
        roles.is_administracion,
        "admin:index",
    ),
    Capability(
        _("Segundo factor"),
        _("Tu aplicación de autenticación y tus códigos de recuperación."),
        roles.requires_second_factor,
        "accounts:second_factor",
    ),
    Capability(
        _("Avisos"),
        _("Asignaciones y accesos de emergencia que te conciernen."),
        roles.is_staff_member,
        "notifications:inbox",
    ),
    Capability(
        _("Protocolos"),
        _("Las etapas, los pasos y los plazos de cada protocolo, con su diagrama."),
        roles.is_staff_member,
        "protocols:list",
    ),
)


def capabilities_for(user: Any) -> list[Capability]:
    return [capability for capability in CAPABILITIES if capability.allowed(user)]
