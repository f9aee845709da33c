"""Sanción: the internal administrative procedure when the person accused is a public servant.

A procedure belongs to one case and one person accused. The comité meets in sessions whose
members may be excused for a conflict of interest; it votes medidas de protección; the OIC
gathers evidence, holds hearings and resolves. Free text is encrypted with each record's data
key; codes and dates stay in the clear for deadlines and figures.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.crypto.attachments import EncryptedAttachment
from violeta.crypto.fields import EncryptedTextField
from violeta.crypto.models import EncryptedModel


class ComitePosition(models.TextChoices):
    PRESIDENCIA = "presidencia", _("Presidencia")
    SECRETARIA = "secretaria", _("Secretaría técnica")
    VOCAL = "vocal", _("Vocal")


class ComiteMember(models.Model):
    """A member of the comité. Administración keeps the list; members are autoridad users."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("persona"),
        on_delete=models.PROTECT,
        related_name="comite_member",
    )
    position = models.CharField(_("cargo"), max_length=20, choices=ComitePosition.choices)
    active = models.BooleanField(_("activa"), default=True)
    since = models.DateField(_("desde"), default=timezone.localdate)

    class Meta:
        verbose_name = _("integrante del comité")
        verbose_name_plural = _("integrantes del comité")
        ordering = ["position", "user__full_name"]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_position_display()})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from violeta.accounts.roles import Role

        if self.user_id and self.user.role not in (Role.AUTORIDAD, Role.COORDINACION):
            raise ValidationError(
                {"user": _("Integran el comité personas con rol de autoridad o de coordinación.")}
            )


class ProcedureStatus(models.TextChoices):
    ABIERTO = "abierto", _("Abierto")
    RESUELTO = "resuelto", _("Resuelto")
    CONCLUIDO = "concluido", _("Concluido")


