from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "violeta.referrals"
    verbose_name = _("Canalización")

    def ready(self) -> None:
        from violeta.cases.selectors_timeline import timeline_source_register
        from violeta.cases.views.case import detail_section_register
        from violeta.referrals.views import referral_timeline, referrals_section

        detail_section_register(referrals_section, "referrals/_section.html")
        timeline_source_register(referral_timeline)
