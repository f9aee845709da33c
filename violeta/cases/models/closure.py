"""Closing and reopening a case: always with a reason, never by assigning ``status``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.crypto.fields import EncryptedTextField
from violeta.crypto.models import EncryptedModel

from .case import Case, CaseStatus


class StatusChange(EncryptedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    to_status = models.CharField(max_length=20, choices=CaseStatus.choices)
    # A code from the protocol's closure reasons, or "reapertura".
    reason = models.CharField(_("motivo"), max_length=60)
    # Checklist item codes confirmed at closure.
    checklist = models.JSONField(default=list, blank=True)
    note = EncryptedTextField(_("observaciones"), blank=True, default="")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.to_status}"
