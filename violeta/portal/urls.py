from django.urls import path

from violeta.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("directorio/", views.directory, name="directory"),
    path("principios/", views.principles, name="principles"),
    path("tipos-de-violencia/", views.violence_catalogs, name="violence_catalogs"),
]
