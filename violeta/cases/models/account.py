"""The recorded account's history: what was added to it and each time she had to tell it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.crypto.fields import EncryptedTextField
from violeta.crypto.models import EncryptedModel

from .case import Case


class AccountAddition(EncryptedModel):
    """Information added to the recorded account later: dated, attributed, never overwritten."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="account_additions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    body = EncryptedTextField(_("adición al relato"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("adición al relato")
        verbose_name_plural = _("adiciones al relato")

    def __str__(self) -> str:
        return f"adición {self.pk}"


class TakingReason(models.TextChoices):
    INTAKE = "registro", _("Registro inicial en el formato único")
    NEW_FACTS = "hechos_nuevos", _("Ella quiso contar hechos nuevos")
    CLARIFICATION = "aclaracion", _("Hizo falta aclarar un punto con ella")
    AUTHORITY = "autoridad", _("Lo pidió una autoridad")
    OTHER = "otro", _("Otro motivo")


class AccountTaking(models.Model):
    """Each time the person told her account. More than one is a revictimización risk that
    coordinación reviews."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="account_takings")
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    taken_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(_("motivo"), max_length=20, choices=TakingReason.choices)

    class Meta:
        ordering = ["taken_at", "id"]
        indexes = [models.Index(fields=["case", "taken_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.reason}"
