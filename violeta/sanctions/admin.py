"""Only the comité's composition is administered here: nobody reads a procedure in the admin."""

from django.contrib import admin

from violeta.sanctions.models import ComiteMember


@admin.register(ComiteMember)
class ComiteMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "position", "active", "since"]
    list_filter = ["position", "active"]
    search_fields = ["user__full_name", "user__email"]
    autocomplete_fields = ["user"]
