"""What happened, when and where, classified with the law's catalogs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.crypto.fields import EncryptedTextField
from violeta.crypto.models import EncryptedModel

from .case import Case


class PlaceKind(models.TextChoices):
    CENTRO_DE_TRABAJO = "centro_de_trabajo", _("Centro de trabajo")
    COMISION = "comision", _("Comisión o evento de trabajo fuera de la oficina")
    VIA_PUBLICA = "via_publica", _("Vía o espacio público")
    TRANSPORTE = "transporte", _("Transporte")
    DOMICILIO = "domicilio", _("Domicilio")
    DIGITAL = "digital", _("Medios digitales")
    OTRO = "otro", _("Otro lugar")


class Incident(EncryptedModel):
    """One incident. Appended and never edited: a correction is another incident or an
    addition to the account, so the record of what she said stays as she said it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="incidents")
    occurred_on = models.DateField(_("fecha"), null=True, blank=True)
    date_is_approximate = models.BooleanField(_("la fecha es aproximada"), default=False)
    place_kind = models.CharField(
        _("tipo de lugar"), max_length=20, choices=PlaceKind.choices, blank=True
    )
    place = EncryptedTextField(_("lugar"), blank=True, default="")
    violence_types = models.ManyToManyField(
        "catalogs.ViolenceType", verbose_name=_("tipos de violencia"), related_name="+"
    )
    violence_modalities = models.ManyToManyField(
        "catalogs.ViolenceModality", verbose_name=_("modalidades"), related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("hecho")
        verbose_name_plural = _("hechos")
        ordering = ["occurred_on", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"hecho {self.pk}"


class CaseViolenceType(models.Model):
    """A type of violence in at least one of the case's incidents: the incidents'
    classification gathered per case, kept by ``cases.receivers`` on every change of it. The
    inbox filters on it: from a type's rows straight to its cases, instead of testing every
    case's incidents."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    # The unique constraint below, type first, is the index the filter uses.
    violence_type = models.ForeignKey(
        "catalogs.ViolenceType", on_delete=models.CASCADE, related_name="+", db_index=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["violence_type", "case"], name="case_violence_type_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.violence_type_id}"


class CaseViolenceModality(models.Model):
    """A modality of violence in at least one of the case's incidents (as above)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    violence_modality = models.ForeignKey(
        "catalogs.ViolenceModality", on_delete=models.CASCADE, related_name="+", db_index=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["violence_modality", "case"], name="case_violence_modality_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.violence_modality_id}"
