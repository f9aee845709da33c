from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "violeta.audit"
    verbose_name = _("Bitácora de auditoría")

    def ready(self) -> None:
        from django.contrib.auth import signals

        from violeta.audit import receivers

        # dispatch_uid: connected once even if ready() runs again (tests, reloads).
        signals.user_logged_in.connect(
            receivers.on_user_logged_in, dispatch_uid="violeta.audit.login"
        )
        signals.user_logged_out.connect(
            receivers.on_user_logged_out, dispatch_uid="violeta.audit.logout"
        )
        signals.user_login_failed.connect(
            receivers.on_user_login_failed, dispatch_uid="violeta.audit.login_failed"
        )
