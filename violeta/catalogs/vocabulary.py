"""Closed vocabularies that catalog files refer to by code; labels are translated at display."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Handle(models.TextChoices):
    """What an institution of the directory attends."""

    EMERGENCIAS = "emergencias", _("Emergencias")
    DENUNCIA_ANONIMA = "denuncia_anonima", _("Denuncia anónima")
    DENUNCIA = "denuncia", _("Denuncias")
    VIOLENCIA_FAMILIAR = "violencia_familiar", _("Violencia familiar")
    DELITOS_SEXUALES = "delitos_sexuales", _("Delitos sexuales")
    FEMINICIDIO = "feminicidio", _("Feminicidio")
    TRATA = "trata", _("Trata de personas")
    BUSQUEDA_PERSONAS = "busqueda_personas", _("Búsqueda de personas (Protocolo Alba)")
    ASESORIA_JURIDICA = "asesoria_juridica", _("Asesoría jurídica")
    ATENCION_PSICOLOGICA = "atencion_psicologica", _("Atención psicológica")
    TRABAJO_SOCIAL = "trabajo_social", _("Trabajo social")
    ATENCION_MEDICA = "atencion_medica", _("Atención médica")
    REFUGIO = "refugio", _("Refugio")
    NINAS_NINOS_ADOLESCENTES = "ninas_ninos_adolescentes", _("Niñas, niños y adolescentes")
    REGISTRO_VICTIMAS = "registro_victimas", _("Registro de víctimas")
    AYUDA_URGENTE = "ayuda_urgente", _("Ayuda urgente")
    QUEJAS_DERECHOS_HUMANOS = (
        "quejas_derechos_humanos",
        _("Quejas por violaciones a derechos humanos"),
    )
    VIOLENCIA_LABORAL = "violencia_laboral", _("Violencia laboral")
    SALUD_NOM046 = "salud_nom046", _("Atención de salud (NOM-046)")
