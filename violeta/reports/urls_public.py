"""The public reporting channel, mounted at /reporte/. No login: anybody may use it."""

from django.urls import path

from violeta.reports import views

app_name = "report"
urlpatterns = [
    path("", views.start, name="start"),
    path("peligro/", views.danger, name="danger"),
    path("nuevo/", views.report_new, name="new"),
    path("seguimiento/", views.follow_up, name="follow_up"),
    path("seguimiento/mensajes/", views.thread, name="thread"),
    path("seguimiento/salir/", views.leave, name="leave"),
]
