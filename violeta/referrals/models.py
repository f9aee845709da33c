"""Referrals (canalización): her wishes, each referral with its status history, and every
oficio issued. A referral's reason, the note on each change and the contact person at the
institution are encrypted with the referral's data key."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.catalogs.vocabulary import Handle
from violeta.crypto.fields import EncryptedTextField
from violeta.crypto.models import EncryptedModel


class Wish(models.TextChoices):
    SI = "si", _("Sí quiere denunciar")
    NO = "no", _("No quiere denunciar")
    NO_SABE = "no_sabe", _("Aún no lo decide")


class Residence(models.TextChoices):
    MUNICIPIO = "municipio", _("En el municipio")
    OTRO_MUNICIPIO = "otro_municipio", _("En otro municipio del estado")
    OTRO_ESTADO = "otro_estado", _("En otro estado")
    NO_DICE = "no_dice", _("Prefiere no decirlo")


class ReferralWishes(models.Model):
    """What she said about a denuncia and where she lives. Appended; the newest is in force."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    wants_denuncia = models.CharField(
        _("¿Quiere presentar una denuncia penal?"), max_length=10, choices=Wish.choices
    )
    residence = models.CharField(_("¿Dónde vive?"), max_length=20, choices=Residence.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("deseos de ella sobre la canalización")
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["case", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.wants_denuncia} {self.residence}"


class ReferralStatus(models.TextChoices):
    PROPUESTA = "propuesta", _("Propuesta")
    ENVIADA = "enviada", _("Enviada")
    RECIBIDA = "recibida", _("Recibida por la institución")
    ATENDIDA = "atendida", _("Atendida")
    RECHAZADA = "rechazada", _("Rechazada por la institución")
    SIN_RESPUESTA = "sin_respuesta", _("Sin respuesta")
    DECLINADA = "declinada", _("Declinada por ella")


# Where each status may go. "Sin respuesta" is recorded when the institution does not answer;
# a late answer still counts, so it may become "recibida". Her declining is a valid outcome.
TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralStatus.PROPUESTA: frozenset({ReferralStatus.ENVIADA, ReferralStatus.DECLINADA}),
    # Learning that she was attended also tells that the referral was received.
    ReferralStatus.ENVIADA: frozenset(
        {
            ReferralStatus.RECIBIDA,
            ReferralStatus.ATENDIDA,
            ReferralStatus.RECHAZADA,
            ReferralStatus.SIN_RESPUESTA,
            ReferralStatus.DECLINADA,
        }
    ),
    ReferralStatus.RECIBIDA: frozenset(
        {
            ReferralStatus.ATENDIDA,
            ReferralStatus.RECHAZADA,
            ReferralStatus.SIN_RESPUESTA,
            ReferralStatus.DECLINADA,
        }
    ),
    ReferralStatus.SIN_RESPUESTA: frozenset(
        {ReferralStatus.RECIBIDA, ReferralStatus.ATENDIDA, ReferralStatus.DECLINADA}
    ),
    ReferralStatus.ATENDIDA: frozenset(),
    ReferralStatus.RECHAZADA: frozenset(),
    ReferralStatus.DECLINADA: frozenset(),
}
OPEN_STATUSES = frozenset(
    {
        ReferralStatus.PROPUESTA,
        ReferralStatus.ENVIADA,
        ReferralStatus.RECIBIDA,
        ReferralStatus.SIN_RESPUESTA,
    }
)


class Referral(EncryptedModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    institution = models.ForeignKey(
        "catalogs.Institution",
        verbose_name=_("institución"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    service = models.CharField(_("servicio que se pide"), max_length=40, choices=Handle.choices)
    # The recommendation rule it came from ("" when proposed by hand).
    rule_code = models.CharField(_("recomendación"), max_length=60, blank=True)
    mandatory = models.BooleanField(_("obligatoria"), default=False)
    reason = EncryptedTextField(_("motivo de la canalización"))
    status = models.CharField(
        _("estado"),
        max_length=20,
        choices=ReferralStatus.choices,
        default=ReferralStatus.PROPUESTA,
    )
    contact_person = EncryptedTextField(
        _("persona de contacto en la institución"), blank=True, default=""
    )
    # Sent under a legal override instead of her consent: the override is spent on this one.
    override = models.OneToOneField(
        "cases.ConsentOverride",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referral",
    )
    # SharedItem codes the institution received when the referral was sent.
    shared_items = models.JSONField(_("qué se compartió"), default=list, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("propuesta"), default=timezone.now)
    sent_at = models.DateTimeField(_("enviada"), null=True, blank=True)
    received_at = models.DateTimeField(_("recibida"), null=True, blank=True)
    attended_at = models.DateTimeField(_("atendida"), null=True, blank=True)
    closed_at = models.DateTimeField(_("concluida"), null=True, blank=True)

    class Meta:
        verbose_name = _("canalización")
        verbose_name_plural = _("canalizaciones")
        ordering = ["proposed_at", "id"]
        indexes = [
            models.Index(fields=["case", "proposed_at"]),
            models.Index(fields=["institution", "status", "sent_at"]),
        ]

    def __str__(self) -> str:
        # Never the reason: it is encrypted content.
        return f"{self.case_id} -> {self.institution_id} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def next_statuses(self) -> list[ReferralStatus]:
        allowed = TRANSITIONS[self.status]
        return [status for status in ReferralStatus if status in allowed]


class ReferralEvent(EncryptedModel):
    """One change of a referral's status. Never edited."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    # 0, 1, 2… per referral: the order of events even when two share a timestamp.
    position = models.PositiveIntegerField()
    from_status = models.CharField(max_length=20, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ReferralStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = EncryptedTextField(_("nota"), blank=True, default="")

    class Meta:
        ordering = ["referral", "position"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "position"], name="referral_event_order")
        ]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.from_status}->{self.to_status}"


class OficioIssue(models.Model):
    """One oficio de canalización generated. The document itself is not kept (it is made
    again from the case when needed); its fingerprint and what it carried are."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="oficios")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)
    shared_items = models.JSONField(default=list)
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["issued_at", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.issued_at:%Y-%m-%d}"
