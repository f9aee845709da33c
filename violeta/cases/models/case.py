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
from django.db.models.functions import Right, Upper
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


class Channel(models.TextChoices):
    """How the case reached the institution."""

    PRESENCIAL = "presencial", _("Presencial")
    TELEFONO_072 = "telefono_072", _("Teléfono 072")
    PORTAL = "portal", _("Portal de denuncias")
    CANALIZADA = "canalizada", _("Canalizada por otra institución")
    DE_OFICIO = "de_oficio", _("De oficio")


class Case(EncryptedModel):
    folio = models.CharField(_("folio"), max_length=30, unique=True)
    status = models.CharField(
        _("estado"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    channel = models.CharField(
        _("vía de entrada"), max_length=20, choices=Channel.choices, default=Channel.PRESENCIAL
    )
    referred_by = models.ForeignKey(
        "catalogs.Institution",
        verbose_name=_("institución que canalizó"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
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
    closed_at = models.DateTimeField(_("cerrado"), null=True, blank=True)
    # Derived context (services.context): computed from the parties' facts, never chosen from
    # a list, and stored so that the inbox and statistics can filter on it in SQL.
    is_workplace = models.BooleanField(_("ámbito laboral"), default=False, editable=False)
    is_hierarchical = models.BooleanField(_("relación jerárquica"), default=False, editable=False)
    is_intimate_partner = models.BooleanField(_("pareja o expareja"), default=False, editable=False)
    is_minor_victim = models.BooleanField(
        _("persona afectada menor de edad"), default=False, editable=False
    )
    # The earliest unmet deadline of the case's protocol run, kept by receivers of the
    # protocol's deadline writes (cases.receivers). The inbox's "vencidos" and "vencen pronto"
    # are then one indexed range on the case, not a join to its run's deadlines for every case.
    next_deadline_at = models.DateTimeField(
        _("próximo plazo del protocolo"), null=True, blank=True, editable=False
    )
    # The version and current stage of the case's protocol run, kept the same way (by
    # receivers of the run's creation and of the engine's stage changes): the inbox shows
    # them and filters by stage on the case's own index.
    run_protocol = models.ForeignKey(
        "protocols.ProtocolVersion",
        verbose_name=_("protocolo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,
    )
    run_stage = models.CharField(
        _("etapa del protocolo"), max_length=60, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("caso")
        verbose_name_plural = _("casos")
        ordering = ["-registered_at"]
        indexes = [
            # The inbox: open cases, newest first; and the same per dependencia. With the id,
            # a list's count (and its match against a type of violence) is read from the index
            # alone.
            models.Index(fields=["status", "registered_at", "id"], name="case_status_idx"),
            # ... and every case, newest first (the "all states" filter; ties by id).
            models.Index(fields=["registered_at", "id"], name="case_registered_idx"),
            models.Index(
                fields=["dependencia", "status", "registered_at", "id"],
                name="case_dependencia_status_idx",
            ),
            # The inbox's search by folio: typed in any case (folio__iexact compares UPPER()),
            # or only its number, which is the folio's last characters ("-00042", or
            # "-100042" in a year past 99,999 cases; selectors_inbox._identifier_match).
            # Without them each search reads every case.
            models.Index(Upper("folio"), name="case_folio_upper_idx"),
            models.Index(Right("folio", 6), name="case_folio_suffix_idx"),
            models.Index(Right("folio", 7), name="case_folio_suffix7_idx"),
            # Cases with a protocol deadline (a few in a hundred), by state and then by
            # deadline: "vencidos", "vencen pronto" and "vence primero" walk it in order, and
            # find and sort their rows from the index alone.
            models.Index(
                fields=["status", "next_deadline_at", "registered_at", "id"],
                condition=Q(next_deadline_at__isnull=False),
                name="case_status_deadline_idx",
            ),
            # "Cases in this stage" (of this protocol, in this state), newest first: counted
            # from the index alone, and a rare stage found without testing every case.
            models.Index(
                fields=["run_stage", "run_protocol", "status", "registered_at", "id"],
                name="case_run_stage_idx",
            ),
        ]

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


class AgeRange(models.TextChoices):
    UNDER_12 = "0-11", _("Menor de 12 años")
    FROM_12 = "12-17", _("De 12 a 17 años")
    FROM_18 = "18-29", _("De 18 a 29 años")
    FROM_30 = "30-44", _("De 30 a 44 años")
    FROM_45 = "45-59", _("De 45 a 59 años")
    FROM_60 = "60+", _("60 años o más")

    @classmethod
    def for_age(cls, age: int) -> AgeRange:
        for value, bound in (("0-11", 11), ("12-17", 17), ("18-29", 29), ("30-44", 44)):
            if age <= bound:
                return cls(value)
        return cls.FROM_45 if age <= 59 else cls.FROM_60


MINOR_AGE_RANGES = frozenset({AgeRange.UNDER_12, AgeRange.FROM_12})


class GenderIdentity(models.TextChoices):
    MUJER = "mujer", _("Mujer")
    MUJER_TRANS = "mujer_trans", _("Mujer trans")
    HOMBRE = "hombre", _("Hombre")
    HOMBRE_TRANS = "hombre_trans", _("Hombre trans")
    NO_BINARIA = "no_binaria", _("Persona no binaria")
    OTRA = "otra", _("Otra identidad")
    NO_DICE = "no_dice", _("Prefiere no decirlo")


class Language(models.TextChoices):
    # The languages the IMM meets most often in the municipality of Chihuahua; "otra" asks
    # for an interpreter all the same (LGAMVLV art. 51: attention in her language).
    ESPANOL = "es", _("Español")
    RARAMURI = "tar", _("Rarámuri (tarahumara)")
    ODAMI = "stp", _("Ódami (tepehuano del norte)")
    WARIJO = "var", _("Warijó (guarijío)")
    OOBA = "pia", _("O'oba (pima)")
    PLAUTDIETSCH = "pdt", _("Plautdietsch (menonita)")
    LSM = "mfs", _("Lengua de Señas Mexicana")
    INGLES = "en", _("Inglés")
    OTRA = "otra", _("Otra lengua")


class Disability(models.TextChoices):
    FISICA = "fisica", _("Física o motriz")
    VISUAL = "visual", _("Visual")
    AUDITIVA = "auditiva", _("Auditiva")
    HABLA = "habla", _("Del habla o comunicación")
    INTELECTUAL = "intelectual", _("Intelectual")
    PSICOSOCIAL = "psicosocial", _("Psicosocial")


class Hierarchy(models.TextChoices):
    """The accused's position relative to her at work. LGAMVLV art. 13: with real
    subordination it is hostigamiento sexual; without it, acoso sexual."""

    SUPERIOR = "superior", _("Es su superior jerárquico (ella le está subordinada)")
    PAR = "par", _("Mismo nivel, sin subordinación")
    SUBORDINADA = "subordinada", _("Le está subordinada a ella")
    SIN_RELACION = "sin_relacion", _("No trabajan en la misma línea de mando")
    NO_SE_SABE = "no_se_sabe", _("No se sabe")


class Relationship(models.TextChoices):
    """The relationship outside work between the accused and her."""

    NINGUNA = "ninguna", _("Ninguna fuera del trabajo")
    PAREJA = "pareja", _("Pareja")
    EXPAREJA = "expareja", _("Expareja")
    FAMILIAR = "familiar", _("Familiar")
    CONOCIDA = "conocida", _("Persona conocida")
    DESCONOCIDA = "desconocida", _("Persona desconocida")


INTIMATE_RELATIONSHIPS = frozenset({Relationship.PAREJA, Relationship.EXPAREJA})


class CaseParty(EncryptedModel):
    """A person in a case. ``user`` links a party who is also a staff member, so that they can
    never see the case or be assigned to it.

    Names and identifiers are encrypted; the categorical facts (age range, identity, language,
    hierarchy) are codes in the clear because the derived context, the guidelines for groups in
    vulnerable conditions and the statistics filter on them.
    """

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
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    is_public_servant = models.BooleanField(_("es persona servidora pública"), default=False)
    dependencia = models.ForeignKey(
        "catalogs.Dependencia",
        verbose_name=_("dependencia donde trabaja"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    position = EncryptedTextField(_("puesto"), blank=True, default="")
    display_name = EncryptedTextField(_("nombre o seudónimo"))
    name_bidx = BlindIndexField(source="display_name", kind="name", db_index=False)
    used_name = EncryptedTextField(_("nombre que usa"), blank=True, default="")
    curp = EncryptedTextField(_("CURP"), blank=True, default="")
    curp_bidx = BlindIndexField(source="curp", kind="curp", db_index=False)
    phone = EncryptedTextField(_("teléfono"), blank=True, default="")
    phone_bidx = BlindIndexField(source="phone", kind="phone", db_index=False)
    email = EncryptedTextField(_("correo"), blank=True, default="")
    email_bidx = BlindIndexField(source="email", kind="email", db_index=False)
    employee_number = EncryptedTextField(_("número de empleado"), blank=True, default="")
    employee_number_bidx = BlindIndexField(
        source="employee_number", kind="employee_number", db_index=False
    )
    # Persona afectada.
    age = models.PositiveSmallIntegerField(_("edad"), null=True, blank=True)
    age_range = models.CharField(
        _("rango de edad"), max_length=10, choices=AgeRange.choices, blank=True
    )
    gender_identity = models.CharField(
        _("identidad de género"), max_length=20, choices=GenderIdentity.choices, blank=True
    )
    language = models.CharField(
        _("lengua"), max_length=10, choices=Language.choices, default=Language.ESPANOL
    )
    needs_interpreter = models.BooleanField(_("requiere intérprete"), default=False)
    disabilities = models.JSONField(_("discapacidad"), default=list, blank=True)
    is_indigenous = models.BooleanField(
        _("pertenece a un pueblo o comunidad indígena"), default=False
    )
    indigenous_community = EncryptedTextField(_("pueblo o comunidad"), blank=True, default="")
    # Codes of catalogs.VulnerableGroup.
    vulnerable_groups = models.JSONField(
        _("otras condiciones de vulnerabilidad"), default=list, blank=True
    )
    # Persona señalada.
    hierarchy = models.CharField(
        _("relación jerárquica con ella"), max_length=20, choices=Hierarchy.choices, blank=True
    )
    relationship = models.CharField(
        _("relación fuera del trabajo"), max_length=20, choices=Relationship.choices, blank=True
    )

    class Meta:
        verbose_name = _("persona en el caso")
        verbose_name_plural = _("personas en el caso")
        ordering = ["added_at", "id"]
        indexes = [
            models.Index(fields=["case", "kind"]),
            # Searches by identifier: each blind index with the case, so that the cases of a
            # common name (tens of thousands of "Persona no identificada") are read from the
            # index alone. Empty values are never searched for and are left out.
            *(
                models.Index(
                    fields=[column, "case"],
                    condition=~Q(**{column: ""}),
                    name=f"party_{column}_idx",
                )
                for column in (
                    "name_bidx",
                    "curp_bidx",
                    "phone_bidx",
                    "email_bidx",
                    "employee_number_bidx",
                )
            ),
        ]

    def __str__(self) -> str:
        # Never the name: it is encrypted content.
        return f"{self.kind} {self.pk}"

    @property
    def effective_age_range(self) -> str:
        if self.age is not None:
            return AgeRange.for_age(self.age)
        return self.age_range

    @property
    def name_to_show(self) -> str:
        """The name she uses, wherever a name is shown (guideline for LGBTI+ people)."""
        return self.used_name or self.display_name

    @property
    def disability_labels(self) -> list[str]:
        return [
            str(Disability(code).label) for code in self.disabilities if code in Disability.values
        ]

    @property
    def is_minor(self) -> bool:
        return self.effective_age_range in MINOR_AGE_RANGES


class AssignmentKind(models.TextChoices):
    PSICOLOGIA = "psicologia", _("Atención psicológica")
    JURIDICA = "juridica", _("Atención jurídica")
    TRABAJO_SOCIAL = "trabajo_social", _("Trabajo social")
    MEDICA = "medica", _("Atención médica")
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
    # The case's ``next_deadline_at`` while the assignment is active, kept with it by the same
    # receivers (cases.receivers): "vence primero" in "mine" then finds the worker's cases with
    # a deadline among her assignments, under their own index, however many cases she holds.
    next_deadline_at = models.DateTimeField(
        _("próximo plazo del protocolo"), null=True, blank=True, editable=False
    )

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
        # The inbox's "mine": start from the viewer's few active assignments.
        indexes = [
            models.Index(
                fields=["user", "case"],
                condition=Q(ended_at__isnull=True),
                name="assignment_active_user_idx",
            ),
            models.Index(
                fields=["user", "next_deadline_at", "case"],
                condition=Q(ended_at__isnull=True, next_deadline_at__isnull=False),
                name="assignment_user_deadline_idx",
            ),
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
