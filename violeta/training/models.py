"""Erradicación y prevención: courses (content files), quizzes, sessions and attendance,
constancias that anyone can verify, campaigns and their activities.

Courses, lessons and questions are loaded from ``content/`` (``load_courses``); what people do
(attempts, attendance, constancias) is recorded here. Nothing here is case data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _pick(es: str, en: str) -> str:
    return en if (get_language() or "").startswith("en") and en else es


class Course(models.Model):
    code = models.SlugField(_("clave"), max_length=60, unique=True)
    title_es = models.CharField(_("título"), max_length=200)
    title_en = models.CharField(_("título en inglés"), max_length=200, blank=True)
    summary_es = models.TextField(_("resumen"), blank=True)
    summary_en = models.TextField(_("resumen en inglés"), blank=True)
    mandatory = models.BooleanField(_("obligatorio para todo el personal"), default=False)
    passing_score = models.PositiveSmallIntegerField(_("calificación aprobatoria (%)"), default=80)
    version = models.CharField(_("versión"), max_length=20)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("vigente"), default=True)

    class Meta:
        verbose_name = _("curso")
        verbose_name_plural = _("cursos")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.code

    @property
    def title(self) -> str:
        return _pick(self.title_es, self.title_en)

    @property
    def summary(self) -> str:
        return _pick(self.summary_es, self.summary_en)


class Lesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveSmallIntegerField()
    slug = models.SlugField(max_length=80)
    title_es = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200, blank=True)
    body_es = models.TextField()  # markdown, from the content files
    body_en = models.TextField(blank=True)

    class Meta:
        ordering = ["course", "position"]
        constraints = [models.UniqueConstraint(fields=["course", "slug"], name="lesson_slug_once")]

    def __str__(self) -> str:
        return f"{self.course_id}:{self.slug}"

    @property
    def title(self) -> str:
        return _pick(self.title_es, self.title_en)

    @property
    def body(self) -> str:
        return _pick(self.body_es, self.body_en)


class QuizStage(models.TextChoices):
    PRE = "pre", _("Evaluación inicial")
    POST = "post", _("Evaluación final")


class Question(models.Model):
    """A realistic scenario with options; every option explains why it is right or wrong.
    ``options``: [{"code", "text": {"es","en"}, "correct": bool, "explanation": {"es","en"}}]."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(max_length=60)
    position = models.PositiveSmallIntegerField()
    prompt_es = models.TextField()
    prompt_en = models.TextField(blank=True)
    options = models.JSONField()
    # Which evaluations use it: "pre", "post" or both.
    stages = models.JSONField(default=list)

    class Meta:
        ordering = ["course", "position"]
        constraints = [
            models.UniqueConstraint(fields=["course", "code"], name="question_code_once")
        ]

    def __str__(self) -> str:
        return f"{self.course_id}:{self.code}"

    @property
    def prompt(self) -> str:
        return _pick(self.prompt_es, self.prompt_en)


class QuizAttempt(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="attempts")
    stage = models.CharField(max_length=10, choices=QuizStage.choices)
    answers = models.JSONField()  # {question code: option code}
    score = models.PositiveSmallIntegerField()  # percent
    passed = models.BooleanField()
    taken_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["taken_at", "id"]
        indexes = [models.Index(fields=["user", "course", "stage"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.course_id} {self.stage} {self.score}"


class SessionMode(models.TextChoices):
    PRESENCIAL = "presencial", _("Presencial")
    EN_LINEA = "en_linea", _("En línea, a su ritmo")


class ActionLine(models.Model):
    """A line of action of the Programa Municipal de Igualdad (from ``data/action_lines.yaml``)."""

    code = models.SlugField(max_length=60, unique=True)
    name_es = models.CharField(max_length=250)
    name_en = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def name(self) -> str:
        return _pick(self.name_es, self.name_en)


class CampaignKind(models.TextChoices):
    DIECISEIS_DIAS = "dieciseis_dias", _("16 días de activismo")
    DIA_NARANJA = "dia_naranja", _("Día Naranja")
    PLATICA = "platica", _("Plática comunitaria")
    OTRA = "otra", _("Otra actividad")


class Campaign(models.Model):
    name = models.CharField(_("nombre"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=20, choices=CampaignKind.choices)
    starts_on = models.DateField(_("inicia"))
    ends_on = models.DateField(_("termina"))
    action_lines = models.ManyToManyField(
        ActionLine, verbose_name=_("líneas de acción"), blank=True, related_name="campaigns"
    )
    description = models.TextField(_("descripción"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name


class CampaignActivity(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="activities")
    held_on = models.DateField(_("fecha"))
    title = models.CharField(_("actividad"), max_length=200)
    dependencia = models.ForeignKey(
        "catalogs.Dependencia",
        verbose_name=_("dependencia"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    place = models.CharField(_("lugar"), max_length=200, blank=True)
    reach = models.PositiveIntegerField(_("personas alcanzadas"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    mode = models.CharField(_("modalidad"), max_length=20, choices=SessionMode.choices)
    held_on = models.DateField(_("fecha"))
    place = models.CharField(_("lugar"), max_length=200, blank=True)
    given_by = models.CharField(_("impartida por"), max_length=200)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaña"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "id"]

    def __str__(self) -> str:
        return f"{self.course_id} {self.held_on}"


class Attendance(models.Model):
    """One person at one session. ``identity`` (normalised e-mail, else employee number, else
    name and dependencia) makes importing the same list twice add nobody twice."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances"
    )
    full_name = models.CharField(_("nombre"), max_length=200)
    email = models.EmailField(_("correo"), blank=True)
    employee_number = models.CharField(_("número de empleado"), max_length=40, blank=True)
    dependencia = models.ForeignKey(
        "catalogs.Dependencia",
        verbose_name=_("dependencia"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
    )
    identity = models.CharField(max_length=260)
    imported_from = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "full_name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "identity"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.session_id} {self.identity}"


class Certificate(models.Model):
    """A constancia. Anyone can check its ``code`` on the public verification page."""

    code = models.CharField(_("código de verificación"), max_length=24, unique=True)
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="certificates")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
    )
    attendance = models.OneToOneField(
        Attendance, on_delete=models.SET_NULL, null=True, blank=True, related_name="certificate"
    )
    holder_name = models.CharField(_("a nombre de"), max_length=200)
    dependencia = models.ForeignKey(
        "catalogs.Dependencia", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("emitida"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revocada"), null=True, blank=True)
    revoked_reason = models.CharField(_("motivo de la revocación"), max_length=300, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("constancia")
        verbose_name_plural = _("constancias")
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["course", "user"])]

    def __str__(self) -> str:
        return self.code

    @property
    def valid(self) -> bool:
        return self.revoked_at is None
