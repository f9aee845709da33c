from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "violeta.accounts"
    verbose_name = _("Cuentas y roles")

    def ready(self) -> None:
        from violeta.accounts import checks  # noqa: F401 - registers the checks
