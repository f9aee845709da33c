from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "violeta.training"
    verbose_name = _("Capacitación y prevención")
