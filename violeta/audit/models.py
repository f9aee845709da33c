"""The audit log: an append-only, hash-chained record of who did what to which record.

Threat: a system administrator (or anyone with the database) reading case records or quietly
rewriting who looked at them. So the log holds codes and references only, never case content,
and every entry carries the hash of the one before it: an edit, deletion, insertion or
reordering breaks the chain and ``manage.py verify_audit`` names where.

Rows are written only by ``services.audit_record``. The database refuses UPDATE, DELETE and
TRUNCATE on ``AuditEntry`` (migration 0002). On SQLite, any later migration that rebuilds this
table (most AlterField operations do) drops those triggers: re-create them in that migration;
``tests/test_append_only.py`` fails if they are missing.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """What happened. Codes are stored; labels are rendered in the viewer's language.

    To add an action, add a member here: the field's choices are read through
    ``audit_action_choices``, so no migration is needed.
    """

    VIEW = "view", _("consulta")
    CREATE = "create", _("alta")
    UPDATE = "update", _("modificación")
    DELETE = "delete", _("eliminación")
    LOGIN = "login", _("inicio de sesión")
    LOGOUT = "logout", _("cierre de sesión")
    LOGIN_FAILED = "login_failed", _("intento fallido de inicio de sesión")
    EMERGENCY_ACCESS = "emergency_access", _("acceso de emergencia")
    ASSIGN = "assign", _("asignación")
    UNASSIGN = "unassign", _("retiro de asignación")
    EXPORT = "export", _("exportación")
    SHRED = "shred", _("destrucción segura")
    KEY_ROTATION = "key_rotation", _("rotación de llaves")
    MFA_ENROLLED = "mfa_enrolled", _("alta de segundo factor")
    MFA_FAILED = "mfa_failed", _("segundo factor fallido")
    LOCKOUT = "lockout", _("bloqueo de cuenta")
    TRANSITION = "transition", _("cambio de etapa del protocolo")
    CONSENT = "consent", _("decisión de consentimiento")
    CONSENT_OVERRIDE = "consent_override", _("envío sin consentimiento por obligación legal")
    CLOSE = "close", _("cierre de caso")
    REOPEN = "reopen", _("reapertura de caso")
    REFERRAL = "referral", _("canalización")
    DOCUMENT = "document", _("generación de documento")


def audit_action_choices() -> Sequence[tuple[str, str | Promise]]:
    # A callable keeps the choice list out of the migration state, so extending AuditAction
    # does not produce a migration (which on SQLite would rebuild the table and drop the
    # append-only triggers).
    return AuditAction.choices


class AuditOrigin(models.TextChoices):
    WEB = "web", _("web")
    COMMAND = "command", _("comando")
    SYSTEM = "system", _("sistema")


class AuditEntry(models.Model):
    """One link of the chain. ``hash`` = SHA-256(prev_hash + canonical JSON of the content);
    see ``violeta.audit.chain``."""

    seq = models.PositiveBigIntegerField(_("secuencia"), unique=True, editable=False)
    created_at = models.DateTimeField(_("fecha y hora"), editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona usuaria"),
        # History must outlive the account: deactivate people, never delete them.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    origin = models.CharField(_("origen"), max_length=10, choices=AuditOrigin.choices)
    session_ref = models.CharField(
        _("referencia de sesión"),
        max_length=16,
        blank=True,
        help_text=_("Huella de la sesión; nunca la clave de sesión."),
    )
    action = models.CharField(_("acción"), max_length=32, choices=audit_action_choices)
    target_type = models.CharField(_("tipo de registro"), max_length=100, blank=True)
    target_id = models.CharField(_("identificador del registro"), max_length=64, blank=True)
    detail = models.JSONField(_("detalle"), default=dict, blank=True)
    prev_hash = models.CharField(_("huella anterior"), max_length=64, editable=False)
    hash = models.CharField(_("huella"), max_length=64, editable=False)

    class Meta:
        verbose_name = _("entrada de bitácora")
        verbose_name_plural = _("entradas de bitácora")
        ordering = ["seq"]
        indexes = [
            # Serves "quién ha consultado este expediente": one record's entries, newest first.
            models.Index(fields=["target_type", "target_id", "-seq"], name="audit_entry_target"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="audit_entry_seq_positive"),
            models.CheckConstraint(
                condition=models.Q(origin__in=AuditOrigin.values), name="audit_entry_origin_known"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_type}:{self.target_id}"


def target_reference(target: models.Model) -> tuple[str, str]:
    """How entries name a record: ("app_label.ModelName", primary key as text).

    The concrete model, so entries written through a proxy are found from the record itself.
    """
    model = target._meta.concrete_model or type(target)
    return model._meta.label, str(target.pk)


class AuditChainHead(models.Model):
    """The single row that says where the chain ends (last seq and its hash).

    Appending updates it first, which takes the database's write lock on it, so concurrent
    appends queue up instead of both extending the same entry. It is updated on every append,
    so it cannot carry the append-only triggers; ``verify_audit`` checks it against the last
    entry, which catches deleting entries at the end.
    """

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    seq = models.PositiveBigIntegerField(_("última secuencia"), default=0)
    hash = models.CharField(_("última huella"), max_length=64)

    class Meta:
        verbose_name = _("cabeza de la cadena de bitácora")
        verbose_name_plural = _("cabeza de la cadena de bitácora")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="audit_chain_head_single_row"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
