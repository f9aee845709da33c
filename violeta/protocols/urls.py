from django.urls import path

from violeta.protocols import views

app_name = "protocols"
urlpatterns = [
    path("", views.protocol_list, name="list"),
    path("<slug:code>/<str:version>/", views.protocol_detail, name="detail"),
]
