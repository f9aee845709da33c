from django.contrib import admin

from violeta.protocols.models import NonWorkingDay


@admin.register(NonWorkingDay)
class NonWorkingDayAdmin(admin.ModelAdmin):
    list_display = ["date", "description"]
    search_fields = ["description"]
    date_hierarchy = "date"
