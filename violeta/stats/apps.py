from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "violeta.stats"
    verbose_name = _("Estadística")

    def ready(self) -> None:
        from violeta.stats.signals import connect

        connect()
