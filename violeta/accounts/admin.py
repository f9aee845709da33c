from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from violeta.accounts.models import User

# Access follows roles, not Django groups and permissions; hiding Group avoids a second,
# contradictory way to grant access.
admin.site.unregister(Group)


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
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Persona"), {"fields": ("full_name", "dependencia", "position")}),
        (_("Rol"), {"fields": ("role", "specialty", "is_active")}),
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
