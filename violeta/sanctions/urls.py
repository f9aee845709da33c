from django.urls import path

from violeta.sanctions import views
from violeta.sanctions.views_accused import urlpatterns as accused
from violeta.sanctions.views_investigation import urlpatterns as investigation
from violeta.sanctions.views_retaliation import urlpatterns as retaliation

app_name = "sanctions"
urlpatterns = [
    path("caso/<uuid:pk>/abrir/", views.procedure_open, name="open"),
    path("<uuid:pk>/", views.procedure_detail, name="detail"),
    path("<uuid:pk>/notificar/", views.accused_notify, name="notify"),
    path("<uuid:pk>/sesion/", views.session_convene, name="convene"),
    path("<uuid:pk>/representante/", views.representative_set, name="representative"),
    path("sesion/<uuid:pk>/", views.session_detail, name="session"),
    path("sesion/<uuid:pk>/excusa/", views.session_excuse, name="excuse"),
    path("sesion/<uuid:pk>/asistencia/", views.session_hold, name="hold"),
    path("sesion/<uuid:pk>/medida/", views.measure_propose, name="measure_propose"),
    path("sesion/<uuid:pk>/acta/", views.session_acta, name="acta"),
    path("medida/<uuid:pk>/", views.measure_detail, name="measure"),
    path("medida/<uuid:pk>/consentimiento/", views.measure_consent, name="measure_consent"),
    path("medida/<uuid:pk>/votos/", views.measure_votes, name="votes"),
    path("medida/<uuid:pk>/cumplimiento/", views.measure_compliance, name="compliance"),
    path("medida/<uuid:pk>/renovar/", views.measure_renew, name="renew"),
    *investigation,
    *accused,
    *retaliation,
]
