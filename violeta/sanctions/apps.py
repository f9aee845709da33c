from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SanctionsConfig(AppConfig):
    name = "violeta.sanctions"
    verbose_name = _("Sanción")

    def ready(self) -> None:
        from violeta.cases.views.case import detail_section_register
        from violeta.sanctions.views import procedure_section
        from violeta.sanctions.views_retaliation import retaliation_section

        detail_section_register(procedure_section, "sanctions/_section.html")
        detail_section_register(retaliation_section, "sanctions/_retaliation.html")
