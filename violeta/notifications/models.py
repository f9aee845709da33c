from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    EMERGENCY_ACCESS = "emergency_access", _("Acceso de emergencia a un expediente")
    CASE_ASSIGNED = "case_assigned", _("Se te asignó un caso")
    PROTOCOL_NOTICE = "protocol_notice", _("Un caso avanzó en el protocolo")
    TASK_ASSIGNED = "task_assigned", _("Tienes una tarea del protocolo")
    DEADLINE_OVERDUE = "deadline_overdue", _("Venció un plazo del protocolo")
    CONSENT_OVERRIDE = "consent_override", _("Se compartió un caso sin consentimiento")
    REPEAT_ACCUSED = "repeat_accused", _("La persona señalada aparece en otro caso")
    CASE_TASK = "case_task", _("Tienes una tarea en un caso")
    PROCEDURE_NOTICE = "procedure_notice", _("Se te notificó un procedimiento administrativo")
    COMITE_CONVENED = "comite_convened", _("Se convocó al comité")
    MEASURE_APPROVED = "measure_approved", _("El comité aprobó medidas de protección")
    MEASURE_BREACHED = "measure_breached", _("Una medida de protección no se está cumpliendo")
    MEASURE_EXPIRING = "measure_expiring", _("Una medida de protección está por terminar")
    RESOLUTION_NOTICE = "resolution_notice", _("Hay una resolución en tu procedimiento")
    HEARING_SCHEDULED = "hearing_scheduled", _("Se programó una audiencia en tu procedimiento")
    REPORT_RECEIVED = "report_received", _("Llegó un reporte por el canal público")
    REPORT_MESSAGE = "report_message", _("Quien reportó escribió de nuevo")
    REPORT_EXPIRING = "report_expiring", _("Un reporte sin caso está por destruirse")
    RETALIATION = "retaliation", _("Posible represalia: revisar un cambio desfavorable")


class Notification(models.Model):
    """An in-app notice. It names a kind and, at most, a case folio: never case content."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    folio = models.CharField(max_length=30, blank=True)
    actor_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"
