from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "violeta.referrals"
    verbose_name = _("Canalización")

    def ready(self) -> None:
        from violeta.cases.views.case import detail_section_register
        from violeta.referrals.views import referrals_section

        detail_section_register(referrals_section, "referrals/_section.html")
