from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogsConfig(AppConfig):
    name = "violeta.catalogs"
    verbose_name = _("Catálogos")

    def ready(self) -> None:
        from violeta.catalogs import receivers

        receivers.connect()
