"""The case record's skeleton: who registered it, who attends it, who may look at it.

Narratives, names and contact data are encrypted (violeta.crypto). Reads go through
``selectors.py``, which always starts from the viewer.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.crypto.fields import BlindIndexField, EncryptedTextField, is_changed
from violeta.crypto.models import EncryptedModel


class CaseStatus(models.TextChoices):
    OPEN = "abierto", _("Abierto")
    CLOSED = "cerrado", _("Cerrado")


class FolioCounter(models.Model):
    """One row per year; incremented under a row lock so folios never repeat."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Case(EncryptedModel):
    folio = models.CharField(_("folio"), max_length=30, unique=True)
    status = models.CharField(
        _("estado"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    dependencia = models.ForeignKey(
        "catalogs.Dependencia",
        verbose_name=_("dependencia"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrado por"),
        on_delete=models.PROTECT,
        related_name="registered_cases",
    )
    registered_at = models.DateTimeField(_("registrado"), default=timezone.now)
    # Until the IMM takes the case, the enlace who registered it keeps access to it.
    taken_by_imm_at = models.DateTimeField(_("recibido por el IMM"), null=True, blank=True)
    account = EncryptedTextField(_("relato"))
    # She agreed to share her recorded account with the comité and the OIC (LPDPCHIH art. 19:
    # sensitive data need express consent). Per-purpose consent records will replace this.
    consent_comite_at = models.DateTimeField(
        _("consentimiento para el comité y el OIC"), null=True, blank=True
    )
    consent_comite_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consentimiento registrado por"),
    )

    class Meta:
        verbose_name = _("caso")
        verbose_name_plural = _("casos")
        ordering = ["-registered_at"]
        indexes = [models.Index(fields=["status", "registered_at"])]

    def __str__(self) -> str:
        return self.folio

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The account is heard once: it is never rewritten. Later information is an
        # AccountAddition (no revictimización).
        if not self._state.adding and is_changed(self, "account"):
            raise ValidationError(
                _("El relato no se modifica: agrega la información nueva como adición."),
                code="account_immutable",
            )
        super().save(*args, **kwargs)


class PartyKind(models.TextChoices):
    AFECTADA = "persona_afectada", _("Persona afectada")
    SENALADA = "persona_senalada", _("Persona señalada")
    TESTIGO = "testigo", _("Testigo")


class CaseParty(EncryptedModel):
    """A person in a case. ``user`` links a party who is also a staff member, so that they can
    never see the case or be assigned to it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(_("calidad"), max_length=20, choices=PartyKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cuenta de personal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_parties",
    )
    is_public_servant = models.BooleanField(_("es persona servidora pública"), default=False)
    display_name = EncryptedTextField(_("nombre o seudónimo"))
    name_bidx = BlindIndexField(source="display_name", kind="name")
    curp = EncryptedTextField(_("CURP"), blank=True, default="")
    curp_bidx = BlindIndexField(source="curp", kind="curp")
    phone = EncryptedTextField(_("teléfono"), blank=True, default="")
    phone_bidx = BlindIndexField(source="phone", kind="phone")
    employee_number = EncryptedTextField(_("número de empleado"), blank=True, default="")
    employee_number_bidx = BlindIndexField(source="employee_number", kind="employee_number")

    class Meta:
        verbose_name = _("persona en el caso")
        verbose_name_plural = _("personas en el caso")

    def __str__(self) -> str:
        # Never the name: it is encrypted content.
        return f"{self.kind} {self.pk}"


class AssignmentKind(models.TextChoices):
    PSICOLOGIA = "psicologia", _("Atención psicológica")
    JURIDICA = "juridica", _("Atención jurídica")
    TRABAJO_SOCIAL = "trabajo_social", _("Trabajo social")
    AUTORIDAD = "autoridad", _("Comité u OIC")


class CaseAssignment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_assignments"
    )
    # Whom this worker attends: LEDMVLV art. 40 forbids attending both sides.
    attends = models.ForeignKey(CaseParty, on_delete=models.PROTECT, related_name="attended_by")
    kind = models.CharField(_("tipo"), max_length=20, choices=AssignmentKind.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("asignación")
        verbose_name_plural = _("asignaciones")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user"],
                condition=Q(ended_at__isnull=True),
                name="one_active_assignment_per_user_and_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.user_id}"


class CaseNote(EncryptedModel):
    """An attention note. Appended, never edited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    body = EncryptedTextField(_("nota"))

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"nota {self.pk}"


class EmergencyAccess(models.Model):
    """Acceso de emergencia (break-glass): time-limited, justified, audited, announced."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="emergency_accesses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_accesses"
    )
    reason = models.TextField(_("motivo"), max_length=500)
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.user_id} ({self.expires_at:%Y-%m-%d %H:%M})"


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
