"""Triage of the public channel's reports, for coordinación and atención."""

from django.urls import path

from violeta.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/responder/", views.reply, name="reply"),
    path("<uuid:pk>/caso/", views.convert, name="convert"),
    path("<uuid:pk>/vincular/", views.link, name="link"),
    path("<uuid:pk>/cerrar/", views.dismiss, name="dismiss"),
    path("archivo/<uuid:pk>/", views.attachment, name="attachment"),
]
