from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyntheticConfig(AppConfig):
    name = "violeta.synthetic"
    verbose_name = _("Datos sintéticos")
