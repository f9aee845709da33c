from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.accounts import roles
from violeta.accounts.roles import Role, Specialty


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        # There is no all-powerful account: the highest role administers users and catalogs
        # and, by design, cannot read cases.
        extra["role"] = Role.ADMINISTRACION
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username or "")


class User(AbstractBaseUser):
    """A member of staff. Login is by e-mail; what they may do follows from ``role``."""

    email = models.EmailField(_("correo electrónico"), unique=True)
    full_name = models.CharField(_("nombre completo"), max_length=200)
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    # A specific permission, given person by person: share a case without her consent when
    # the law requires it (with a written reason, audited).
    may_override_consent = models.BooleanField(
        _("puede compartir sin consentimiento por obligación legal"),
        default=False,
        help_text=_("Sólo para coordinación o atención jurídica. Cada uso queda registrado."),
    )
    specialty = models.CharField(
        _("especialidad"),
        max_length=20,
        choices=Specialty.choices,
        blank=True,
        help_text=_("Sólo para el rol de atención."),
    )
    dependencia = models.ForeignKey(
        "catalogs.Dependencia",
        verbose_name=_("dependencia"),
        on_delete=models.PROTECT,
        related_name="users",
    )
    position = models.CharField(_("puesto"), max_length=200, blank=True)
    is_active = models.BooleanField(_("activa"), default=True)
    date_joined = models.DateTimeField(_("alta"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name", "role", "dependencia"]

    class Meta:
        verbose_name = _("persona usuaria")
        verbose_name_plural = _("personas usuarias")
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="user_role_known",
                violation_error_message=_("El rol no es uno de los previstos."),
            ),
            models.CheckConstraint(
                condition=models.Q(specialty="") | models.Q(role=Role.ATENCION),
                name="user_specialty_only_for_atencion",
                violation_error_message=_("La especialidad sólo aplica al rol de atención."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    def clean(self) -> None:
        super().clean()
        self.email = self.email.lower()

    # The admin site asks these three. Only administración enters it, and only for the apps
    # it administers; nobody is a superuser.
    @property
    def is_staff(self) -> bool:
        return roles.is_administracion(self)

    def has_perm(self, perm: str, obj: object | None = None) -> bool:
        app_label = perm.split(".", 1)[0]
        return self.has_module_perms(app_label)

    def has_perms(self, perm_list: Any, obj: object | None = None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        return roles.is_administracion(self) and app_label in roles.ADMINISTERED_APPS
