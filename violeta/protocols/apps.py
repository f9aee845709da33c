from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtocolsConfig(AppConfig):
    name = "violeta.protocols"
    verbose_name = _("Protocolos")
