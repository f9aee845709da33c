from django.contrib.auth import views as auth_views
from django.urls import path

from violeta.accounts import views

app_name = "accounts"
urlpatterns = [
    path("entrar/", views.LoginView.as_view(), name="login"),
    path("salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("inicio/", views.home, name="home"),
    path("segundo-factor/", views.second_factor_settings, name="second_factor"),
    path("segundo-factor/configurar/", views.second_factor_enrol, name="second_factor_enrol"),
    path("segundo-factor/verificar/", views.second_factor_verify, name="second_factor_verify"),
]
