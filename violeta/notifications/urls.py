from django.urls import path

from violeta.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("leidos/", views.mark_read, name="mark_read"),
]
