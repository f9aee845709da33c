from django.contrib import admin
from django.db import models as db_models

from violeta.catalogs import models

COMMON_LIST = ("code", "name_es", "legal_source", "effective_date", "repealed_date", "verified")
COMMON_READONLY = ("loaded_from",)


class CatalogEntryAdmin(admin.ModelAdmin):
    list_display = [*COMMON_LIST]
    list_filter = ["verified", "effective_date"]
    search_fields = ("code", "name_es", "name_en", "legal_source")
    readonly_fields = COMMON_READONLY
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
    list_display = ["code", "short_name", "level", "phone", "emergency", "effective_date"]
    list_filter = ["level", "emergency"]


admin.site.register(models.Principle, CatalogEntryAdmin)
admin.site.register(models.VulnerableGroup, CatalogEntryAdmin)
