"""A protocol running on a subject (a case): its stage, history, deadlines, tasks, checklist.

The subject is referred to by label and id, never imported: protocols knows nothing of cases.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.protocols.models.definitions import ProtocolVersion


class ProtocolRun(models.Model):
    protocol = models.ForeignKey(
        ProtocolVersion, verbose_name=_("protocolo"), on_delete=models.PROTECT, related_name="runs"
    )
    subject_type = models.CharField(max_length=100)
    subject_id = models.CharField(max_length=64)
    stage = models.CharField(_("etapa"), max_length=60)
    # Bumped by every transition; a transition that read an older revision loses the race.
    revision = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("protocolo en curso")
        verbose_name_plural = _("protocolos en curso")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"], name="one_run_per_subject"
            )
        ]
        # "Cases in this stage": the database starts from the runs in the stage.
        indexes = [models.Index(fields=["stage", "protocol"], name="run_stage_idx")]

    def __str__(self) -> str:
        return f"{self.protocol} · {self.stage}"


class StageChange(models.Model):
    run = models.ForeignKey(ProtocolRun, on_delete=models.CASCADE, related_name="history")
    transition = models.CharField(max_length=60, blank=True)  # "" for the start
    from_stage = models.CharField(max_length=60, blank=True)
    to_stage = models.CharField(max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    # Reasons are part of the procedure file (e.g. why the comité did not activate it).
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"


class Deadline(models.Model):
    """A stage's deadline while the run is in that stage."""

    run = models.ForeignKey(ProtocolRun, on_delete=models.CASCADE, related_name="deadlines")
    stage = models.CharField(max_length=60)
    due_at = models.DateTimeField()
    met_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)  # when run_deadlines flagged it

    class Meta:
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(met_at__isnull=True, overdue_at__isnull=True),
                name="deadline_open_due_idx",
            ),
            # A run's unmet deadlines, soonest first: the inbox's next deadline and its
            # "overdue" and "due soon" filters.
            models.Index(
                fields=["run", "due_at"],
                condition=Q(met_at__isnull=True),
                name="deadline_unmet_run_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stage} ≤ {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_overdue(self) -> bool:
        return self.met_at is None and self.due_at < timezone.now()


class RunTask(models.Model):
    run = models.ForeignKey(ProtocolRun, on_delete=models.CASCADE, related_name="tasks")
    code = models.CharField(max_length=60)
    role = models.CharField(max_length=20)
    label_es = models.CharField(max_length=250)
    label_en = models.CharField(max_length=250, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.code

    @property
    def is_overdue(self) -> bool:
        """Past due and not done (flagged at once, before the scheduled sweep marks it)."""
        return self.done_at is None and self.due_at is not None and self.due_at <= timezone.now()


class ChecklistResolution(models.Model):
    run = models.ForeignKey(ProtocolRun, on_delete=models.CASCADE, related_name="checklist")
    stage = models.CharField(max_length=60)
    item = models.CharField(max_length=60)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "stage", "item"], name="checklist_once")
        ]

    def __str__(self) -> str:
        return f"{self.stage}:{self.item}"


class RunEvent(models.Model):
    """Named moments deadlines count from: ``entered:<stage>`` and events transitions emit."""

    run = models.ForeignKey(ProtocolRun, on_delete=models.CASCADE, related_name="events")
    code = models.CharField(max_length=80)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["run", "code", "at"])]

    def __str__(self) -> str:
        return self.code
