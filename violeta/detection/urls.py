from django.urls import path

from violeta.detection import views

app_name = "detection"
urlpatterns = [
    path("caso/<uuid:pk>/riesgo/", views.risk_assess, name="risk_assess"),
    path("caso/<uuid:pk>/riesgo/historial/", views.risk_history_view, name="risk_history"),
]
