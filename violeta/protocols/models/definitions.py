from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProtocolVersion(models.Model):
    """One loaded version of a protocol definition. Kept forever: a case stays on the version
    it started with."""

    code = models.CharField(_("clave"), max_length=60)
    version = models.CharField(_("versión"), max_length=30)
    name = models.CharField(_("nombre"), max_length=200)
    definition = models.JSONField(_("definición"))
    source_file = models.CharField(_("archivo"), max_length=200)
    sha256 = models.CharField(max_length=64)
    effective_date = models.DateField(_("vigente desde"))
    loaded_at = models.DateTimeField(_("cargada"), auto_now_add=True)

    class Meta:
        verbose_name = _("versión de protocolo")
        verbose_name_plural = _("versiones de protocolo")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="protocol_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.version}"
