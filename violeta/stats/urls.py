from django.urls import path

from violeta.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("exportar/", views.export_table, name="export"),
    path("banavim/", views.export_banavim, name="banavim"),
]
