"""Reports from the public channel: anonymous or confidential, followed with a receipt.

Nothing here identifies where a report came from: no IP address, no browser data, no session
key. The receipt is stored only as an Argon2id hash peppered with a secret kept outside the
database. Everything the person wrote is encrypted with the report's data key, so destroying
that key (crypto-shredding) erases a report that never became a case.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.crypto.attachments import EncryptedAttachment
from violeta.crypto.fields import EncryptedTextField
from violeta.crypto.models import EncryptedModel


class ReporterRole(models.TextChoices):
    AFECTADA = "afectada", _("Me pasó a mí")
    TESTIGO = "testigo", _("Le pasó a otra persona y lo vi o lo supe")


class ContactWish(models.TextChoices):
    NINGUNO = "ninguno", _("No quiero que me contacten: entraré con mi recibo")
    TELEFONO = "telefono", _("Por teléfono")
    CORREO = "correo", _("Por correo electrónico")


class ReportStatus(models.TextChoices):
    NUEVO = "nuevo", _("Nuevo")
    EN_REVISION = "en_revision", _("En revisión")
    CONVERTIDO = "convertido", _("Se abrió un caso")
    VINCULADO = "vinculado", _("Se agregó a un caso")
    DESCARTADO = "descartado", _("Cerrado sin caso")
    DESTRUIDO = "destruido", _("Destruido al vencer")


# Statuses in which a report can still expire and be destroyed.
EXPIRING = frozenset({ReportStatus.NUEVO, ReportStatus.EN_REVISION, ReportStatus.DESCARTADO})


class Report(EncryptedModel):
    receipt_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    reporter_role = models.CharField(
        _("¿A quién le pasó?"), max_length=20, choices=ReporterRole.choices
    )
    anonymous = models.BooleanField(_("anónimo"), default=True)
    name = EncryptedTextField(_("nombre"), blank=True, default="")
    contact_wish = models.CharField(
        _("contacto"), max_length=20, choices=ContactWish.choices, default=ContactWish.NINGUNO
    )
    contact_detail = EncryptedTextField(_("teléfono o correo"), blank=True, default="")
    safe_times = EncryptedTextField(_("horarios seguros"), blank=True, default="")
    what = EncryptedTextField(_("qué pasó"))
    when = EncryptedTextField(_("cuándo"), blank=True, default="")
    where = EncryptedTextField(_("dónde"), blank=True, default="")
    dependencia = models.ForeignKey(
        "catalogs.Dependencia",
        verbose_name=_("dependencia"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    who = EncryptedTextField(_("quién"), blank=True, default="")
    in_danger = models.BooleanField(_("en peligro al reportar"), default=False)
    status = models.CharField(
        _("estado"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.NUEVO
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("se destruye el"))
    expiry_warned_at = models.DateTimeField(null=True, blank=True)
    shredded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reporte")
        verbose_name_plural = _("reportes")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"report {self.pk}"

    @property
    def reference(self) -> str:
        """A short reference staff can say aloud; never the receipt."""
        return f"R-{str(self.pk)[:8].upper()}"


class ReportMessage(EncryptedModel):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    from_reporter = models.BooleanField()
    body = EncryptedTextField(_("mensaje"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"message {self.pk}"


class ReportAttachment(EncryptedAttachment):
    """A file the reporter sent, stored without its metadata."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")

    class Meta:
        ordering = ["stored_at", "id"]

    def __str__(self) -> str:
        return f"attachment {self.pk}"
