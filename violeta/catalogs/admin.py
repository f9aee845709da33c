from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib import admin
from django.db import models as db_models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from violeta.catalogs import models
from violeta.catalogs.services import institution_contact_confirm

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldsetSpec

COMMON_LIST = ("code", "name_es", "legal_source", "effective_date", "repealed_date", "verified")
COMMON_READONLY: tuple[str, ...] = ("loaded_from",)


class CatalogEntryAdmin(admin.ModelAdmin):
    list_display = [*COMMON_LIST]
    list_filter = ["verified", "effective_date"]
    search_fields: ClassVar[tuple[str, ...]] = ("code", "name_es", "name_en", "legal_source")
    readonly_fields: ClassVar[tuple[str, ...]] = COMMON_READONLY
    ordering = ("position", "code", "-effective_date")
    formfield_overrides = {db_models.URLField: {"assume_scheme": "https"}}


@admin.register(models.ViolenceType, models.ViolenceModality)
class LegalCatalogAdmin(CatalogEntryAdmin):
    list_display = ["law", *COMMON_LIST]
    list_filter = ["law", "verified", "effective_date"]


@admin.register(models.Dependencia)
class DependenciaAdmin(CatalogEntryAdmin):
    list_display = ["code", "name_es", "short_name", "kind", "is_imm", "phone", "effective_date"]
    list_filter = ["kind", "is_imm"]


@admin.register(models.Institution)
class InstitutionAdmin(CatalogEntryAdmin):
    list_display = [
        "code",
        "short_name",
        "level",
        "phone",
        "email",
        "emergency",
        "effective_date",
        "reviewed_at",
    ]
    list_filter = ["level", "emergency", ("reviewed_at", admin.EmptyFieldListFilter)]
    search_fields = (*CatalogEntryAdmin.search_fields, "short_name", "liaison", "email")
    readonly_fields = (*COMMON_READONLY, "reviewed_at", "reviewed_by")

    def get_fieldsets(
        self, request: HttpRequest, obj: models.Institution | None = None
    ) -> _FieldsetSpec:
        contact: tuple[str, ...] = (
            *models.Institution.CONTACT_FIELDS,
            "reviewed_at",
            "reviewed_by",
        )
        rest = tuple(field for field in self.get_fields(request, obj) if field not in contact)
        return [
            (None, {"fields": rest}),
            (
                _("Datos de contacto"),
                {
                    "fields": contact,
                    "description": _(
                        "Los mantiene administración. Al guardar se registra que los "
                        "confirmaste hoy, y cargar los catálogos ya no los cambia."
                    ),
                },
            ),
        ]

    def save_model(
        self, request: HttpRequest, obj: models.Institution, form: Any, change: bool
    ) -> None:
        # Only administración reaches the admin, always signed in.
        reviewer: Any = request.user
        institution_contact_confirm(institution=obj, reviewer=reviewer)


admin.site.register(models.Principle, CatalogEntryAdmin)
admin.site.register(models.VulnerableGroup, CatalogEntryAdmin)
