from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtocolsConfig(AppConfig):
    name = "violeta.protocols"
    verbose_name = _("Protocolos")

    def ready(self) -> None:
        from violeta.catalogs.receivers import generation_watch
        from violeta.protocols.models import ProtocolVersion

        # Loaded versions are read on most pages (the inbox's stage filter and names, the
        # intake): kept in memory under the catalogs' token, renewed by every version written.
        generation_watch(ProtocolVersion)
