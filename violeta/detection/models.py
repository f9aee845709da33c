"""Risk assessments on a case: append-only, one row per assessment, so the history and the trend
stay as they were recorded."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.cases.models import Case
from violeta.crypto.fields import EncryptedTextField
from violeta.crypto.models import EncryptedModel


class RiskLevel(models.TextChoices):
    # Codes and order are those of risk_schema.LEVELS (VioGén's five levels).
    NO_APRECIADO = "no_apreciado", _("No apreciado")
    BAJO = "bajo", _("Bajo")
    MEDIO = "medio", _("Medio")
    ALTO = "alto", _("Alto")
    EXTREMO = "extremo", _("Extremo")


class RiskAssessment(EncryptedModel):
    """One screening of her risk. Never edited: a new situation is a new assessment."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    instrument_code = models.CharField(_("instrumento"), max_length=60)
    instrument_version = models.CharField(_("versión del instrumento"), max_length=20)
    # {item_code: bool}, every item of the instrument answered. Codes only, no free text.
    answers = models.JSONField(_("respuestas"), default=dict)
    score = models.PositiveIntegerField(_("puntuación"))
    computed_level = models.CharField(_("nivel calculado"), max_length=20, choices=RiskLevel)
    level = models.CharField(_("nivel de riesgo"), max_length=20, choices=RiskLevel)
    raised_by_worker = models.BooleanField(_("elevado por criterio profesional"), default=False)
    # Why the worker raised the level above the computed one, or why the final level is lower
    # than the previous assessment's ("nunca se baja en silencio"). Her circumstances: encrypted.
    raise_reason = EncryptedTextField(_("motivo"), blank=True, default="")
    # The previous assessment's final level when this one came out lower ("" otherwise).
    lowered_from = models.CharField(
        _("nivel anterior"), max_length=20, choices=RiskLevel, blank=True, default=""
    )
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("valoró"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessed_at = models.DateTimeField(_("fecha de la valoración"), default=timezone.now)

    # Not stored: set by services.risk_assess to the protocol tasks this assessment opened
    # (RunTask rows), so the page can name them.
    tasks_opened: list[Any]

    class Meta:
        verbose_name = _("valoración de riesgo")
        verbose_name_plural = _("valoraciones de riesgo")
        ordering = ["assessed_at", "id"]
        # The case's history and its latest assessment.
        indexes = [models.Index(fields=["case", "assessed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(raised_by_worker=False)
                | ~models.Q(level=models.F("computed_level")),
                name="risk_raised_means_different_level",
            )
        ]

    def __str__(self) -> str:
        return f"valoración de riesgo {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("Risk assessments are append-only: record a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("Risk assessments are append-only.")
