from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

admin.site.site_header = _("Violeta · Administración")
admin.site.site_title = _("Violeta")
admin.site.index_title = _("Personas usuarias y catálogos")

urlpatterns = [
    path("", include("violeta.portal.urls")),
    path("personal/", include("violeta.accounts.urls")),
    path("casos/", include("violeta.cases.urls")),
    path("protocolos/", include("violeta.protocols.urls")),
    path("que-hago/", include("violeta.detection.urls_public")),
    path("deteccion/", include("violeta.detection.urls")),
    path("canalizacion/", include("violeta.referrals.urls")),
    path("sancion/", include("violeta.sanctions.urls")),
    path("reporte/", include("violeta.reports.urls_public")),
    path("reportes/", include("violeta.reports.urls")),
    path("capacitacion/", include("violeta.training.urls")),
    path("constancia/", include("violeta.training.urls_public")),
    path("estadistica/", include("violeta.stats.urls")),
    path("avisos/", include("violeta.notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # One way in for everybody: the admin's own login page sends people to the staff login.
    path(
        "administracion/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
        name="admin_login_redirect",
    ),
    path("administracion/", admin.site.urls),
]
