"""A guideline for a group in vulnerable conditions (or the duty to report) that fired on a
case, and how the team resolved it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.crypto.fields import EncryptedTextField
from violeta.crypto.models import EncryptedModel

from .case import Case


class GuidelineStatus(models.TextChoices):
    PENDING = "pendiente", _("Pendiente")
    DONE = "cumplido", _("Cumplido")
    NOT_APPLICABLE = "no_aplica", _("No aplica")


class GuidelineCheck(EncryptedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="guideline_checks")
    # A rule code from data/guidelines.yaml.
    code = models.CharField(max_length=60)
    status = models.CharField(
        _("estado"), max_length=20, choices=GuidelineStatus.choices, default=GuidelineStatus.PENDING
    )
    triggered_at = models.DateTimeField(default=timezone.now)
    # What was done (e.g. the oficio to the Ministerio Público) or why it does not apply.
    note = EncryptedTextField(_("constancia o motivo"), blank=True, default="")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["triggered_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "code"], name="guideline_once_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.code} {self.status}"
