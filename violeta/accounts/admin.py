from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# Imported so that their registrations have happened before they are undone below.
from django_otp.plugins.otp_static import admin as _otp_static_admin  # noqa: F401
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp import admin as _otp_totp_admin  # noqa: F401
from django_otp.plugins.otp_totp.models import TOTPDevice

from violeta.accounts import services
from violeta.accounts.models import User

# Access follows roles, not Django groups and permissions; hiding Group avoids a second,
# contradictory way to grant access.
admin.site.unregister(Group)
# django-otp's own admin would show every person's TOTP secret and recovery codes to
# administración. Second factors are managed through the actions on the user list instead.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "role", "specialty", "dependencia", "position")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).lower()


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ("email", "full_name", "role", "specialty", "dependencia", "is_active")
    list_filter = ("role", "specialty", "is_active", "dependencia")
    search_fields = ("email", "full_name")
    ordering = ("full_name",)
    filter_horizontal = ()
    actions = ["unlock_logins", "reset_second_factor"]
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Persona"), {"fields": ("full_name", "dependencia", "position")}),
        (_("Rol"), {"fields": ("role", "specialty", "may_override_consent", "is_active")}),
        (_("Fechas"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "full_name",
                    "role",
                    "specialty",
                    "dependencia",
                    "position",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "email" and isinstance(field, forms.EmailField):
            field.widget.attrs["autocomplete"] = "off"
        return field

    @admin.action(description=_("Desbloquear el acceso tras intentos fallidos"))
    def unlock_logins(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.login_lockout_reset(user=user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "Se desbloqueó el acceso de %(count)d persona.",
                "Se desbloqueó el acceso de %(count)d personas.",
                count,
            )
            % {"count": count},
        )

    @admin.action(description=_("Restablecer el segundo factor (teléfono perdido o nuevo)"))
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            services.second_factor_reset(user=user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "Se restableció el segundo factor de %(count)d persona; lo configurará de "
                "nuevo la próxima vez que entre.",
                "Se restableció el segundo factor de %(count)d personas; lo configurarán de "
                "nuevo la próxima vez que entren.",
                count,
            )
            % {"count": count},
        )
