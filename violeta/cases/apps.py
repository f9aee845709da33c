from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "violeta.cases"
    verbose_name = _("Casos")

    def ready(self) -> None:
        from violeta.cases import receivers
        from violeta.cases.protocol_hooks import register

        register()
        receivers.connect()
