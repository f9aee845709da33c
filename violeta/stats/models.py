"""Pre-aggregated statistics, kept correct on every write.

``CaseFact`` is what one case adds to the statistics right now (nothing when she has not
consented to being counted); ``RollupCell`` is the sum of every case's contribution per month,
dependencia, dimension and value. A write to a case marks it in ``PendingFact`` inside the same
transaction; after the commit its fact is recomputed and the difference applied to the rollup,
so the dashboard reads a few thousand rows instead of a million cases. A new case's fact is
written by the intake's own transaction (``services.facts_of_new_cases``). ``stats_rebuild``
recomputes everything from the records, and ``stats_verify`` compares.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseFact(models.Model):
    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    counted = models.BooleanField(_("cuenta en la estadística"), default=False)
    month = models.DateField(_("mes de registro"))
    dependencia = models.CharField(_("dependencia (clave)"), max_length=60)
    # The contribution last applied to the rollup: [[dimension, value, n], ...]. Codes only.
    cells = models.JSONField(default=list)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("aporte de un caso a la estadística")
        verbose_name_plural = _("aportes de los casos a la estadística")
        # A year's counted cases: the measures in force and the per-incident export.
        indexes = [models.Index(fields=["month", "counted"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.month:%Y-%m}"


class RollupCell(models.Model):
    month = models.DateField()
    dependencia = models.CharField(max_length=60)
    dimension = models.CharField(max_length=30)
    value = models.CharField(max_length=120)
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("celda agregada")
        verbose_name_plural = _("celdas agregadas")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "dependencia", "dimension", "value"], name="rollup_cell_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dependencia} {self.dimension}={self.value}: {self.n}"


class PendingFact(models.Model):
    """A case written since its fact was last computed. Inserted in the writing transaction,
    removed once the fact is current, so a crash between the two leaves a trace, not a drift."""

    case_id = models.UUIDField(primary_key=True)
    marked_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.case_id)
