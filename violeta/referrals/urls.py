from django.urls import path

from violeta.referrals import views

app_name = "referrals"
urlpatterns = [
    path("caso/<uuid:pk>/", views.case_referrals, name="case"),
    path("caso/<uuid:pk>/deseos/", views.wishes_record, name="wishes"),
    path("caso/<uuid:pk>/proponer/", views.propose, name="propose"),
    path("<uuid:pk>/", views.referral_detail, name="detail"),
    path("<uuid:pk>/consentimiento/", views.referral_consent, name="consent"),
    path("<uuid:pk>/excepcion/", views.referral_override, name="override"),
    path("<uuid:pk>/estado/", views.referral_move, name="move"),
    path("<uuid:pk>/oficio/", views.referral_oficio, name="oficio"),
    path("indicadores/", views.figures, name="figures"),
]