class Procedure(EncryptedModel):
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+")
    accused = models.ForeignKey(
        "cases.CaseParty",
        verbose_name=_("persona señalada"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What the accused is told he is accused of: written by the autoridad for him, never her
    # account or her contact data.
    allegations = EncryptedTextField(_("hechos que se le atribuyen"))
    status = models.CharField(
        _("estado"), max_length=20, choices=ProcedureStatus.choices, default=ProcedureStatus.ABIERTO
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("abierto"), default=timezone.now)
    # A staff account that represents the accused (optional): sees what he sees.
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("representante de la persona señalada"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    accused_notified_at = models.DateTimeField(_("notificada a la persona señalada"), null=True)
    # The term he has to present evidence and arguments, from the notice.
    response_due_at = models.DateTimeField(_("plazo para pruebas y alegatos"), null=True)

    class Meta:
        verbose_name = _("procedimiento")
        verbose_name_plural = _("procedimientos")

    def __str__(self) -> str:
        return f"procedure {self.case_id}"


class SessionStatus(models.TextChoices):
    CONVOCADA = "convocada", _("Convocada")
    CELEBRADA = "celebrada", _("Celebrada")
    SIN_QUORUM = "sin_quorum", _("Sin quórum")


class ComiteSession(EncryptedModel):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveIntegerField(_("número"))
    scheduled_for = models.DateTimeField(_("fecha y hora"))
    place = models.CharField(_("lugar"), max_length=200)
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    convened_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("estado"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.CONVOCADA
    )
    held_at = models.DateTimeField(_("celebrada"), null=True, blank=True)
    quorum_required = models.PositiveSmallIntegerField(_("quórum necesario"))
    agreements = EncryptedTextField(_("acuerdos"), blank=True, default="")

    class Meta:
        ordering = ["procedure", "number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="session_number_once")
        ]

    def __str__(self) -> str:
        return f"session {self.number}"


class Excuse(models.TextChoices):
    MISMA_CADENA = "misma_cadena", _("Trabaja en la misma cadena de mando que una de las partes")
    PARTE = "parte", _("Es parte del caso")
    PARENTESCO = "parentesco", _("Tiene parentesco o relación cercana con una de las partes")
    OTRO_INTERES = "otro_interes", _("Otro interés en el asunto")


class SessionMember(EncryptedModel):
    """A member convened to a session: present or not, and excused or not. An excused member
    does not count for quorum and cannot vote."""

    session = models.ForeignKey(ComiteSession, on_delete=models.CASCADE, related_name="members")
    member = models.ForeignKey(ComiteMember, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("presente"), null=True)
    excuse = models.CharField(_("excusa"), max_length=20, choices=Excuse.choices, blank=True)
    excuse_note = EncryptedTextField(_("detalle de la excusa"), blank=True, default="")

    class Meta:
        ordering = ["session", "member__position", "member__user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="session_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.member_id}"

    @property
    def may_vote(self) -> bool:
        return bool(self.present) and not self.excuse


class MeasureKind(models.TextChoices):
    REUBICACION_AGRESOR = "reubicacion_agresor", _("Reubicación del presunto agresor")
    CAMBIO_UNIDAD = "cambio_unidad", _("Cambio de unidad administrativa")
    CAMBIO_HORARIO = "cambio_horario", _("Cambio de horario")
    NO_CONTACTO = "no_contacto", _("Prohibición de contacto")
    SUSPENSION_TEMPORAL = "suspension_temporal", _("Suspensión temporal")
    ASESORIA_JURIDICA = "asesoria_juridica", _("Asesoría jurídica")
    ATENCION_PSICOLOGICA = "atencion_psicologica", _("Atención psicológica")
    TRABAJO_A_DISTANCIA = "trabajo_a_distancia", _("Trabajo a distancia")
    OTRA = "otra", _("Otra medida")


class MeasureSubject(models.TextChoices):
    PRESUNTO_AGRESOR = "presunto_agresor", _("La persona señalada")
    PERSONA_AFECTADA = "persona_afectada", _("Ella (la persona afectada)")


class MeasureStatus(models.TextChoices):
    PROPUESTA = "propuesta", _("Propuesta")
    APROBADA = "aprobada", _("Aprobada")
    RECHAZADA = "rechazada", _("Rechazada")
    CONCLUIDA = "concluida", _("Concluida")


class VoteResult(models.TextChoices):
    UNANIMIDAD = "unanimidad", _("Por unanimidad")
    MAYORIA = "mayoria", _("Por mayoría")
    RECHAZADA = "rechazada", _("Rechazada")


class Measure(EncryptedModel):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="measures")
    session = models.ForeignKey(
        ComiteSession, on_delete=models.PROTECT, related_name="measures", null=True
    )
    kind = models.CharField(_("medida"), max_length=30, choices=MeasureKind.choices)
    subject = models.CharField(
        _("a quién se aplica"), max_length=20, choices=MeasureSubject.choices
    )
    detail = EncryptedTextField(_("detalle"), blank=True, default="")
    responsible = models.CharField(
        _("quién debe cumplirla"),
        max_length=200,
        help_text=_("Por ejemplo: Recursos Humanos de la dependencia."),
    )
    starts_on = models.DateField(_("inicia"))
    ends_on = models.DateField(_("termina"))
    status = models.CharField(
        _("estado"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.PROPUESTA
    )
    result = models.CharField(_("votación"), max_length=20, choices=VoteResult.choices, blank=True)
    # A measure that moves her needs her consent, recorded before the vote.
    her_consent_at = models.DateTimeField(_("consentimiento de ella"), null=True, blank=True)
    her_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    renews = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewals"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["proposed_at", "id"]
        indexes = [models.Index(fields=["status", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.status}"

    @property
    def moves_her(self) -> bool:
        return self.subject == MeasureSubject.PERSONA_AFECTADA and self.kind in MOVING_KINDS


# Measures that change where, when or how she works: applied to her they need her consent
# (no punishment of the victim; prohibition of retaliation).
MOVING_KINDS = frozenset(
    {
        MeasureKind.REUBICACION_AGRESOR,
        MeasureKind.CAMBIO_UNIDAD,
        MeasureKind.CAMBIO_HORARIO,
        MeasureKind.SUSPENSION_TEMPORAL,
        MeasureKind.TRABAJO_A_DISTANCIA,
        MeasureKind.OTRA,
    }
)


class VoteChoice(models.TextChoices):
    A_FAVOR = "a_favor", _("A favor")
    EN_CONTRA = "en_contra", _("En contra")
    ABSTENCION = "abstencion", _("Abstención")


class Vote(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(SessionMember, on_delete=models.PROTECT, related_name="votes")
    choice = models.CharField(_("voto"), max_length=20, choices=VoteChoice.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["measure", "member"], name="vote_once")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.choice}"


class ComplianceCheck(EncryptedModel):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="checks")
    complied = models.BooleanField(_("se cumple"))
    note = EncryptedTextField(_("nota"), blank=True, default="")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["checked_at", "id"]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.complied}"


class Side(models.TextChoices):
    PERSONA_AFECTADA = "persona_afectada", _("Persona afectada")
    PERSONA_SENALADA = "persona_senalada", _("Persona señalada")
    AUTORIDAD = "autoridad", _("Autoridad investigadora")


class Evidence(EncryptedAttachment):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="evidence")
    side = models.CharField(_("presentada por"), max_length=20, choices=Side.choices)
    description = EncryptedTextField(_("descripción"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["stored_at", "id"]

    def __str__(self) -> str:
        return f"evidence {self.pk}"


class Argument(EncryptedModel):
    """Written arguments (alegatos) of one side."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="arguments")
    side = models.CharField(_("parte"), max_length=20, choices=Side.choices)
    text = EncryptedTextField(_("alegatos"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return f"argument {self.side}"


class HearingKind(models.TextChoices):
    INICIAL = "inicial", _("Audiencia inicial")
    PRUEBAS = "pruebas", _("Desahogo de pruebas")
    ALEGATOS = "alegatos", _("Alegatos")


class Hearing(EncryptedModel):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="hearings")
    kind = models.CharField(_("audiencia"), max_length=20, choices=HearingKind.choices)
    scheduled_for = models.DateTimeField(_("fecha y hora"))
    held_at = models.DateTimeField(_("celebrada"), null=True, blank=True)
    minutes = EncryptedTextField(_("constancia"), blank=True, default="")
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["scheduled_for", "id"]

    def __str__(self) -> str:
        return f"hearing {self.kind}"


class Outcome(models.TextChoices):
    SANCION = "sancion", _("Responsabilidad administrativa: sanción")
    NO_RESPONSABILIDAD = "no_responsabilidad", _("No hay responsabilidad administrativa")


class Sanction(models.TextChoices):
    # LGRA art. 75 (faltas no graves); art. 78 adds sanción económica for faltas graves, which
    # the Tribunal imposes.
    AMONESTACION_PUBLICA = "amonestacion_publica", _("Amonestación pública")
    AMONESTACION_PRIVADA = "amonestacion_privada", _("Amonestación privada")
    SUSPENSION = "suspension", _("Suspensión del empleo, cargo o comisión")
    DESTITUCION = "destitucion", _("Destitución")
    INHABILITACION = "inhabilitacion", _("Inhabilitación temporal")
    SANCION_ECONOMICA = "sancion_economica", _("Sanción económica (falta grave, Tribunal)")


class Resolution(EncryptedModel):
    procedure = models.OneToOneField(Procedure, on_delete=models.CASCADE, related_name="resolution")
    outcome = models.CharField(_("sentido"), max_length=30, choices=Outcome.choices)
    sanctions = models.JSONField(_("sanciones"), default=list, blank=True)
    suspension_days = models.PositiveSmallIntegerField(_("días de suspensión"), null=True)
    grounds = EncryptedTextField(_("fundamentos y motivos"))
    vista_mp = models.BooleanField(_("se da vista al Ministerio Público"), default=False)
    vista_mp_note = EncryptedTextField(_("por qué sí o no"), blank=True, default="")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(default=timezone.now)
    notified_affected_at = models.DateTimeField(_("notificada a ella"), null=True, blank=True)
    notified_accused_at = models.DateTimeField(
        _("notificada a la persona señalada"), null=True, blank=True
    )
    # The recurso de revocación: 15 días hábiles from the accused's notice (LGRA art. 210).
    appeal_due_at = models.DateTimeField(_("vence el plazo para impugnar"), null=True, blank=True)
    appeal_filed_at = models.DateTimeField(_("impugnada"), null=True, blank=True)

    def __str__(self) -> str:
        return f"resolution {self.outcome}"


class AdverseKind(models.TextChoices):
    CAMBIO_AREA = "cambio_area", _("Cambio de área o de adscripción")
    CAMBIO_HORARIO = "cambio_horario", _("Cambio de horario")
    CAMBIO_FUNCIONES = "cambio_funciones", _("Cambio o retiro de funciones")
    EVALUACION = "evaluacion", _("Evaluación negativa o nota desfavorable")
    DESCUENTO = "descuento", _("Descuento, retención de pago o de prestaciones")
    BAJA = "baja", _("Baja, despido o no renovación de contrato")
    OTRO = "otro", _("Otro cambio desfavorable")


class AdverseChange(EncryptedModel):
    """A change against a person who reported or testified, after the report. Flagged to
    coordinación for review: the prohibition of retaliation."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    party = models.ForeignKey(
        "cases.CaseParty", verbose_name=_("persona"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("cambio"), max_length=20, choices=AdverseKind.choices)
    effective_on = models.DateField(_("desde"))
    detail = EncryptedTextField(_("detalle"), blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    reviewed_at = models.DateTimeField(_("revisado"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_retaliation = models.BooleanField(_("es represalia"), null=True)
    review_note = EncryptedTextField(_("conclusión de la revisión"), blank=True, default="")

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["reviewed_at", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.effective_on}"
