"""The public "¿Qué hago si…?" guide, mounted at /que-hago/. No login: anybody may use it."""

from django.urls import path

from violeta.detection.guide import views

app_name = "guide"
urlpatterns = [
    path("", views.start, name="start"),
    path("resultado/", views.result, name="result"),
]
