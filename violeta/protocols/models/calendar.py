from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NonWorkingDay(models.Model):
    """A day the institution declares non-working (besides weekends and federal holidays)."""

    date = models.DateField(_("fecha"), unique=True)
    description = models.CharField(_("motivo"), max_length=200)

    class Meta:
        verbose_name = _("día inhábil")
        verbose_name_plural = _("días inhábiles")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.description}"
