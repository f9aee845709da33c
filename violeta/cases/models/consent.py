"""Her consent, per purpose, as a history of decisions: the newest decision is in force."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.crypto.fields import EncryptedTextField
from violeta.crypto.models import EncryptedModel

from .case import Case


class ConsentPurpose(models.TextChoices):
    # LPDPCHIH art. 19 and LGPDPPSO art. 21: sensitive data need express consent, per purpose.
    ATENCION = "atencion", _("Recibir atención del IMM")
    COMITE_OIC = "comite_oic", _("Compartir su relato con el comité y el Órgano Interno de Control")
    CANALIZACION = "canalizacion", _("Compartir su caso con una institución al canalizarla")
    ESTADISTICA = "estadistica", _("Contar su caso, sin datos personales, en la estadística")


class SharedItem(models.TextChoices):
    """What she may agree to share with one institution when she is referred. An oficio de
    canalización prints the folio, the service requested and the reason for the referral, and
    of her case only the items she agreed to."""

    IDENTIDAD = "identidad", _("Sus datos de identificación (nombre, edad, lengua, discapacidad)")
    CONTACTO = "contacto", _("Cómo contactarla (teléfono, correo y horarios seguros)")
    HECHOS = "hechos", _("Los hechos clasificados (fechas, tipos y modalidades de violencia)")
    PERSONA_SENALADA = "persona_senalada", _("Los datos de la persona señalada")
    RELATO = "relato", _("Su relato tal como quedó registrado")
    RIESGO = "riesgo", _("El nivel de riesgo valorado")


class ConsentDecision(models.Model):
    """She said yes or no to one purpose (for a referral: to one institution). Never edited:
    a withdrawal is a newer decision, effective at once."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consent_decisions")
    purpose = models.CharField(_("finalidad"), max_length=20, choices=ConsentPurpose.choices)
    institution = models.ForeignKey(
        "catalogs.Institution",
        verbose_name=_("institución"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    granted = models.BooleanField(_("otorgado"))
    # For a referral: the SharedItem codes she agreed to share with that institution.
    scope = models.JSONField(_("qué acepta compartir"), default=list, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("decisión de consentimiento")
        verbose_name_plural = _("decisiones de consentimiento")
        ordering = ["decided_at", "id"]
        indexes = [models.Index(fields=["case", "purpose", "decided_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose="canalizacion", institution__isnull=False)
                | (~Q(purpose="canalizacion") & Q(institution__isnull=True)),
                name="consent_institution_only_for_referrals",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.purpose} {self.granted}"


class ConsentOverride(EncryptedModel):
    """One act of sharing without her consent, because the law requires it (e.g. the duty to
    report a crime against a child, LGDNNA art. 12). Needs the specific permission and a
    written reason; audited; valid for that one act."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consent_overrides")
    purpose = models.CharField(_("finalidad"), max_length=20, choices=ConsentPurpose.choices)
    institution = models.ForeignKey(
        "catalogs.Institution", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = EncryptedTextField(_("motivo y fundamento"))
    # For a referral: the SharedItem codes the law requires to be shared.
    scope = models.JSONField(_("qué se comparte"), default=list, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.purpose} override"


class ContactMethod(models.TextChoices):
    TELEFONO = "telefono", _("Por teléfono")
    CORREO = "correo", _("Por correo electrónico")
    NINGUNO = "ninguno", _("No quiere que la contacten; ella se comunicará")


class ContactPreference(EncryptedModel):
    """How and when she may safely be contacted. The newest one is in force."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contact_preferences")
    method = models.CharField(_("medio"), max_length=20, choices=ContactMethod.choices)
    safe_times = EncryptedTextField(_("horarios seguros"), blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.method}"
