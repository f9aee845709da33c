from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "violeta.accounts"
    verbose_name = _("Cuentas y roles")

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from violeta.accounts import checks  # noqa: F401 - registers the checks
        from violeta.accounts.receivers import on_user_locked_out

        user_locked_out.connect(on_user_locked_out, dispatch_uid="violeta_audit_lockout")
