from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DetectionConfig(AppConfig):
    name = "violeta.detection"
    verbose_name = _("Detección")

    def ready(self) -> None:
        from violeta.cases.views.case import detail_section_register
        from violeta.detection.views import risk_section

        detail_section_register(risk_section, "detection/_risk_summary.html")
