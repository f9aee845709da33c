"""Links between cases that only coordinación may see."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .case import CaseParty


class MatchBasis(models.TextChoices):
    USER = "cuenta", _("La misma cuenta de personal")
    CURP = "curp", _("La misma CURP")
    EMPLOYEE_NUMBER = "numero_empleado", _("El mismo número de empleado")
    NAME = "nombre", _("El mismo nombre (puede ser otra persona)")


class RepeatAccused(models.Model):
    """The person accused in ``party`` also appears as accused in ``other``'s case, matched
    through the blind index (never by decrypting). Shown to coordinación only."""

    party = models.ForeignKey(CaseParty, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(CaseParty, on_delete=models.CASCADE, related_name="+")
    basis = models.CharField(max_length=20, choices=MatchBasis.choices)
    detected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["party", "other"], name="repeat_accused_once")
        ]

    def __str__(self) -> str:
        return f"{self.party_id} ~ {self.other_id}"
