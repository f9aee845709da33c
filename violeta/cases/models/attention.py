"""Attention services: sessions with notes for one specialty, a safety plan, tasks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.crypto.fields import EncryptedTextField
from violeta.crypto.models import EncryptedModel

from .case import Case


class Service(models.TextChoices):
    PSICOLOGICA = "psicologia", _("Psicológica")
    JURIDICA = "juridica", _("Jurídica")
    TRABAJO_SOCIAL = "trabajo_social", _("Trabajo social")
    MEDICA = "medica", _("Médica")


class SessionMode(models.TextChoices):
    PRESENCIAL = "presencial", _("Presencial")
    TELEFONO = "telefono", _("Por teléfono")
    VIDEOLLAMADA = "videollamada", _("Videollamada")


class AttentionSession(EncryptedModel):
    """A session of one service. Its notes are read only by the assigned team members of that
    specialty (psychological notes stay with psicología)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions")
    service = models.CharField(_("servicio"), max_length=20, choices=Service.choices)
    held_at = models.DateTimeField(_("fecha y hora"))
    mode = models.CharField(
        _("modalidad"), max_length=20, choices=SessionMode.choices, default=SessionMode.PRESENCIAL
    )
    interpreter_present = models.BooleanField(_("hubo intérprete"), default=False)
    notes = EncryptedTextField(_("notas de la sesión"))
    next_appointment_at = models.DateTimeField(_("próxima cita"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sesión de atención")
        verbose_name_plural = _("sesiones de atención")
        ordering = ["held_at", "id"]
        indexes = [models.Index(fields=["case", "held_at"])]

    def __str__(self) -> str:
        return f"sesión {self.pk}"


class SafetyPlan(EncryptedModel):
    """One version of her safety plan. A change is a new version; the history stays."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="safety_plans")
    warning_signs = EncryptedTextField(_("señales de riesgo"), blank=True, default="")
    safe_contacts = EncryptedTextField(_("personas de confianza"), blank=True, default="")
    safe_places = EncryptedTextField(_("lugares seguros"), blank=True, default="")
    steps = EncryptedTextField(_("qué hacer si hay peligro"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("plan de seguridad")
        verbose_name_plural = _("planes de seguridad")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"plan {self.pk}"


class CaseTask(EncryptedModel):
    """A task the team set itself on the case (the protocol's own tasks live in protocols)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = EncryptedTextField(_("tarea"))
    due_on = models.DateField(_("fecha límite"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsable"),
        on_delete=models.PROTECT,
        related_name="case_tasks",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("tarea")
        verbose_name_plural = _("tareas")
        ordering = ["done_at", "due_on", "id"]
        # "Due soon and overdue" in the inbox: a worker's open tasks by due date.
        indexes = [
            models.Index(
                fields=["assigned_to", "due_on"],
                condition=models.Q(done_at__isnull=True),
                name="casetask_open_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"tarea {self.pk}"
